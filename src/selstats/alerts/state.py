"""Which alerts were sent to whom, so that each is sent once.

Where: an SQLite file in WAL mode, `alerts.sqlite3` in `$SELSTATS_STATE_DIR`, else
`<store>.alerts.sqlite3` beside the store (as the audit file `<store>.audit.jsonl`).
Not in the store, for these reasons (README, "Alerts"):

- a message is recorded as sent the moment the SMTP server accepted it, one small
  transaction per message; in the store every change is a copy of the whole file under
  the writer's lock (97 MB at scale L, 833 MB at XL), so a run could only record once at
  its end and a run stopped half-way would send its messages again;
- every store write replaces the file: each dashboard process would drop its caches and
  reopen it after every alerts run, for bookkeeping that no figure needs;
- the store is rebuilt or published from elsewhere (`selstats demo`,
  `deploy/publish-store.sh`): a state kept in it would be lost or rolled back with it, and
  every alert sent again;
- two runs at once (a slow run and the next cron start) claim alerts in one `BEGIN
  IMMEDIATE` transaction each, so the same alert never goes out twice.

Each row is one alert of one user: `claimed` while a run sends it, `sent` once the server
took it. A claim older than `CLAIM_TIMEOUT_S` belongs to a run that died and is taken over.
Keys that are no longer due are forgotten (`claim` prunes them), so a situation that comes
back later (an organisation at risk again) alerts again. Losing the file costs one repeat
of the alerts still due, nothing more.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Final

from selstats.settings import settings

STATE_FILE: Final = "alerts.sqlite3"
BESIDE_STORE_SUFFIX: Final = ".alerts.sqlite3"
CLAIM_TIMEOUT_S: Final = 3600.0
BUSY_TIMEOUT_S: Final = 30.0

_SCHEMA: Final = """
create table if not exists alerts (
    username text not null,
    key text not null,
    state text not null check (state in ('claimed', 'sent')),
    at real not null,           -- seconds since the epoch: when claimed, then when sent
    run text not null,          -- the run that claimed or sent it
    primary key (username, key)
);
"""

_log = logging.getLogger(__name__)


def state_path(db: Path) -> Path:
    """The state file of the store `db`."""
    state_dir = settings().state_dir
    if state_dir is not None:
        return state_dir / STATE_FILE
    return db.with_name(db.name + BESIDE_STORE_SUFFIX)


class AlertState:
    """The once-only record in the SQLite file `path`. Times are wall-clock seconds;
    tests pass `now`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            con.execute("pragma journal_mode = wal")
            con.execute(f"pragma busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            con.executescript(_SCHEMA)
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as con:
            con.execute("begin immediate")
            try:
                yield con
            except BaseException:
                con.execute("rollback")
                raise
            con.execute("commit")

    def unsent(self, username: str, keys: Collection[str], now: float | None = None) -> list[str]:
        """Those of `keys` not sent to `username` and not being sent by a live run (for a
        dry run: nothing is claimed or changed)."""
        now = time.time() if now is None else now
        with self._connect() as con:
            taken = self._taken(con, username, now)
        return [k for k in keys if k not in taken]

    @staticmethod
    def _taken(con: sqlite3.Connection, username: str, now: float) -> set[str]:
        rows = con.execute(
            "select key from alerts where username = ? and (state = 'sent' or at > ?)",
            (username, now - CLAIM_TIMEOUT_S),
        ).fetchall()
        return {str(r[0]) for r in rows}

    def claim(
        self,
        username: str,
        due: Collection[str],
        run: str,
        now: float | None = None,
    ) -> list[str]:
        """In one transaction: forget what is no longer due for `username`, then claim
        for `run` the keys of `due` that were neither sent nor claimed by a live run, and
        return them (in `due`'s order)."""
        now = time.time() if now is None else now
        due_set = set(due)
        with self._transaction() as con:
            known = con.execute("select key from alerts where username = ?", (username,)).fetchall()
            gone = [str(r[0]) for r in known if str(r[0]) not in due_set]
            con.executemany(
                "delete from alerts where username = ? and key = ?",
                [(username, k) for k in gone],
            )
            taken = self._taken(con, username, now)
            mine = [k for k in dict.fromkeys(due) if k not in taken]
            con.executemany(
                "insert or replace into alerts (username, key, state, at, run) "
                "values (?, ?, 'claimed', ?, ?)",
                [(username, k, now, run) for k in mine],
            )
        if gone:
            _log.info("%s: %d alert(s) no longer due, forgotten", username, len(gone))
        return mine

    def mark_sent(
        self, username: str, keys: Collection[str], run: str, now: float | None = None
    ) -> None:
        """The server took the message with `keys`: they are sent."""
        now = time.time() if now is None else now
        with self._transaction() as con:
            con.executemany(
                "update alerts set state = 'sent', at = ? "
                "where username = ? and key = ? and run = ?",
                [(now, username, k, run) for k in keys],
            )

    def release(self, username: str, keys: Collection[str], run: str) -> None:
        """The message with `keys` was not sent: drop `run`'s claims, the next run tries
        again."""
        with self._transaction() as con:
            con.executemany(
                "delete from alerts where username = ? and key = ? "
                "and run = ? and state = 'claimed'",
                [(username, k, run) for k in keys],
            )

    def sent_keys(self, username: str) -> set[str]:
        with self._connect() as con:
            rows = con.execute(
                "select key from alerts where username = ? and state = 'sent'", (username,)
            ).fetchall()
        return {str(r[0]) for r in rows}
