"""How long a login lasts: it expires after `$SELSTATS_SESSION_IDLE_MINUTES` without a click
(default 30) and, however active the user, `$SELSTATS_SESSION_MAX_HOURS` after it was made
(default 12). Then the dashboard asks for a new login.

Why both: with OpenID Connect the roles and organisations come from the ID token's claims,
read at login (`selstats.access.claims`). Streamlit keeps the token's claims in a signed
cookie for 30 days and never checks the token's own expiry, so without a limit of our own a
role taken away at the identity provider would count only when the cookie ends. The maximum
age bounds that: a role or organisation removed at the provider takes effect at the user's
next login, at the latest `SESSION_MAX_HOURS` after the last one (sooner when the user was
idle for `SESSION_IDLE_MINUTES`). The users file and the claims mapping themselves are re-read
on every click.

Where the last click is kept:

- local logins (users file): in the Streamlit session, which is where the login lives (a new
  tab logs in anew);
- OIDC logins: the login cookie outlives the session, so a new tab or a reload starts a
  session already logged in. The last click of each login (keyed by a hash of the provider's
  issuer, subject and the token's issue time) is kept in `sessions.sqlite3` in
  `$SELSTATS_STATE_DIR`, else `<users file>.sessions.sqlite3`, shared by every server process.
  When that file cannot be used, the session's own record stands in, and a session that has
  none counts from the login: fail closed, a new session of a login older than the idle time
  asks for a new login.

No Streamlit here (tested in tests/access/).
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

Expiry = Literal["idle", "max_age"]

STATE_FILE: Final = "sessions.sqlite3"
BESIDE_USERS_SUFFIX: Final = ".sessions.sqlite3"

_SCHEMA: Final = """
create table if not exists activity (
    login text primary key,  -- sha256 of issuer, subject and the token's issue time
    last_seen real not null  -- seconds since the epoch
);
"""

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lifetime:
    """`idle`: seconds without a click; `max_age`: seconds after the login."""

    idle: float
    max_age: float


def lifetime() -> Lifetime:
    """The deployment's limits (`$SELSTATS_SESSION_IDLE_MINUTES`, `..._MAX_HOURS`)."""
    s = settings()
    return Lifetime(idle=s.session_idle_minutes * 60.0, max_age=s.session_max_hours * 3600.0)


def expiry(now: float, login_at: float, last_seen: float | None, limits: Lifetime) -> Expiry | None:
    """Why a login made at `login_at`, last used at `last_seen` (None: never since the
    login), has expired at `now`; None while it holds. Exactly at a limit it still holds."""
    if now - login_at > limits.max_age:
        return "max_age"
    last = login_at if last_seen is None else max(last_seen, login_at)
    if now - last > limits.idle:
        return "idle"
    return None


def login_key(issuer: str, subject: str, issued_at: float) -> str:
    """The key of one OIDC login: the same for every session that login's cookie starts,
    new for the next login (a new ID token has a new issue time)."""
    text = f"{issuer}\x00{subject}\x00{issued_at:.0f}"
    return hashlib.sha256(text.encode()).hexdigest()


class ActivityUnavailable(RuntimeError):
    """The shared file of last clicks cannot be used."""


def state_path() -> Path:
    state_dir = settings().state_dir
    if state_dir:
        return Path(state_dir) / STATE_FILE
    users = users_path()
    return users.with_name(users.name + BESIDE_USERS_SUFFIX)


@dataclass
class ActivityLog:
    """The last click of each OIDC login, in a file every server process shares (default
    `state_path()`, resolved on every call). Only hashes and times are stored."""

    path: Path | None = None

    @property
    def file(self) -> Path:
        return self.path or state_path()

    def _connect(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return shared_file(self.file, _SCHEMA, "the sessions file", ActivityUnavailable)

    def check(
        self,
        login: str,
        login_at: float,
        limits: Lifetime,
        now: float | None = None,
        session_last_seen: float | None = None,
    ) -> Expiry | None:
        """Whether the login `login` has expired (`expiry`, with the later of its shared
        last click and `session_last_seen`); when it has not, this click is recorded. One
        transaction, so two sessions of one login cannot both pass on a stale record.
        Records of logins past the maximum age are removed on the way."""
        now = time.time() if now is None else now
        with self._connect() as con:
            con.execute("begin immediate")
            try:
                row = con.execute(
                    "select last_seen from activity where login = ?", (login,)
                ).fetchone()
                seen = [v for v in (row[0] if row else None, session_last_seen) if v is not None]
                expired = expiry(now, login_at, max(seen) if seen else None, limits)
                if expired is None:
                    con.execute(
                        "insert into activity (login, last_seen) values (?, ?) "
                        "on conflict (login) do update set last_seen = excluded.last_seen",
                        (login, now),
                    )
                con.execute(
                    "delete from activity where last_seen < ?", (now - limits.max_age - 60,)
                )
            except BaseException:
                con.execute("rollback")
                raise
            con.execute("commit")
        return expired

    def last_seen(self, login: str) -> float | None:
        with self._connect() as con:
            row = con.execute("select last_seen from activity where login = ?", (login,))
            found = row.fetchone()
        return float(found[0]) if found else None


ACTIVITY: Final = ActivityLog()
