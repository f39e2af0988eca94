"""The shared filters: URL <-> Filters (pure), their SQL semantics and option queries."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pytest

from selstats import query
from selstats.ui import filters as filters_module
from selstats.ui.filters import (
    FilterOptions,
    Filters,
    clamp_period,
    filters_from_query,
    filters_to_query,
    keep_valid,
    parse_query,
)

YEARS = (2021, 2022, 2023, 2024)
OPTIONS = FilterOptions(
    years=YEARS,
    orgs=frozenset({"BELNET", "POD-MI", "VDAB", "GENT"}),
    levels=frozenset({"A1", "A2", "B", "C"}),
    procs=frozenset({"BNG21001", "BNG23001", "MI24001", "VDAB22", "OPEN01"}),
)
ALL = Filters(2021, 2024)


# ---- URL <-> Filters ------------------------------------------------------------------


def test_no_query_is_the_whole_store() -> None:
    assert filters_from_query({}, OPTIONS) == ALL
    assert filters_to_query(ALL, YEARS) == {}


def test_deep_link() -> None:
    # /funnel?orgs=BELNET&lang=fr: lang is the frame's, not a filter
    assert filters_from_query({"orgs": "BELNET", "lang": "fr"}, OPTIONS) == Filters(
        2021, 2024, orgs=("BELNET",)
    )


@pytest.mark.parametrize(
    "f",
    [
        ALL,
        Filters(2022, 2023),
        Filters(2021, 2021, govs=("federal", "local")),
        Filters(2021, 2024, orgs=("VDAB", "BELNET"), levels=("A2",), procs=("BNG23001",)),
        Filters(2024, 2024, govs=("flemish",), orgs=("VDAB",), levels=("B", "C")),
    ],
)
def test_round_trip(f: Filters) -> None:
    assert filters_from_query(filters_to_query(f, YEARS), OPTIONS) == f


def test_query_format() -> None:
    f = Filters(2022, 2024, govs=("federal", "local"), orgs=("BELNET",))
    # the last year is the default: left out; lists are repeated keys
    assert filters_to_query(f, YEARS) == {
        "year_from": ["2022"],
        "govs": ["federal", "local"],
        "orgs": ["BELNET"],
    }
    # without the store's years, both years are written (for links built elsewhere)
    assert filters_to_query(f)["year_to"] == ["2024"]


def test_invalid_values_are_ignored() -> None:
    query_params = {
        "year_from": "abc",
        "year_to": ["2022", "twenty"],
        "govs": ["federal", "bogus", "federal"],
        "orgs": ["NOPE", "BELNET"],
        "levels": "Z9",
        "procs": ["", " "],
    }
    assert filters_from_query(query_params, OPTIONS) == Filters(
        2021, 2022, govs=("federal",), orgs=("BELNET",)
    )


def test_comma_separated_lists_are_accepted() -> None:
    assert parse_query({"orgs": "BELNET,VDAB", "govs": "federal, flemish"}) == Filters(
        orgs=("BELNET", "VDAB"), govs=("federal", "flemish")
    )


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ((None, None), (2021, 2024)),
        ((2022, None), (2022, 2024)),
        ((None, 2022), (2021, 2022)),
        ((2015, 2030), (2021, 2024)),  # outside: the nearest year of the store
        ((2023, 2022), (2022, 2023)),  # reversed: swapped
    ],
)
def test_clamp_period(asked: tuple[int | None, int | None], expected: tuple[int, int]) -> None:
    assert clamp_period(*asked, YEARS) == expected


def test_an_empty_store_has_no_period() -> None:
    assert clamp_period(2022, 2023, ()) == (None, None)
    assert filters_from_query({"year_from": "2022"}, FilterOptions()) == Filters()


def test_keep_valid() -> None:
    assert keep_valid(["b", "a", "b", "x"], ["a", "b"]) == ("b", "a")
    assert keep_valid(["b", "b"], None) == ("b",)


def test_params_are_the_export_scope_names() -> None:
    from selstats.tables import Scope

    assert Filters().params().keys() == Scope().params().keys()
    assert Filters(2021, 2024, govs=("federal",)).params() == {
        "year_from": 2021,
        "year_to": 2024,
        "govs": ("federal",),
        "orgs": (),
        "levels": (),
        "procs": (),
        "allowed": None,
    }


# ---- SQL semantics -------------------------------------------------------------------


def _documented_scope_cte() -> str:
    """The CTE the comment at the top of filters.py tells page authors to copy."""
    source = filters_module.__file__
    with open(source, encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"#   (with scope as \(\n(?:#.*\n)*?#   \))", text)
    assert match, "the scope CTE is no longer documented at the top of filters.py"
    return re.sub(r"^#   ", "", match.group(1), flags=re.MULTILINE)


def _in_scope(con: duckdb.DuckDBPyConnection, f: Filters) -> list[str]:
    sql = _documented_scope_cte() + "\nselect procedure_code from scope order by procedure_code"
    args = query.bind("scope", sql, f.params())
    return [row[0] for row in con.sql(sql, params=args).fetchall()]


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        # everything; OPEN01 has no year and is in every period
        (Filters(), ["BNG21001", "BNG23001", "MI24001", "OPEN01", "VDAB22"]),
        # 2022-2023: VDAB22 (2022), BNG23001 (2023), OPEN01
        (Filters(2022, 2023), ["BNG23001", "OPEN01", "VDAB22"]),
        # MI24001 has no deadline: its list date (2024) gives the year
        (Filters(2024, 2024), ["MI24001", "OPEN01"]),
        (Filters(govs=("federal",)), ["BNG21001", "BNG23001", "MI24001"]),
        (Filters(govs=("federal", "flemish")), ["BNG21001", "BNG23001", "MI24001", "VDAB22"]),
        (Filters(orgs=("BELNET",)), ["BNG21001", "BNG23001"]),
        (Filters(2023, 2024, orgs=("BELNET",)), ["BNG23001"]),
        (Filters(levels=("A1", "C")), ["MI24001", "OPEN01"]),
        (Filters(procs=("VDAB22",)), ["VDAB22"]),
        (Filters(govs=("local",), orgs=("BELNET",)), []),  # filters add up (and)
        (Filters(allowed=("VDAB",)), ["VDAB22"]),
        (Filters(allowed=()), []),
    ],
)
def test_the_documented_scope(
    small_con: duckdb.DuckDBPyConnection, f: Filters, expected: list[str]
) -> None:
    assert _in_scope(small_con, f) == expected


def test_an_empty_python_list_is_an_empty_varchar_list(
    small_con: duckdb.DuckDBPyConnection,
) -> None:
    rows = small_con.sql(
        "select typeof($govs::varchar[]), len($govs::varchar[])", params={"govs": []}
    ).fetchall()
    assert rows == [("VARCHAR[]", 0)]


def _options(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> list[object]:
    frame = query.run(con, name, **{**Filters().params(), **params})
    return frame.to_series(0).to_list()


def test_option_queries(small_con: duckdb.DuckDBPyConnection) -> None:
    assert _options(small_con, "filter_options_years") == [2021, 2022, 2023, 2024]
    assert _options(small_con, "filter_options_years", allowed=("VDAB",)) == [2022]
    assert _options(small_con, "filter_options_organisations", govs=("flemish", "local")) == [
        "GENT",  # "Stad Gent" sorts before "VDAB"
        "VDAB",
    ]
    # levels follow period, governments and organisations, not the level filter itself
    assert _options(small_con, "filter_options_levels", year_from=2023, year_to=2024) == [
        "A1",
        "A2",
        "C",
    ]
    assert _options(small_con, "filter_options_levels", levels=("A1",)) == ["A1", "A2", "B", "C"]
    # procedures: newest first, the permanently open one first of all
    assert _options(small_con, "filter_options_procedures", govs=("federal", "local")) == [
        "OPEN01",
        "MI24001",
        "BNG23001",
        "BNG21001",
    ]
    assert _options(small_con, "filter_options_procedures", procs=("VDAB22",)) == [
        "OPEN01",
        "MI24001",
        "BNG23001",
        "VDAB22",
        "BNG21001",
    ]


def test_option_queries_on_an_empty_store(tmp_path: object) -> None:
    from pathlib import Path

    from .conftest import build_store

    path = build_store(Path(str(tmp_path)) / "e.duckdb", with_data=False)
    con = duckdb.connect(str(path), read_only=True)
    for name in ["years", "organisations", "levels", "procedures"]:
        assert _options(con, f"filter_options_{name}") == []
    con.close()


def test_dates_are_plain_parameters(small_con: duckdb.DuckDBPyConnection) -> None:
    rows = small_con.sql("select $d::date", params={"d": date(2023, 5, 30)}).fetchall()
    assert rows == [(date(2023, 5, 30),)]
