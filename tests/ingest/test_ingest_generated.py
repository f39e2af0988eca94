"""Bad and big inputs made on the fly: zip bombs, size limits, a bad value deep in a large
file, odd encodings and layouts, and the folder walk. Nothing large is committed."""

from __future__ import annotations

import logging
import zipfile
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from selstats.ingest import collect_files, guard, read_table_file, readers
from selstats.ingest.problems import MAX_PROBLEMS_PER_KIND, Problem

HEADER = "procedure_code;candidate_ref;step_no;score;outcome;result_date\n"


def _codes(problems: list[Problem]) -> list[tuple[str, int | None, str | None]]:
    return [(p.code, p.row, p.column) for p in problems]


def _results_lines(n: int) -> list[str]:
    return [f"P{i % 7};C{i};{i % 3 + 1};{i % 20},5;geslaagd;05/03/2024\n" for i in range(n)]


def _minimal_zip_parts(archive: zipfile.ZipFile) -> None:
    archive.writestr("[Content_Types].xml", "<Types/>")
    archive.writestr("xl/workbook.xml", "<workbook/>")


def test_xlsx_bomb_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _minimal_zip_parts(archive)
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (20 * 1024 * 1024))
    assert path.stat().st_size < 100_000  # 20 MB of spaces pack to a few tens of KB
    read = read_table_file(path)
    assert _codes(read.problems) == [("file_too_large", None, None)]
    assert read.problems[0].params["variant"] == "ratio"
    assert "gecomprimeerd" in read.problems[0].message("nl")


def test_xlsx_unpacked_size_and_file_size_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "results.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        _minimal_zip_parts(archive)
        archive.writestr("xl/worksheets/sheet1.xml", b"x" * 5000)
    monkeypatch.setattr(guard, "MAX_XLSX_UNPACKED_BYTES", 4000)
    read = read_table_file(path)
    assert [(p.code, p.params["variant"]) for p in read.problems] == [
        ("file_too_large", "unpacked")
    ]
    monkeypatch.setattr(guard, "MAX_XLSX_BYTES", 1000)
    read = read_table_file(path)
    assert [(p.code, p.params["variant"]) for p in read.problems] == [("file_too_large", "size")]


def test_csv_over_the_size_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "results.csv"
    path.write_text(HEADER + "".join(_results_lines(100)), encoding="utf-8")
    monkeypatch.setattr(guard, "MAX_CSV_BYTES", 1000)
    read = read_table_file(path)
    assert _codes(read.problems) == [("file_too_large", None, None)]
    assert read.sha256 == ""  # not even hashed


def test_bad_values_far_down_a_large_csv_are_found(tmp_path: Path) -> None:
    lines = _results_lines(30_000)
    # data line i is file row i + 2 (header = row 1)
    lines[25_000] = "P1;C25000;1;afwezig;;05/03/2024\n"  # row 25,002
    lines[29_998] = "P1;C29998;1;12,5;;31/13/2024\n"  # row 30,000
    path = tmp_path / "results.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    read = read_table_file(path)
    assert _codes(read.problems) == [
        ("not_a_number", 25_002, "score"),
        ("bad_date", 30_000, "result_date"),
    ]
    assert read.rows == 30_000


def test_bad_values_far_down_a_large_workbook_are_found(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADER.strip().split(";"))
    for i in range(1, 25_001):  # sheet rows 2 .. 25,001
        ws.write_row(i, 0, [f"P{i % 7}", f"C{i}", i % 3 + 1, (i % 20) + 0.5, "geslaagd", 45356])
    ws.write_row(25_001, 0, ["P1", "C-late", 1, "12,5", "gebuisd", 45356])  # sheet row 25,002
    wb.close()
    read = read_table_file(path)  # a real workbook passes the compression-ratio check
    assert _codes(read.problems) == [("unknown_outcome", 25_002, "outcome")]
    assert read.frame["result_date"].unique().to_list() == [date(2024, 3, 5)]
    assert read.frame.filter(pl.col("_row") == 25_002)["score"].to_list() == [12.5]


