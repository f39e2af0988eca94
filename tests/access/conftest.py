"""Fixtures for the access tests: the hand-computed small store (tests/fixtures/small_store.py:
ORG-A "Dienst Alfa" with P-A1 and candidates A01-A08; ORG-B "Stad Beta" with P-B1, P-B2 and
candidates B01-B05, B21, B22), a users file with one user per role, clean Streamlit caches,
a fresh login throttle file per test, and helpers to run the app as one of them in AppTest.

AppTest has no websocket, so the connection a run sees (cookies, peer address) is
`selstats.ui.session.connection`, replaced here by the test "browser" `BROWSER` (Streamlit's XSRF
cookie, as a browser holds it); `connect_as(...)` switches to another one mid-test.

Passwords are hashed with cheap argon2 parameters so the tests stay fast; verification reads
the parameters from the hash, exactly as for real hashes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest
import streamlit as st
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from selstats.access import session_binding
from selstats.access.origin import Connection
from selstats.access.roles import Role
from selstats.access.users import User, write_users
from selstats.ui import session
from tests.fixtures.small_store import build_small_store

APP: Final = "../../app.py"  # AppTest resolves it against this file
TIMEOUT: Final = 60
CHEAP: Final = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

PASSWORDS: Final = {
    "bosa": "bosa-secret",
    "hr-b": "beta-secret",
    "hr-a": "alfa-secret",
    "analyst": "analyst-secret",
    "admin": "admin-secret",
    "norole": "norole-secret",
}

USERS: Final = [
    User("bosa", (Role.BOSA,), (), "Bea Bosa", CHEAP.hash(PASSWORDS["bosa"])),
    User("hr-b", (Role.HR,), ("ORG-B",), "Hilde Beta", CHEAP.hash(PASSWORDS["hr-b"])),
    User("hr-a", (Role.HR,), ("ORG-A",), "Hans Alfa", CHEAP.hash(PASSWORDS["hr-a"])),
    User("analyst", (Role.ANALYST,), (), "Ann Analist", CHEAP.hash(PASSWORDS["analyst"])),
    User("admin", (Role.ADMIN,), (), "Adam Admin", CHEAP.hash(PASSWORDS["admin"])),
    User("norole", (), (), "Nora Nobody", CHEAP.hash(PASSWORDS["norole"])),
    User("oidc.hr@beta.example", (Role.HR,), ("ORG-B",), "OIDC Beta"),
]

# What an hr user of ORG-B must never see: ORG-A's id and name, its procedure, its candidates.
ORG_A_MARKERS: Final = ("ORG-A", "Dienst Alfa", "P-A1", *(f"A0{i}" for i in range(1, 9)))


@pytest.fixture(autouse=True)
def clear_streamlit_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def xsrf_cookie(token: bytes, mask: bytes = b"\x01\x02\x03\x04") -> str:
    """Streamlit's XSRF cookie for `token` as a response sets it: `2|mask|masked|time`
    (each byte XOR-ed with the mask byte at its position modulo 4)."""
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(token))
    return f"2|{mask.hex()}|{masked.hex()}|1700000000"


BROWSER_TOKEN: Final = bytes(range(16))
BROWSER: Final = Connection(
    cookies={"_streamlit_xsrf": xsrf_cookie(BROWSER_TOKEN)}, peer="192.0.2.10"
)


@pytest.fixture(autouse=True)
def fresh_throttle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test counts failed logins in a file of its own."""
    monkeypatch.setenv("SELSTATS_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture(autouse=True)
def browser_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run comes over the test browser's connection unless a test says otherwise."""
    connect_as(BROWSER, monkeypatch)


def connect_as(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, the session's websocket is `conn` (its cookies and address)."""
    monkeypatch.setattr(session, "connection", lambda session_id: conn)


@pytest.fixture(autouse=True)
def no_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Local users-file mode unless a test asks otherwise."""
    monkeypatch.delenv("SELSTATS_DEMO", raising=False)


@pytest.fixture(scope="session")
def small_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_store(tmp_path_factory.mktemp("store") / "small.duckdb")


@pytest.fixture
def store(small_store_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the small store, served as $SELSTATS_DB (audit file beside it)."""
    path = tmp_path / "small.duckdb"
    path.write_bytes(small_store_file.read_bytes())
    monkeypatch.setenv("SELSTATS_DB", str(path))
    return path


@pytest.fixture
def users_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = write_users(USERS, tmp_path / "users.toml")
    monkeypatch.setenv("SELSTATS_USERS", str(path))
    return path


def app_as(username: str | None, query: dict[str, str | list[str]] | None = None) -> AppTest:
    """The app, logged in as `username` of the users file in the test browser `BROWSER`
    (the state a successful login leaves), with URL query parameters; not run yet."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if username is not None:
        at.session_state["_selstats_login"] = username
        at.session_state["_selstats_binding"] = session_binding.fingerprint(BROWSER.cookies)
    if query:
        at.query_params.update(query)
    return at


@pytest.fixture(scope="session")
def demo_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store at scale S (seed 1): 60 organisations, 39 procedures, with the small
    cells (a withdrawn candidate, a top-N cut of 2) that real data has."""
    from selstats.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo-s.duckdb"
    build_demo(path, scale="S", seed=1)
    return path
