"""The reserve lists page and its queries, against the hand-computed fixture store
(tests/fixtures/small_store.py).

The figures, by hand:
- P-A1: list of 2025-04-05, 12 months: valid through 2026-04-04 (the day before the
  anniversary 2026-04-05); ranked; 2 laureates, A01 (rank 1) hired 2025-05-01, A03 (rank 2)
  available.
- P-B1: list of 2026-07-09, 24 months: valid through 2028-07-08; ranked; 1 laureate, B01
  available.
- P-B2: no list yet (no laureates): not a list at all.
On 2026-04-04 P-A1 is valid (its last day, 0 days left) and P-B1 not in force yet (its list
is of 2026-07-09): the available laureates that day are A03 alone. On 2026-04-05 P-A1 has
expired (-1 day): no laureate is available.

A laureate is available on a date when their status is available and their own reserve is
valid that day; tests/fixtures/open_reserve.py adds a permanently open procedure whose
reserve runs laureate by laureate (its figures are worked out there). On the demo store the
page's figure is compared with a count of the raw tables written out in this file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from selstats import query
from selstats.i18n import translate
from selstats.store.reference_sync import sync_reference
from selstats.store.writer import write_store
from selstats.tables import Scope
from selstats.ui.charts.reserve_lists import (
    EXTENSION_COLOUR,
    NOT_VALID_COLOUR,
    ROW_ORDER,
    STATUS_COLOURS,
    status_bars,
    status_long,
    timeline_rows,
    validity_timeline,
)
from selstats.ui.charts.theme import localised
from selstats.ui.reserve_lists_text import statuses_in_words
from tests.fixtures import small_store
from tests.fixtures.open_reserve import OPEN, build_open_reserve_store
from tests.fixtures.small_store import build_small_store

APP = "../../app.py"
PAGE = "pages/reserve_lists.py"
TIMEOUT = 60


# ---- stores -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def clear_streamlit_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def build_variant(
    path: Path,
    *,
    procedures: pl.DataFrame = small_store.PROCEDURES,
    list_entries: pl.DataFrame = small_store.LIST_ENTRIES,
) -> Path:
    """The fixture store with other procedures or list entries."""
    with write_store(path, fresh=True) as writer:
        sync_reference(writer)
        writer.upsert("organisations", small_store.ORGANISATIONS)
        writer.upsert("procedures", procedures)
        writer.upsert("steps", small_store.STEPS)
        writer.upsert_results(small_store._results())
        writer.upsert("list_entries", list_entries)
    return path


# A03 on P-A1 extended through 2026-10-04, after the list's own end (2026-04-04).
EXTENDED_ENTRIES = small_store.LIST_ENTRIES.with_columns(
    extended_until=pl.Series([None, date(2026, 10, 4), None], dtype=pl.Date)
)
# P-B1 without ranking.
UNRANKED_PROCEDURES = small_store.PROCEDURES.with_columns(ranked=pl.Series([True, False, True]))


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return build_small_store(tmp_path / "s.duckdb")


@pytest.fixture
def small_con(small_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(small_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        from selstats.demo import build_demo
    except ImportError as error:  # the demo generator is being written
        pytest.skip(f"selstats.demo.build_demo does not import yet: {error}")
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    try:
        build_demo(path, scale="S", seed=1)
    except Exception as error:
        pytest.skip(f"the demo store does not build yet: {error!r}")
    return path


def run(con: duckdb.DuckDBPyConnection, name: str, as_of: date, **scope: object) -> pl.DataFrame:
    return query.run(con, name, **Scope(**scope).params(), as_of=as_of)  # type: ignore[arg-type]


def by_code(frame: pl.DataFrame) -> dict[str, dict[str, object]]:
    return {row["procedure_code"]: row for row in frame.iter_rows(named=True)}


# ---- queries ----------------------------------------------------------------------------


def test_every_list_with_its_dates_size_and_statuses(small_con: duckdb.DuckDBPyConnection) -> None:
    lists = run(small_con, "reserve_lists", date(2026, 4, 4))
    # the valid list first (P-A1), then the one not in force yet (P-B1); P-B2 has no list
    assert lists["procedure_code"].to_list() == ["P-A1", "P-B1"]
    rows = by_code(lists)
    a1, b1 = rows["P-A1"], rows["P-B1"]
    assert (a1["org_id"], a1["org_name"], a1["size"], a1["ranked"]) == (
        "ORG-A",
        "Dienst Alfa",
        2,
        True,
    )
    assert (a1["list_date"], a1["validity_months"], a1["list_valid_until"]) == (
        date(2025, 4, 5),
        12,
        date(2026, 4, 4),
    )
    assert (a1["extended_until"], a1["extended"], a1["valid_through"]) == (
        None,
        False,
        date(2026, 4, 4),
    )
    # valid on its last day, 0 days left
    assert (a1["validity"], a1["days_left"]) == ("valid", 0)
    # A01 hired, A03 available; both reserves valid on their last day
    assert (a1["available"], a1["hired"], a1["declined"], a1["withdrawn_from_list"]) == (
        1,
        1,
        0,
        0,
    )
    assert (a1["laureates_valid"], a1["available_not_valid"]) == (2, 0)
    assert (a1["valid_from"], a1["permanently_open"]) == (date(2025, 4, 5), False)
    # 24 months from 2026-07-09: through 2028-07-08. Days from 2026-04-04: 365 to
    # 2027-04-04, 366 to 2028-04-04 (29/02/2028), then 26 + 31 + 30 + 8 = 95 -> 826. Not in
    # force before 2026-07-09: B01 is available, but not on a valid reserve.
    assert (b1["list_valid_until"], b1["validity"], b1["days_left"]) == (
        date(2028, 7, 8),
        "not_started",
        826,
    )
    assert (b1["size"], b1["laureates_valid"], b1["available"], b1["hired"]) == (1, 0, 0, 0)
    assert b1["available_not_valid"] == 1


def test_the_day_after_the_last_day_the_list_has_expired(
    small_con: duckdb.DuckDBPyConnection,
) -> None:
    lists = run(small_con, "reserve_lists", date(2026, 4, 5))
    assert lists["procedure_code"].to_list() == ["P-B1", "P-A1"]  # the expired one last
    rows = by_code(lists)
    assert (rows["P-A1"]["validity"], rows["P-A1"]["days_left"]) == ("expired", -1)
    # A03 is still "available", but on an expired list: not available
    assert (rows["P-A1"]["available"], rows["P-A1"]["available_not_valid"]) == (0, 1)
    assert rows["P-B1"]["validity"] == "not_started"


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # (lists, valid, expired, not in force yet, expiring_30, expiring_90, available):
        # P-B1 is not in force before 2026-07-09; P-A1 ends 2026-04-04. Available: A03 while
        # P-A1 is valid, B01 while P-B1 is.
        (date(2026, 4, 4), (2, 1, 0, 1, 1, 1, 1)),  # P-A1: 0 days left
        (date(2026, 4, 5), (2, 0, 1, 1, 0, 0, 0)),  # P-A1 expired: nobody available
        (date(2026, 3, 5), (2, 1, 0, 1, 1, 1, 1)),  # 26 (March) + 4 = 30 days left
        (date(2026, 3, 4), (2, 1, 0, 1, 0, 1, 1)),  # 31 days left
        (date(2026, 1, 4), (2, 1, 0, 1, 0, 1, 1)),  # 27 + 28 + 31 + 4 = 90 days left
        (date(2026, 1, 3), (2, 1, 0, 1, 0, 0, 1)),  # 91 days left
        (date(2026, 7, 9), (2, 1, 1, 0, 0, 0, 1)),  # P-B1's first day: B01
        (date(2028, 7, 8), (2, 1, 1, 0, 1, 1, 1)),  # P-B1's last day: B01
    ],
)
def test_summary_counts_valid_and_expiring_lists(
    small_con: duckdb.DuckDBPyConnection, as_of: date, expected: tuple[int, ...]
) -> None:
    row = run(small_con, "reserve_lists_summary", as_of).row(0, named=True)
    names = ("lists", "valid", "expired", "not_started", "expiring_30", "expiring_90")
    assert tuple(row[n] for n in (*names, "available")) == expected
    assert row["open"] == 0
    # 3 laureates: A01 hired; A03 and B01 have status available on some list, whatever
    # the date (a figure of its own, never "available")
    assert (row["laureates"], row["available_all_lists"], row["hired"]) == (3, 2, 1)
    assert (row["declined"], row["withdrawn_from_list"]) == (0, 0)


def test_expiring_lists_nearest_first(small_con: duckdb.DuckDBPyConnection) -> None:
    frame = run(small_con, "reserve_lists_expiring", date(2026, 3, 5))
    assert frame.select("procedure_code", "valid_through", "days_left", "within_30").rows() == [
        ("P-A1", date(2026, 4, 4), 30, True)
    ]
    assert frame["available"].to_list() == [1]  # A03
    assert run(small_con, "reserve_lists_expiring", date(2026, 1, 4))["within_30"].to_list() == [
        False
    ]
    assert run(small_con, "reserve_lists_expiring", date(2026, 4, 5)).is_empty()


def test_an_extension_keeps_the_list_valid(tmp_path: Path) -> None:
    path = build_variant(tmp_path / "x.duckdb", list_entries=EXTENDED_ENTRIES)
    con = duckdb.connect(str(path), read_only=True)
    a1 = by_code(run(con, "reserve_lists", date(2026, 4, 5)))["P-A1"]
    assert (a1["list_valid_until"], a1["extended_until"], a1["extended"]) == (
        date(2026, 4, 4),
        date(2026, 10, 4),
        True,
    )
    # 2026-04-05 -> 2026-10-04: 25 + 31 + 30 + 31 + 31 + 30 + 4 = 182 days
    assert (a1["valid_through"], a1["validity"], a1["days_left"]) == (
        date(2026, 10, 4),
        "valid",
        182,
    )
    # A03's own reserve runs on; A01's (hired) ended with the list on 2026-04-04
    assert (a1["laureates_valid"], a1["available"], a1["available_not_valid"]) == (1, 1, 0)
    summary = run(con, "reserve_lists_summary", date(2026, 4, 5)).row(0, named=True)
    # P-A1 valid through A03's extension; P-B1 not in force yet; A03 available
    assert (summary["valid"], summary["expired"], summary["not_started"]) == (1, 0, 1)
    assert summary["available"] == 1
    # an extension before the list's end is no extension
    early = EXTENDED_ENTRIES.with_columns(
        extended_until=pl.Series([None, date(2026, 1, 1), None], dtype=pl.Date)
    )
    con.close()
    path = build_variant(tmp_path / "y.duckdb", list_entries=early)
    con = duckdb.connect(str(path), read_only=True)
    a1 = by_code(run(con, "reserve_lists", date(2026, 4, 5)))["P-A1"]
    assert (a1["extended"], a1["valid_through"], a1["validity"]) == (
        False,
        date(2026, 4, 4),
        "expired",
    )
    con.close()


@pytest.mark.parametrize(
    ("scope", "codes"),
    [
        ({"orgs": ("ORG-B",)}, ["P-B1"]),
        ({"govs": ("federal",)}, ["P-A1"]),
        ({"allowed": ("ORG-A",)}, ["P-A1"]),
        ({"allowed": ()}, []),
        ({"procs": ("P-B1", "P-B2")}, ["P-B1"]),
        ({"year_from": 2026, "year_to": 2026}, ["P-B1"]),  # P-A1's year is 2025
    ],
)
def test_queries_follow_the_filter_and_the_access_scope(
    small_con: duckdb.DuckDBPyConnection, scope: dict[str, object], codes: list[str]
) -> None:
    as_of = date(2026, 4, 4)
    assert run(small_con, "reserve_lists", as_of, **scope)["procedure_code"].to_list() == codes
    assert run(small_con, "reserve_lists_summary", as_of, **scope)["lists"].item() == len(codes)
    expiring = run(small_con, "reserve_lists_expiring", as_of, **scope)
    assert expiring["procedure_code"].to_list() == [c for c in codes if c == "P-A1"]


@pytest.fixture
def open_con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(build_open_reserve_store(tmp_path / "o.duckdb")), read_only=True)
    yield con
    con.close()


def test_a_permanently_open_reserve_counts_the_laureates_whose_own_reserve_is_valid(
    open_con: duckdb.DuckDBPyConnection,
) -> None:
    """tests/fixtures/open_reserve.py on 2026-04-04, by hand: 3 lists, valid P-A1 (its last
    day) and P-O1 (O2, O3, O4, O6 valid; O1 lapsed 27/02/2026), P-B1 not in force yet;
    available A03 + O2 + O4 = 3; status available on all lists A03, B01, O1, O2, O4 = 5."""
    summary = run(open_con, "reserve_lists_summary", date(2026, 4, 4)).row(0, named=True)
    assert summary == {
        "lists": 3,
        "valid": 2,
        "expired": 0,
        "open": 0,
        "not_started": 1,
        "expiring_30": 1,  # P-A1, 0 days left
        "expiring_90": 1,  # P-O1 has 339 days left
        "laureates": 8,  # 2 + 1 + 5
        "available": 3,
        "available_all_lists": 5,
        "hired": 2,  # A01, O3
        "declined": 1,  # O6
        "withdrawn_from_list": 0,
    }
    o1 = by_code(run(open_con, "reserve_lists", date(2026, 4, 4)))[OPEN]
    assert (o1["validity"], o1["permanently_open"], o1["list_date"]) == ("valid", True, None)
    # its first day O2's 29/02/2024, its last O4's 09/03/2027: 365 - 26 = 339 days on
    assert (o1["valid_from"], o1["valid_through"], o1["days_left"]) == (
        date(2024, 2, 29),
        date(2027, 3, 9),
        339,
    )
    # 5 laureates, 4 of them with a valid reserve; available O2, O4; O1 available but lapsed
    assert (o1["size"], o1["laureates_valid"]) == (5, 4)
    assert (o1["available"], o1["available_not_valid"], o1["hired"], o1["declined"]) == (
        2,
        1,
        1,
        1,
    )
    # each laureate's own dates and validity
    laureates = run(open_con, "laureates", date(2026, 4, 4), procs=(OPEN,))
    assert laureates.select("candidate_ref", "list_date", "valid_until", "status").rows() == [
        ("O1", date(2025, 2, 28), date(2026, 2, 27), "available"),
        # 29/02/2024 + 1 year: 28/02/2025, extended to 30/06/2026
        ("O2", date(2024, 2, 29), date(2026, 6, 30), "available"),
        ("O3", date(2025, 9, 15), date(2026, 9, 14), "hired"),
        ("O4", date(2026, 3, 10), date(2027, 3, 9), "available"),
        ("O6", date(2025, 6, 10), date(2026, 6, 9), "declined"),
    ]
    assert laureates["validity"].to_list() == ["expired", "valid", "valid", "valid", "valid"]
    assert laureates["rank"].to_list() == [None] * 5  # unranked


@pytest.mark.parametrize(
    ("as_of", "available", "expiring"),
    [
        # 27/02/2026, O1's last day: A03, O1, O2 available; P-A1 (36 days: 1 + 31 + 4) and
        # nothing else within 90 days
        (date(2026, 2, 27), 3, [("P-A1", 36, 1)]),
        # 28/02/2026: O1 has lapsed
        (date(2026, 2, 28), 2, [("P-A1", 35, 1)]),
        # 10/12/2026: P-A1 expired; P-B1 in force (B01); O4 (through 09/03/2027:
        # 21 + 31 + 28 + 9 = 89 days) is the last valid reserve of P-O1, O3 lapsed on
        # 15/09/2026, O2 on 01/07/2026: available B01 and O4
        (date(2026, 12, 10), 2, [(OPEN, 89, 1)]),
    ],
)
def test_available_laureates_follow_each_laureates_own_reserve(
    open_con: duckdb.DuckDBPyConnection,
    as_of: date,
    available: int,
    expiring: list[tuple[str, int, int]],
) -> None:
    assert run(open_con, "reserve_lists_summary", as_of)["available"].item() == available
    frame = run(open_con, "reserve_lists_expiring", as_of)
    assert frame.select("procedure_code", "days_left", "available").rows() == expiring


# ---- the demo store: the page against a count of the raw tables ------------------------------

# Every laureate with their procedure's dates, their own latest result and their list entry,
# read from the imported tables (and the list membership) only, never from the summaries.
RAW_LAUREATES = """
select
    la.procedure_code,
    la.candidate_ref,
    p.application_deadline,
    p.list_date,
    p.validity_months,
    (
        select max(r.result_date) from results as r
        where r.procedure_code = la.procedure_code and r.candidate_ref = la.candidate_ref
    ) as last_result,
    coalesce(le.status, 'available') as status,
    le.extended_until
