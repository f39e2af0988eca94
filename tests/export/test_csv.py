"""CSV: spreadsheet-safe text, exact values, both dialects, correct quoting, round trips.

The expected files are typed in by hand from the sample frame (tests/export/conftest.py):
text starting with = + - @ tab CR gets a leading `'`; floats in polars' shortest form
(80.0 -> `80.0`, 78.75 -> `78.75`); dates ISO; booleans true/false; nulls empty; fields with
the separator, a quote or a line break are quoted with quotes doubled.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import polars as pl
import pytest

from selstats.export import EXCEL_CSV, CsvDialect, to_bytes, write_frame

from .conftest import sample_frame

BOM = b"\xef\xbb\xbf"

PLAIN = (
    "name,score,rank,passed,result_date\n"
    "'=cmd|' /C calc'!A0,-2.5,-7,true,2024-01-02\n"
    "'+1+1,78.75,1,false,\n"
    "'-2+3,80.0,2,,1999-12-31\n"
    "'@SUM(A1),,3,true,2024-02-29\n"
    "'\tx,0.5,4,false,2024-01-02\n"
    '"\'\rx",12.0,5,true,2024-01-02\n'  # CR inside: quoted
    '"a;b,c",1.25,6,false,2024-01-02\n'  # comma inside: quoted
    '"say ""hi""\nbye",3.0,,true,2024-01-02\n'  # quote and newline: quoted, "" doubled
    ",-0.5,8,false,2024-01-02\n"  # null text: empty cell; negative number untouched
)

EXCEL = (
    "name;score;rank;passed;result_date\n"
    "'=cmd|' /C calc'!A0;-2,5;-7;true;2024-01-02\n"
    "'+1+1;78,75;1;false;\n"
    "'-2+3;80,0;2;;1999-12-31\n"
    "'@SUM(A1);;3;true;2024-02-29\n"
    "'\tx;0,5;4;false;2024-01-02\n"
    '"\'\rx";12,0;5;true;2024-01-02\n'
    '"a;b,c";1,25;6;false;2024-01-02\n'  # now the ';' forces the quotes
    '"say ""hi""\nbye";3,0;;true;2024-01-02\n'
    ";-0,5;8;false;2024-01-02\n"
)

# What the cells hold once a CSV reader has undone the quoting: the `'` stays, it is part
# of the exported text.
CELLS = [
    ["name", "score", "rank", "passed", "result_date"],
    ["'=cmd|' /C calc'!A0", "-2.5", "-7", "true", "2024-01-02"],
    ["'+1+1", "78.75", "1", "false", ""],
    ["'-2+3", "80.0", "2", "", "1999-12-31"],
    ["'@SUM(A1)", "", "3", "true", "2024-02-29"],
    ["'\tx", "0.5", "4", "false", "2024-01-02"],
    ["'\rx", "12.0", "5", "true", "2024-01-02"],
    ["a;b,c", "1.25", "6", "false", "2024-01-02"],
    ['say "hi"\nbye', "3.0", "", "true", "2024-01-02"],
    ["", "-0.5", "8", "false", "2024-01-02"],
]


def test_plain_csv_is_exactly_the_hand_written_file() -> None:
    data = to_bytes(sample_frame(), "csv")
    assert not data.startswith(BOM)
    assert data == PLAIN.encode("utf-8")


def test_excel_dialect_semicolon_decimal_comma_bom() -> None:
    data = to_bytes(sample_frame(), "csv", EXCEL_CSV)
    assert data.startswith(BOM)
    assert data == BOM + EXCEL.encode("utf-8")
    assert b"78,75" in data
    assert b"78.75" not in data


def test_python_csv_reader_sees_the_same_cells() -> None:
    rows = list(csv.reader(io.StringIO(to_bytes(sample_frame(), "csv").decode(), newline="")))
    assert rows == CELLS
    excel = to_bytes(sample_frame(), "csv", EXCEL_CSV).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(excel, newline=""), delimiter=";"))
    assert rows == [
        [cell.replace(".", ",") if i == 1 else cell for i, cell in enumerate(row)] for row in CELLS
    ]


@pytest.mark.parametrize("dialect", [CsvDialect(), EXCEL_CSV, CsvDialect(separator="\t")])
def test_polars_round_trip_gives_the_values_back(dialect: CsvDialect) -> None:
    frame = sample_frame()
    data = to_bytes(frame, "csv", dialect)
    back = pl.read_csv(
        io.BytesIO(data),
        separator=dialect.separator,
        decimal_comma=dialect.decimal_comma,
        schema=frame.schema,
    )
    # Everything comes back as it was, except that formula-like text keeps its `'`.
    expected = frame.with_columns(
        pl.Series("name", [*("'" + s for s in frame["name"][:6]), *frame["name"][6:]])
    )
    assert back.equals(expected)


def test_header_is_guarded_too_and_column_order_is_kept() -> None:
    frame = pl.DataFrame({"z": [1], "=SUM(A1)": [2], "a": ["-x"]})
    assert to_bytes(frame, "csv") == b"z,'=SUM(A1),a\n1,2,'-x\n"


def test_numbers_are_never_prefixed_only_text_columns_are() -> None:
    frame = pl.DataFrame(
        {
            "f": [-1.5, -80.0],
            "i": [-3, -4],
            "as_text": ["-1.5", "-80"],  # a number stored as text is text: prefixed
            "c": pl.Series(["=a", "b"], dtype=pl.Categorical),
        }
    )
    assert to_bytes(frame, "csv") == b"f,i,as_text,c\n-1.5,-3,'-1.5,'=a\n-80.0,-4,'-80,b\n"


def test_decimals_and_empty_strings() -> None:
    frame = pl.DataFrame(
        {
            "amount": pl.Series(["1234.50", None], dtype=pl.Decimal(10, 2)),
            "note": ["", None],  # empty text is "", null is an empty cell
        }
    )
    assert to_bytes(frame, "csv") == b'amount,note\n1234.50,""\n,\n'
    assert to_bytes(frame, "csv", EXCEL_CSV) == BOM + b'amount;note\n1234,50;""\n;\n'


def test_write_frame_returns_rows_and_writes_a_path(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert write_frame(sample_frame(), out, "csv") == 9
    assert out.read_bytes() == PLAIN.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]  # no leftover .part file


def test_empty_frame_gives_the_header_only() -> None:
    frame = pl.DataFrame(schema={"a": pl.Int64, "b": pl.Date})
    assert to_bytes(frame, "csv") == b"a,b\n"
    assert to_bytes(frame, "csv", EXCEL_CSV) == BOM + b"a;b\n"


def test_dates_iso_whatever_the_day() -> None:
    frame = pl.DataFrame({"d": [dt.date(5, 3, 1), dt.date(2024, 12, 31)]})
    assert to_bytes(frame, "csv") == b"d\n0005-03-01\n2024-12-31\n"


def test_nested_columns_are_refused() -> None:
    # a struct (a list of plain values is written joined by ", ": test_presented)
    with pytest.raises(TypeError, match="lst"):
        to_bytes(pl.DataFrame({"lst": [{"a": 1, "b": 2}]}), "csv")
