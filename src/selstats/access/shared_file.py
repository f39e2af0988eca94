"""A small SQLite file that every server process shares (the login throttle, the OIDC
sessions' last clicks): created readable by the server's user only, in WAL mode so that
readers do not wait for a writer, its schema ensured on every connection."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

BUSY_TIMEOUT_S: Final = 10.0

_log = logging.getLogger(__name__)


@contextlib.contextmanager
def shared_file(
    path: Path, schema: str, what: str, unavailable: type[Exception]
) -> Iterator[sqlite3.Connection]:
    """A connection to `path` (autocommit; callers open their own transactions). A file
    that cannot be opened or used raises `unavailable(path)`, logged as `what`'s."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Readable by the server's user only; SQLite keeps the mode for -wal/-shm.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except (OSError, sqlite3.Error) as error:
        _log.exception("%s %s cannot be opened", what, path)
        raise unavailable(str(path)) from error
    try:
        _wal(con)
        con.execute("pragma synchronous=normal")
        con.executescript(schema)
        yield con
    except sqlite3.Error as error:
        _log.exception("%s %s cannot be used", what, path)
        raise unavailable(str(path)) from error
    finally:
        con.close()


def _wal(con: sqlite3.Connection) -> None:
    """Put the file in WAL mode (once: the mode stays with the file). SQLite answers a switch
    that races another connection's (two processes' first logins on a new file) with
    "database is locked" at once, without waiting its busy timeout, so it is retried here
    for as long as that timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            if con.execute("pragma journal_mode").fetchone()[0] != "wal":
                con.execute("pragma journal_mode=wal")
            return
        except sqlite3.OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.01)
