"""The store as the pages see it: one read-only DuckDB connection per process and store
file, a cursor per query (in `selstats.query.run`), results cached per exact parameters.

The store file is `$SELSTATS_DB`, else `selstats.paths.DEFAULT_DB`
(`selstats.store.connection.db_path`). It is stat'ed on every call: connections and cached
results are keyed on the file's identity (path, inode, modification time, size:
`snapshot_id`), so a store that the writer rebuilt and moved into place is picked up on the
next call without a restart.

Access (`selstats.access`) is enforced here, where data is read: `cached_query` narrows the
query's `$allowed` to what the logged-in user may see (figures, or candidate-level rows for
a query whose header says `-- access: candidates`), so no page and no URL can widen it, and
the cache, keyed on the parameters, never hands one user's rows to another. When the user's
role asks for it, it then protects the figures as `selstats.access.disclosure` says (small
cells, the cells that would give them away by subtraction, filters that leave out few
people; the related queries it compares are read through the same cache), and drops columns
that name a person for a role without candidate rows (`selstats.access.suppression`).

The cache is this module's own (`_Frames`), not `st.cache_data` around the query: a hit
there costs Streamlit's argument hashing and an unpickled copy of the frame, several times
what a page's cheap queries are worth. It keeps polars frames and hands out `clone()`s
(copy on write: nothing a caller does to its frame reaches the cache). It still belongs to
Streamlit's cache lifecycle: every entry is filed under a generation number kept in
`st.cache_data` (`_data_generation`), so `st.cache_data.clear()` (after an import, in the
tests, in the benchmarks) empties it, and the connections live in one `st.cache_resource`
object, so `st.cache_resource.clear()` drops them.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Final, Generic, NoReturn, TypeAlias, TypeVar

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
from selstats.access.disclosure import Protection, protect
from selstats.access.roles import Permission
from selstats.access.scope import intersect
from selstats.access.suppression import min_cell, personal_columns, query_policy
from selstats.store.connection import db_path, snapshot_id
from selstats.ui.i18n import t
from selstats.ui.session import current_access, note_once

MAX_CONNECTIONS: Final = 4  # store versions kept open at once
MAX_FRAMES: Final = 2000  # cached results
MAX_PROTECTED: Final = 500  # cached protected results (small-cell protection)

# (absolute path, inode, modification time in ns, size): changes when the file is replaced.
StoreVersion: TypeAlias = tuple[str, int, int, int]

_log = logging.getLogger(__name__)


class AccessNotEstablished(RuntimeError):
    """A query was asked for before `selstats.ui.login.require_access` ran on this run: a
    programming error (app.py runs the gate before navigation; a page run alone gets it
    from `selstats.ui.frame.current_filters`). No data is read."""


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


# ---- the store file and its connection ---------------------------------------------------


class _Connections:
    """The open store connections of this process, by store version, the most recently
    used `MAX_CONNECTIONS` of them. A dropped connection is not closed here: a session may
    still be reading from it; it closes when the last cursor lets go of it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: OrderedDict[StoreVersion, duckdb.DuckDBPyConnection] = OrderedDict()

    def get(self, version: StoreVersion) -> duckdb.DuckDBPyConnection:
        with self._lock:
            con = self._open.get(version)
            if con is None:
                _log.info("opening store %s (inode %d) read-only", version[0], version[1])
                con = open_snapshot(Path(version[0]))
                self._open[version] = con
                while len(self._open) > MAX_CONNECTIONS:
                    self._open.popitem(last=False)
            else:
                self._open.move_to_end(version)
            return con


@st.cache_resource(show_spinner=False, max_entries=1)
def _connections() -> _Connections:
    """One registry per process; `st.cache_resource.clear()` drops it and its connections.
    (No arguments: a hit costs Streamlit no hashing.)"""
    return _Connections()


def _store_version() -> StoreVersion:
    """The identity of the store file (one `stat`); stops the page with a sentence when it
    is missing."""
    path = db_path()
    snapshot = snapshot_id(path)
    if snapshot is None:
        _log.warning("no store at %s", path)
        _stop_with(t("error.db_missing", path=str(path)))
    return (os.path.abspath(path), *snapshot)


def get_connection() -> duckdb.DuckDBPyConnection:
    """The process's read-only connection to the store (cached per store file).

    When the file is missing or unreadable, the page shows the localised sentence and
    stops (`st.stop()`); callers never see an exception for it."""
    return _connection(_store_version())


def _connection(version: StoreVersion) -> duckdb.DuckDBPyConnection:
    try:
        return _connections().get(version)
    except duckdb.Error:
        _log.exception("cannot open store %s", version[0])
        _stop_with(t("error.db_unreadable", path=version[0]))


# ---- cached results ----------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=1)
def _data_generation() -> int:
    """A number that grows each time Streamlit's data caches are cleared (the monotonic
    clock when this was last computed): the frames are filed under it, so
    `st.cache_data.clear()` empties `_FRAMES` too. (No arguments: a hit costs Streamlit
    no hashing and unpickles one int.)"""
    return time.monotonic_ns()


_V = TypeVar("_V")


