"""Every query in queries/ (they keep landing) is scoped and declares what it returns.

- A query that reads an organisation's data uses `$allowed` (the user's scope), unless its
  header says `-- access: audit` (data of no organisation, for those who import or audit).
- A query that returns candidate rows (a `candidate_ref` column) says `-- access: candidates`.
- What it hides from whom (small cells, person references) is declared per figure in the
  figure catalogue (tests/figures/test_catalogue.py checks every column is there).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from selstats import query
from selstats.access.suppression import query_policy
from selstats.paths import QUERIES_DIR
from selstats.store.connection import open_reader
from selstats.tables import Scope, table_params

QUERIES = sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))

# Tables and table macros that hold an organisation's data.
ORG_DATA = re.compile(
    r"\b(organisations|procedures|procedure_scope|scoped_procedures|scoped_organisations|steps"
    r"|results|step_states|laureates|list_entries|lists|procedure_stats|consultants|qchecks"
    r"|certification_status|import_log|audit_log|purges)\b"
)
# Values for the parameters a page adds to the filter (one procedure and step, ...).
PAGE_PARAMS: dict[str, Any] = {"procedure_code": "P-A1", "step_no": 2, "org": "ORG-A"}


@pytest.fixture(scope="module")
def con(small_store_file: Path) -> duckdb.DuckDBPyConnection:
    reader = open_reader(small_store_file)
    yield reader
    reader.close()


def _run(con: duckdb.DuckDBPyConnection, name: str) -> Any:
    params = {**table_params(con, Scope(), as_of=date(2026, 11, 1)), **PAGE_PARAMS}
    missing = query.used_params(query.load_sql(name)) - params.keys()
    if missing:
        pytest.skip(f"{name} needs parameters this test does not know: {sorted(missing)}")
    try:
        return query.run(con, name, **params)
    except duckdb.CatalogException as error:  # a table still being added to the schema
        pytest.skip(f"{name}: {error}")


@pytest.mark.parametrize("name", QUERIES)
def test_org_data_is_scoped(name: str) -> None:
    sql = query.load_sql(name)
    reads = set(ORG_DATA.findall(query._NOT_CODE.sub(" ", sql)))
    if not reads or query_policy(name).level in ("audit", "reference"):
        return
    assert "allowed" in query.used_params(sql), (
        f"queries/{name}.sql reads {sorted(reads)} without $allowed: scope it with "
        "scoped_procedures(...)/scoped_organisations(...) or, for data of no organisation "
        "that only importers and auditors see, add the header line `-- access: audit`"
    )


@pytest.mark.parametrize("name", QUERIES)
def test_candidate_rows_are_declared(con: duckdb.DuckDBPyConnection, name: str) -> None:
    frame = _run(con, name)
    if "candidate_ref" in frame.columns:
        assert query_policy(name).candidate_level, (
            f"queries/{name}.sql returns candidate_ref: add the header line "
            "`-- access: candidates` (analysts must not get candidate rows)"
        )
