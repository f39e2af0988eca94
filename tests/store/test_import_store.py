"""`selstats import` against a real store: all or nothing, idempotent, upserts with outcomes
re-derived, rule violations refused with row and column, contradictions kept for `check`,
national numbers never stored, reference procedures importable on an empty store.

The CLI runs as a real process (`python -m selstats`) wherever exit status, messages or the
store file are what the contract promises. Stores start from the fixture store
(tests/fixtures/small_store.py, figures in its docstring) unless said otherwise.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import shutil
from pathlib import Path

import polars as pl
import pytest

from selstats.paths import PROJECT_ROOT
from selstats.store.imports import import_paths
from tests.fixtures.small_store import build_small_store

from . import (
    FACT_TABLES,
    TEST_KEY_HEX,
    cli_env,
    read_table,
    run_cli,
    sha256,
    table_names,
    text,
    write_text,
)

EXAMPLE = PROJECT_ROOT / "data" / "templates" / "example"
RESULTS_HEADER = "procedure_code;candidate_ref;step_no;score;outcome;result_date\n"

# A valid Belgian national number, worked out by hand: born 1990-02-14, serial 123,
# so YYMMDDSSS = 900214123; 900214123 = 97 x 9280557 + 94, so the check number is
# 97 - 94 = 3, written 03. The 11 digits: 90021412303 (formatted 90.02.14-123.03).
NATIONAL_NUMBER = "90021412303"
NATIONAL_NUMBER_FORMATTED = "90.02.14-123.03"


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_store(tmp_path_factory.mktemp("fixture") / "small.duckdb")


@pytest.fixture
def store(fixture_store: Path, tmp_path: Path) -> Path:
    """A private copy of the fixture store."""
    path = tmp_path / "store" / "selstats.duckdb"
    path.parent.mkdir()
    shutil.copyfile(fixture_store, path)
    return path


def _import(tmp: Path, db: Path, *paths: Path, lang: str = "en", **env: str):
    return run_cli(["import", *paths, "--db", db, "--lang", lang], tmp, env=cli_env(tmp, **env))


def _export(tmp: Path, db: Path, table: str, *args: str) -> list[dict[str, str]]:
    done = run_cli(["export", table, "--db", db, *args], tmp)
    assert done.returncode == 0, text(done.stderr)
    return list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8"))))


def _funnels(tmp: Path, db: Path, *args: str) -> dict[str, list[tuple[int, ...]]]:
    """Per procedure, one tuple per step: (step_no, held as 1/0, reached, passed, failed,
    absent, withdrawn, not_registered, cut_off), from one `selstats export funnel`."""
    columns = ["reached", "passed", "failed", "absent", "withdrawn", "not_registered", "cut_off"]
    out: dict[str, list[tuple[int, ...]]] = {}
    for row in _export(tmp, db, "funnel", *args):
        out.setdefault(row["procedure_code"], []).append(
            (int(row["step_no"]), int(row["held"] == "true"), *(int(row[c]) for c in columns))
        )
    return out


def _funnel(tmp: Path, db: Path, procedure: str) -> list[tuple[int, ...]]:
    return _funnels(tmp, db, "--procedure", procedure)[procedure]


def _snapshot(db: Path) -> dict[str, pl.DataFrame]:
    """Every table of the store but the import log, in a stable order."""
    return {t: read_table(db, t) for t in table_names(db) if t != "import_log"}


def _assert_same_tables(before: dict[str, pl.DataFrame], after: dict[str, pl.DataFrame]) -> None:
    assert before.keys() == after.keys()
    for table, frame in before.items():
        assert frame.equals(after[table]), table


def _no_leftovers(db: Path) -> None:
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]


# --- all or nothing ---------------------------------------------------------------------------


def test_a_bad_file_stops_every_file_of_the_import(store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_text(folder / "procedures.csv", "procedure_code,org_id,title\nNEW-1,ORG-B,Nieuw\n")
    write_text(
        folder / "results.csv",
        RESULTS_HEADER + "P-B2;B21;2;61;;\nP-B2;B22;2;zestig;;\n",
    )
    before = sha256(store)
    done = _import(tmp_path, store, folder, lang="nl")
    assert done.returncode == 1
    err = text(done.stderr)
    assert "results.csv, rij 3, kolom score: 'zestig' is geen getal" in err
    assert "1 probleem gevonden; er is niets geïmporteerd." in err
    assert sha256(store) == before
    _no_leftovers(store)


def test_a_store_level_problem_rolls_back_every_file(store: Path, tmp_path: Path) -> None:
    """The files are clean one by one; the rules refuse a row inside the store transaction
    (A07 failed step 1 of P-A1, so has no business at step 2) -> nothing of the other files
    is kept either: not the new organisation, not the new procedure, not P-B2's results."""
    folder = tmp_path / "in"
    write_text(folder / "organisations.csv", "org_id,name,government\nORG-C,Dienst Gamma,federal\n")
    write_text(folder / "procedures.csv", "procedure_code,org_id,title\nP-C1,ORG-C,Nieuw\n")
    write_text(
        folder / "steps.csv", "procedure_code,step_no,name,kind\nP-C1,1,Screening,screening\n"
    )
    write_text(
        folder / "results.csv",
        RESULTS_HEADER + "P-B2;B21;2;61;;\nP-B2;B22;2;40;;\nP-A1;A07;2;15;;\nP-C1;C1;1;;passed;\n",
    )
    before = sha256(store)
    done = _import(tmp_path, store, folder)
    assert done.returncode == 1
    err = text(done.stderr)
    assert (
        "results.csv, row 4, column step_no: candidate A07 has a result for step 2 of "
        "procedure P-A1 but did not pass the previous step"
    ) in err
    assert "1 problem found; nothing was imported." in err
    assert sha256(store) == before
    _no_leftovers(store)


