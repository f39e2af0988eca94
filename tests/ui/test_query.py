"""The query layer: parameters found in the SQL text, passed by name, never formatted in."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from selstats import query
from selstats.query import QueryError, bind, used_params


def test_used_params_ignores_comments_and_strings() -> None:
    sql = """
    -- $not_this one
    /* nor $this */
    select '$nor_that', $year_from::integer, $govs::varchar[]
    from t where x = $year_from and y = 'it''s $quoted' and z = 'a--b' and w = $govs
    """
    assert used_params(sql) == {"year_from", "govs"}


def test_bind_passes_only_what_the_sql_uses_and_lists_for_tuples() -> None:
    args = bind("q", "select $a, $b", {"a": 1, "b": ("x", "y"), "c": "unused"})
    assert args == {"a": 1, "b": ["x", "y"]}


def test_bind_names_the_missing_parameters() -> None:
    with pytest.raises(QueryError, match=r"needs parameters \['b'\]"):
        bind("q", "select $a, $b", {"a": 1})


@pytest.mark.parametrize("name", ["../etc/passwd", "Funnel", "a b", ""])
def test_query_names_are_plain(name: str) -> None:
    with pytest.raises(QueryError):
        query.load_sql(name)


def test_unknown_query() -> None:
    with pytest.raises(QueryError, match="no query"):
        query.load_sql("no_such_query")


def test_run_passes_the_whole_filter(small_con: duckdb.DuckDBPyConnection) -> None:
    # organisations of the federal government: Belnet and POD MI, ordered by lower(name)
    frame = query.run(
        small_con,
        "filter_options_organisations",
        year_from=2020,
        year_to=2024,
        govs=("federal",),
        orgs=(),
        levels=(),
        procs=(),
        allowed=None,
        unrelated="ignored",
    )
    assert isinstance(frame, pl.DataFrame)
    assert frame["org_id"].to_list() == ["BELNET", "POD-MI"]


def test_a_value_is_never_sql(small_con: duckdb.DuckDBPyConnection) -> None:
    frame = query.run(
        small_con, "filter_options_organisations", govs=["federal') or ('1'='1"], allowed=None
    )
    assert frame.is_empty()


def test_relation_streams_the_same_rows(small_con: duckdb.DuckDBPyConnection) -> None:
    rel = query.relation(small_con, "filter_options_organisations", govs=[], allowed=None)
    assert rel.pl()["org_id"].to_list() == ["BELNET", "POD-MI", "GENT", "VDAB"]
