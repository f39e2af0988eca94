"""`selstats.query.run` executes each query once on its own cursor and takes its result as
Arrow; the frame must be exactly what DuckDB's own `cursor.sql(...).pl()` gives (which plans
the query twice): every query file, same rows, same order, same column types."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from polars.testing import assert_frame_equal

from selstats import query
from selstats.paths import QUERIES_DIR

# A value for every parameter the query files use (a query takes those it names).
PARAMS: dict[str, object] = {
    "year_from": 2020,
    "year_to": 2026,
    "govs": [],
    "orgs": [],
    "levels": [],
    "procs": [],
    "allowed": None,
    "as_of": date(2025, 6, 1),
    "mode": "all_checks",
    "step_no": 1,
    "procedure_code": "CNG23032",
    "org": "BELNET",
    "review_horizon_days": 90,
    "coefficient": 2.0399,
}
NAMES = sorted(path.stem for path in QUERIES_DIR.glob("*.sql"))


def test_every_query_file_is_covered() -> None:
    assert len(NAMES) >= 20
    for name in NAMES:
        assert query.params_of(name) <= PARAMS.keys(), name


@pytest.mark.parametrize("name", NAMES)
def test_run_gives_what_duckdb_pl_gives(small_con: duckdb.DuckDBPyConnection, name: str) -> None:
    sql = query.load_sql(name)
    expected = small_con.cursor().sql(sql, params=query.bind(name, sql, PARAMS)).pl()
    assert_frame_equal(query.run(small_con, name, **PARAMS), expected, check_dtypes=True)


def test_a_statement_that_is_not_a_select_is_refused(
    small_con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(query, "load_sql", lambda name: "set threads = 1")
    with pytest.raises(query.QueryError, match="not a select"):
        query.run(small_con, "anything")
