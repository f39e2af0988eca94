"""The import templates of data/templates/: their headers are the contract, and the filled
example imports cleanly into an empty store with the figures worked out below by hand.

The example (data/templates/example/), procedure VB-2025-001 of GEM-VOORBEELD:
  steps: 1 screening (pass/fail); 2 written /40, pass 50 % = 20 points, top 4;
         3 oral /60, pass 50 % = 30 points, and 60 % on the total of steps 2 + 3
         (60 % of 40 + 60 = 60 points).
  step 1: K01-K07 geslaagd, K08 niet geslaagd -> reached 8, passed 7, failed 1
  step 2: K01 32,5  K02 28  K03 25,5  K04 21  K05 24  K06 15,5  K07 afwezig
          K06 15.5 < 20 fails; K01, K02, K03, K05, K04 meet the mark; the 4 best of them
          are 32.5, 28, 25.5, 24 -> K04 (21) is cut off
          -> reached 7 = passed 4 + failed 1 + absent 1 + cut_off 1
  step 3: K01 40 (>= 30; 32.5 + 40 = 72.5 >= 60 -> passed)
          K02 31 (>= 30, but 28 + 31 = 59 < 60 -> failed)
          K03 45,5 (>= 30; 25.5 + 45.5 = 71 >= 60 -> passed)
          K05 teruggetrokken -> withdrawn
          -> reached 4 = passed 2 + failed 1 + withdrawn 1
  list (list_max 3, ranked, on the total of steps 2 + 3): K01 rank 1 (72.5), K03 rank 2 (71);
        list date 2025-05-20, 24 months -> valid through 2027-05-19 (the day before the
        second anniversary). K01 hired on 2025-06-01, K03 available.
  certification (individual): AZ consultant CONS-01 has the Q-checks 85 and 78,5
        -> qcheck_average (85 + 78.5) / 2 = 81.75, 2 checks; not client -> not at risk.
        Certified staff: CONS-01 (AZ and interview chair: one person, counted once) and
        CONS-02 (selection tests); CONS-03 is the PRO Partner without a certificate -> 2.
"""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest

from selstats.ingest import read_table_file
from selstats.ingest.columns import TABLES
from selstats.paths import PROJECT_ROOT

from . import cli_env, run_cli, text

TEMPLATES = PROJECT_ROOT / "data" / "templates"
EXAMPLE = TEMPLATES / "example"

# The columns of each import table as docs/ARCHITECTURE.md and the data contract list them,
# required first, in that order. The code's contract (selstats.ingest.columns.TABLES) may
# add more after them; the templates carry those too.
CONTRACT_COLUMNS: dict[str, list[str]] = {
    "organisations": ["org_id", "name", "government", "certification"],
    "procedures": [
        "procedure_code",
        "org_id",
        "title",
        "level",
        "salary_scale",
        "language",
        "application_deadline",
        "places",
        "list_max",
        "ranked",
        "validity_months",
        "list_date",
    ],
    "steps": [
        "procedure_code",
        "step_no",
        "name",
        "kind",
        "max_score",
        "pass_mark",
        "pass_unit",
        "top_n",
        "rank_by_step",
        "held_if_more_than",
        "total_of_steps",
        "total_pass_percent",
    ],
    "results": ["procedure_code", "candidate_ref", "step_no", "score", "outcome", "result_date"],
    "list_entries": ["procedure_code", "candidate_ref", "status", "status_date", "extended_until"],
    "consultants": [
        "consultant_ref",
        "org_id",
        "language_role",
        "az_certified",
        "tests_certified",
        "pro_partner",
        "assessment_certified",
        "chair_certified",
    ],
    "qchecks": ["consultant_ref", "procedure_code", "check_date", "score_percent"],
}
REQUIRED: dict[str, list[str]] = {
    "organisations": ["org_id", "name"],
    "procedures": ["procedure_code", "org_id"],
    "steps": ["procedure_code", "step_no", "name"],
    "results": ["procedure_code", "candidate_ref", "step_no"],
    "list_entries": ["procedure_code", "candidate_ref"],
    "consultants": ["consultant_ref", "org_id", "language_role"],
    "qchecks": ["consultant_ref", "procedure_code", "check_date", "score_percent"],
}


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_templates", TEMPLATES / "make_templates.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _csv_header(path: Path) -> list[str]:
    return next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _xlsx_sheets(path: Path) -> dict[str, list[list[object]]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            ws.title: [list(row) for row in ws.iter_rows(values_only=True)]
            for ws in workbook.worksheets
        }
    finally:
        workbook.close()