def test_many_bad_cells_are_counted_after_the_first_thousand(tmp_path: Path) -> None:
    lines = [f"P1;C{i};1;x{i};;\n" for i in range(1500)]
    path = tmp_path / "results.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    read = read_table_file(path)
    assert len(read.problems) == MAX_PROBLEMS_PER_KIND + 1
    assert read.problems[0].row == 2
    assert read.problems[MAX_PROBLEMS_PER_KIND - 1].row == MAX_PROBLEMS_PER_KIND + 1
    last = read.problems[-1]
    assert (last.code, last.column, last.params["count"]) == ("too_many_problems", "score", 500)


def test_parquet_with_a_nested_column_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "procedures.parquet"
    pl.DataFrame({"procedure_code": ["P1"], "org_id": ["O1"], "title": [["a", "b"]]}).write_parquet(
        path
    )
    read = read_table_file(path)
    assert _codes(read.problems) == [("unsupported_type", None, "title")]


def test_parquet_typed_values_are_checked_like_text(tmp_path: Path) -> None:
    path = tmp_path / "qchecks.parquet"
    pl.DataFrame(
        {
            "consultant_ref": ["K1", "K2"],
            "procedure_code": ["P1", "P1"],
            "check_date": [date(2024, 3, 5), date(2024, 3, 6)],
            "score_percent": [85.5, 101.0],
        }
    ).write_parquet(path)
    read = read_table_file(path)
    assert _codes(read.problems) == [("out_of_range", 3, "score_percent")]
    assert read.problems[0].value == "101.0"


def test_utf16_tab_separated_export(tmp_path: Path) -> None:
    path = tmp_path / "organisations.csv"
    text = "org_id\tname\r\nORG1\tSociété – €\r\n"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    read = read_table_file(path)
    assert read.problems == []
    assert read.frame.select("org_id", "name").rows() == [("ORG1", "Société – €")]


def test_cp1252_is_not_mistaken_for_utf8_and_utf8_not_for_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "organisations.csv"
    text = "org_id;name\nO1;Liège €\n"
    for encoding in ("utf-8", "cp1252"):
        path.write_bytes(text.encode(encoding))
        assert read_table_file(path).frame["name"].to_list() == ["Liège €"]


def test_cells_spanning_lines_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "procedures.csv"
    path.write_text(
        'procedure_code;org_id;title;places\nP1;O1;"Attaché\nfinanciën";2\nP2;O1;Expert;twee\n',
        encoding="utf-8",
    )
    read = read_table_file(path)
    assert read.frame.select("procedure_code", "title").rows() == [
        ("P1", "Attaché\nfinanciën"),
        ("P2", "Expert"),
    ]
    assert _codes(read.problems) == [("not_a_number", 3, "places")]  # record 3 as in Excel


def test_blank_lines_before_the_header_and_between_rows(tmp_path: Path) -> None:
    path = tmp_path / "organisations.csv"
    path.write_text("\n;;\norg_id;name\n\nO1;A\n;\nO2;\nTOTAL:;2\n", encoding="utf-8")
    read = read_table_file(path)
    assert read.frame.select("_row", "org_id", "name").rows() == [(5, "O1", "A"), (7, "O2", None)]
    assert _codes(read.problems) == [("missing_value", 7, "name")]


def test_header_names_in_any_case_and_order_with_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_text(
        "Opmerking;STEP NO;Candidate_Ref; procedure_code \nnota;2;C1;P1\n", encoding="utf-8"
    )
    read = read_table_file(path)
    assert read.problems == []
    assert read.ignored_columns == ["Opmerking"]
    assert read.frame.select("procedure_code", "candidate_ref", "step_no").rows() == [
        ("P1", "C1", 2)
    ]


