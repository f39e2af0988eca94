"""The summaries of schema version 2, rebuilt by the writer on every write: step_facts (the
join of steps, step_states, procedure_stats and the procedure's scope that the funnel and
pass-rate queries read) and list_states (each list's dates and laureates' statuses).

Expected rows come from the hand-worked small store (tests/fixtures/small_store.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from itertools import product
from pathlib import Path

import duckdb
import polars as pl
import pytest

from selstats.store.migrations import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version
from selstats.store.writer import write_store
from tests.fixtures.open_reserve import OPEN, build_open_reserve_store
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


DERIVED_SQL = {
    "step_facts": "select * from step_facts order by procedure_code, step_no",
    "list_states": "select * from list_states order by procedure_code",
    "laureates": "select * from laureates order by procedure_code, candidate_ref",
    "lists": "select * from lists order by procedure_code",
}


def _derived(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    return {name: con.sql(sql).fetchall() for name, sql in DERIVED_SQL.items()}


def _back_to_version_2(con: duckdb.DuckDBPyConnection) -> None:
    """Undo versions 3 and 5 (store/schema/0003_*.sql, 0005_*.sql) in a store of this version:
    version 2's tables with their rows, as version 2 wrote them."""
    con.execute("alter table consultants drop column chair_certified")  # version 3's
    con.execute("drop macro table list_states_on")
    con.execute("drop macro reserve_validity")
    con.execute("drop table list_states")
    con.execute("alter table laureates drop column list_date")
    con.execute("alter table laureates drop column valid_until")
    con.execute("alter table lists drop column permanently_open")
    # version 2 had no per-laureate end: a permanently open list had no end either
    con.execute(
        "update lists set valid_until = null from procedures as p "
        "where p.procedure_code = lists.procedure_code "
        "and p.application_deadline is null and p.list_date is null"
    )
    con.execute(MIGRATIONS[2]())  # version 2's list_states table
    con.execute("update meta set value = '2' where key = 'schema_version'")


def _migrated(
    path: Path, downgrade: Callable[[duckdb.DuckDBPyConnection], None]
) -> tuple[dict[str, list[tuple[object, ...]]], dict[str, list[tuple[object, ...]]]]:
    """The derived tables of the store at `path`, and the same after `downgrade` and
    `migrate` back to this version."""
    con = duckdb.connect(str(path))
    try:
        expected = _derived(con)
        downgrade(con)
        con.execute("begin transaction")
        assert migrate(con) == SCHEMA_VERSION
        con.execute("commit")
        return expected, _derived(con)
    finally:
        con.close()


def test_a_version_1_store_is_migrated_and_filled(tmp_path: Path) -> None:
    """A store written before the summaries existed (list_states a view, no step_facts):
    the migrations build them from what the store holds."""
    path = build_small_store(tmp_path / "s.duckdb", with_reference=False)
    expected_lists = _rows(path, "select * from list_states order by procedure_code")
    assert len(expected_lists) == 2  # P-A1 and P-B1 have a list

    def to_version_1(con: duckdb.DuckDBPyConnection) -> None:
        _back_to_version_2(con)
        con.execute("drop macro table scoped_step_facts")
        con.execute("drop macro in_scope")
        con.execute("drop table step_facts")
        con.execute("drop table list_states")
        con.execute(MIGRATIONS[1]())  # version 1's view list_states
        con.execute("update meta set value = '1' where key = 'schema_version'")
        assert schema_version(con) == 1
        # the view says what version 2's table said (version 5 added two columns)
        assert con.sql("select * from list_states order by procedure_code").fetchall() == [
            row[:12] for row in expected_lists
        ]

    expected, got = _migrated(path, to_version_1)
    assert len(expected["step_facts"]) == 8
    assert got == expected
    kinds = _rows(
        path,
        "select table_type from information_schema.tables where table_name = 'list_states'",
    )
    assert kinds == [("BASE TABLE",)]


