"""One writer at a time.

Every write (`selstats import`, `demo`, `purge`, the dashboard's upload) copies the store,
changes the copy and puts it in the store's place (`selstats.store.writer`). Two writers at
once would each copy the same old store and the second replacement would drop the first
one's rows; each would also take the other's working copy for a leftover and delete it.
So the whole read-modify-replace cycle holds an exclusive lock, which the operating system
releases when the process ends, however it ends (kill -9 included): no stale lock to clear.

The lock is `flock` on the store's folder, not on a file of its own: the store file itself
is replaced by every write (a lock on it would be on the old file), and a lock file beside
the store would be one more file to explain. Writers of two stores in one folder therefore
take turns too; they are seconds apart, and a folder per deployment is the usual layout.

A second writer waits (it is told so, once) up to `SELSTATS_LOCK_TIMEOUT` seconds
(default 600) and is then refused with `StoreBusy`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from selstats.settings import settings

log = logging.getLogger(__name__)

_POLL_SECONDS = 0.1

WaitNotice = Callable[[Path], None]
"""Called once, with the store's path, when a writer has to wait for another."""

_default_notice: WaitNotice | None = None


class StoreBusy(Exception):
    """Another writer held the store for longer than the timeout; nothing was written."""

    def __init__(self, store: Path, waited: float) -> None:
        super().__init__(f"another writer holds {store}; waited {waited:.0f} s")
        self.store = store
        self.waited = waited


def set_wait_notice(notice: WaitNotice | None) -> None:
    """The process's way of telling its user that a write waits (the CLI prints it)."""
    global _default_notice
    _default_notice = notice


def lock_timeout() -> float:
    """Seconds a writer waits for another (SELSTATS_LOCK_TIMEOUT, default 600; 0: no wait)."""
    return settings().lock_timeout


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


@contextlib.contextmanager
def exclusive_writer(
    store: Path, *, timeout: float | None = None, on_wait: WaitNotice | None = None
) -> Iterator[None]:
    """Hold the store's write lock for the duration of the block.

    Waits up to `timeout` seconds (default: `lock_timeout()`) when another writer holds it,
    calling `on_wait` (default: the process's notice, see `set_wait_notice`) once; raises
    `StoreBusy` when the wait runs out. The store's folder must exist.
    """
    limit = lock_timeout() if timeout is None else timeout
    notice = on_wait if on_wait is not None else _default_notice
    fd = os.open(store.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        if not _try_lock(fd):
            log.info("another writer holds %s; waiting up to %.0f s", store, limit)
            if notice is not None:
                notice(store)
            start = time.monotonic()
            while not _try_lock(fd):
                waited = time.monotonic() - start
                if waited >= limit:
                    log.warning("gave up waiting for %s after %.0f s", store, waited)
                    raise StoreBusy(store, waited)
                time.sleep(min(_POLL_SECONDS, max(limit - waited, 0.0)))
            log.info("got the write lock of %s after %.1f s", store, time.monotonic() - start)
        yield
    finally:
        os.close(fd)  # closing the only descriptor releases the lock