def test_missing_file_wrong_extension_and_unexpected_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _codes(read_table_file(tmp_path / "results.csv").problems) == [
        ("file_not_found", None, None)
    ]
    txt = tmp_path / "results.txt"
    txt.write_text("x", encoding="utf-8")
    assert _codes(read_table_file(txt).problems) == [("unsupported_extension", None, None)]

    good = tmp_path / "results.csv"
    good.write_text(HEADER, encoding="utf-8")

    def boom(*args: object) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(readers, "read_grid", boom)
    read = read_table_file(good)
    assert _codes(read.problems) == [("unreadable_file", None, None)]
    assert read.frame.columns[0] == "_row" and read.frame.height == 0


def test_collect_files_walks_folders_and_reports_what_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    for name in ("in/results.csv", "in/sub/steps.XLSX", "in/procedures.parquet", "in/notes.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    for noise in ("in/~$results.xlsx", "in/.DS_Store", "in/.hidden/results.csv"):
        (tmp_path / noise).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / noise).write_text("x", encoding="utf-8")
    old = tmp_path / "old.xls"
    old.write_text("x", encoding="utf-8")

    found, problems = collect_files(
        [tmp_path / "in", tmp_path / "in" / "results.csv", old, tmp_path / "nope"]
    )
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "in/procedures.parquet",
        "in/results.csv",
        "in/sub/steps.XLSX",
    ]
    assert sorted((Path(p.file).name, p.code) for p in problems) == [
        ("nope", "file_not_found"),
        ("notes.txt", "unsupported_extension"),
        ("old.xls", "unsupported_extension"),
    ]
    assert collect_files([]) == ([], [])


def test_workbook_with_an_empty_first_sheet_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("leeg")
    wb.add_worksheet("data").write_row(0, 0, ["procedure_code", "candidate_ref", "step_no"])
    wb.close()
    assert _codes(read_table_file(path).problems) == [("empty_file", None, None)]


def test_workbook_header_below_a_blank_area_keeps_excel_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "organisations.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(2, 1, ["org_id", "name", "review_date"])  # B3: header in sheet row 3
    ws.write_row(3, 1, ["O1", "Gent", 45356])
    ws.write_row(4, 1, ["O2", None, "gisteren"])
    wb.close()
    read = read_table_file(path)
    assert _codes(read.problems) == [
        ("missing_value", 5, "name"),
        ("bad_date", 5, "review_date"),
    ]
    assert read.frame.select("_row", "org_id", "review_date").rows() == [
        (4, "O1", date(2024, 3, 5)),
        (5, "O2", None),
    ]


def test_excel_sep_line_is_obeyed_and_not_taken_for_the_header(tmp_path: Path) -> None:
    path = tmp_path / "organisations.csv"
    path.write_text('sep=,\n"org_id","name"\nO1,"Gent; stad"\nO2,\n', encoding="utf-8")
    read = read_table_file(path)
    assert read.frame.select("_row", "org_id", "name").rows() == [
        (3, "O1", "Gent; stad"),
        (4, "O2", None),
    ]
    assert _codes(read.problems) == [("missing_value", 4, "name")]


def test_bytes_that_are_neither_utf8_nor_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "organisations.csv"
    path.write_bytes(b"org_id;name\nO1;\x81\x8d\n")  # undefined in Windows-1252
    assert _codes(read_table_file(path).problems) == [("bad_encoding", None, None)]


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")  # a .docx, say
    read = read_table_file(path)
    assert _codes(read.problems) == [("wrong_format", None, None)]
    assert read.problems[0].params == {"expected": "XLSX", "found": "zip"}