# --- idempotence and upserts ------------------------------------------------------------------


def test_importing_the_same_files_twice_changes_nothing(store: Path, tmp_path: Path) -> None:
    first = _import(tmp_path, store, EXAMPLE, USER="first")
    assert first.returncode == 0, text(first.stderr)
    after_first = _snapshot(store)
    log_first = read_table(store, "import_log")
    second = _import(tmp_path, store, EXAMPLE, USER="second")
    assert second.returncode == 0, text(second.stderr)
    assert text(second.stdout) == text(first.stdout)
    _assert_same_tables(after_first, _snapshot(store))

    # The import log is the one table that grows: it records both runs, one row per file,
    # each run under its own id, with the files' sha256 and row counts.
    log = read_table(store, "import_log", ["imported_at", "file_name"])
    assert log.height == 2 * log_first.height == 2 * 7
    runs = log.group_by("import_id").agg(pl.col("imported_by").first(), pl.len())
    assert sorted(runs.select("imported_by", "len").rows()) == [("first", 7), ("second", 7)]
    hashes = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in EXAMPLE.iterdir()}
    expected_rows = {"results.csv": 19, "steps.csv": 3, "consultants.csv": 3}
    for run in log.partition_by("import_id"):
        assert dict(zip(run["file_name"], run["sha256"], strict=True)) == hashes
        assert set(run["table_name"]) == set(FACT_TABLES)
        for name, rows in expected_rows.items():
            assert run.filter(pl.col("file_name") == name)["rows"].item() == rows


