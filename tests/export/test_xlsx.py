"""XLSX: typed cells, text never evaluated, sheets continued past Excel's row limit."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl

from selstats.export import to_bytes, write_batches
from selstats.export.sources import frame_slices
from selstats.export.xlsx_writer import sheet_title, write_xlsx_frames

from .conftest import FORMULA_LIKE, load_sheets, ooxml_text, sample_frame, sheet_xml


def test_cells_have_the_right_types_and_values() -> None:
    data = to_bytes(sample_frame(), "xlsx")
    sheets = load_sheets(data)
    assert list(sheets) == ["selstats"]
    rows = list(sheets["selstats"].iter_rows())
    assert [c.value for c in rows[0]] == ["name", "score", "rank", "passed", "result_date"]
    assert len(rows) == 1 + 9

    names = [ooxml_text(r[0].value) if r[0].value is not None else None for r in rows[1:]]
    # Formula-like text is stored literally (no `'` in XLSX) as a string cell.
    assert names == [*FORMULA_LIKE, "a;b,c", 'say "hi"\nbye', None]
    assert all(r[0].data_type == "s" for r in rows[1:9])

    first = rows[1]
    assert (first[1].value, first[1].data_type) == (-2.5, "n")  # negative number: a number
    assert (first[2].value, first[2].data_type) == (-7, "n")
    assert (first[3].value, first[3].data_type) == (True, "b")
    assert first[4].is_date
    assert first[4].value == dt.datetime(2024, 1, 2)
    assert first[4].number_format == "yyyy-mm-dd"

    assert [r[1].value for r in rows[1:]] == [-2.5, 78.75, 80, None, 0.5, 12, 1.25, 3, -0.5]
    assert [r[2].value for r in rows[1:]] == [-7, 1, 2, 3, 4, 5, 6, None, 8]
    assert [r[3].value for r in rows[1:]] == [
        True,
        False,
        None,
        True,
        False,
        True,
        False,
        True,
        False,
    ]
    assert [r[4].value for r in rows[1:4]] == [
        dt.datetime(2024, 1, 2),
        None,
        dt.datetime(1999, 12, 31),
    ]
    assert rows[4][4].value == dt.datetime(2024, 2, 29)


def test_no_cell_is_a_formula_and_nothing_is_interpreted() -> None:
    frame = pl.DataFrame(
        {
            "t": [*FORMULA_LIKE, "http://example.org", "0123", "1e5", '=HYPERLINK("x")'],
        }
    )
    data = to_bytes(frame, "xlsx")
    cells = [row[0] for row in load_sheets(data)["selstats"].iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    # URLs stay text (no hyperlink), digits stay text (no number), `=` text no formula.
    assert [ooxml_text(cell.value) for cell in cells] == frame["t"].to_list()
    assert all(cell.hyperlink is None for cell in cells)
    xml = sheet_xml(data)
    assert "<f>" not in xml and "<f " not in xml
    assert "<hyperlink" not in xml


def test_calamine_reads_the_literal_text() -> None:
    # polars.read_excel (fastexcel/calamine) decodes OOXML escapes as Excel does.
    back = pl.read_excel(io.BytesIO(to_bytes(sample_frame(), "xlsx")))
    assert back["name"].to_list() == sample_frame()["name"].to_list()


def test_other_temporal_types_and_decimals() -> None:
    frame = pl.DataFrame(
        {
            "at": [dt.datetime(2024, 3, 1, 13, 30, 15)],
            "t": [dt.time(6, 0)],
            "amount": pl.Series(["1234.50"], dtype=pl.Decimal(10, 2)),
            "old": [dt.date(1899, 12, 31)],  # before Excel's calendar: kept as ISO text
            "first": [dt.date(1900, 1, 1)],  # serial 1
            "leap": [dt.date(1900, 3, 1)],  # serial 61 (Excel counts a 1900-02-29)
            "c": pl.Series(["-k"], dtype=pl.Categorical),
        }
    )
    row = next(load_sheets(to_bytes(frame, "xlsx"))["selstats"].iter_rows(min_row=2))
    assert row[0].value == dt.datetime(2024, 3, 1, 13, 30, 15)
    assert row[0].number_format == "yyyy-mm-dd hh:mm:ss"
    assert row[1].value == dt.time(6, 0)
    assert (row[2].value, row[2].data_type) == (1234.5, "n")
    assert (row[3].value, row[3].data_type) == ("1899-12-31", "s")
    assert row[4].value == dt.datetime(1900, 1, 1)
    assert row[5].value == dt.datetime(1900, 3, 1)
    assert (row[6].value, row[6].data_type) == ("-k", "s")


def test_nan_and_infinity_are_excel_errors() -> None:
    data = to_bytes(pl.DataFrame({"f": [float("nan"), float("inf"), 1.0]}), "xlsx")
    cells = [r[0] for r in load_sheets(data)["selstats"].iter_rows(min_row=2)]
    # xlsxwriter stores Excel errors as constant formulas: the only formulas it can write.
    assert [c.value for c in cells] == ["=#NUM!", "=1/0", 1]


def test_rows_beyond_a_sheet_continue_on_the_next() -> None:
    # Excel's limit is 1,048,576 rows; with 4 data rows per sheet, 9 rows fill 4 + 4 + 1,
    # each sheet with the header again. Slices of 3 rows straddle the sheet ends.
    frame = sample_frame().select("rank", "passed")
    buffer = io.BytesIO()
    write_xlsx_frames(frame_slices(frame, 3), frame.schema, buffer, "selstats", rows_per_sheet=4)
    sheets = load_sheets(buffer.getvalue())
    assert list(sheets) == ["selstats", "selstats (2)", "selstats (3)"]
    values = {t: list(s.iter_rows(values_only=True)) for t, s in sheets.items()}
    assert values == {
        "selstats": [("rank", "passed"), (-7, True), (1, False), (2, None), (3, True)],
        "selstats (2)": [("rank", "passed"), (4, False), (5, True), (6, False), (None, True)],
        "selstats (3)": [("rank", "passed"), (8, False)],
    }


def test_sheet_titles_fit_excel_limit() -> None:
    assert sheet_title("selstats", 1) == "selstats"
    assert sheet_title("selstats", 2) == "selstats (2)"
    assert sheet_title("x" * 31, 12) == "x" * 26 + " (12)"  # 26 + 5 = 31 characters


def test_custom_sheet_name_and_empty_stream() -> None:
    buffer = io.BytesIO()
    assert write_batches([], buffer, "xlsx", sheet_name="laureates") == 0
    sheets = load_sheets(buffer.getvalue())
    assert list(sheets) == ["laureates"]
    assert sheets["laureates"].max_row == 1 and sheets["laureates"]["A1"].value is None