def test_a_version_2_store_gets_each_laureates_own_reserve(tmp_path: Path) -> None:
    """Version 5 fills each laureate's reserve from the store: the open-reserve store's P-O1
    laureates (O2's last result 29/02/2024 -> through 28/02/2025) as the rules engine wrote
    them, and the lists and summaries with them."""
    path = build_open_reserve_store(tmp_path / "o.duckdb")
    expected, got = _migrated(path, _back_to_version_2)
    assert got == expected
    own = {
        r[1]: r[-2:] for r in expected["laureates"] if r[0] == OPEN
    }  # candidate -> (list_date, valid_until)
    assert own["O2"] == (date(2024, 2, 29), date(2025, 2, 28))


def test_the_migration_counts_a_year_as_the_rules_do(tmp_path: Path) -> None:
    """The one copy of the validity rule in SQL (store/schema/0005_*.sql, for older stores)
    against the
    rules engine: a permanently open procedure with a laureate for every day of 2023 and
    2024 (29/02/2024, every 31st), valid 12 months, and one valid 1 month (31/01 + 1 month:
    no 31/02 -> 01/03 - 1 day = 28/02 or 29/02)."""
    days = [date(2023, 1, 1) + timedelta(days=i) for i in range(731)]
    codes = ["P-X12", "P-X1"]
    path = tmp_path / "x.duckdb"
    with write_store(path, fresh=True) as writer:
        writer.upsert("organisations", pl.DataFrame({"org_id": ["ORG-X"], "name": ["X"]}))
        writer.upsert(
            "procedures",
            pl.DataFrame(
                {"procedure_code": codes, "org_id": ["ORG-X"] * 2, "validity_months": [12, 1]}
            ),
        )
        writer.upsert(
            "steps",
            pl.DataFrame({"procedure_code": codes, "step_no": [1, 1], "name": ["Gesprek"] * 2}),
        )
        writer.upsert_results(
            pl.DataFrame(
                {
                    "procedure_code": [c for c in codes for _ in days],
                    "candidate_ref": [f"C{i:03d}" for _ in codes for i in range(len(days))],
                    "step_no": [1] * (2 * len(days)),
                    "outcome_given": ["passed"] * (2 * len(days)),
                    "result_date": days * 2,
                }
            )
        )
    expected, got = _migrated(path, _back_to_version_2)
    assert got["laureates"] == expected["laureates"]
    assert len(got["laureates"]) == 2 * 731
    own = {(r[0], r[-2]): r[-1] for r in expected["laureates"]}
    assert own[("P-X12", date(2024, 2, 29))] == date(2025, 2, 28)
    assert own[("P-X1", date(2023, 1, 31))] == date(2023, 2, 28)
    assert own[("P-X1", date(2024, 1, 31))] == date(2024, 2, 29)
    assert got["lists"] == expected["lists"]


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