def test_an_updated_row_replaces_its_predecessor_and_outcomes_are_rederived(
    store: Path, tmp_path: Path
) -> None:
    """Fixture before: P-B1 B02 has 50 at step 2 and 60 at step 3: 110 / 200 = 55 % < 60 %
    -> failed. P-A1 A05 has 9 at step 2 (< 10) -> failed.
    The file changes B02's step 3 to 70: 70 >= 50 and 50 + 70 = 120 = 60 % of 200 -> passed
    (exactly the mark). P-B1 step 3 becomes reached 2 = passed 2; the list B01 (60 + 70 =
    130) rank 1, B02 (120) rank 2.
    It changes A05's step 2 to 14 (>= 10): A01 18, A02 16, A03 15, A04 14, A05 14 meet the
    mark, the top 3 are 18, 16, 15, so A04 and A05 are both cut off: step 2 becomes
    reached 6 = passed 3 + failed 0 + absent 1 + cut_off 2; step 3 is unchanged.
    And P-B2's title is replaced (one row, new title)."""
    results_before = read_table(store, "results").height
    assert _funnel(tmp_path, store, "P-B1")[2] == (3, 1, 2, 1, 1, 0, 0, 0, 0)
    assert _funnel(tmp_path, store, "P-A1")[1] == (2, 1, 6, 3, 1, 1, 0, 0, 1)
    folder = tmp_path / "in"
    write_text(folder / "results.csv", RESULTS_HEADER + "P-B1;B02;3;70;;\nP-A1;A05;2;14;;\n")
    write_text(
        folder / "procedures.csv",
        "procedure_code,org_id,title,level\nP-B2,ORG-B,Medewerker (herwerkt),C1\n",
    )
    done = _import(tmp_path, store, folder)
    assert done.returncode == 0, text(done.stderr)

    results = read_table(store, "results")
    assert results.height == results_before  # replaced, not added
    b02 = results.filter((pl.col("candidate_ref") == "B02") & (pl.col("step_no") == 3))
    assert b02.select("score", "outcome").rows() == [(70.0, "passed")]
    assert _funnel(tmp_path, store, "P-B1") == [
        (1, 1, 5, 4, 1, 0, 0, 0, 0),
        (2, 1, 4, 2, 1, 1, 0, 0, 0),
        (3, 1, 2, 2, 0, 0, 0, 0, 0),
    ]
    assert _funnel(tmp_path, store, "P-A1") == [
        (1, 1, 8, 6, 1, 0, 1, 0, 0),
        (2, 1, 6, 3, 0, 1, 0, 0, 2),
        (3, 1, 3, 2, 1, 0, 0, 0, 0),
    ]
    laureates = _export(tmp_path, store, "laureates", "--procedure", "P-B1")
    assert [(r["candidate_ref"], r["rank"], r["final_score"]) for r in laureates] == [
        ("B01", "1", "130.0"),
        ("B02", "2", "120.0"),
    ]
    procedures = read_table(store, "procedures").filter(pl.col("procedure_code") == "P-B2")
    assert procedures.select("title", "level").rows() == [("Medewerker (herwerkt)", "C1")]


# --- the rules of the procedure ---------------------------------------------------------------


def test_a_result_for_an_unreachable_step_is_refused(store: Path, tmp_path: Path) -> None:
    """A07 failed step 1 of P-A1 and B05 failed step 1 of P-B1: neither may have step 2."""
    path = write_text(
        tmp_path / "results.csv", RESULTS_HEADER + "P-A1;A07;2;15;;\nP-B1;B05;2;80;;\n"
    )
    before = sha256(store)
    done = _import(tmp_path, store, path)
    assert done.returncode == 1
    lines = text(done.stderr).splitlines()
    assert sorted(lines[:2]) == [
        "results.csv, row 2, column step_no: candidate A07 has a result for step 2 of "
        "procedure P-A1 but did not pass the previous step",
        "results.csv, row 3, column step_no: candidate B05 has a result for step 2 of "
        "procedure P-B1 but did not pass the previous step",
    ]
    assert sha256(store) == before


def _belnet(remaining: int, *, written: bool) -> str:
    """CNG23032: `remaining` candidates pass steps 1 and 2; with `written`, they all sit the
    written test (step 3, 12/18), then the interview (step 4, 60/110)."""
    rows = []
    for i in range(1, remaining + 1):
        rows += [f"CNG23032;BN{i:02};1;;geslaagd;", f"CNG23032;BN{i:02};2;;geslaagd;"]
    if written:
        rows += [f"CNG23032;BN{i:02};3;12;;" for i in range(1, remaining + 1)]
    rows += [f"CNG23032;BN{i:02};4;60;;" for i in range(1, remaining + 1)]
    return RESULTS_HEADER + "\n".join(rows) + "\n"


def test_a_conditional_step_that_should_not_have_been_held_is_refused(
    store: Path, tmp_path: Path
) -> None:
    """Belnet's written test (step 3) is held only when more than 6 candidates remain. With
    6 left it must have no rows: the file's step 3 rows start at row 14 (header row 1, then
    12 rows of steps 1 and 2)."""
    path = write_text(tmp_path / "results.csv", _belnet(6, written=True))
    before = sha256(store)
    done = _import(tmp_path, store, path)
    assert done.returncode == 1
    assert text(done.stderr).splitlines()[0] == (
        "results.csv, row 14, column step_no: step 3 of procedure CNG23032 has results but "
        "should not have been held: it is held only when more than 6 candidates remain, "
        "6 remained"
    )
    assert sha256(store) == before

    # The same six without the written test: step 3 not held, all six go to step 4.
    path.write_text(_belnet(6, written=False), encoding="utf-8")
    done = _import(tmp_path, store, path)
    assert done.returncode == 0, text(done.stderr)
    assert _funnel(tmp_path, store, "CNG23032") == [
        (1, 1, 6, 6, 0, 0, 0, 0, 0),
        (2, 1, 6, 6, 0, 0, 0, 0, 0),
        (3, 0, 0, 0, 0, 0, 0, 0, 0),
        (4, 1, 6, 6, 0, 0, 0, 0, 0),  # 60 >= 55 for all six
    ]