from laureates as la
join procedures as p using (procedure_code)
left join list_entries as le using (procedure_code, candidate_ref)
"""


def _day_before_anniversary(day: date, months: int) -> date:
    """The README's rule written out again: the same calendar day `months` later (the first
    of the next month when that day does not exist), minus one day."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    try:
        anniversary = date(year, month, day.day)
    except ValueError:  # e.g. 29/02 in a common year, 31/04
        anniversary = date(year + month // 12, month % 12 + 1, 1)
    return anniversary - timedelta(days=1)


def hand_count_available(con: duckdb.DuckDBPyConnection, as_of: date) -> int:
    """Laureates with status available whose own reserve is valid on `as_of`: it starts on
    the list date (for a permanently open procedure, no deadline and no list date, on the
    laureate's latest result) and runs through the day before the anniversary, or through a
    later extension."""
    count = 0
    for _, _, deadline, list_date, months, last, status, extended in con.sql(
        RAW_LAUREATES
    ).fetchall():
        start = last if deadline is None and list_date is None else list_date
        end = None if start is None or months is None else _day_before_anniversary(start, months)
        if extended is not None and (end is None or extended > end):
            end = extended
        valid = end is not None and (start is None or start <= as_of) and as_of <= end
        count += status == "available" and valid
    return count


@pytest.mark.parametrize("as_of", ["2026-11-20", "2026-03-01"])
def test_demo_page_shows_the_hand_counted_available_laureates(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, as_of: str
) -> None:
    """Done when (issue 12): on the demo S store the page's available laureates equal a count
    of the available laureates on reserves valid on the chosen date, from the raw tables.
    The demo's today is 2026-11-20; its permanently open req16131 has lapsed and extended
    reserves."""
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        day = date.fromisoformat(as_of)
        expected = hand_count_available(con, day)
        everywhere = one_value(
            con, f"select count(*) from ({RAW_LAUREATES}) where status = 'available'"
        )
    finally:
        con.close()
    # the figure the issue found wrong (174 on 2026-11-20) counted expired lists too
    assert 0 < expected < everywhere
    at = _page(demo_db, monkeypatch, as_of=as_of)
    label = f"Beschikbare laureaten ({day:%d/%m/%Y})"
    assert int(_metrics(at)[label].replace(".", "")) == expected
    caption = translate(
        "nl",
        "reserve_lists.available_all_lists",
        count=str(everywhere),
        date=day.strftime("%d/%m/%Y"),
    )
    assert caption in [c.value for c in at.caption]


def one_value(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.sql(sql).fetchall()[0][0])


# ---- charts -----------------------------------------------------------------------------

LABELS = {
    "list": "Lijst",
    "organisation": "Organisatie",
    "title": "Functie",
    "list_date": "Lijstdatum",
    "list_valid_until": "Geldig tot",
    "extended_until": "Verlengd tot",
    "validity": "Geldigheid",
    "as_of": "vandaag",
    "laureates": "Laureaten",
    "status": "Status",
    "valid": "geldig",
    "expired": "vervallen",
    "open": "open",
    "not_started": "nog niet van kracht",
    "valid_from": "Geldig vanaf",
    "laureates_valid": "Met geldige reserve",
    "available_not_valid": "beschikbaar, reserve niet geldig",
    "available": "beschikbaar",
    "hired": "aangeworven",
    "declined": "geweigerd",
    "withdrawn_from_list": "teruggetrokken",
}


def _layers(chart: dict[str, object]) -> list[dict[str, object]]:
    layers = chart["layer"]
    assert isinstance(layers, list)
    return layers


def test_timeline_bars_run_from_list_date_to_the_end_with_a_rule_at_the_date(
    small_con: duckdb.DuckDBPyConnection,
) -> None:
    lists = run(small_con, "reserve_lists", date(2026, 4, 5))
    spec = validity_timeline(lists, date(2026, 4, 5), LABELS, "nl").to_dict()
    bars, extensions, rule = _layers(spec)
    assert bars["encoding"]["x"]["field"] == "valid_from"  # type: ignore[index]
    assert bars["encoding"]["x2"]["field"] == "list_valid_until"  # type: ignore[index]
    assert bars["encoding"]["color"]["scale"] == {  # type: ignore[index]
        "domain": ["geldig", "vervallen", "nog niet van kracht"],
        "range": ["#0072B2", "#9E9E9E", "#E69F00"],
    }
    assert extensions["encoding"]["x2"]["field"] == "extended_until"  # type: ignore[index]
    assert extensions["mark"]["color"] == EXTENSION_COLOUR  # type: ignore[index]
    assert rule["mark"]["type"] == "rule"  # type: ignore[index]
    rule_data = spec["datasets"][rule["data"]["name"]]  # type: ignore[index]
    assert rule_data[0]["as_of"].startswith("2026-04-05")
    bar_data = spec["datasets"][bars["data"]["name"]]  # type: ignore[index]
    assert sorted((r["procedure_code"], r["validity_label"]) for r in bar_data) == [
        ("P-A1", "vervallen"),
        ("P-B1", "nog niet van kracht"),
    ]
    # the latest end at the top: the lists in the order of their row_order
    by_field = {"field": ROW_ORDER, "op": "min", "order": "ascending"}
    assert bars["encoding"]["y"]["sort"] == by_field  # type: ignore[index]
    assert extensions["encoding"]["y"]["sort"] == by_field  # type: ignore[index]
    assert [r["list_label"] for r in sorted(bar_data, key=lambda r: r[ROW_ORDER])] == [
        "P-B1 — Dossierbeheerder",
        "P-A1 — Attaché",
    ]


def test_charts_write_numbers_and_months_in_the_language() -> None:
    chart = status_bars(
        pl.DataFrame(
            {
                "procedure_code": ["P"],
                "title": ["T"],
                "available": [1],
                "hired": [0],
                "declined": [0],
                "withdrawn_from_list": [0],
            }
        ),
        LABELS,
    )
    nl = localised(chart, "nl").to_dict()["config"]["locale"]
    assert (nl["number"]["decimal"], nl["number"]["thousands"]) == (",", ".")
    assert nl["time"]["shortMonths"][2] == "mrt"
    assert localised(chart, "fr").to_dict()["config"]["locale"]["time"]["months"][7] == "août"
    assert "config" not in localised(chart, "en").to_dict() or "locale" not in localised(
        chart, "en"
    ).to_dict().get("config", {})


def test_timeline_leaves_out_open_lists() -> None:
    # a permanently open procedure's list has no list date, but a first day and an end: drawn
    lists = pl.DataFrame(
        {
            "procedure_code": ["OPEN", "P-A1", "P-O1"],
            "list_date": [None, date(2025, 4, 5), None],
            "valid_from": [None, date(2025, 4, 5), date(2024, 2, 29)],
            "valid_through": [None, date(2026, 4, 4), date(2027, 3, 9)],
        }
    )
    assert timeline_rows(lists)["procedure_code"].to_list() == ["P-A1", "P-O1"]


def test_status_bars_stack_the_statuses_in_fixed_colours(
    small_con: duckdb.DuckDBPyConnection,
) -> None:
    lists = run(small_con, "reserve_lists", date(2026, 4, 4))
    # P-A1: 1 available, 1 hired; P-B1: B01 available but not in force yet; zero counts
    # left out
    assert sorted(status_long(lists).select("procedure_code", "status", "count").rows()) == [
        ("P-A1", "available", 1),
        ("P-A1", "hired", 1),
        ("P-B1", "available_not_valid", 1),
    ]
    spec = status_bars(lists, LABELS).to_dict()
    colour = spec["encoding"]["color"]
    assert colour["scale"]["domain"] == [
        "beschikbaar",
        "aangeworven",
        "geweigerd",
        "teruggetrokken",
        "beschikbaar, reserve niet geldig",
    ]
    assert colour["scale"]["range"] == [*STATUS_COLOURS.values(), NOT_VALID_COLOUR]
    assert spec["encoding"]["x"]["stack"] == "zero"
    # the lists in the query's order, top to bottom
    assert spec["encoding"]["y"]["sort"] == {"field": ROW_ORDER, "op": "min", "order": "ascending"}
    rows = spec["datasets"][spec["data"]["name"]]
    assert sorted({(r[ROW_ORDER], r["procedure_code"]) for r in rows}) == list(
        enumerate(lists["procedure_code"].to_list())
    )


# ---- the status chart in words ----------------------------------------------------------

# On 2026-04-04 (the module's docstring): P-A1 has A01 hired and A03 available (its list valid
# that day), P-B1 has B01 available on a list not in force yet. In words: 1 + 1 + 1 = 3
# laureates on 2 lists; P-A1 2 of them, P-B1 1; nobody declined or withdrawn (left out).
STATUSES_NL = (
    "In woorden, op 04/04/2026: 3 laureaten op 2 lijsten: 1 beschikbaar, 1 aangeworven, "
    "1 beschikbaar zonder geldige reserve. Per lijst: P-A1 (2): 1 beschikbaar, 1 "
    "aangeworven; P-B1 (1): 1 beschikbaar zonder geldige reserve."
)


def test_the_status_chart_in_words(small_con: duckdb.DuckDBPyConnection) -> None:
    lists = run(small_con, "reserve_lists", date(2026, 4, 4))
    assert statuses_in_words(lists, "04/04/2026", "nl") == STATUSES_NL
    # French: one of each is singular, as 3 and 2 are plural
    assert statuses_in_words(lists, "04/04/2026", "fr") == (
        "En mots, au 04/04/2026 : 3 lauréats sur 2 listes : 1 disponible, 1 recruté, "
        "1 disponible sans réserve valable. Par liste : P-A1 (2) : 1 disponible, 1 recruté; "
        "P-B1 (1) : 1 disponible sans réserve valable."
    )


def _status_rows(counts: list[tuple[str, int, int, int, int, int]]) -> pl.DataFrame:
    columns = ["available", "hired", "declined", "withdrawn_from_list", "available_not_valid"]
    return pl.DataFrame(counts, schema=["procedure_code", *columns], orient="row").with_columns(
        pl.col(columns).cast(pl.Int64)
    )


def test_the_words_count_in_each_language_and_name_the_first_lists() -> None:
    # one list, one laureate who declined: every word singular
    one = _status_rows([("P-X", 0, 0, 1, 0, 0)])
    assert statuses_in_words(one, "2026-04-04", "en") == (
        "In words, on 2026-04-04: 1 laureate on 1 list: 1 declined. Per list: P-X (1): 1 declined."
    )
    assert statuses_in_words(one, "04/04/2026", "nl") == (
        "In woorden, op 04/04/2026: 1 laureaat op 1 lijst: 1 weigerde. Per lijst: P-X (1): "
        "1 weigerde."
    )
    # seven lists of 2 withdrawn each, 1.001 hired on the first: 7 x 2 + 1001 = 1015
    # laureates, 7 x 2 = 14 withdrawn; five lists named, the other 2 counted
    seven = _status_rows(
        [("P-1", 0, 1001, 0, 2, 0)] + [(f"P-{i}", 0, 0, 0, 2, 0) for i in range(2, 8)]
    )
    text = statuses_in_words(seven, "04/04/2026", "nl")
    assert text.startswith(
        "In woorden, op 04/04/2026: 1.015 laureaten op 7 lijsten: 1.001 aangeworven, 14 van "
        "de lijst teruggetrokken. Per lijst: P-1 (1.003): 1.001 aangeworven, 2 van de lijst "
        "teruggetrokken; P-2 (2): 2 van de lijst teruggetrokken; "
    )
    assert "P-5 (2)" in text and "P-6" not in text
    assert text.endswith("; en 2 andere lijsten (zie de tabel Alle lijsten).")
    assert statuses_in_words(seven, "04/04/2026", "fr").endswith(
        "et 2 autres listes (voir le tableau Toutes les listes)."
    )


# ---- the page ---------------------------------------------------------------------------


def _page(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv("SELSTATS_DB", str(db))
    monkeypatch.setenv("SELSTATS_DEMO", "1")  # the demo role switcher: bosa by default
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_page_shows_the_hand_computed_figures(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(small_db, monkeypatch, as_of="2026-04-04")
    assert [t.value for t in at.title] == ["Wervingsreserves"]
    metrics = _metrics(at)
    assert metrics["Lijsten"] == "2"
    assert metrics["Geldige lijsten (04/04/2026)"] == "1"  # P-A1 on its last day (P-B1 not yet)
    assert metrics["Vervallen binnen 30 dagen (04/04/2026)"] == "1"  # P-A1, 0 days left
    assert metrics["Vervallen binnen 90 dagen (04/04/2026)"] == "1"
    assert metrics["Beschikbare laureaten (04/04/2026)"] == "1"  # A03 (B01's list not in force yet)
    # status available on all lists, B01 too: said apart, under its own words
    assert translate("nl", "reserve_lists.available_all_lists", count="2", date="04/04/2026") in [
        c.value for c in at.caption
    ]
    lists = at.dataframe[0].value
    assert list(lists["procedure_code"]) == ["P-A1", "P-B1"]
    assert list(lists["validity"]) == ["geldig", "nog niet van kracht"]  # by name
    expiring = at.dataframe[1].value
    assert list(expiring["procedure_code"]) == ["P-A1"]
    # the first list is chosen: P-A1's laureates, ranked, refs as text
    assert at.selectbox(key="reserve_list").value == "P-A1"
    assert metrics["Bruikbaar tot en met"] == "04/04/2026"
    assert metrics["Geldigheid (04/04/2026)"] == "geldig"
    laureates = at.dataframe[2].value
    assert list(laureates["candidate_ref"]) == ["A01", "A03"]
    assert list(laureates["rank"]) == [1, 2]
    assert list(laureates["status"]) == ["aangeworven", "beschikbaar"]
    assert str(laureates["status_date"].iloc[0])[:10] == "2025-05-01"
    assert not [i for i in at.info if "rangschikking" in i.value]
    # every table can be downloaded; and the user's calendar (.ics)
    assert len(at.get("download_button")) == 3 * 4 + 1
    assert "reserve_lists_calendar" in {b.key for b in at.get("download_button")}
    # the status chart in words, under it
    assert STATUSES_NL in [c.value for c in at.caption]


def test_page_the_day_after_p_a1_has_expired(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(small_db, monkeypatch, as_of="2026-04-05")
    metrics = _metrics(at)
    assert metrics["Geldige lijsten (05/04/2026)"] == "0"  # P-A1 expired, P-B1 not in force yet
    assert metrics["Vervallen binnen 30 dagen (05/04/2026)"] == "0"
    assert metrics["Beschikbare laureaten (05/04/2026)"] == "0"  # A03 is on an expired list
    # the list not in force yet first, then the expired one
    assert list(at.dataframe[0].value["procedure_code"]) == ["P-B1", "P-A1"]
    assert list(at.dataframe[0].value["validity"]) == ["nog niet van kracht", "vervallen"]
    assert metrics["Geldigheid (05/04/2026)"] == "nog niet van kracht"  # P-B1, the first list
    at.selectbox(key="reserve_list").select("P-A1").run()
    assert _metrics(at)["Geldigheid (05/04/2026)"] == "vervallen"
    assert "Geen enkele lijst vervalt binnen 90 dagen na 05/04/2026." in [i.value for i in at.info]


def test_page_unranked_list_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = build_variant(tmp_path / "u.duckdb", procedures=UNRANKED_PROCEDURES)
    at = _page(db, monkeypatch, as_of="2026-04-04")
    at.selectbox(key="reserve_list").select("P-B1").run()
    assert not at.exception
    assert translate("nl", "reserve_lists.unranked") in [i.value for i in at.info]
    assert translate("nl", "reserve_lists.unranked").startswith("Lijst zonder rangschikking")
    laureates = at.dataframe[-1].value
    assert list(laureates["candidate_ref"]) == ["B01"]
    assert laureates["rank"].isna().all()  # shown as "—"


def test_page_shows_an_extension(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = build_variant(tmp_path / "x.duckdb", list_entries=EXTENDED_ENTRIES)
    at = _page(db, monkeypatch, as_of="2026-04-05", lang="en")
    metrics = _metrics(at)
    assert metrics["Valid lists (2026-04-05)"] == "1"  # P-A1 through A03's extension
    assert metrics["Available laureates (2026-04-05)"] == "1"  # A03
    assert metrics["Extended until"] == "2026-10-04"
    assert metrics["Validity (2026-04-05)"] == "valid"


def test_page_in_french(small_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(small_db, monkeypatch, as_of="2026-04-04", lang="fr")
    assert [t.value for t in at.title] == ["Réserves de recrutement"]
    assert _metrics(at)["Listes valables (04/04/2026)"] == "1"


def test_page_follows_the_sidebar(small_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(small_db, monkeypatch, as_of="2026-04-04", orgs="ORG-B")
    assert list(at.dataframe[0].value["procedure_code"]) == ["P-B1"]
    assert _metrics(at)["Lijsten"] == "1"


def test_page_on_an_empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "empty.duckdb"
    with write_store(path, fresh=True):
        pass
    at = _page(path, monkeypatch)
    assert [i.value for i in at.info] == [translate("nl", "reserve_lists.empty")]
    assert not at.error


def test_page_on_the_demo_store(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(demo_db, monkeypatch)
    assert not at.error
    assert int(_metrics(at)["Lijsten"]) > 0


def test_page_for_an_analyst_hides_small_counts(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELSTATS_DEMO", "1")
    monkeypatch.setenv("SELSTATS_DB", str(small_db))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["as_of"] = "2026-04-04"
    at.run()
    at.sidebar.selectbox(key="_selstats_demo_role").set_value("analyst").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    metrics = _metrics(at)
    assert metrics["Lijsten"] == "2"  # lists are not people: not suppressed
    assert (
        metrics[next(m for m in metrics if m.startswith("Beschikbare laureaten"))] == "<5"
    )  # 2 people
    lists = at.dataframe[0].value
    assert list(lists["size"]) == ["<5", "<5"]
    assert translate("nl", "reserve_lists.statuses_suppressed") in [i.value for i in at.info]
    # no candidate rows for an analyst: the sentence, no table of laureates
    assert translate("nl", "access.no_candidates") in [i.value for i in at.info]
    assert len(at.dataframe) == 2  # all lists, expiring lists


def test_page_for_an_admin_shows_no_figures(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELSTATS_DEMO", "1")
    monkeypatch.setenv("SELSTATS_DB", str(small_db))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.sidebar.selectbox(key="_selstats_demo_role").set_value("admin").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    # told that the role sees no figures, not to widen the filters (issue 15)
    said = [i.value for i in at.info]
    told = translate("nl", "app.no_figures_page", roles="Beheerder", explore="Verkennen")
    assert told in said
    assert translate("nl", "reserve_lists.empty") not in said


def test_page_shows_a_permanently_open_reserve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/fixtures/open_reserve.py on 2026-04-04 (figures worked out there)."""
    db = build_open_reserve_store(tmp_path / "o.duckdb")
    at = _page(db, monkeypatch, as_of="2026-04-04")
    metrics = _metrics(at)
    assert metrics["Lijsten"] == "3"
    assert metrics["Geldige lijsten (04/04/2026)"] == "2"  # P-A1, P-O1
    assert metrics["Beschikbare laureaten (04/04/2026)"] == "3"  # A03, O2, O4
    lists = at.dataframe[0].value
    assert list(lists["procedure_code"]) == ["P-A1", OPEN, "P-B1"]
    at.selectbox(key="reserve_list").select(OPEN).run()
    assert not at.exception
    # each laureate's own reserve, said on the page: 4 of the 5 valid
    said = translate(
        "nl", "reserve_lists.permanently_open", months="12", date="04/04/2026", valid="4", size="5"
    )
    assert said in [i.value for i in at.info]
    assert _metrics(at)["Geldigheid (04/04/2026)"] == "geldig"
    laureates = at.dataframe[-1].value
    assert list(laureates["candidate_ref"]) == ["O1", "O2", "O3", "O4", "O6"]
    assert list(laureates["validity"]) == ["vervallen", "geldig", "geldig", "geldig", "geldig"]
    assert str(laureates["valid_until"].iloc[0])[:10] == "2026-02-27"  # O1's own end
