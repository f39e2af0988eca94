"""Failed logins per account and per client address (selstats.access.throttle): the limits,
the window, and a state that is shared by processes and survives a restart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from selstats.access.throttle import (
    ACCOUNT,
    ADDRESS,
    Limit,
    LoginThrottle,
    ThrottleUnavailable,
    state_path,
)

REPO = Path(__file__).resolve().parents[2]
T0 = 1_800_000_000.0  # a fixed wall-clock time, seconds


def test_the_limits() -> None:
    assert Limit(attempts=5, window=900.0) == ACCOUNT
    assert Limit(attempts=20, window=900.0) == ADDRESS


def test_five_failures_lock_the_account(tmp_path: Path) -> None:
    throttle = LoginThrottle(path=tmp_path / "t.sqlite3")
    for i in range(5):  # failures 1-5, one a minute, from five addresses
        assert throttle.attempt("hr-b", f"192.0.2.{i}", now=T0 + 60 * i).locked is None
    # the 6th, from yet another address: the account is locked
    assert throttle.attempt("hr-b", "192.0.2.99", now=T0 + 300).locked == "account"
    assert throttle.attempt("hr-a", "192.0.2.99", now=T0 + 300).locked is None  # others not
    # the lock lasts until the oldest failure (T0) is 900 s old: still at T0 + 899 ...
    assert throttle.attempt("hr-b", "192.0.2.99", now=T0 + 899).locked == "account"
    # ... at T0 + 900 the first failure has left the window: 4 remain, one more may try
    assert throttle.attempt("hr-b", "192.0.2.99", now=T0 + 900).locked is None
    assert throttle.attempt("hr-b", "192.0.2.99", now=T0 + 901).locked == "account"
    # refused attempts were not counted: 5 within the window (T0+60 .. T0+900)
    assert throttle.failures("account", "hr-b", now=T0 + 901) == 5


def test_a_right_password_clears_the_account_not_the_address(tmp_path: Path) -> None:
    throttle = LoginThrottle(path=tmp_path / "t.sqlite3")
    for i in range(4):
        throttle.attempt("hr-b", "192.0.2.1", now=T0 + i)
    right = throttle.attempt("hr-b", "192.0.2.1", now=T0 + 10)
    throttle.succeeded(right, "hr-b")
    assert throttle.failures("account", "hr-b", now=T0 + 11) == 0
    # the 4 failures still count against the address; the successful attempt does not
    assert throttle.failures("address", "192.0.2.1", now=T0 + 11) == 4


def test_a_password_sprayed_over_many_accounts_locks_the_address(tmp_path: Path) -> None:
    throttle = LoginThrottle(path=tmp_path / "t.sqlite3")
    # 20 names, one attempt each (no name gets near its 5): the address reaches its 20
    for i in range(20):
        assert throttle.attempt(f"user{i}", "198.51.100.7", now=T0 + i).locked is None
    assert throttle.attempt("user20", "198.51.100.7", now=T0 + 20).locked == "address"
    assert throttle.attempt("hr-b", "198.51.100.7", now=T0 + 20).locked == "address"
    assert throttle.attempt("hr-b", "192.0.2.1", now=T0 + 20).locked is None  # elsewhere
    # locked until the first of the 20 (T0) is 900 s old
    assert throttle.attempt("user21", "198.51.100.7", now=T0 + 899).locked == "address"
    assert throttle.attempt("user21", "198.51.100.7", now=T0 + 900).locked is None


def test_expired_failures_are_deleted(tmp_path: Path) -> None:
    import sqlite3

    throttle = LoginThrottle(path=tmp_path / "t.sqlite3")
    throttle.attempt("a", "192.0.2.1", now=T0)
    throttle.attempt("b", "192.0.2.1", now=T0 + 1000)  # T0's two rows are over 900 s old
    con = sqlite3.connect(tmp_path / "t.sqlite3")
    try:
        assert con.execute("select count(*) from failures").fetchone() == (2,)  # b's two
        keys = [k for (k,) in con.execute("select key from failures")]
    finally:
        con.close()
    assert all(len(k) == 64 and "192.0.2.1" not in k for k in keys)  # hashes, no text


def test_state_file_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SELSTATS_STATE_DIR", raising=False)
    monkeypatch.setenv("SELSTATS_USERS", str(tmp_path / "conf" / "users.toml"))
    assert state_path() == tmp_path / "conf" / "users.toml.throttle.sqlite3"
    monkeypatch.setenv("SELSTATS_STATE_DIR", str(tmp_path / "state"))
    assert state_path() == tmp_path / "state" / "login-throttle.sqlite3"
    LoginThrottle().attempt("x", "192.0.2.1")
    assert (tmp_path / "state" / "login-throttle.sqlite3").stat().st_mode & 0o077 == 0


def test_an_unusable_file_fails_closed(tmp_path: Path) -> None:
    (tmp_path / "t.sqlite3").write_text("not a database, " * 100)
    with pytest.raises(ThrottleUnavailable):
        LoginThrottle(path=tmp_path / "t.sqlite3").attempt("hr-b", "192.0.2.1")
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(ThrottleUnavailable):  # its folder cannot be made
        LoginThrottle(path=blocked / "t.sqlite3").attempt("hr-b", "192.0.2.1")


# ---- across processes ------------------------------------------------------------------------

_WORKER = textwrap.dedent(
    """
    import json, sys, threading
    from pathlib import Path
    from selstats.access.throttle import LoginThrottle

    path, account, address, n = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    throttle = LoginThrottle(path=path)
    start = threading.Barrier(n)
    verdicts = []

    def one():
        start.wait()
        verdicts.append(throttle.attempt(account, address).locked)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(verdicts))
    """
)


def _worker(path: Path, account: str, address: str, n: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WORKER, str(path), account, address, str(n)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _verdicts(process: subprocess.Popen[str]) -> list[str | None]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    verdicts: list[str | None] = json.loads(out)
    return verdicts


def test_failures_survive_a_new_process(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    # a first server process: 3 failures for hr-b, then it ends (a restart)
    assert _verdicts(_worker(path, "hr-b", "192.0.2.1", 3)) == [None, None, None]
    # this process, started after: 2 more are allowed (3 + 2 = 5), the 6th is refused
    throttle = LoginThrottle(path=path)
    assert throttle.failures("account", "hr-b") == 3
    assert [throttle.attempt("hr-b", "192.0.2.1").locked for _ in range(3)] == [
        None,
        None,
        "account",
    ]


def test_two_processes_share_the_count_and_never_pass_it_together(tmp_path: Path) -> None:
    """Two server processes, 8 simultaneous attempts each (16) for one account: exactly 5
    get through in all, 11 are refused, whatever the interleaving."""
    path = tmp_path / "t.sqlite3"
    LoginThrottle(path=path).failures("account", "x")  # create the file before the race
    first, second = (_worker(path, "hr-b", "192.0.2.1", 8), _worker(path, "hr-b", "192.0.2.2", 8))
    verdicts = _verdicts(first) + _verdicts(second)
    assert verdicts.count(None) == 5
    assert verdicts.count("account") == 11
    assert LoginThrottle(path=path).failures("account", "hr-b") == 5