def test_unknown_procedure_and_unknown_step_name_row_and_column(
    store: Path, tmp_path: Path
) -> None:
    path = write_text(
        tmp_path / "results.csv",
        RESULTS_HEADER + "P-B2;B21;2;61;;\nP-NOPE;X1;1;;passed;\nP-B2;B22;7;50;;\n",
    )
    before = sha256(store)
    done = _import(tmp_path, store, path)
    assert done.returncode == 1
    assert text(done.stderr).splitlines() == [
        "results.csv, row 3, column procedure_code: 'P-NOPE' is not a known procedure "
        "(expected: a procedure_code from procedures, already stored or in this import)",
        "results.csv, row 4, column step_no: procedure P-B2 has no step 7 (expected: a step_no "
        "from steps)",
        "2 problems found; nothing was imported.",
    ]
    assert sha256(store) == before


def test_a_contradicting_outcome_is_imported_and_reported_by_check(
    store: Path, tmp_path: Path
) -> None:
    """P-B2 step 2 is /100 with a pass mark of 50 %: B21's 40 fails, whatever the file says.
    The row is imported as given (exit 0), the store's outcome follows the rules, and
    `selstats check` reports it with procedure, candidate and step."""
    path = write_text(
        tmp_path / "results.csv", RESULTS_HEADER + "P-B2;B21;2;40;geslaagd;\nP-B2;B22;2;75;;\n"
    )
    done = _import(tmp_path, store, path)
    assert done.returncode == 0, text(done.stderr)
    b21 = read_table(store, "results").filter(
        (pl.col("candidate_ref") == "B21") & (pl.col("step_no") == 2)
    )
    assert b21.select("score", "outcome_given", "outcome").rows() == [(40.0, "passed", "failed")]
    assert _funnel(tmp_path, store, "P-B2")[1] == (2, 1, 2, 1, 1, 0, 0, 0, 0)

    checked = run_cli(["check", "--db", store, "--lang", "en"], tmp_path)
    assert checked.returncode == 1
    assert text(checked.stdout).splitlines() == [
        "store: the outcome of candidate B21 for step 2 of procedure P-B2 contradicts the "
        "rules (given: passed; by the rules: failed)",
        "1 problem found.",
    ]


# --- national numbers ---------------------------------------------------------------------------


def _pseudonym(digits: str, key_hex: str = TEST_KEY_HEX) -> str:
    """The contract's keyed pseudonym, computed here independently: HMAC-SHA256 of the 11
    digits under the key, `nn-` and the first 16 hex characters."""
    return (
        "nn-" + hmac.new(bytes.fromhex(key_hex), digits.encode(), hashlib.sha256).hexdigest()[:16]
    )


def _store_bytes(db: Path) -> bytes:
    """The store file and anything next to it (a WAL, a leftover copy)."""
    return b"".join(p.read_bytes() for p in sorted(db.parent.glob(db.name + "*")))


def _assert_no_national_number(blob: bytes) -> None:
    for form in (NATIONAL_NUMBER, NATIONAL_NUMBER_FORMATTED, "900214123", "90.02.14"):
        assert form.encode() not in blob, form
        assert form.encode("utf-16-le") not in blob, form


