"""How long a login lasts (selstats.access.session_lifetime): the pure decision and the file
of last clicks every server process shares. Limits in the tests: 30 minutes idle (1800 s),
12 hours at most (43200 s), the defaults; times in seconds from a login at 0 (or 1e9)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from selstats.access.session_lifetime import (
    ActivityLog,
    Lifetime,
    expiry,
    lifetime,
    login_key,
    state_path,
)

LIMITS = Lifetime(idle=1800.0, max_age=43200.0)
T0 = 1_000_000_000.0  # a login time (seconds since the epoch)


def test_the_defaults_are_30_minutes_and_12_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SELSTATS_SESSION_IDLE_MINUTES", raising=False)
    monkeypatch.delenv("SELSTATS_SESSION_MAX_HOURS", raising=False)
    assert lifetime() == Lifetime(idle=30 * 60.0, max_age=12 * 3600.0)
    monkeypatch.setenv("SELSTATS_SESSION_IDLE_MINUTES", "0.5")
    monkeypatch.setenv("SELSTATS_SESSION_MAX_HOURS", "1")
    assert lifetime() == Lifetime(idle=30.0, max_age=3600.0)


@pytest.mark.parametrize(
    ("now", "last_seen", "expected"),
    [
        (1000.0, None, None),  # 1000 s after the login, no click since: 1000 <= 1800
        (1800.0, None, None),  # exactly the idle time: still holds
        (1801.0, None, "idle"),  # 1801 > 1800 since the login
        (2800.0, 1000.0, None),  # 2800 - 1000 = 1800: holds
        (2801.0, 1000.0, "idle"),  # 1801 since the last click
        (43200.0, 43000.0, None),  # 12 h exactly, clicked 200 s ago
        (43201.0, 43200.0, "max_age"),  # 12 h + 1 s, however active
        (1801.0, -500.0, "idle"),  # a click before this login counts from the login
    ],
)
def test_expiry(now: float, last_seen: float | None, expected: str | None) -> None:
    assert expiry(now, 0.0, last_seen, LIMITS) == expected


def test_login_key_is_per_login() -> None:
    key = login_key("https://idp", "alice", T0)
    assert key == login_key("https://idp", "alice", T0)
    assert key != login_key("https://idp", "alice", T0 + 1)  # the next login
    assert key != login_key("https://idp", "bob", T0)
    assert key != login_key("https://other-idp", "alice", T0)
    assert "alice" not in key


def test_clicks_keep_a_login_alive_and_idleness_ends_it(tmp_path: Path) -> None:
    log = ActivityLog(tmp_path / "sessions.sqlite3")
    key = login_key("https://idp", "alice", T0)
    assert log.check(key, T0, LIMITS, now=T0 + 100) is None
    assert log.check(key, T0, LIMITS, now=T0 + 1900) is None  # 1800 after the last click
    assert log.last_seen(key) == T0 + 1900
    assert log.check(key, T0, LIMITS, now=T0 + 1900 + 1801) == "idle"
    # an expired login is not revived by asking again: the last click stays where it was
    assert log.last_seen(key) == T0 + 1900
    assert log.check(key, T0, LIMITS, now=T0 + 1900 + 1802) == "idle"


def test_a_new_session_of_an_active_login_holds(tmp_path: Path) -> None:
    """A new tab at 2500 s after the login, the user having clicked at 1000 s in another:
    1500 s idle, so it holds; without the shared record it would count from the login
    (2500 > 1800) and expire."""
    log = ActivityLog(tmp_path / "sessions.sqlite3")
    key = login_key("https://idp", "alice", T0)
    assert log.check(key, T0, LIMITS, now=T0 + 1000) is None
    assert log.check(key, T0, LIMITS, now=T0 + 2500) is None
    fresh = ActivityLog(tmp_path / "other.sqlite3")
    assert fresh.check(key, T0, LIMITS, now=T0 + 2500) == "idle"


def test_the_session_s_own_record_counts_too(tmp_path: Path) -> None:
    log = ActivityLog(tmp_path / "sessions.sqlite3")
    key = login_key("https://idp", "alice", T0)
    # shared record empty; the session saw a click at 1000: 2500 - 1000 = 1500 <= 1800
    assert log.check(key, T0, LIMITS, now=T0 + 2500, session_last_seen=T0 + 1000) is None


def test_old_logins_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "sessions.sqlite3"
    log = ActivityLog(path)
    old = login_key("https://idp", "old", T0)
    assert log.check(old, T0, LIMITS, now=T0 + 10) is None
    # 12 h + 61 s after old's last click, another login's click clears it
    new = login_key("https://idp", "new", T0 + 43271)
    assert log.check(new, T0 + 43271, LIMITS, now=T0 + 43271) is None
    with sqlite3.connect(path) as con:
        assert con.execute("select count(*) from activity").fetchone()[0] == 1
    assert log.last_seen(old) is None


def test_the_file_lives_in_the_state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELSTATS_STATE_DIR", str(tmp_path / "state"))
    assert state_path() == tmp_path / "state" / "sessions.sqlite3"
    monkeypatch.delenv("SELSTATS_STATE_DIR")
    monkeypatch.setenv("SELSTATS_USERS", str(tmp_path / "users.toml"))
    assert state_path() == tmp_path / "users.toml.sessions.sqlite3"
