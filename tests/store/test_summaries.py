"""The summaries of schema version 2, rebuilt by the writer on every write: step_facts (the
join of steps, step_states, procedure_stats and the procedure's scope that the funnel and
pass-rate queries read) and list_states (each list's dates and laureates' statuses).

Expected rows come from the hand-worked small store (tests/fixtures/small_store.py)."""

from __future__ import annotations

from datetime import date
from itertools import product
from pathlib import Path

import duckdb
import polars as pl
import pytest

from selstats.store.migrations import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version
from selstats.store.writer import write_store
from tests.fixtures.small_store import build_small_store

COUNTS = "state, reached, passed, failed, absent, withdrawn, not_registered, cut_off"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # without the reference procedures: only the hand-worked ones
    return build_small_store(tmp_path_factory.mktemp("facts") / "s.duckdb", with_reference=False)


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_every_step_has_its_counts_rule_and_scope(small: Path) -> None:
    rows = _rows(
        small,
        f"select procedure_code, step_no, {COUNTS}, applicants, org_id, government, level, "
        "year, top_n from step_facts order by procedure_code, step_no",
    )
    assert rows == [
        ("P-A1", 1, "held", 8, 6, 1, 0, 1, 0, 0, 8, "ORG-A", "federal", "A2", 2025, None),
        ("P-A1", 2, "held", 6, 3, 1, 1, 0, 0, 1, 8, "ORG-A", "federal", "A2", 2025, 3),
        ("P-A1", 3, "held", 3, 2, 1, 0, 0, 0, 0, 8, "ORG-A", "federal", "A2", 2025, None),
        ("P-B1", 1, "held", 5, 4, 1, 0, 0, 0, 0, 5, "ORG-B", "local", "C1", 2026, None),
        ("P-B1", 2, "held", 4, 2, 1, 1, 0, 0, 0, 5, "ORG-B", "local", "C1", 2026, None),
        ("P-B1", 3, "held", 2, 1, 1, 0, 0, 0, 0, 5, "ORG-B", "local", "C1", 2026, None),
        ("P-B2", 1, "held", 2, 2, 0, 0, 0, 0, 0, 2, "ORG-B", "local", "C1", 2026, None),
        # no results at step 2 yet: pending, every count zero
        ("P-B2", 2, "pending", 0, 0, 0, 0, 0, 0, 0, 2, "ORG-B", "local", "C1", 2026, None),
    ]


def test_rows_are_stored_in_year_order(tmp_path: Path) -> None:
    path = build_small_store(tmp_path / "s.duckdb")  # with reference procedures of other years
    years = [r[0] for r in _rows(path, "select year from step_facts")]
    assert len(set(years)) > 2
    # permanently open procedures (no year) first: they are in every period
    assert years == sorted(years, key=lambda y: (y is not None, y or 0))


def test_a_write_that_changes_no_step_still_refreshes_the_scope_columns(
    tmp_path: Path,
) -> None:
    """An organisation renamed and moved to another government: its steps follow at once."""
    path = build_small_store(tmp_path / "s.duckdb")
    with write_store(path) as writer:
        writer.upsert(
            "organisations",
            pl.DataFrame({"org_id": ["ORG-B"], "name": ["Stad Bèta"], "government": ["flemish"]}),
        )
    rows = _rows(
        path, "select distinct org_name, government from step_facts where org_id = 'ORG-B'"
    )
    assert rows == [("Stad Bèta", "flemish")]


def test_a_failed_write_leaves_the_facts_as_they_were(tmp_path: Path) -> None:
    path = build_small_store(tmp_path / "s.duckdb")
    before = _rows(path, "select * from step_facts order by procedure_code, step_no")
    with pytest.raises(RuntimeError), write_store(path) as writer:
        writer.con.execute("delete from step_states")
        raise RuntimeError("the import stops half-way")
    assert _rows(path, "select * from step_facts order by procedure_code, step_no") == before