def test_a_national_number_never_reaches_the_store_nor_the_output(tmp_path: Path) -> None:
    """Maaseik (steps /100, 50 % each, 60 % on the total): the national number passes every
    step (60 + 70 = 130 >= 120); a plain reference rides along as a control that plain text
    is visible in the raw file bytes (so the grep below is not vacuous)."""
    db = tmp_path / "store" / "nn.duckdb"
    folder = tmp_path / "in"
    write_text(
        folder / "results.csv",
        RESULTS_HEADER
        + f"MAASEIK-DBK-2026;{NATIONAL_NUMBER};1;;geslaagd;\n"
        + f"MAASEIK-DBK-2026;{NATIONAL_NUMBER};2;60;;\n"
        + f"MAASEIK-DBK-2026;{NATIONAL_NUMBER};3;70;;\n"
        + "MAASEIK-DBK-2026;KANDIDAAT-ZICHTBAAR;1;;niet geslaagd;\n",
    )
    write_text(
        folder / "list_entries.csv",
        f"procedure_code;candidate_ref;status\nMAASEIK-DBK-2026;{NATIONAL_NUMBER_FORMATTED};"
        "beschikbaar\n",
    )
    done = _import(tmp_path, db, folder)
    assert done.returncode == 0, text(done.stderr)
    output = done.stdout + done.stderr
    blob = _store_bytes(db)
    assert b"KANDIDAAT-ZICHTBAAR" in blob
    _assert_no_national_number(blob + output)

    pseudonym = _pseudonym(NATIONAL_NUMBER)
    results = read_table(db, "results").filter(pl.col("procedure_code") == "MAASEIK-DBK-2026")
    assert set(results["candidate_ref"]) == {pseudonym, "KANDIDAAT-ZICHTBAAR"}
    # The list entry, written differently, is the same person: it joins the list.
    laureates = _export(tmp_path, db, "laureates", "--procedure", "MAASEIK-DBK-2026")
    assert [(r["candidate_ref"], r["rank"], r["status"]) for r in laureates] == [
        (pseudonym, "1", "available")
    ]

    # A later import with the same key: the same pseudonym, and a problem about that person
    # names the pseudonym, never the number (step 3 again, now 30: 30 < 50 fails step 3,
    # then a step 4 Maaseik does not have).
    write_text(
        tmp_path / "again" / "results.csv",
        RESULTS_HEADER + f"MAASEIK-DBK-2026;{NATIONAL_NUMBER_FORMATTED};3;30;geslaagd;\n",
    )
    again = _import(tmp_path, db, tmp_path / "again")
    assert again.returncode == 0, text(again.stderr)
    results = read_table(db, "results").filter(pl.col("candidate_ref") == pseudonym)
    assert results.height == 3
    assert results.filter(pl.col("step_no") == 3).select("score", "outcome").rows() == [
        (30.0, "failed")
    ]
    checked = run_cli(["check", "--db", db, "--lang", "en"], tmp_path)
    assert checked.returncode == 1
    assert (
        f"the outcome of candidate {pseudonym} for step 3 of procedure MAASEIK-DBK-2026 "
        "contradicts the rules" in text(checked.stdout)
    )
    write_text(
        tmp_path / "bad" / "results.csv",
        RESULTS_HEADER + f"MAASEIK-DBK-2026;{NATIONAL_NUMBER};4;30;;\n",
    )
    bad = _import(tmp_path, db, tmp_path / "bad")
    assert bad.returncode == 1
    assert "MAASEIK-DBK-2026 has no step 4" in text(bad.stderr)
    _assert_no_national_number(_store_bytes(db) + checked.stdout + bad.stdout + bad.stderr)

    # Another key gives another pseudonym: the key, not the number, is the secret.
    other_key = "ff" * 32
    other = tmp_path / "other" / "nn.duckdb"
    done = _import(tmp_path, other, folder, SELSTATS_PSEUDONYM_KEY=other_key)
    assert done.returncode == 0, text(done.stderr)
    refs = set(read_table(other, "results")["candidate_ref"])
    assert refs == {_pseudonym(NATIONAL_NUMBER, other_key), "KANDIDAAT-ZICHTBAAR"}
    _assert_no_national_number(_store_bytes(other))


def test_a_problem_row_with_a_national_number_shows_no_number(store: Path, tmp_path: Path) -> None:
    """A refused row about a national number: the message names row and column and the
    pseudonym; the number appears nowhere in the output."""
    path = write_text(
        tmp_path / "results.csv",
        RESULTS_HEADER
        + f"P-A1;{NATIONAL_NUMBER};2;15;;\n"  # nobody of that name passed P-A1's step 1
        + f"P-A1;{NATIONAL_NUMBER_FORMATTED};9;15;;\n",  # no step 9
    )
    done = _import(tmp_path, store, path)
    assert done.returncode == 1
    err = text(done.stderr)
    assert "results.csv, row 3, column step_no: procedure P-A1 has no step 9" in err
    _assert_no_national_number(done.stdout + done.stderr)