class _Frames(Generic[_V]):
    """Query results by key, for one generation at a time, the most recently used
    `max_entries` of them; one computation per key at a time (a second caller of the same
    key waits for the first one's result instead of running the query again)."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._generation = 0
        self._frames: OrderedDict[str, _V] = OrderedDict()
        self._computing: dict[str, threading.Lock] = {}

    def _current(self, generation: int) -> bool:
        """Whether `generation` is the one kept (under the lock). A newer one empties the
        cache; an older one (a caller that read it just before a clear) is served
        uncached."""
        if generation > self._generation:
            self._generation = generation
            self._frames.clear()
        return generation == self._generation

    def get(self, generation: int, key: str, compute: Callable[[], _V]) -> _V:
        """The frame of `key`, computed on a miss. The frame itself: callers hand out
        clones."""
        with self._lock:
            current = self._current(generation)
            frame = self._frames.get(key) if current else None
            if frame is not None:
                self._frames.move_to_end(key)
                return frame
            computing = self._computing.setdefault(key, threading.Lock()) if current else None
        if computing is None:
            return compute()  # outside the lock: other sessions' hits go on meanwhile
        with computing:
            with self._lock:
                frame = self._frames.get(key) if self._current(generation) else None
            if frame is not None:
                return frame  # computed by the caller we waited for
            try:
                frame = compute()
            except BaseException:
                with self._lock:
                    self._done(key, computing)
                raise
            with self._lock:
                if self._current(generation):
                    self._frames[key] = frame
                    while len(self._frames) > self.max_entries:
                        self._frames.popitem(last=False)
                self._done(key, computing)
            return frame

    def _done(self, key: str, computing: threading.Lock) -> None:
        if self._computing.get(key) is computing:
            del self._computing[key]

    def __len__(self) -> int:
        return len(self._frames)


_FRAMES: Final = _Frames[pl.DataFrame](MAX_FRAMES)
_PROTECTED: Final = _Frames[Protection](MAX_PROTECTED)


def _hashable(value: object) -> object:
    if isinstance(value, set | frozenset):
        return tuple(sorted(value))
    return tuple(value) if isinstance(value, list) else value


def cached_query(name: str, **params: object) -> pl.DataFrame:
    """`selstats.query.run(con, name, **params)` on the store, cached per store file, query
    and parameters. Give plain values: str, int, float, bool, date, None, tuples of these.
    Parameters the query does not use are dropped before caching, so passing the whole
    filter (`**filters.params()`) costs nothing. Each call gets a frame of its own.

    `$allowed` is narrowed to the logged-in user's scope whatever the caller passes; a
    candidate-level query gives an empty frame (and a sentence) to a role without candidate
    rows, an `audit` query an empty frame to anyone who neither imports nor audits;
    columns naming a person are dropped for a role without candidate rows, and counts are
    suppressed for roles that need it, as the figure catalogue declares them."""
    version = _store_version()  # stops the page with a sentence when there is no store
    access = current_access()
    if access is None:  # the gate (app.py, or current_filters() for a page alone) comes first
        raise AccessNotEstablished(f"query {name!r} asked before the gate established the user")
    policy = query_policy(name)
    used = query.params_of(name)
    if policy.level == "audit":
        audits = access.may(Permission.VIEW_AUDIT) or access.may(Permission.IMPORT)
    elif "allowed" in used:
        needed = Permission.VIEW_CANDIDATES if policy.candidate_level else Permission.VIEW_FIGURES
        if policy.candidate_level and not access.may(needed):
            note_once("access.no_candidates")
        requested = params.get("allowed")
        params["allowed"] = intersect(
            requested if isinstance(requested, list | tuple | set | frozenset) else None,
            access.allowed_for(needed),
        )
    key = tuple(sorted((k, _hashable(v)) for k, v in params.items() if k in used))
    generation = _data_generation()
    frame = _raw(version, generation, name, dict(key))
    if policy.level == "audit":
        return frame.clone() if audits else frame.clear()
    if access.suppression_applies(dict(key)):
        frame = _protected(version, generation, name, dict(key)).frame
    personal = personal_columns(frame.columns)
    if personal and not access.may(Permission.VIEW_CANDIDATES):
        frame = frame.drop(personal)  # who a figure hangs on is not for this role
    return frame.clone()


def _raw(
    version: StoreVersion, generation: int, name: str, params: Mapping[str, object]
) -> pl.DataFrame:
    """The rows of query `name` under `params` (already in the user's scope), cached; only
    the parameters the query uses count."""
    used = query.params_of(name)
    key = tuple(sorted((k, _hashable(v)) for k, v in params.items() if k in used))
    # The `repr` tells apart what `==` does not (1 and True, 1 and 1.0).
    text = repr((version, name, key))

    def run() -> pl.DataFrame:
        # ... stops the page with a sentence when the store cannot be opened
        return query.run(_connection(version), name, **dict(key))

    return _FRAMES.get(generation, text, run)


def _protected(
    version: StoreVersion, generation: int, name: str, params: Mapping[str, object]
) -> Protection:
    """The query's rows as small-cell protection lets this role see them (cached), with a
    sentence when a filter made it hide more, or refuse."""
    threshold = min_cell()

    def fetch(other: str, its: Mapping[str, object]) -> pl.DataFrame:
        return _raw(version, generation, other, its)

    def run() -> Protection:
        # what pages get: the frame and what was hidden, not the tables it was built on
        return replace(protect(name, params, fetch, threshold), table=None)

    text = repr((version, name, tuple(sorted(params.items())), threshold))
    protection = _PROTECTED.get(generation, text, run)
    if protection.refused:
        note_once("access.filter_refused")
    elif protection.complement:
        note_once("access.filter_protected")
    return protection
