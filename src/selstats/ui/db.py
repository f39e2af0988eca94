"""The store as the pages see it: one read-only DuckDB connection per process and store
file, a cursor per query (in `selstats.query.run`), results cached per exact parameters.

The store file is `$SELSTATS_DB`, else `selstats.paths.DEFAULT_DB`
(`selstats.store.connection.db_path`). Connections and cached results are keyed on the
file's identity (path, inode, modification time, size: `snapshot_id`), so a store that the
writer rebuilt and moved into place is picked up on the next run without a restart.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final, NoReturn, TypeAlias

import duckdb
import polars as pl
import streamlit as st

from selstats import query
from selstats.store.connection import db_path, open_reader, snapshot_id
from selstats.ui.i18n import t

DB_ENV: Final = "SELSTATS_DB"  # read by `db_path`

# (absolute path, inode, modification time in ns, size): changes when the file is replaced.
StoreVersion: TypeAlias = tuple[str, int, int, int]

_log = logging.getLogger(__name__)


def _stop_with(message: str) -> NoReturn:
    st.error(message)
    st.stop()


@st.cache_resource(show_spinner=False, max_entries=4)
def _connect(version: StoreVersion) -> duckdb.DuckDBPyConnection:
    _log.info("opening store %s read-only", version[0])
    return open_reader(Path(version[0]))


def _store_version() -> StoreVersion:
    """The identity of the store file; stops the page with a sentence when it is missing."""
    path = db_path()
    snapshot = snapshot_id(path) if path.is_file() else None
    if snapshot is None:
        _log.warning("no store at %s", path)
        _stop_with(t("error.db_missing", path=str(path)))
    return (str(path.resolve()), *snapshot)


def get_connection() -> duckdb.DuckDBPyConnection:
    """The process's read-only connection to the store (cached per store file).

    When the file is missing or unreadable, the page shows the localised sentence and
    stops (`st.stop()`); callers never see an exception for it."""
    version = _store_version()
    try:
        return _connect(version)
    except duckdb.Error:
        _log.exception("cannot open store %s", version[0])
        _stop_with(t("error.db_unreadable", path=version[0]))


@st.cache_data(show_spinner=False, max_entries=2000)
def _cached_run(
    version: StoreVersion, name: str, params: tuple[tuple[str, object], ...]
) -> pl.DataFrame:
    return query.run(_connect(version), name, **dict(params))


def _hashable(value: object) -> object:
    if isinstance(value, set | frozenset):
        return tuple(sorted(value))
    return tuple(value) if isinstance(value, list) else value


def cached_query(name: str, **params: object) -> pl.DataFrame:
    """`selstats.query.run(con, name, **params)` on the store, cached per store file, query
    and parameters. Give plain values: str, int, float, bool, date, None, tuples of these.
    Parameters the query does not use are dropped before caching, so passing the whole
    filter (`**filters.params()`) costs nothing."""
    get_connection()  # stops the page with a sentence when there is no store
    used = query.used_params(query.load_sql(name))
    key = tuple(sorted((k, _hashable(v)) for k, v in params.items() if k in used))
    return _cached_run(_store_version(), name, key)
