"""Reference problems (an unknown procedure, an unknown step) come in the same run as the
files' value problems (issue 15): before, a file with a bad date was refused without a word
about its unknown procedure, which surfaced only once the date was fixed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from selstats.store.imports import import_paths
from tests.fixtures.small_store import build_small_store

from . import sha256, write_text

RESULTS_HEADER = "procedure_code;candidate_ref;step_no;score;outcome;result_date\n"


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_store(tmp_path_factory.mktemp("fixture") / "small.duckdb")


@pytest.fixture
def store(fixture_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store" / "selstats.duckdb"
    path.parent.mkdir()
    shutil.copyfile(fixture_store, path)
    return path


def _where(problems: list) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.file, p.row, p.column, p.code) for p in problems]


def test_a_bad_date_an_unknown_procedure_and_an_unknown_step_in_one_run(
    store: Path, tmp_path: Path
) -> None:
    # row 2: a date that does not exist (value); row 3: P-NOPE is no procedure of the store
    # nor of the reference data (reference); row 4: P-B2 has steps, but not a step 7
    path = write_text(
        tmp_path / "results.csv",
        RESULTS_HEADER + "P-B2;B21;2;61;;2025-02-31\nP-NOPE;X1;1;;passed;\nP-B2;B22;7;50;;\n",
    )
    before = sha256(store)
    report = import_paths([path], store)
    assert _where(report.problems) == [
        ("results.csv", 2, "result_date", "bad_date"),
        ("results.csv", 3, "procedure_code", "unknown_procedure"),
        ("results.csv", 4, "step_no", "unknown_step"),
    ]
    assert "P-NOPE" in report.problems[1].message("en")
    assert sha256(store) == before  # nothing written, not even opened for writing


def test_a_parent_in_the_same_import_is_known_even_when_its_file_has_problems(
    store: Path, tmp_path: Path
) -> None:
    # procedures.csv brings P-NEW (with a bad cell elsewhere in the file); results.csv
    # refers to P-NEW and to P-GONE: only P-GONE is unknown
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copytree(Path(__file__).parents[2] / "data" / "templates" / "example", folder / "x")
    procedures = (folder / "x" / "procedures.csv").read_text(encoding="utf-8").splitlines()
    header, first = procedures[0], procedures[1]
    sep = ";" if ";" in header else ","
    columns = header.split(sep)
    row = dict(zip(columns, first.split(sep), strict=True))
    row["procedure_code"] = "P-NEW"
    bad = dict(row, procedure_code="P-NEW2", level="Z")  # a level that does not exist
    write_text(
        folder / "procedures.csv",
        "\n".join([header, sep.join(row[c] for c in columns), sep.join(bad[c] for c in columns)])
        + "\n",
    )
    shutil.rmtree(folder / "x")
    write_text(
        folder / "results.csv",
        RESULTS_HEADER + "P-NEW;N1;1;;passed;\nP-GONE;N2;1;;passed;\n",
    )
    report = import_paths([folder], store)
    codes = _where(report.problems)
    assert ("procedures.csv", 3, "level", "bad_level") in codes
    unknown = [c for c in codes if c[3] == "unknown_procedure"]
    assert unknown == [("results.csv", 3, "procedure_code", "unknown_procedure")]


def test_without_a_store_the_reference_procedures_are_known(tmp_path: Path) -> None:
    # no store yet: CNG23032 is one of the shipped reference procedures, so only the bad
    # score (value) and the unknown procedure P-NOPE are reported
    db = tmp_path / "none" / "selstats.duckdb"
    path = write_text(
        tmp_path / "results.csv",
        RESULTS_HEADER + "CNG23032;C1;1;abc;;\nP-NOPE;C2;1;;passed;\n",
    )
    report = import_paths([path], db)
    assert _where(report.problems) == [
        ("results.csv", 2, "score", "not_a_number"),
        ("results.csv", 3, "procedure_code", "unknown_procedure"),
    ]
    assert not db.exists()