def test_the_contract_lists_agree_with_the_code() -> None:
    """The contract's columns come first in the code's table specs, required ones first."""
    assert set(CONTRACT_COLUMNS) == set(TABLES)
    for table, columns in CONTRACT_COLUMNS.items():
        spec = [c.name for c in TABLES[table].columns]
        assert spec[: len(columns)] == columns, table
        assert list(TABLES[table].required) == REQUIRED[table], table
        assert columns[: len(REQUIRED[table])] == REQUIRED[table], table


@pytest.mark.parametrize("table", sorted(CONTRACT_COLUMNS))
def test_csv_template_header_is_the_contract(table: str) -> None:
    path = TEMPLATES / f"{table}.csv"
    header = _csv_header(path)
    assert header[: len(CONTRACT_COLUMNS[table])] == CONTRACT_COLUMNS[table]
    assert header == [c.name for c in TABLES[table].columns]
    assert path.read_text(encoding="utf-8").count("\n") == 1, "an empty template: header only"
    read = read_table_file(path)
    assert read.ok, [p.message("en") for p in read.problems]
    # every column known; the one warning is that an empty template imports nothing
    assert read.rows == 0 and [w.code for w in read.warnings] == ["no_data_rows"]
    assert read.present_columns == header


@pytest.mark.parametrize("table", sorted(CONTRACT_COLUMNS))
def test_xlsx_template_header_and_explanation(table: str) -> None:
    path = TEMPLATES / f"{table}.xlsx"
    sheets = _xlsx_sheets(path)
    names = list(sheets)
    assert len(names) == 2
    data, explanation = sheets[names[0]], sheets[names[1]]
    assert names[1] == "uitleg-explication"
    header = [c for c in data[0] if c is not None]
    assert header[: len(CONTRACT_COLUMNS[table])] == CONTRACT_COLUMNS[table]
    assert header == [c.name for c in TABLES[table].columns]
    assert all(all(c is None for c in row) for row in data[1:]), "an empty template"
    # One explanation row per column, in the same order, with NL, FR and EN words.
    rows = [r for r in explanation[1:] if r and r[0]]
    assert [r[0] for r in rows] == header
    for row in rows:
        required = row[0] in REQUIRED[table]
        assert str(row[1]).startswith("ja") == required, row
        assert all(isinstance(cell, str) and cell.strip() for cell in row[2:6]), row
    # The reader takes the first sheet only: the explanation sheet is never data.
    read = read_table_file(path)
    assert read.ok, [p.message("en") for p in read.problems]
    assert read.rows == 0 and read.present_columns == header


def test_templates_are_what_the_generator_writes(tmp_path: Path) -> None:
    """The files in data/templates/ are in step with make_templates.py (and so with the code's
    contract): regenerate them into a scratch folder and compare."""
    generator = _generator()
    assert set(generator.MEANINGS) == set(TABLES)
    for table, spec in TABLES.items():
        assert list(generator.MEANINGS[table]) == [c.name for c in spec.columns], table
        generator.write_csv(table, tmp_path)
        generator.write_xlsx(table, tmp_path)
        ours = (TEMPLATES / f"{table}.csv").read_bytes()
        assert (tmp_path / f"{table}.csv").read_bytes() == ours, table
        assert _xlsx_sheets(tmp_path / f"{table}.xlsx") == _xlsx_sheets(
            TEMPLATES / f"{table}.xlsx"
        ), table
    generator.write_readme(tmp_path)
    readme = (TEMPLATES / "README.md").read_text(encoding="utf-8")
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == readme


