"""Suppression that survives subtraction (issue 13 item 1): the three attacks, replayed on
the demo store (scale S) over the frames an analyst actually gets, by an attacker written
apart from the protection (tests/access/attacks.py), trying every subtraction its family
allows. Each attack is first shown to work on small-cell suppression alone, so that the
test can fail.

(a) within a row: failed = sat - met_mark, and every other declared sum of a row;
(b) complementary filters: a query under the sidebar filter, and the same with one
    organisation (government, diploma level, procedure, year at either end) left out;
(c) totals minus parts: a grouping level minus its units, a total query minus its detail
    query (overview totals / years / procedures, the summed funnel / the procedures'
    funnels, the reserve lists' summary / the lists), the same step in two queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
import streamlit as st

from selstats import query
from selstats.access.roles import Role
from selstats.access.scope import Access
from selstats.access.suppression import min_cell, suppress_small_cells
from selstats.store.connection import open_reader
from selstats.tables import Scope, table_params
from selstats.ui import db
from selstats.ui.session import ACCESS_KEY, NOTES_KEY

from .attacks import Attacker, add_detail, add_grouping, add_same_units, exposures
from .row_store import build_row_store

T = 5
AS_OF = date(2026, 5, 1)
OUTCOMES = ("reached", "passed", "failed", "absent", "withdrawn", "not_registered", "cut_off")

# The queries whose rows add up over procedures, and what names a row in them.
AGGREGATES: dict[str, tuple[str, ...]] = {
    "overview": ("year",),
    "overview_totals": (),
    "pass_rates_by_group": ("grouping", "procedure_code", "step_no", "kind", "year", "org_id"),
    "funnel_aggregate": ("step_no",),
    "reserve_lists_summary": (),
}

View = Callable[[str, Mapping[str, Any]], pl.DataFrame]


@pytest.fixture(scope="module")
def con(demo_store_file: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    reader = open_reader(demo_store_file)
    yield reader
    reader.close()


@pytest.fixture(scope="module")
def raw(con: duckdb.DuckDBPyConnection) -> View:
    """A query's exact rows under parameters (the analyst's scope: every organisation)."""
    return _exact(con)


def _exact(con: duckdb.DuckDBPyConnection) -> View:
    frames: dict[tuple[str, tuple[tuple[str, Any], ...]], pl.DataFrame] = {}

    def run(name: str, params: Mapping[str, Any]) -> pl.DataFrame:
        used = query.params_of(name)
        key = (name, tuple(sorted((k, v) for k, v in params.items() if k in used)))
        if key not in frames:
            frames[key] = query.run(con, name, **dict(key[1]))
        return frames[key]

    return run


@pytest.fixture(scope="module", autouse=True)
def caches_of_this_module() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def clear_streamlit_caches() -> None:
    """The store does not change between these tests: the results cached for one are kept
    for the next, as a server keeps them (conftest's fixture of this name clears them)."""


@pytest.fixture
def analyst(demo_store_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[View]:
    """What an analyst gets: the frames of `selstats.ui.db.cached_query`, which every page,
    Explore and the download buttons read, with an analyst logged in."""
    yield from _analyst_on(demo_store_file, monkeypatch)


def _analyst_on(store: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[View]:
    monkeypatch.setenv("SELSTATS_DB", str(store))
    monkeypatch.delenv("SELSTATS_MIN_CELL", raising=False)
    assert min_cell() == T  # the default threshold
    st.session_state[ACCESS_KEY] = Access("analyst", (Role.ANALYST,))
    yield lambda name, params: db.cached_query(name, **params)
    st.session_state.pop(ACCESS_KEY, None)


def primary_only(raw: View) -> View:
    """What small-cell suppression alone gave (before this change)."""
    return lambda name, params: suppress_small_cells(raw(name, params), T)


@pytest.fixture(scope="module")
def everything(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The sidebar's default: the store's first to last year, nothing else set."""
    years = query.run(con, "filter_options_years", allowed=None)["year"].drop_nulls()
    scope = Scope(year_from=int(years.min()), year_to=int(years.max()))  # type: ignore[arg-type]
    return table_params(con, scope, as_of=AS_OF)


# ---- (a) within a row --------------------------------------------------------------------

ROW_QUERIES = ["pass_rates_by_group", "funnel", "funnel_aggregate", "reserve_lists"]


def _row_attack(view: View, raw: View, name: str, params: Mapping[str, Any]) -> list[str]:
    attacker = Attacker(T)
    attacker.add_frame(name, view(name, params))
    return exposures(attacker.recover(), {name: raw(name, params)}, T)


def test_the_row_attack_works_on_small_cell_suppression_alone(
    raw: View, everything: dict[str, Any]
) -> None:
    found = _row_attack(primary_only(raw), raw, "pass_rates_by_group", everything)
    assert any(f.endswith(("failed = 1", "failed = 2", "failed = 3", "failed = 4")) for f in found)


@pytest.mark.parametrize("name", ROW_QUERIES)
def test_no_hidden_count_follows_from_its_row(
    name: str, analyst: View, raw: View, everything: dict[str, Any]
) -> None:
    """On the demo store only `pass_rates_by_group` has rows that give a small count back
    without protection (a funnel row has six parts, and its zeros show as "<5" too); the
    others are checked here all the same, and on `row_store` below, where they do."""
    assert _row_attack(analyst, raw, name, everything) == []


# A store made for it (tests/access/row_store.py): P-X1's step 2 has reached 28, passed 6,
# cut_off 5, absent 5, withdrawn 5, not_registered 5 and failed 2, so that
# failed = 28 - 6 - 5 - 5 - 5 - 5 = 2 and sat - met_mark = 13 - 11 = 2.
ROW_STORE_QUERIES = ["funnel", "funnel_aggregate", "pass_rates_by_group"]


@pytest.fixture(scope="module")
def row_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_row_store(tmp_path_factory.mktemp("rows") / "rows.duckdb")


@pytest.fixture(scope="module")
def row_raw(row_store: Path) -> Iterator[View]:
    reader = open_reader(row_store)
    yield _exact(reader)
    reader.close()


@pytest.fixture
def row_analyst(row_store: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[View]:
    yield from _analyst_on(row_store, monkeypatch)


@pytest.mark.parametrize("name", ROW_STORE_QUERIES)
def test_the_row_attack_works_on_every_row_query_without_protection(
    name: str, row_raw: View
) -> None:
    params = table_params(None, Scope(), as_of=AS_OF)  # type: ignore[arg-type]
    found = _row_attack(primary_only(row_raw), row_raw, name, params)
    assert any(f.endswith("failed = 2") for f in found), found


@pytest.mark.parametrize("name", ROW_STORE_QUERIES)
def test_no_hidden_count_follows_from_a_row_made_to_give_it_away(
    name: str, row_analyst: View, row_raw: View
) -> None:
    params = table_params(None, Scope(), as_of=AS_OF)  # type: ignore[arg-type]
    assert _row_attack(row_analyst, row_raw, name, params) == []
    assert "<5" in row_analyst(name, params)["failed"].to_list()  # the 2 itself is hidden


# ---- (c) totals minus parts --------------------------------------------------------------


def _everything_attack(view: View, raw: View, params: Mapping[str, Any]) -> list[str]:
    """Every analyst table of one filter at once, with all that ties them together."""
    names = [
        "pass_rates_by_group",
        "funnel",
        "funnel_aggregate",
        "funnel_procedures",
        "overview",
        "overview_totals",
        "reserve_lists",
        "reserve_lists_summary",
    ]
    attacker = Attacker(T)
    for name in names:
        attacker.add_frame(name, view(name, params))
    add_grouping(attacker, "pass_rates_by_group", attacker.frames["pass_rates_by_group"])
    add_detail(attacker, "funnel_aggregate", "funnel", {c: c for c in OUTCOMES}, by=("step_no",))
    add_detail(
        attacker,
        "funnel_aggregate",
        "funnel",
        {"applicants": "applicants"},
        distinct=("procedure_code",),
    )
    add_detail(
        attacker,
        "overview_totals",
        "overview",
        {c: c for c in ("applicants", "tested", "laureates")},
    )
    add_detail(
        attacker,
        "overview",
        "funnel_procedures",
        {"applicants": "applicants", "laureates": "laureates"},
        by=("year",),
    )
    add_detail(
        attacker,
        "reserve_lists_summary",
        "reserve_lists",
        {
            "laureates": "size",
            "available": "available",
            "hired": "hired",
            "declined": "declined",
            "withdrawn_from_list": "withdrawn_from_list",
        },
    )
    add_same_units(
        attacker, "funnel", "pass_rates_by_group", ("procedure_code", "step_no"), OUTCOMES
    )
    return exposures(attacker.recover(), {n: raw(n, params) for n in names}, T)


def test_the_totals_attack_works_on_small_cell_suppression_alone(
    raw: View, everything: dict[str, Any]
) -> None:
    assert _everything_attack(primary_only(raw), raw, everything) != []


def test_no_hidden_count_follows_from_totals_and_parts(
    analyst: View, raw: View, everything: dict[str, Any]
) -> None:
    assert _everything_attack(analyst, raw, everything) == []


def test_no_hidden_count_follows_within_one_year(
    analyst: View, raw: View, everything: dict[str, Any]
) -> None:
    """The issue's example is one year's Overview; the same tables for the busiest year."""
    year = int(raw("overview", everything).sort("applicants")["year"].drop_nulls()[-1])
    params = {**everything, "year_from": year, "year_to": year}
    assert _everything_attack(analyst, raw, params) == []


# ---- (b) complementary filters -----------------------------------------------------------


def _left_out(raw: View, everything: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The filter with one value of one sidebar filter left out, for each value that has
    procedures: every organisation (government, level, procedure) but one, and the years
    without the first or the last."""
    procedures = raw("funnel_procedures", everything)
    scoped = raw("filter_options_procedures", everything)
    levels = sorted(raw("filter_options_levels", everything)["diploma_level"].drop_nulls())
    orgs = sorted(procedures["org_id"].unique())
    for org in orgs:
        yield f"orgs-{org}", {**everything, "orgs": tuple(o for o in orgs if o != org)}
    govs = sorted(raw("filter_options_organisations", everything)["government"].unique())
    for gov in govs:
        yield f"govs-{gov}", {**everything, "govs": tuple(g for g in govs if g != gov)}
    for level in levels:
        yield f"levels-{level}", {**everything, "levels": tuple(v for v in levels if v != level)}
    codes = sorted(scoped["procedure_code"])
    for code in codes:
        yield f"procs-{code}", {**everything, "procs": tuple(c for c in codes if c != code)}
    first, last = everything["year_from"], everything["year_to"]
    yield "years-first", {**everything, "year_from": first + 1}
    yield "years-last", {**everything, "year_to": last - 1}


def _known(
    view: View, name: str, params: Mapping[str, Any]
) -> dict[tuple[Any, ...], dict[str, int]]:
    """What the attacker knows exactly of each row of the analyst's frame: the counts shown,
    and those its own rows and grouping give by subtraction and linear algebra."""
    keys = AGGREGATES[name]
    attacker = Attacker(T)
    frame = view(name, params)
    attacker.add_frame(name, frame)
    if name == "pass_rates_by_group":
        add_grouping(attacker, name, frame)
    rows: dict[tuple[Any, ...], dict[str, int]] = {}
    for (_, row, column), value in {**attacker.shown, **attacker.recover(ranges=False)}.items():
        rows.setdefault(tuple(frame[k][row] for k in keys), {})[column] = value
    return rows


def _differences(
    wide: dict[tuple[Any, ...], dict[str, int]],
    narrow: dict[tuple[Any, ...], dict[str, int]],
    keys: tuple[str, ...],
) -> list[str]:
    """Each count known exactly under both filters whose difference is 1..4 people: those
    the narrow one leaves out."""
    found = []
    for key, cells in narrow.items():
        for column, value in cells.items():
            other = wide.get(key, {}).get(column)
            if other is not None and 1 <= other - value <= T - 1:
                found.append(f"{dict(zip(keys, key, strict=True))} {column}: {other - value}")
    return found


def test_the_complement_attack_works_on_small_cell_suppression_alone(
    raw: View, everything: dict[str, Any]
) -> None:
    view = primary_only(raw)
    wide = _known(view, "overview_totals", everything)
    found = []
    for _, narrow in _left_out(raw, everything):
        found += _differences(wide, _known(view, "overview_totals", narrow), ())
    assert found != []


@pytest.mark.parametrize("name", sorted(AGGREGATES))
def test_leaving_one_out_gives_no_one_away(
    name: str, analyst: View, raw: View, everything: dict[str, Any]
) -> None:
    wide = _known(analyst, name, everything)
    found = []
    for what, narrow in _left_out(raw, everything):
        found += [
            f"{what}: {f}"
            for f in _differences(wide, _known(analyst, name, narrow), AGGREGATES[name])
        ]
    assert found == []


def test_the_user_is_told_where_a_filter_hid_counts(
    analyst: View, raw: View, everything: dict[str, Any]
) -> None:
    """The issue's case: the Overview of 2024, then the same with every organisation but
    one that had 1 to 4 of the year's tested candidates. The narrow filter's count is hidden
    ("x"), and the page says why (`access.filter_protected`)."""
    year = {**everything, "year_from": 2024, "year_to": 2024}
    tested = int(raw("overview", year)["tested"][0])
    orgs = sorted(raw("funnel_procedures", year)["org_id"].unique())
    narrow = None
    for org in orgs:
        others = {**year, "orgs": tuple(o for o in orgs if o != org)}
        if 1 <= tested - int(raw("overview", others)["tested"][0]) <= T - 1:
            narrow = others
            break
    assert narrow is not None, "the demo has an organisation with 1 to 4 tested in 2024"
    assert tested >= T and analyst("overview", year)["tested"][0] == str(tested)
    st.session_state[NOTES_KEY] = set()
    assert analyst("overview", narrow)["tested"][0] == "x"
    assert "access.filter_protected" in st.session_state[NOTES_KEY]
