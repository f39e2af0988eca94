"""Schema versions. Each migration moves a store up one version; a store newer than this
code is refused rather than misread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import resources

import duckdb

log = logging.getLogger(__name__)


def _sql(name: str) -> str:
    return resources.files("selstats.store").joinpath(name).read_text(encoding="utf-8")


def refresh_summaries_sql() -> str:
    """Rebuilds the derived summaries (`step_facts`, `list_states`) from what they sum up."""
    return _sql("summaries.sql")


# version -> SQL that brings a store from the version before it to this version. The
# summaries are not rebuilt inside a migration (they follow the newest schema): `migrate`
# rebuilds them once after the last one, from what the store holds.
MIGRATIONS: dict[int, Callable[[], str]] = {
    1: lambda: _sql("schema.sql"),
    2: lambda: _sql("schema_v2.sql"),
    3: lambda: _sql("schema_v3.sql"),
    4: lambda: _sql("schema_v4.sql"),
    5: lambda: _sql("schema_v5.sql"),
}
SCHEMA_VERSION = max(MIGRATIONS)


class StoreVersionError(RuntimeError):
    """The store was written by a newer selstats."""


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.sql(
        "select count(*) from information_schema.tables where table_name = 'meta'"
    ).fetchall()
    if exists[0][0] == 0:
        return 0
    rows = con.sql("select value from meta where key = 'schema_version'").fetchall()
    return int(rows[0][0]) if rows else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the store to SCHEMA_VERSION inside the caller's transaction; returns the version.

    The versions are applied in order; a number without a migration is skipped (each
    migration stands on its own). When any ran, the summaries are rebuilt from what the store
    holds (a version-1 store had none; a later version may add a column to them)."""
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise StoreVersionError(
            f"store has schema version {current}; this selstats knows up to {SCHEMA_VERSION}"
        )
    pending = sorted(version for version in MIGRATIONS if version > current)
    for version in pending:
        log.info("migrating store to schema version %d", version)
        con.execute(MIGRATIONS[version]())
        con.execute(
            "insert or replace into meta (key, value) values ('schema_version', $v)",
            {"v": str(version)},
        )
    if pending:
        con.execute(refresh_summaries_sql())
    return SCHEMA_VERSION
