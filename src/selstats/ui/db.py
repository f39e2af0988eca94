"""The store as the pages see it: one read-only DuckDB connection per process and store
file, a cursor per query (in `selstats.query.run`), results cached per exact parameters.

The store file is `$SELSTATS_DB`, else `selstats.paths.DEFAULT_DB`
(`selstats.store.connection.db_path`). Connections and cached results are keyed on the
file's identity (path, inode, modification time, size: `snapshot_id`), so a store that the
writer rebuilt and moved into place is picked up on the next run without a restart.

Access (`selstats.access`) is enforced here, where data is read: `cached_query` narrows the
query's `$allowed` to what the logged-in user may see (figures, or candidate-level rows for
a query whose header says `-- access: candidates`), so no page and no URL can widen it, and
the cache, keyed on the parameters, never hands one user's rows to another. It then applies
the query's declared small-cell suppression (`-- suppress: ...`) when the user's role asks for
it (see `selstats.access.suppression`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final, NoReturn, TypeAlias

import duckdb

# Imported once, with this module, before any session draws. Otherwise pandas is first
# imported lazily inside a run; on a freshly started server several sessions' threads then
# race, and altair (which reads `sys.modules["pandas"]`) sees a half-initialised module and
# fails the first charts ("partially initialized module 'pandas' has no attribute
# 'Timestamp'"; found by tests/e2e/test_concurrent_import.py).
import pandas  # noqa: F401
import polars as pl
import streamlit as st

from selstats import query
from selstats.access.identity import current_access, note_once, require_access
from selstats.access.roles import Permission
from selstats.access.scope import intersect
from selstats.access.suppression import apply_policy, min_cell, query_policy
from selstats.store.connection import db_path, snapshot_id
from selstats.ui.i18n import t

DB_ENV: Final = "SELSTATS_DB"  # read by `db_path`

# (absolute path, inode, modification time in ns, size): changes when the file is replaced.
StoreVersion: TypeAlias = tuple[str, int, int, int]

_log = logging.getLogger(__name__)


def _stop_with(message: str) -> NoReturn:
    st.error(message)
    st.stop()


def open_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the store file as it is now, in a DuckDB instance of its own.

    `duckdb.connect(path)` hands back the instance already open on that path in this
    process (DuckDB caches instances by canonical path; checked with DuckDB 2.0): in the
    serving process that is the old file the writer has since replaced, so the app would
    never see an import. So each snapshot gets an in-memory instance that attaches the file
    read-only and makes it the default database (for cursors too); then, as in
    `selstats.store.connection.open_reader`, external access is switched off (no SQL can
    read, write or attach another file) and the configuration locked."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("attach $path as store (read_only)", {"path": str(path)})
        con.execute("use store")
        con.execute("detach memory")
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


@st.cache_resource(show_spinner=False, max_entries=4)
def _connect(version: StoreVersion) -> duckdb.DuckDBPyConnection:
    _log.info("opening store %s (inode %d) read-only", version[0], version[1])
    return open_snapshot(Path(version[0]))


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
    return _connection(_store_version())


def _connection(version: StoreVersion) -> duckdb.DuckDBPyConnection:
    try:
        return _connect(version)
    except duckdb.Error:
        _log.exception("cannot open store %s", version[0])
        _stop_with(t("error.db_unreadable", path=version[0]))


@st.cache_data(show_spinner=False, max_entries=2000)
def _cached_run(
    cache_key: str,
    _version: StoreVersion,
    _name: str,
    _params: tuple[tuple[str, object], ...],
) -> pl.DataFrame:
    """`cache_key` is the `repr` of everything the result depends on (store version, query,
    parameters); Streamlit hashes one string far faster than the nested arguments, which
    are passed unhashed (leading underscore)."""
    return query.run(_connection(_version), _name, **dict(_params))


def _run(version: StoreVersion, name: str, params: tuple[tuple[str, object], ...]) -> pl.DataFrame:
    return _cached_run(repr((version, name, params)), version, name, params)


def _hashable(value: object) -> object:
    if isinstance(value, set | frozenset):
        return tuple(sorted(value))
    return tuple(value) if isinstance(value, list) else value


def cached_query(name: str, **params: object) -> pl.DataFrame:
    """`selstats.query.run(con, name, **params)` on the store, cached per store file, query
    and parameters. Give plain values: str, int, float, bool, date, None, tuples of these.
    Parameters the query does not use are dropped before caching, so passing the whole
    filter (`**filters.params()`) costs nothing.

    `$allowed` is narrowed to the logged-in user's scope whatever the caller passes; a
    candidate-level query gives an empty frame (and a sentence) to a role without candidate
    rows, an `audit` query an empty frame to anyone who neither imports nor audits;
    declared counts are suppressed for roles that need it."""
    version = _store_version()  # stops the page with a sentence when there is no store
    _connection(version)  # ... or when it cannot be opened (outside the cached function)
    access = current_access() or require_access()
    policy = query_policy(name)
    used = query.used_params(query.load_sql(name))
    if policy.level == "audit":
        key = tuple(sorted((k, _hashable(v)) for k, v in params.items() if k in used))
        frame = _run(version, name, key)
        audits = access.may(Permission.VIEW_AUDIT) or access.may(Permission.IMPORT)
        return frame if audits else frame.clear()
    if "allowed" in used:
        needed = Permission.VIEW_CANDIDATES if policy.candidate_level else Permission.VIEW_FIGURES
        if policy.candidate_level and not access.may(needed):
            note_once("access.no_candidates")
        requested = params.get("allowed")
        params["allowed"] = intersect(
            requested if isinstance(requested, list | tuple | set | frozenset) else None,
            access.allowed_for(needed),
        )
    key = tuple(sorted((k, _hashable(v)) for k, v in params.items() if k in used))
    frame = _run(version, name, key)
    if policy.suppressible and access.suppression_applies(dict(key)):
        frame = apply_policy(frame, policy, min_cell())
    return frame
