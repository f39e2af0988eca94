"""`selstats purge`: candidate-level rows of procedures whose list expired more than N months
ago go; the figures stay; a dry run changes nothing; re-derivation leaves purged procedures be.

By hand, from tests/fixtures/small_store.py:
- P-A1: list of 2025-04-05, valid 12 months -> last day 2026-04-04 (the day before the
  anniversary), expired on 2026-04-05. With 6 months of retention it is purged from
  2026-04-05 + 6 months = 2026-10-05 on (not on 2026-10-04); with the default 24 months from
  2028-04-05 on. Its rows: results 8 (step 1: A01-A08) + 6 (step 2: A01-A05 scored, A06
  absent) + 3 (step 3: A01-A03) = 17; laureates A01, A03 = 2; list entries A01, A03 = 2.
- P-B1: list of 2026-07-09, 24 months -> expired on 2028-07-09: never in these tests.
  Its results: 5 + 4 + 2 = 11.
- P-B2 and the reference procedures have no list date: never purged.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from selstats import query
from selstats.store.check import check_store
from selstats.store.connection import open_reader
from selstats.store.imports import import_paths
from selstats.store.purge import apply_purge, dry_run, retention_months
from selstats.store.writer import write_store
from tests.fixtures.small_store import build_small_store

SELSTATS = Path(sys.executable).parent / "selstats"
BEFORE = date(2026, 10, 4)
ON = date(2026, 10, 5)
FIGURES = ("funnel", "overview", "overview_totals")
DERIVED = ("step_states", "procedure_stats", "lists")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return build_small_store(tmp_path / "small.duckdb")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(db: Path, table: str, code: str) -> int:
    con = open_reader(db)
    try:
        sql = f"select count(*) from {table} where procedure_code = $c"
        return int(con.sql(sql, params={"c": code}).fetchall()[0][0])
    finally:
        con.close()


def _figures(db: Path) -> dict[str, pl.DataFrame]:
    """What the pages and exports read: the figure queries, and the derived tables."""
    con = open_reader(db)
    params = {
        "year_from": None,
        "year_to": None,
        "govs": [],
        "orgs": [],
        "levels": [],
        "procs": [],
        "allowed": None,
    }
    try:
        frames = {name: query.run(con, name, **params) for name in FIGURES}
        for table in DERIVED:
            frames[table] = con.sql(f"select * from {table} order by all").pl()
    finally:
        con.close()
    return frames


def _assert_same(before: dict[str, pl.DataFrame], after: dict[str, pl.DataFrame]) -> None:
    for name, frame in before.items():
        assert frame.equals(after[name]), name


def test_retention_months_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SELSTATS_RETENTION_MONTHS", raising=False)
    assert retention_months() == 24
    monkeypatch.setenv("SELSTATS_RETENTION_MONTHS", "6")
    assert retention_months() == 6


def test_dry_run_reports_and_changes_nothing(store: Path) -> None:
    sha = _sha(store)
    assert [i.procedure_code for i in dry_run(store, 6, BEFORE).items] == []
    plan = dry_run(store, 6, ON)
    assert not plan.applied
    [item] = plan.items
    assert (item.procedure_code, item.org_id, item.expired_on) == (
        "P-A1",
        "ORG-A",
        date(2026, 4, 5),
    )
    assert (item.results, item.laureates, item.list_entries) == (17, 2, 2)
    assert plan.rows == {"results": 17, "laureates": 2, "list_entries": 2}
    assert _sha(store) == sha
    # the default retention: two years after the expiry
    assert dry_run(store, None, date(2028, 4, 4)).items == ()
    assert [i.procedure_code for i in dry_run(store, None, date(2028, 4, 5)).items] == ["P-A1"]


def test_apply_removes_candidate_rows_and_keeps_the_figures(store: Path) -> None:
    before = _figures(store)
    plan = apply_purge(store, 6, ON, user="retention-test")
    assert plan.applied and plan.codes == ["P-A1"]
    for table in ("results", "laureates", "list_entries"):
        assert _count(store, table, "P-A1") == 0, table
    assert _count(store, "results", "P-B1") == 11
    assert _count(store, "laureates", "P-B1") == 1
    _assert_same(before, _figures(store))
    con = open_reader(store)
    try:
        purges = con.sql(
            "select procedure_code, expired_on, months, results from purges"
        ).fetchall()
        audit = con.sql("select event, username, detail from audit_log").fetchall()
        laureates = query.run(
            con,
            "laureates",
            year_from=None,
            year_to=None,
            govs=[],
            orgs=[],
            levels=[],
            procs=[],
            allowed=None,
            as_of=ON,
        )
    finally:
        con.close()
    assert purges == [("P-A1", date(2026, 4, 5), 6, 17)]
    [(event, user, detail)] = audit
    assert (event, user) == ("retention", "retention-test")
    assert json.loads(detail)["procedures"] == {"P-A1": 21}
    assert laureates["candidate_ref"].to_list() == ["B01"]  # P-A1's list is gone, B01 stays


def test_a_second_purge_finds_nothing_more(store: Path) -> None:
    apply_purge(store, 6, ON)
    sha = _sha(store)
    assert dry_run(store, 6, date(2027, 1, 1)).items == ()
    assert _sha(store) == sha


def test_re_derivation_leaves_purged_procedures_alone(store: Path, tmp_path: Path) -> None:
    apply_purge(store, 6, ON)
    after_purge = _figures(store)
    with write_store(store) as writer:
        writer.rederive(["P-A1", "P-B1"])
    _assert_same(after_purge, _figures(store))
    # results given again for a purged procedure are not taken back in
    with write_store(store) as writer:
        writer.upsert_results(
            pl.DataFrame(
                {
                    "procedure_code": ["P-A1"],
                    "candidate_ref": ["A09"],
                    "step_no": [1],
                    "outcome_given": ["passed"],
                }
            )
        )
    assert _count(store, "results", "P-A1") == 0
    _assert_same(after_purge, _figures(store))
    # an import touching the procedure (a new title) re-derives it: figures unchanged
    folder = tmp_path / "update"
    folder.mkdir()
    pl.DataFrame(
        {
            "procedure_code": ["P-A1"],
            "org_id": ["ORG-A"],
            "title": ["Attaché (nieuw)"],
            "level": ["A2"],
            "application_deadline": ["2025-03-01"],
            "list_max": [3],
            "validity_months": [12],
            "list_date": ["2025-04-05"],
        }
    ).write_csv(folder / "procedures.csv")
    report = import_paths([folder], store, imported_by="test")
    assert report.ok, [p.message("en") for p in report.problems]
    _assert_same(after_purge, _figures(store))


def test_a_later_extension_delays_the_purge(store: Path) -> None:
    with write_store(store) as writer:
        writer.upsert(
            "list_entries",
            pl.DataFrame(
                {
                    "procedure_code": ["P-A1"],
                    "candidate_ref": ["A03"],
                    "status": ["available"],
                    "extended_until": [date(2026, 12, 31)],
                }
            ),
        )
    # last day 2026-12-31, expired on 2027-01-01, purged 6 months later: 2027-07-01
    assert dry_run(store, 6, ON).items == ()
    assert dry_run(store, 6, date(2027, 6, 30)).items == ()
    [item] = dry_run(store, 6, date(2027, 7, 1)).items
    assert item.expired_on == date(2027, 1, 1)


def test_check_finds_nothing_new_after_a_purge(store: Path) -> None:
    before = sorted((p.code, str(p.params)) for p in check_store(store))
    apply_purge(store, 6, ON)
    assert sorted((p.code, str(p.params)) for p in check_store(store)) == before


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [str(SELSTATS), "purge", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_the_command(store: Path) -> None:
    sha = _sha(store)
    dry = _cli(
        "--db", str(store), "--as-of", ON.isoformat(), env={"SELSTATS_RETENTION_MONTHS": "6"}
    )
    assert dry.returncode == 0, dry.stderr
    assert "P-A1 (ORG-A), list expired 2026-04-05: results 17, laureates 2, list_entries 2" in (
        dry.stdout
    )
    assert "dry run" in dry.stdout
    assert _sha(store) == sha
    # the dry run is recorded in the audit file (the store is not written)
    [line] = (store.parent / (store.name + ".audit.jsonl")).read_text().splitlines()
    record = json.loads(line)
    assert (record["event"], record["detail"]["months"]) == ("retention", 6)
    applied = _cli("--db", str(store), "--months", "6", "--as-of", ON.isoformat(), "--apply")
    assert applied.returncode == 0, applied.stderr
    assert "removed: results 17, laureates 2, list_entries 2" in applied.stdout
    assert _count(store, "results", "P-A1") == 0
    assert _cli("--db", str(store), "--months", "-1").returncode == 2
    # a bad SELSTATS_RETENTION_MONTHS is refused before anything runs, naming it
    bad = _cli("--db", str(store), env={"SELSTATS_RETENTION_MONTHS": "two years"})
    assert bad.returncode == 2
    assert "SELSTATS_RETENTION_MONTHS='two years'" in bad.stderr
