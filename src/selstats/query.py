"""The one query layer: every figure comes from a named SQL file in `queries/`, run the same
way by the pages (through `selstats.ui.db.cached_query`) and by `selstats export`.

    frame = run(con, "funnel_by_step", **filters.params())

Values travel as DuckDB named parameters (`$year_from`, `$govs`), never formatted into the
SQL text. `run` passes only the parameters the SQL uses, so a caller can hand over the whole
filter; a parameter the SQL uses but the caller did not give is an error naming both.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from selstats.paths import QUERIES_DIR

_log = logging.getLogger(__name__)

_NAME = re.compile(r"[a-z0-9_]+")
_PLACEHOLDER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# String literals and comments, matched left to right so that neither hides in the other.
_NOT_CODE = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.DOTALL)


class QueryError(ValueError):
    """A query that cannot be run as asked: unknown name or missing parameters."""


def query_path(name: str, queries_dir: Path = QUERIES_DIR) -> Path:
    if not _NAME.fullmatch(name):
        raise QueryError(f"invalid query name {name!r}: use lower case, digits and _")
    return queries_dir / f"{name}.sql"


@cache
def load_sql(name: str) -> str:
    """The text of `queries/<name>.sql` (read once per process)."""
    path = query_path(name)
    if not path.is_file():
        raise QueryError(f"no query {name!r} (looked for {path})")
    return path.read_text(encoding="utf-8")


def used_params(sql: str) -> frozenset[str]:
    """The `$name` parameters a SQL text uses, outside comments and string literals."""
    code = _NOT_CODE.sub(" ", sql)
    return frozenset(_PLACEHOLDER.findall(code))


@cache
def params_of(name: str) -> frozenset[str]:
    """The parameters `queries/<name>.sql` uses (`used_params` of its text, once per
    process, as the text itself is read once)."""
    return used_params(load_sql(name))


def _to_duckdb(value: object) -> object:
    # A tuple would do too (DuckDB reads it as a list), but a list says what is meant.
    return list(value) if isinstance(value, tuple) else value


def bind(name: str, sql: str, params: Mapping[str, object]) -> dict[str, object]:
    """The parameters to pass for `sql`: those it uses, all of them given."""
    used = used_params(sql)
    missing = sorted(used - params.keys())
    if missing:
        raise QueryError(f"query {name!r} needs parameters {missing}; given {sorted(params)}")
    return {key: _to_duckdb(params[key]) for key in sorted(used)}


def relation(
    con: duckdb.DuckDBPyConnection, name: str, **params: object
) -> duckdb.DuckDBPyRelation:
    """`queries/<name>.sql` as a lazy relation on a new cursor of `con`, to stream a large
    result batch by batch (`relation.to_arrow_reader(...)`). The relation keeps its cursor."""
    sql = load_sql(name)
    args = bind(name, sql, params)
    _log.debug("query %s %s", name, args)
    rel = con.cursor().sql(sql, params=args)
    if rel is None:
        raise QueryError(f"query {name!r} returns no rows: it is not a select")
    return rel


# DuckDB 2.0 says an executed statement's Arrow result costs "an extra copy of the rows":
# for a page's few thousand rows that copy is far cheaper than planning the query twice.
warnings.filterwarnings(
    "ignore", message="Arrow output on a DB-API result makes an extra copy", category=UserWarning
)
_SELECTS: dict[str, bool] = {}


def _is_select(cur: duckdb.DuckDBPyConnection, sql: str) -> bool:
    """Whether a query file's text is one SELECT statement (parsed once per process, as
    the text is read once), so that nothing else is ever executed as a query."""
    if sql not in _SELECTS:
        statements = cur.extract_statements(sql)
        _SELECTS[sql] = len(statements) == 1 and statements[0].type == duckdb.StatementType.SELECT
    return _SELECTS[sql]


def run(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pl.DataFrame:
    """Run `queries/<name>.sql` with named parameters on a cursor of `con`; a polars frame.

    The statement is executed on its own cursor and its whole result taken as Arrow, then
    the cursor closed: `cursor.sql(...).pl()` would plan the query twice (once to make the
    relation, once to run it), a fixed cost of milliseconds that dominates a page's small
    queries. tests/ui/test_query_handover.py checks that every query gives the same frame, types
    included, as `.sql(...).pl()`."""
    sql = load_sql(name)
    args = bind(name, sql, params)
    _log.debug("query %s %s", name, args)
    cur = con.cursor()
    try:
        if not _is_select(cur, sql):
            raise QueryError(f"query {name!r} returns no rows: it is not a select")
        cur.execute(sql, args)
        frame = pl.from_arrow(cur.to_arrow_table(), rechunk=False)
        assert isinstance(frame, pl.DataFrame)  # a table gives a frame
        return frame
    finally:
        cur.close()
