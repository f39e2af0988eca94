"""The good files in tests/data/good read to exactly the values they mean.

Expected values are written out from the file contents by hand (see corpus.py for the
bytes), never copied from the reader's output.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

import polars as pl

from selstats.ingest import read_table_file

from .conftest import GOOD, TEST_KEY

# the pseudonym of 85073003328 (a valid national number, see test_ingest_pseudonym.py):
# the spec's formula, computed independently of the code under test
NN_85 = "nn-" + hmac.new(TEST_KEY, b"85073003328", hashlib.sha256).hexdigest()[:16]


def _rows(frame: pl.DataFrame, *columns: str) -> list[tuple[object, ...]]:
    return frame.select("_row", *columns).rows()


def test_results_csv_semicolons_decimal_commas_bom_crlf() -> None:
    read = read_table_file(GOOD / "results.csv")
    assert read.problems == [] and read.table == "results" and read.rows == 5
    assert read.frame.schema == pl.Schema(
        {
            "_row": pl.Int64,
            "procedure_code": pl.String,
            "candidate_ref": pl.String,
            "step_no": pl.Int64,
            "score": pl.Float64,
            "outcome": pl.String,
            "result_date": pl.Date,
        }
    )
    march_5 = date(2024, 3, 5)
    assert _rows(read.frame, "candidate_ref", "step_no", "score", "outcome", "result_date") == [
        (2, "C001", 1, 12.5, "passed", march_5),  # 12,5 ; geslaagd ; 05/03/2024
        (3, "C002", 1, 7.25, "failed", march_5),  # 7,25 ; Niet geslaagd ; 5/3/2024
        (4, "C003", 1, None, "absent", march_5),  # empty ; afwezig ; 2024-03-05
        (5, NN_85, 1, 1234.5, "passed", march_5),  # 1.234,5 ; réussi ; 05.03.2024
        (6, "C001", 2, 15.0, "passed", date(2024, 3, 6)),  # 15 ; passed ; 06-03-2024
    ]
    assert read.frame["procedure_code"].unique().to_list() == ["P-2024-001"]
    assert len(read.sha256) == 64
    assert read.sha256 == hashlib.sha256((GOOD / "results.csv").read_bytes()).hexdigest()


def test_organisations_csv_windows_1252_with_euro_and_accents() -> None:
    read = read_table_file(GOOD / "organisations.csv")
    assert read.problems == []
    # header " Name " and "Org_ID " are matched after trimming and lower-casing
    assert _rows(read.frame, "org_id", "name", "government", "certification", "review_date") == [
        (2, "ORG1", "Federale Overheidsdienst Financiën", "federal", "client", date(2024, 1, 15)),
        (3, "ORG2", "Stad Gent – € budgetdienst", "flemish", "individual", None),
        (4, "ORG3", "Commune d'Ixelles", "local", "none", date(2023, 12, 1)),
    ]


def test_results_xlsx_date_cell_serial_date_cached_formula_and_footer() -> None:
    read = read_table_file(GOOD / "results.xlsx")
    assert read.problems == [] and read.rows == 3
    assert _rows(read.frame, "candidate_ref", "step_no", "score", "outcome", "result_date") == [
        (2, "C101", 1, 14.5, "passed", date(2024, 3, 5)),  # a real date cell
        # national number typed as a number; =10+2.5 cached as 12.5; serial 45357:
        # 45357 days after 1899-12-30 = 2024-03-06 (45356 is 2024-03-05: 2024-01-01 is
        # serial 45292, + 31 (Jan) + 29 (Feb, leap) + 4 = 45356)
        (3, NN_85, 1, 12.5, "failed", date(2024, 3, 6)),
        (4, "C103", 2, None, "absent", date(2024, 3, 7)),  # text date 07/03/2024
    ]  # row 6, "Totaal" with =SUM(...), is a footer and skipped


def test_procedures_parquet_typed_columns_and_an_extra_column() -> None:
    read = read_table_file(GOOD / "procedures.parquet")
    assert read.problems == []
    assert read.ignored_columns == ["comment"]
    assert [w.code for w in read.warnings] == ["unknown_column"]
    assert _rows(
        read.frame, "procedure_code", "title", "level", "places", "ranked", "list_date"
    ) == [
        (2, "P-2024-001", "Attaché financiën", "A2", 2, True, date(2024, 4, 30)),
        (3, "P-2024-002", "Deskundige HR", "B", None, False, None),
    ]
    assert read.frame["validity_months"].to_list() == [24, 12]
    assert read.frame.schema["places"] == pl.Int64
    # columns the file lacks are there, typed, and null
    assert read.frame["application_deadline"].dtype == pl.Date
    assert read.frame["application_deadline"].null_count() == 2
    assert "application_deadline" not in read.present_columns


def test_steps_csv_commas_quoted_step_list_footer_and_trailing_empty_columns() -> None:
    read = read_table_file(GOOD / "steps.csv")
    assert read.problems == [] and read.rows == 3  # empty row and "Totaal" row skipped
    assert _rows(
        read.frame,
        "step_no",
        "kind",
        "max_score",
        "pass_mark",
        "pass_unit",
        "top_n",
        "total_of_steps",
        "total_pass_percent",
    ) == [
        (2, 1, "screening", None, None, None, None, None, None),
        (3, 2, "written", 20.0, 10.0, "points", None, "2,3", 60.0),
        (4, 3, "interview", 100.0, 50.0, "percent", 10, "2,3", 60.0),  # "60 %"
    ]
    assert read.ignored_columns == []  # the two unnamed empty columns are dropped silently


def test_consultants_csv_booleans_in_three_languages() -> None:
    read = read_table_file(GOOD / "consultants.csv")
    assert read.problems == []
    assert _rows(
        read.frame,
        "consultant_ref",
        "language_role",
        "az_certified",
        "tests_certified",
        "pro_partner",
        "assessment_certified",
    ) == [
        (2, "K1", "nl", True, False, True, False),  # ja nee WAAR 0
        (3, "K2", "fr", True, False, False, True),  # oui non faux 1 ; FR
        (4, "K3", "nl", True, False, True, False),  # TRUE false yes no ; Nederlands
    ]


def test_qchecks_csv_comma_separated_with_decimal_points_and_a_quoted_comma() -> None:
    read = read_table_file(GOOD / "qchecks.csv")
    assert read.problems == []
    assert _rows(read.frame, "consultant_ref", "check_date", "score_percent") == [
        (2, "K1", date(2024, 3, 5), 85.5),
        (3, "K2", date(2024, 3, 6), 92.5),  # "92,5" quoted inside a comma file
        (4, "K3", date(2024, 3, 7), 100.0),  # 7.3.2024
    ]


def test_header_only_file_is_fine_with_zero_rows() -> None:
    read = read_table_file(GOOD / "list_entries.csv")
    assert read.problems == [] and read.rows == 0 and read.frame.height == 0
    assert read.frame.schema["status_date"] == pl.Date