def test_example_files_use_the_contract_columns() -> None:
    files = sorted(p.name for p in EXAMPLE.iterdir())
    assert files == sorted(f"{t}.csv" for t in CONTRACT_COLUMNS)
    for table in CONTRACT_COLUMNS:
        read = read_table_file(EXAMPLE / f"{table}.csv")
        assert read.ok, [p.message("en") for p in read.problems]
        assert not read.warnings and not read.ignored_columns
    # results.csv is the Belgian Excel dialect: ';' and decimal commas.
    results = (EXAMPLE / "results.csv").read_text(encoding="utf-8")
    assert results.splitlines()[0].count(";") == 5
    assert ";32,5;" in results and ";45,5;" in results


def test_example_imports_cleanly_and_gives_the_hand_computed_figures(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    imported = run_cli(["import", EXAMPLE, "--db", db], tmp_path)
    assert imported.returncode == 0, text(imported.stderr)
    assert text(imported.stdout).splitlines() == [
        # Dutch, the default language; one row is "1 rij"
        "organisations: 1 rij",
        "procedures: 1 rij",
        "steps: 3 rijen",
        "consultants: 3 rijen",
        "results: 19 rijen",
        "list_entries: 2 rijen",
        "qchecks: 2 rijen",
    ]
    checked = run_cli(["check", "--db", db, "--lang", "en"], tmp_path)
    assert checked.returncode == 0, text(checked.stdout)
    assert text(checked.stdout) == "No problems found."

    funnel = _export(tmp_path, db, "funnel", "--procedure", "VB-2025-001")
    head = "procedure_code,step_no,step_name,held,reached,passed,failed,absent,withdrawn,"
    head += "not_registered,cut_off"
    assert [",".join(row[:11]) for row in funnel] == [
        head,
        "VB-2025-001,1,Screening cv,true,8,7,1,0,0,0,0",
        "VB-2025-001,2,Schriftelijke proef,true,7,4,1,1,0,0,1",
        "VB-2025-001,3,Mondelinge proef,true,4,2,1,0,1,0,0",
    ]

    laureates = _export(
        tmp_path, db, "laureates", "--procedure", "VB-2025-001", "--as-of", "2026-01-01"
    )
    assert [row[:6] for row in laureates] == [
        ["procedure_code", "candidate_ref", "rank", "list_date", "valid_until", "status"],
        ["VB-2025-001", "K01", "1", "2025-05-20", "2027-05-19", "hired"],
        ["VB-2025-001", "K03", "2", "2025-05-20", "2027-05-19", "available"],
    ]
    by_name = dict(zip(laureates[0], zip(*laureates[1:], strict=True), strict=False))
    assert by_name["final_score"] == ("72.5", "71.0")

    certification = _export(tmp_path, db, "certification", "--org", "GEM-VOORBEELD")
    assert certification[0][:8] == [
        "org_id",
        "certification",
        "qualifies_client",
        "qcheck_average",
        "qcheck_average_per_consultant",
        "qcheck_count",
        "at_risk",
        "reasons",
    ]
    assert len(certification) == 2
    row = certification[1]
    assert row[:7] == ["GEM-VOORBEELD", "individual", "false", "81.75", "81.75", "2", "false"]
    assert dict(zip(certification[0], row, strict=True))["certified_staff"] == "2"


def _export(tmp: Path, db: Path, *args: str) -> list[list[str]]:
    done = run_cli(["export", *args, "--db", db], tmp, env=cli_env(tmp))
    assert done.returncode == 0, text(done.stderr)
    return list(csv.reader(io.StringIO(done.stdout.decode("utf-8"))))