def test_a_version_1_store_is_migrated_and_filled(tmp_path: Path) -> None:
    """A store written before the summaries existed (list_states a view, no step_facts):
    the migration builds both from what the store holds."""
    path = build_small_store(tmp_path / "s.duckdb", with_reference=False)
    facts_sql = "select * from step_facts order by procedure_code, step_no"
    lists_sql = "select * from list_states order by procedure_code"
    expected = _rows(path, facts_sql), _rows(path, lists_sql)
    assert len(expected[0]) == 8 and len(expected[1]) == 2  # P-A1 and P-B1 have a list
    con = duckdb.connect(str(path))
    try:
        con.execute("drop macro table scoped_step_facts")
        con.execute("drop macro in_scope")
        con.execute("drop table step_facts")
        con.execute("drop table list_states")
        con.execute(MIGRATIONS[1]())  # version 1's view list_states and macros
        con.execute("update meta set value = '1' where key = 'schema_version'")
        assert schema_version(con) == 1
        assert con.sql(lists_sql).fetchall() == expected[1]  # the view says the same
        con.execute("begin transaction")
        assert migrate(con) == SCHEMA_VERSION  # through every version after 1
        con.execute("commit")
        got = con.sql(facts_sql).fetchall(), con.sql(lists_sql).fetchall()
        kind = con.sql(
            "select table_type from information_schema.tables where table_name = 'list_states'"
        ).fetchall()
    finally:
        con.close()
    assert got == expected
    assert kind == [("BASE TABLE",)]


def test_list_states_follow_a_list_entries_import(tmp_path: Path) -> None:
    """P-A1's list (A01, A03; valid through 2026-04-04): A03 declines and A01's entry is
    extended to 2026-12-31 -> extended_until 2026-12-31, valid_through 2026-12-31,
    hired 1 (A01, hired in the fixture), declined 1, available 0."""
    path = build_small_store(tmp_path / "s.duckdb", with_reference=False)
    with write_store(path) as writer:
        writer.upsert(
            "list_entries",
            pl.DataFrame(
                {
                    "procedure_code": ["P-A1", "P-A1"],
                    "candidate_ref": ["A01", "A03"],
                    "status": ["hired", "declined"],
                    "extended_until": [date(2026, 12, 31), None],
                }
            ),
        )
    rows = _rows(
        path,
        "select valid_until, extended_until, valid_through, available, hired, declined, "
        "withdrawn from list_states where procedure_code = 'P-A1'",
    )
    assert rows == [
        (date(2026, 4, 4), date(2026, 12, 31), date(2026, 12, 31), 0, 1, 1, 0),
    ]


FILTERS = {
    "years": [(None, None), (2025, 2025), (2026, None), (None, 2024)],
    "govs": [[], ["local"], ["federal", "flemish"]],
    "orgs": [[], ["ORG-A"]],
    "levels": [[], ["C1"]],
    "procs": [[], ["P-B2", "P-A1"]],
    "allowed": [None, [], ["ORG-B"]],
}


def test_step_facts_and_procedures_are_scoped_alike(small: Path) -> None:
    """Both table macros go through one predicate: for every combination of filters, the
    procedures with step facts are exactly the scoped procedures (all of which have steps)."""
    con = duckdb.connect(str(small), read_only=True)
    try:
        for years, govs, orgs, levels, procs, allowed in product(*FILTERS.values()):
            params = {
                "yf": years[0],
                "yt": years[1],
                "g": govs,
                "o": orgs,
                "l": levels,
                "p": procs,
                "a": allowed,
            }
            args = (
                "$yf::integer, $yt::integer, $g::varchar[], $o::varchar[], $l::varchar[], "
                "$p::varchar[], $a::varchar[]"
            )
            facts = con.sql(
                f"select distinct procedure_code from scoped_step_facts({args}) order by 1",
                params=params,
            ).fetchall()
            procedures = con.sql(
                f"select procedure_code from scoped_procedures({args}) order by 1", params=params
            ).fetchall()
            assert facts == procedures, params
    finally:
        con.close()


def test_the_filters_narrow_as_worked_out_by_hand(small: Path) -> None:
    con = duckdb.connect(str(small), read_only=True)
    try:

        def codes(**p: object) -> list[str]:
            params = {"yf": None, "yt": None, "g": [], "o": [], "l": [], "p": [], "a": None} | p
            rows = con.sql(
                "select distinct procedure_code from scoped_step_facts($yf::integer, "
                "$yt::integer, $g::varchar[], $o::varchar[], $l::varchar[], $p::varchar[], "
                "$a::varchar[]) order by 1",
                params=params,
            ).fetchall()
            return [r[0] for r in rows]

        assert codes() == ["P-A1", "P-B1", "P-B2"]
        assert codes(yf=2026) == ["P-B1", "P-B2"]
        assert codes(yt=2025) == ["P-A1"]
        assert codes(g=["federal"]) == ["P-A1"]
        assert codes(a=["ORG-B"], o=["ORG-A"]) == []  # a filter never widens the scope
        assert codes(a=[]) == []
    finally:
        con.close()