def test_list_states_of_a_permanently_open_reserve(tmp_path: Path) -> None:
    """tests/fixtures/open_reserve.py: each P-O1 laureate's reserve is a period of its own
    (first day the interview, last day the day before the anniversary, O2 through its
    extension); the ordinary lists have one period each. P-O1's list: no list date, its own
    last day O4's 09/03/2027 (O2's extension to 30/06/2026 is earlier: no extension of the
    list), its first day O2's 29/02/2024; status available O1, O2, O4, hired O3, declined
    O6."""
    path = build_open_reserve_store(tmp_path / "o.duckdb")
    periods = _rows(
        path,
        "select procedure_code, p.valid_from, p.valid_through, p.laureates, p.available "
        "from (select procedure_code, unnest(periods) as p from list_states) order by all",
    )
    assert periods == [
        # procedure, first day, last day, laureates, of them available
        ("P-A1", date(2025, 4, 5), date(2026, 4, 4), 2, 1),  # A01 hired, A03 available
        ("P-B1", date(2026, 7, 9), date(2028, 7, 8), 1, 1),
        ("P-O1", date(2024, 2, 29), date(2026, 6, 30), 1, 1),  # O2, extended
        ("P-O1", date(2025, 2, 28), date(2026, 2, 27), 1, 1),  # O1
        ("P-O1", date(2025, 6, 10), date(2026, 6, 9), 1, 0),  # O6 declined
        ("P-O1", date(2025, 9, 15), date(2026, 9, 14), 1, 0),  # O3 hired
        ("P-O1", date(2026, 3, 10), date(2027, 3, 9), 1, 1),  # O4
    ]
    dates = _rows(
        path,
        "select list_date, valid_until, extended_until, valid_through, valid_from, "
        "permanently_open from list_states order by procedure_code",
    )
    assert dates == [
        (date(2025, 4, 5), date(2026, 4, 4), None, date(2026, 4, 4), date(2025, 4, 5), False),
        (date(2026, 7, 9), date(2028, 7, 8), None, date(2028, 7, 8), date(2026, 7, 9), False),
        (None, date(2027, 3, 9), None, date(2027, 3, 9), date(2024, 2, 29), True),
    ]
    counts = _rows(
        path,
        "select size, available, hired, declined, withdrawn from list_states "
        "order by procedure_code",
    )
    assert counts == [(2, 1, 1, 0, 0), (1, 1, 0, 0, 0), (5, 3, 1, 1, 0)]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # P-O1 on the day before its first laureate (O2, 29/02/2024): not in force yet
        (date(2024, 2, 28), ("not_started", 0, 0)),
        # 29/02/2024: O2 alone, available
        (date(2024, 2, 29), ("valid", 1, 1)),
        # 27/02/2026, O1's last day: O1, O2 (extended), O6, O3 valid; O4 not in yet;
        # available O1, O2
        (date(2026, 2, 27), ("valid", 4, 2)),
        # 28/02/2026: O1 has lapsed; O2, O6, O3 valid; available O2
        (date(2026, 2, 28), ("valid", 3, 1)),
        # 10/06/2026: O6 has lapsed (09/06/2026); O2, O3, O4 valid; available O2, O4
        (date(2026, 6, 10), ("valid", 3, 2)),
        # 09/03/2027, O4's last day: O4 alone
        (date(2027, 3, 9), ("valid", 1, 1)),
        (date(2027, 3, 10), ("expired", 0, 0)),
    ],
)
def test_a_permanently_open_list_is_valid_while_a_laureates_reserve_is(
    tmp_path: Path, as_of: date, expected: tuple[object, ...]
) -> None:
    path = build_open_reserve_store(tmp_path / "o.duckdb")
    rows = _rows_with(
        path,
        "select validity, laureates_valid, available_valid from list_states_on($d) "
        "where procedure_code = 'P-O1'",
        d=as_of,
    )
    assert rows == [expected]


def test_a_list_with_laureates_and_no_list_date_is_open(tmp_path: Path) -> None:
    """P-B2 (tests/fixtures/small_store.py) has no list date yet. B21 scores 70/100 on its
    step 2 (pass mark 50 %) and becomes its one laureate: a period without a first or a
    last day. On any day that list is 'open' (no end), none of its laureates is in a
    valid reserve (0 valid, 0 available among them), it has no days left, and its one
    laureate is available (no list entry). The query over every list must run over it:
    version 5 of the macro failed on such a list."""
    path = build_small_store(tmp_path / "s.duckdb", with_reference=False)
    with write_store(path) as writer:
        writer.upsert_results(
            pl.DataFrame(
                {
                    "procedure_code": ["P-B2"],
                    "candidate_ref": ["B21"],
                    "step_no": [2],
                    "score": [70.0],
                    "outcome_given": [None],
                },
                schema_overrides={"outcome_given": pl.String},
            )
        )
    rows = _rows_with(
        path,
        "select validity, laureates_valid, available_valid, days_left, size, available "
        "from list_states_on($d) where procedure_code = 'P-B2'",
        d=date(2026, 12, 7),
    )
    assert rows == [("open", 0, 0, None, 1, 1)]
    every = _rows_with(path, "select count(*) from list_states_on($d)", d=date(2026, 12, 7))
    assert every == [(3,)]  # P-A1, P-B1 and P-B2: the query over every list runs


def _rows_with(path: Path, sql: str, **params: object) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(sql, params=params).fetchall()
    finally:
        con.close()