def test_national_numbers_are_masked_in_any_problem_value(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_text(HEADER + "P1;C1;1;;;;85.07.30-033.28\n", encoding="utf-8")
    read = read_table_file(path)
    assert [(p.code, p.value) for p in read.problems] == [("ragged_row", "***********")]


def test_unknown_columns_are_named_with_a_suggestion_where_one_is_close(tmp_path: Path) -> None:
    """A misspelt column is not read; the warning names file and column and the known
    column it most likely meant. `test_certified` is `tests_certified` less one letter;
    `az_certifed` is `az_certified` less one letter; `Opmerking` is like no column. A name
    the file already has is not suggested (`language` is close to `language_role`, which
    the file has)."""
    path = tmp_path / "consultants.csv"
    path.write_text(
        "consultant_ref,org_id,language_role,Test Certified,az_certifed,Opmerking,language\n"
        "C1,O1,nl,ja,ja,x,nl\n",
        encoding="utf-8",
    )
    read = read_table_file(path)
    assert read.problems == []
    assert read.ignored_columns == ["Test Certified", "az_certifed", "Opmerking", "language"]
    assert [(w.file, w.column, w.params.get("suggestion")) for w in read.warnings] == [
        ("consultants.csv", "Test Certified", "tests_certified"),
        ("consultants.csv", "az_certifed", "az_certified"),
        ("consultants.csv", "Opmerking", None),
        ("consultants.csv", "language", None),
    ]
    # The ignored columns are not read: the certificates stay unset.
    assert read.frame.select("tests_certified", "az_certified").rows() == [(None, None)]
    assert (
        read.warnings[0]
        .message("nl")
        .startswith(
            "consultants.csv, kolom Test Certified: onbekende kolom, wordt genegeerd; bedoelde u "
            "tests_certified? (gekende kolommen: consultant_ref, org_id, language_role, "
        )
    )
    assert "vouliez-vous dire tests_certified ?" in read.warnings[0].message("fr")
    assert "did you mean az_certified?" in read.warnings[1].message("en")
    assert "did you mean" not in read.warnings[2].message("en")


def test_a_wider_row_far_down_a_file_without_quotes_is_ragged(tmp_path: Path) -> None:
    """The quote-free fast path guesses the width from the first 8 KB; a record wider than
    that further down must still be read whole and reported on its own row."""
    path = tmp_path / "results.csv"
    # 3,000 data rows of ~22 bytes (~66 KB); file row 2,501 (data row 2,500) has an 8th
    # cell "oeps" after the empty 7th: two cells more than the header's six.
    lines = [f"P1;C{i:05d};1;12,5;;01/03/2024" for i in range(1, 3001)]
    lines[2499] += ";;oeps"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    read = read_table_file(path)
    assert [(p.code, p.row, p.value) for p in read.problems] == [("ragged_row", 2501, "oeps")]
    assert read.problems[0].params == {"cells": 8, "expected": 6}
    assert read.rows == 3000


@pytest.mark.parametrize("sep", [";", "\t"])
def test_a_wider_last_row_without_a_line_end_is_ragged(
    tmp_path: Path, sep: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The exact count behind the quote-free path's guess: the last line has no line end of
    its own and must still be counted (a count that stopped at the last "\\n" would find
    6 cells, polars would refuse them and the file would go the slow way)."""
    path = tmp_path / "results.csv"
    # 3,000 data rows (file rows 2-3,001, ~66 KB), the last one with two cells more:
    # 6 + 2 = 8 cells; the file ends right after "oeps".
    lines = [sep.join(["P1", f"C{i:05d}", "1", "12,5", "", "01/03/2024"]) for i in range(1, 3001)]
    lines[-1] += f"{sep}{sep}oeps"
    path.write_text(HEADER.replace(";", sep) + "\n".join(lines), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="selstats.ingest.csvtext"):
        read = read_table_file(path)
    assert "using the csv module" not in caplog.text  # read by polars, at the exact width
    assert [(p.code, p.row, p.value) for p in read.problems] == [("ragged_row", 3001, "oeps")]
    assert read.problems[0].params == {"cells": 8, "expected": 6}
    assert read.rows == 3000
