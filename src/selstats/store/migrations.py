"""Schema versions, one numbered SQL file each in `store/schema/`: `0001_base.sql` makes an
empty store version 1, `000N_<what>.sql` moves a store from the version before it to N.
A store newer than this code is refused rather than misread.

- A new version is a new file with the next free number (numbers may be missing: `migrate`
  applies the files above the store's version in order, each standing on its own). Never
  edit a file a released store has applied; write the next one.
- Derived summaries (`summaries.sql`) follow the newest schema and are rebuilt once after
  the last migration, from what the store holds, not inside one.
- The scope macros (`scope.sql`: `in_scope` and every `scoped_*` macro) are defined in that
  one file and applied on every write, after the migrations: they are code, like a query,
  and change without a new version.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial
from importlib import resources
from typing import Final

import duckdb

log = logging.getLogger(__name__)

SCHEMA_DIR: Final = "schema"
_MIGRATION = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")


def _sql(name: str) -> str:
    return resources.files("selstats.store").joinpath(name).read_text(encoding="utf-8")


def refresh_summaries_sql() -> str:
    """Rebuilds the derived summaries (`step_facts`, `list_states`) from what they sum up."""
    return _sql("summaries.sql")


def scope_sql() -> str:
    """Defines `in_scope` and the `scoped_*` table macros (create or replace)."""
    return _sql("scope.sql")


def _migrations() -> dict[int, Callable[[], str]]:
    found: dict[int, Callable[[], str]] = {}
    for entry in resources.files("selstats.store").joinpath(SCHEMA_DIR).iterdir():
        match = _MIGRATION.fullmatch(entry.name)
        if match is None:
            continue
        version = int(match.group(1))
        if version in found:
            raise RuntimeError(f"two migrations numbered {version} in store/{SCHEMA_DIR}/")
        found[version] = partial(_sql, f"{SCHEMA_DIR}/{entry.name}")
    return dict(sorted(found.items()))


# version -> SQL that brings a store from the version before it to this version.
MIGRATIONS: Final = _migrations()
SCHEMA_VERSION: Final = max(MIGRATIONS)


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

    The versions are applied in order; a number without a migration is skipped. When any
    ran, the summaries are rebuilt from what the store holds (a version-1 store had none; a
    later version may add a column to them). The scope macros are (re)defined every time."""
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise StoreVersionError(
            f"store has schema version {current}; this selstats knows up to {SCHEMA_VERSION}"
        )
    pending = [version for version in MIGRATIONS if version > current]
    for version in pending:
        log.info("migrating store to schema version %d", version)
        con.execute(MIGRATIONS[version]())
        con.execute(
            "insert or replace into meta (key, value) values ('schema_version', $v)",
            {"v": str(version)},
        )
    con.execute(scope_sql())
    if pending:
        con.execute(refresh_summaries_sql())
    return SCHEMA_VERSION
