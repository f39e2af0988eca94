"""Opening the store.

Readers open the file read-only with external access off, so no SQL text can reach other
files. Writers never open the served file itself: DuckDB locks a file against writers while
any other process holds it open, so every write goes to a copy that atomically replaces
the original when it commits (see `writer.py`). Readers notice the new file and reopen.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import duckdb

from selstats.paths import DEFAULT_DB
from selstats.settings import settings


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The store to use: an explicit path, else $SELSTATS_DB, else data/selstats.duckdb."""
    if explicit:
        return Path(explicit)
    return settings().db or DEFAULT_DB


def open_reader(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection that cannot touch any other file."""
    con = duckdb.connect(
        str(path),
        read_only=True,
        config={"enable_external_access": False},
    )
    con.execute("set lock_configuration = true")
    return con


def snapshot_id(path: Path) -> tuple[int, int, int] | None:
    """Changes whenever a writer replaces the file: readers compare it to reopen. None when
    there is no regular file at `path` (one `stat`, also the check that it exists)."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)
