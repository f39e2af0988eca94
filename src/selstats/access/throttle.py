"""Failed logins, counted per account and per client address, in a file every server process
shares and that outlives a restart.

Limits (`ACCOUNT`, `ADDRESS`): 5 failed logins for one user name within 15 minutes lock that
name; 20 failed logins from one client address within 15 minutes, whatever the names, lock
that address (one password sprayed over many accounts). A lock lasts until the oldest of the
failures that caused it is 15 minutes old.

Every attempt counts as a failure from the moment it is let through (checking the limit and
counting are one transaction, so parallel attempts cannot slip past it together). A right
password then clears its account's failures and its own count against the address, but not
the address's earlier failures (a sprayer with one valid account would otherwise reset its
own counter). Attempts refused while locked are not counted (a lock does not grow by itself).

Where: an SQLite file in WAL mode, `login-throttle.sqlite3` in `$SELSTATS_STATE_DIR`, else
`<users file>.throttle.sqlite3` next to the users file (`selstats.access.users`). Not in the
store: the store is read-only for the dashboard and replaced whole by every import. SQLite
rather than a JSON-lines file: counting and adding happen in one transaction
(`BEGIN IMMEDIATE` serialises writers of all processes, readers never wait in WAL mode), old
rows are deleted in place, and a crash leaves a consistent file. Names and addresses are
stored as SHA-256 hashes only: the file holds no typed text (a password typed into the name
field, say).

Fail closed: when the file cannot be read or written, `ThrottleUnavailable` is raised and the
login form refuses to check passwords (the cause goes to the log).

No Streamlit here (tested in tests/access/, across processes too).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from selstats.access.shared_file import shared_file
from selstats.access.users import users_path
from selstats.settings import settings

STATE_FILE: Final = "login-throttle.sqlite3"
BESIDE_USERS_SUFFIX: Final = ".throttle.sqlite3"

Scope = Literal["account", "address"]

_SCHEMA: Final = """
create table if not exists failures (
    scope text not null,   -- 'account' or 'address'
    key text not null,     -- sha256 of the user name or the client address
    at real not null       -- seconds since the epoch (shared by processes and restarts)
);
create index if not exists failures_by_key on failures (scope, key, at);
"""

_log = logging.getLogger(__name__)


class ThrottleUnavailable(RuntimeError):
    """The throttle's file cannot be used; logins are refused until it can."""


@dataclass(frozen=True)
class Limit:
    """At most `attempts` failures within `window` seconds; the next is refused."""

    attempts: int
    window: float


ACCOUNT: Final = Limit(attempts=5, window=900.0)
ADDRESS: Final = Limit(attempts=20, window=900.0)


def state_path() -> Path:
    """The throttle's file: in `$SELSTATS_STATE_DIR`, else next to the users file."""
    state_dir = settings().state_dir
    if state_dir:
        return Path(state_dir) / STATE_FILE
    users = users_path()
    return users.with_name(users.name + BESIDE_USERS_SUFFIX)


def _key(scope: Scope, value: str) -> str:
    return hashlib.sha256(f"{scope}:{value}".encode()).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """A login attempt as the throttle saw it: refused (`locked`: which limit), or let
    through and counted as a failure (`address_row`: its row for the address)."""

    locked: Scope | None
    address_row: int = 0


@dataclass
class LoginThrottle:
    """Counts failed logins in the shared file `path` (default: `state_path()`, resolved on
    every call). Times are wall-clock seconds (`time.time()`); tests pass `now`."""

    account: Limit = ACCOUNT
    address: Limit = ADDRESS
    path: Path | None = None

    @property
    def file(self) -> Path:
        return self.path or state_path()

    def _connect(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return shared_file(self.file, _SCHEMA, "the login throttle's file", ThrottleUnavailable)

    def _count(self, con: sqlite3.Connection, scope: Scope, value: str, now: float) -> int:
        limit = self.account if scope == "account" else self.address
        row = con.execute(
            "select count(*) from failures where scope = ? and key = ? and at > ?",
            (scope, _key(scope, value), now - limit.window),
        ).fetchone()
        return int(row[0])

    def attempt(self, account: str, address: str, now: float | None = None) -> Attempt:
        """Before a password is checked: refuse it when the account or the address is
        locked, else count it as a failure until `succeeded` says otherwise. Checking and
        counting are one transaction, so parallel attempts (threads, processes) can never
        get past a limit together."""
        now = time.time() if now is None else now
        oldest = now - max(self.account.window, self.address.window)
        with self._connect() as con:
            con.execute("begin immediate")
            try:
                con.execute("delete from failures where at <= ?", (oldest,))
                pairs: tuple[tuple[Scope, str], ...] = (("account", account), ("address", address))
                for scope, value in pairs:
                    limit = self.account if scope == "account" else self.address
                    if self._count(con, scope, value, now) >= limit.attempts:
                        con.execute("commit")
                        return Attempt(locked=scope)
                rows = []
                for scope, value in pairs:
                    cursor = con.execute(
                        "insert into failures (scope, key, at) values (?, ?, ?)",
                        (scope, _key(scope, value), now),
                    )
                    rows.append(int(cursor.lastrowid or 0))
            except BaseException:
                con.execute("rollback")
                raise
            con.execute("commit")
        return Attempt(locked=None, address_row=rows[1])

    def succeeded(self, attempt: Attempt, account: str) -> None:
        """The attempt's password was right: the account's failures are forgotten, and the
        attempt no longer counts against its address (earlier failures there still do)."""
        with self._connect() as con:
            con.execute("begin immediate")
            con.execute(
                "delete from failures where scope = 'account' and key = ?",
                (_key("account", account),),
            )
            con.execute("delete from failures where rowid = ?", (attempt.address_row,))
            con.execute("commit")

    def failures(self, scope: Scope, value: str, now: float | None = None) -> int:
        """How many failures of `value` count now."""
        now = time.time() if now is None else now
        with self._connect() as con:
            return self._count(con, scope, value, now)