# --- reference procedures -------------------------------------------------------------------------

REFERENCE_RESULTS = RESULTS_HEADER + "\n".join(
    [
        # CNG23032: 5 pass steps 1 and 2; 5 <= 6, so the written test is not held; the
        # interview /110 passes at 55: 60, 50, 70, 55, 40 -> 3 passed, 2 failed.
        *[f"CNG23032;BN{i};{s};;passed;" for i in range(1, 6) for s in (1, 2)],
        *[
            f"CNG23032;BN{i};4;{score};;"
            for i, score in zip(range(1, 6), (60, 50, 70, 55, 40), strict=True)
        ],
        # CNG24004: 3 pass step 1; MCQ /100 at 50: 60, 45, 80 -> 2 pass; step 3 takes the
        # 50 best of them (2 <= 50): both pass; interview /100 at 50: 70, 40 -> 1 passed.
        *[f"CNG24004;PM{i};1;;geslaagd;" for i in range(1, 4)],
        "CNG24004;PM1;2;60;;",
        "CNG24004;PM2;2;45;;",
        "CNG24004;PM3;2;80;;",
        "CNG24004;PM1;3;;geslaagd;",
        "CNG24004;PM3;3;;geslaagd;",
        "CNG24004;PM1;4;70;;",
        "CNG24004;PM3;4;40;;",
        # Maaseik: 60 and 70 -> 130 >= 120 -> passed; 55 and 60 -> 115 < 120 -> failed.
        "MAASEIK-DBK-2026;MA1;1;;geslaagd;",
        "MAASEIK-DBK-2026;MA2;1;;geslaagd;",
        "MAASEIK-DBK-2026;MA1;2;60;;",
        "MAASEIK-DBK-2026;MA2;2;55;;",
        "MAASEIK-DBK-2026;MA1;3;70;;",
        "MAASEIK-DBK-2026;MA2;3;60;;",
        # Opgroeien: the competency screening (step 3) does not eliminate, so OG1 fails it
        # and still has the jury interview (step 4), which OG1 passes.
        "req16131;OG1;1;;geslaagd;",
        "req16131;OG1;2;80;;",
        "req16131;OG1;3;;niet geslaagd;",
        "req16131;OG1;4;;geslaagd;",
    ]
)


def test_results_for_the_reference_procedures_import_into_an_empty_store(tmp_path: Path) -> None:
    db = tmp_path / "new" / "selstats.duckdb"
    assert not db.exists()
    path = write_text(tmp_path / "results.csv", REFERENCE_RESULTS + "\n")
    done = _import(tmp_path, db, path)
    assert done.returncode == 0, text(done.stderr)
    # 5 x 2 + 5 (CNG23032) + 3 + 3 + 2 + 2 (CNG24004) + 6 (Maaseik) + 4 (req16131) = 35
    assert text(done.stdout) == "results: 35 rows"
    funnels = _funnels(tmp_path, db)
    assert funnels["CNG23032"] == [
        (1, 1, 5, 5, 0, 0, 0, 0, 0),
        (2, 1, 5, 5, 0, 0, 0, 0, 0),
        (3, 0, 0, 0, 0, 0, 0, 0, 0),
        (4, 1, 5, 3, 2, 0, 0, 0, 0),
    ]
    assert funnels["CNG24004"] == [
        (1, 1, 3, 3, 0, 0, 0, 0, 0),
        (2, 1, 3, 2, 1, 0, 0, 0, 0),
        (3, 1, 2, 2, 0, 0, 0, 0, 0),
        (4, 1, 2, 1, 1, 0, 0, 0, 0),
    ]
    assert funnels["MAASEIK-DBK-2026"] == [
        (1, 1, 2, 2, 0, 0, 0, 0, 0),
        (2, 1, 2, 2, 0, 0, 0, 0, 0),
        (3, 1, 2, 1, 1, 0, 0, 0, 0),
    ]
    assert funnels["req16131"] == [
        (1, 1, 1, 1, 0, 0, 0, 0, 0),
        (2, 1, 1, 1, 0, 0, 0, 0, 0),
        (3, 1, 1, 0, 1, 0, 0, 0, 0),
        (4, 1, 1, 1, 0, 0, 0, 0, 0),
    ]
    laureates = _export(tmp_path, db, "laureates")
    # Ranked on the last step's score (CNG23032: 70, 60, 55); req16131's reserve is not
    # ranked, so OG1 has no rank.
    assert [(r["procedure_code"], r["candidate_ref"], r["rank"]) for r in laureates] == [
        ("CNG23032", "BN3", "1"),
        ("CNG23032", "BN1", "2"),
        ("CNG23032", "BN4", "3"),
        ("CNG24004", "PM1", "1"),
        ("MAASEIK-DBK-2026", "MA1", "1"),
        ("req16131", "OG1", ""),
    ]
    checked = run_cli(["check", "--db", db, "--lang", "en"], tmp_path)
    assert checked.returncode == 0, text(checked.stdout)


