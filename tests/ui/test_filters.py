"""The shared filters: URL <-> Filters (pure), their SQL semantics and option queries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from selstats import query
from selstats.reference import load_reference
from selstats.store.writer import write_store
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
    levels=frozenset({"A", "B", "C"}),  # diploma levels
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
        Filters(2021, 2024, orgs=("VDAB", "BELNET"), levels=("A",), procs=("BNG23001",)),
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


def test_a_link_from_before_the_diploma_levels() -> None:
    # `levels` held classes, ranks and scales (A2, C1); now diploma levels: an old value is
    # dropped like any value the store does not offer, the rest of the link still applies
    old = {"orgs": "BELNET", "levels": ["A2", "C1", "A"]}
    assert filters_from_query(old, OPTIONS) == Filters(2021, 2024, orgs=("BELNET",), levels=("A",))


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
        # diploma levels: A takes the classes A1 and A2, C the local level C
        (Filters(levels=("A", "C")), ["BNG21001", "BNG23001", "MI24001", "OPEN01"]),
        (Filters(levels=("B",)), ["VDAB22"]),
        (Filters(levels=("A2",)), []),  # a class is no diploma level
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
    # diploma levels follow period, governments and organisations, not the level filter
    # itself: 2023-2024 holds BNG23001 (A2), MI24001 (A1) and OPEN01 (C, no year)
    assert _options(small_con, "filter_options_levels", year_from=2023, year_to=2024) == [
        "A",
        "C",
    ]
    assert _options(small_con, "filter_options_levels", levels=("A",)) == ["A", "B", "C"]
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


# ---- the diploma level: one filter over classes, ranks and scales -------------------------

# A hand-built store whose procedures name their level each in their own government's way.
# Their diploma levels, by hand from data/reference/diploma_levels.csv:
#   F-C    federal  level C        -> C (federal "C[1-9]?")
#   F-A2   federal  class A2       -> A (federal "A[1-5]?")
#   M-C1   MAASEIK  local C1       -> C (local "C[1-9]?(-C[1-9])?"; Maaseik's C1-C3 scale)
#   G-RNG  GENT     local C1-C3    -> C (the same local pattern, a range of scales)
#   G-E1   GENT     local E1       -> D (local level E asks no diploma, like level D)
#   V-C2   VDAB     Flemish rank C2 -> C (Flemish "C[1-9]?")
#   W-D4   LIEGE    local D4       -> C: Liège's own row (org_id LIEGE, "D4", C) wins over
#                                    the local "D[1-9]?(-D[1-9])?" -> D
#   X-NA   GENT     local NA11     -> none: no local pattern matches, so no diploma level
DIPLOMA_ORGS = pl.DataFrame(
    {
        "org_id": ["FED", "MAASEIK", "GENT", "VDAB", "LIEGE"],
        "name": ["FOD X", "Stad Maaseik", "Stad Gent", "VDAB", "Ville de Liège"],
        "government": ["federal", "local", "local", "flemish", "local"],
    }
)
DIPLOMA_PROCEDURES = pl.DataFrame(
    {
        "procedure_code": ["F-C", "F-A2", "M-C1", "G-RNG", "G-E1", "V-C2", "W-D4", "X-NA"],
        "org_id": ["FED", "FED", "MAASEIK", "GENT", "GENT", "VDAB", "LIEGE", "GENT"],
        "level": ["C", "A2", "C1", "C1-C3", "E1", "C2", "D4", "NA11"],
        "application_deadline": [date(2025, 5, 1)] * 8,
    }
)


@pytest.fixture(scope="module")
def diploma_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path_factory.mktemp("diploma") / "d.duckdb"
    rules = load_reference().frames()["diploma_levels"]
    liege = pl.DataFrame(
        {
            "government": ["local"],
            "org_id": ["LIEGE"],
            "pattern": ["D4"],
            "diploma_level": ["C"],
            "source": ["test: a Walloon scale D4 asks the upper-secondary certificate"],
        }
    )
    steps = DIPLOMA_PROCEDURES.select(
        "procedure_code", pl.lit(1).alias("step_no"), pl.lit("Screening").alias("name")
    )
    with write_store(path, fresh=True) as writer:
        writer.replace_table("diploma_levels", pl.concat([rules, liege], how="diagonal"))
        writer.upsert("organisations", DIPLOMA_ORGS)
        writer.upsert("procedures", DIPLOMA_PROCEDURES)
        writer.upsert("steps", steps)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def _codes(con: duckdb.DuckDBPyConnection, macro: str, levels: tuple[str, ...]) -> list[str]:
    sql = (
        f"select distinct procedure_code from {macro}(null::integer, null::integer, "
        "[]::varchar[], []::varchar[], $levels::varchar[], []::varchar[], null::varchar[]) "
        "order by 1"
    )
    return [row[0] for row in con.sql(sql, params={"levels": list(levels)}).fetchall()]


def test_each_procedure_gets_its_diploma_level(diploma_store: duckdb.DuckDBPyConnection) -> None:
    rows = diploma_store.sql(
        "select procedure_code, level, diploma_level from procedure_scope order by 1"
    ).fetchall()
    assert rows == [
        ("F-A2", "A2", "A"),
        ("F-C", "C", "C"),
        ("G-E1", "E1", "D"),
        ("G-RNG", "C1-C3", "C"),
        ("M-C1", "C1", "C"),
        ("V-C2", "C2", "C"),
        ("W-D4", "D4", "C"),
        ("X-NA", "NA11", None),
    ]


@pytest.mark.parametrize("macro", ["scoped_procedures", "scoped_step_facts"])
def test_filtering_on_c_takes_federal_c_and_maaseik_c1(
    diploma_store: duckdb.DuckDBPyConnection, macro: str
) -> None:
    # the bug this fixes: the filter on "C" took federal level C only, never Maaseik's C1
    assert _codes(diploma_store, macro, ("C",)) == ["F-C", "G-RNG", "M-C1", "V-C2", "W-D4"]
    assert _codes(diploma_store, macro, ("D",)) == ["G-E1"]
    assert _codes(diploma_store, macro, ("A", "D")) == ["F-A2", "G-E1"]
    # no filter: all of them, X-NA (no diploma level) too; a level filter leaves it out
    assert len(_codes(diploma_store, macro, ())) == 8
    assert _codes(diploma_store, macro, ("C1",)) == []  # a scale is no diploma level


def test_the_level_stays_as_detail_in_the_step_facts(
    diploma_store: duckdb.DuckDBPyConnection,
) -> None:
    rows = diploma_store.sql(
        "select procedure_code, level, diploma_level from step_facts "
        "where procedure_code in ('M-C1', 'F-C') order by 1"
    ).fetchall()
    assert rows == [("F-C", "C", "C"), ("M-C1", "C1", "C")]


def test_the_filter_offers_diploma_levels(diploma_store: duckdb.DuckDBPyConnection) -> None:
    assert _options(diploma_store, "filter_options_levels") == ["A", "C", "D"]
    assert _options(diploma_store, "filter_options_levels", orgs=("GENT",)) == ["C", "D"]


def test_an_old_level_in_the_url_opens_the_page(small_store: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.query_params.update({"levels": ["A2", "C"], "orgs": "GENT"})
    at.run()
    assert not at.exception
    levels = at.sidebar.multiselect(key="filter_levels")
    assert levels.label == "Diplomaniveau"
    assert levels.value == ["C"]  # A2 (a class) is dropped, C (GENT's OPEN01) kept
    assert at.query_params["levels"] == "C"