# --- empty cells and ties -------------------------------------------------------------------------

# An optional cell left empty (as in a filled-in template) means "not given", like a column
# the file leaves out: the store's default. (file, content, table, key column, key, column,
# the default of src/selstats/store/schema/0001_base.sql)
EMPTY_CELLS = [
    ("organisations.csv", "org_id,name,government\nORG-C,Gamma,\n", "organisations", "org_id",
     "ORG-C", "government", "federal"),
    ("organisations.csv", "org_id,name,certification\nORG-C,Gamma,\n", "organisations", "org_id",
     "ORG-C", "certification", "none"),
    ("procedures.csv", "procedure_code,org_id,ranked\nP-C1,ORG-B,\n", "procedures",
     "procedure_code", "P-C1", "ranked", True),
    ("steps.csv", "procedure_code,step_no,name,kind\nP-B2,3,Mondeling,\n", "steps", "step_no", 3,
     "kind", "screening"),
    ("steps.csv", "procedure_code,step_no,name,eliminating\nP-B2,3,Mondeling,\n", "steps",
     "step_no", 3, "eliminating", True),
    ("consultants.csv", "consultant_ref,org_id,language_role,az_certified,tests_certified,"
     "pro_partner,assessment_certified\nCB1,ORG-B,nl,,,,\n", "consultants", "consultant_ref",
     "CB1", "az_certified", False),
    ("list_entries.csv", "procedure_code,candidate_ref,status,status_date\nP-A1,A03,,\n",
     "list_entries", "candidate_ref", "A03", "status", "available"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "table", "key", "value", "column", "default"),
    EMPTY_CELLS,
    ids=[f"{c[2]}.{c[5]}" for c in EMPTY_CELLS],
)
def test_an_empty_optional_cell_takes_the_default(
    store: Path,
    tmp_path: Path,
    name: str,
    content: str,
    table: str,
    key: str,
    value: object,
    column: str,
    default: object,
) -> None:
    path = write_text(tmp_path / "in" / name, content)
    report = import_paths([path], store)
    assert report.ok, [p.message("en") for p in report.problems]
    row = read_table(store, table).filter(pl.col(key) == value)
    if table == "steps":  # the reference procedures have a step 3 too
        row = row.filter(pl.col("procedure_code") == "P-B2")
    assert row.height == 1
    assert row[column].item() == default


def test_equal_totals_share_a_rank(tmp_path: Path) -> None:
    """Maaseik ranks on written + oral. T1: 50 + 70,2 = 120,2 and T2: 50,1 + 70,1 = 120,2:
    the same total, so the same rank 1 and the same final score (in binary floating point
    50.1 + 70.1 = 120.19999999999999, which must not decide a place on a list)."""
    db = tmp_path / "ties.duckdb"
    path = write_text(
        tmp_path / "results.csv",
        RESULTS_HEADER
        + "MAASEIK-DBK-2026;T1;1;;geslaagd;\nMAASEIK-DBK-2026;T2;1;;geslaagd;\n"
        + "MAASEIK-DBK-2026;T1;2;50;;\nMAASEIK-DBK-2026;T1;3;70,2;;\n"
        + "MAASEIK-DBK-2026;T2;2;50,1;;\nMAASEIK-DBK-2026;T2;3;70,1;;\n",
    )
    report = import_paths([path], db)
    assert report.ok, [p.message("en") for p in report.problems]
    listed = read_table(db, "laureates", ["candidate_ref"])
    assert listed.select("candidate_ref", "rank").rows() == [("T1", 1), ("T2", 1)]
    assert listed["final_score"].round(9).to_list() == [120.2, 120.2]
