"""A stolen session id alone is no login (issue 13, item 6), at the protocol level.

The attack: a user logs in in a real browser; someone who learns the session id (it travels
in the upload URL `PUT /_stcore/upload_file/<session-id>/...`, so it lands in proxy logs)
opens the app's websocket with that id and no cookie. Streamlit resumes the session (for a
login of the users file both connections carry the same, empty `user_info`, so its own
identity gate lets it through) and runs the script for the newcomer. The login is bound to
the browser's cookie (selstats.access.session_binding): that run must show no figure.

The victim is Chromium (Playwright); the attacker is a bare websocket client speaking
streamlit.proto (BackMsg out, ForwardMsg in), so the test controls exactly which cookie and
which session id it presents. Control case: the same bare client WITH the victim's cookie
gets the figures, so the test fails if the data were withheld for any other reason.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Page, WebSocket, expect
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from selstats.access.audit import audit_path
from selstats.access.roles import Role
from selstats.access.users import User, write_users
from selstats.i18n import translate
from tests.fixtures.small_store import build_small_store

from .conftest import (
    OUTPUT_DIR,
    assert_no_exception,
    expect_rerun,
    streamlit_server,
    wait_for_app_idle,
)

sync_client = pytest.importorskip("websockets.sync.client")

HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "beta-secret-1"
# What only a logged-in hr user of ORG-B sees: the organisation's name (sidebar filter, the
# figures' tables) and the user's own name in the sidebar.
VICTIM_MARKERS = (b"Stad Beta", b"Hilde Beta")
RUN_TIMEOUT_S = 60


def nl(key: str, **params: object) -> str:
    return translate("nl", key, **params)


@contextmanager
def serve(db: Path, users: Path) -> Iterator[str]:
    log_path = OUTPUT_DIR / f"streamlit-session-binding-{os.getpid()}.log"
    with streamlit_server(
        db, log_path, unset=("SELSTATS_DEMO",), SELSTATS_USERS=str(users)
    ) as base_url:
        yield base_url


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return build_small_store(tmp_path / "small.duckdb")


@pytest.fixture
def users_toml(tmp_path: Path) -> Path:
    return write_users(
        [User("hr-b", (Role.HR,), ("ORG-B",), "Hilde Beta", HASHER.hash(PASSWORD))],
        tmp_path / "users.toml",
    )


def _session_ids(page: Page, deferred: list[str] | None = None) -> list[str]:
    """Collects the session id of every `new_session` the page's websocket receives (and
    into `deferred` the placeholder id of every download button drawn)."""
    ids: list[str] = []

    def on_frame(payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            message = ForwardMsg.FromString(payload)
            if message.WhichOneof("type") == "new_session":
                ids.append(message.new_session.initialize.session_id)
            element = message.delta.new_element
            if deferred is not None and element.WhichOneof("type") == "download_button":
                deferred.append(element.download_button.deferred_file_id)

    def on_websocket(websocket: WebSocket) -> None:
        if websocket.url.endswith("/_stcore/stream"):
            websocket.on("framereceived", on_frame)

    page.on("websocket", on_websocket)
    return ids


def _log_in(page: Page) -> None:
    page.get_by_label(nl("access.username")).fill("hr-b")
    page.get_by_label(nl("access.password")).fill(PASSWORD)
    with expect_rerun(page):
        page.get_by_role("button", name=nl("access.login")).click()
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 300))")
    wait_for_app_idle(page)


def _run_as_bare_client(
    base_url: str, session_id: str, cookie: str | None
) -> tuple[list[ForwardMsg], bytes]:
    """Open the websocket as Streamlit's frontend does (subprotocols `streamlit`, an XSRF
    token, the session id to resume), with `cookie` as the only Cookie header (None: no
    cookie at all), ask for one run of the start page and collect what the server sends
    until that run has finished. Returns the messages and all their bytes."""
    headers = {"Cookie": cookie} if cookie else {}
    url = base_url.replace("http://", "ws://") + "/_stcore/stream"
    messages: list[ForwardMsg] = []
    with sync_client.connect(
        url,
        subprotocols=["streamlit", "none", session_id],  # type: ignore[list-item]
        additional_headers=headers,
        max_size=None,
        open_timeout=20,
    ) as ws:
        rerun = BackMsg()
        rerun.rerun_script.query_string = ""
        rerun.rerun_script.page_script_hash = ""
        ws.send(rerun.SerializeToString())
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while time.monotonic() < deadline:
            payload = ws.recv(timeout=max(deadline - time.monotonic(), 0.1))
            if not isinstance(payload, bytes):
                continue
            message = ForwardMsg.FromString(payload)
            messages.append(message)
            if (
                message.WhichOneof("type") == "script_finished"
                and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
            ):
                break
        else:
            pytest.fail("the run did not finish within the time allowed")
    return messages, b"".join(m.SerializeToString() for m in messages)


def _ask_for_file(base_url: str, session_id: str, file_id: str) -> ForwardMsg:
    """Resume the session `session_id` with no cookie and ask for the download `file_id`
    (what a click on a download button sends); the server's answer."""
    url = base_url.replace("http://", "ws://") + "/_stcore/stream"
    with sync_client.connect(
        url,
        subprotocols=["streamlit", "none", session_id],
        open_timeout=20,  # type: ignore[list-item]
    ) as ws:
        ask = BackMsg()
        ask.backend_operation_request.request_id = "stolen-1"
        ask.backend_operation_request.session_id = session_id
        ask.backend_operation_request.deferred_file.file_id = file_id
        ws.send(ask.SerializeToString())
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while time.monotonic() < deadline:
            payload = ws.recv(timeout=max(deadline - time.monotonic(), 0.1))
            if isinstance(payload, bytes):
                message = ForwardMsg.FromString(payload)
                if message.WhichOneof("type") == "backend_operation_response":
                    return message
    pytest.fail("no answer to the download request")


def _resumed(messages: list[ForwardMsg]) -> list[str]:
    return [
        m.new_session.initialize.session_id
        for m in messages
        if m.WhichOneof("type") == "new_session"
    ]


def test_a_stolen_session_id_without_the_cookie_gets_no_figures(
    page: Page, small_db: Path, users_toml: Path
) -> None:
    ids = _session_ids(page)
    with serve(small_db, users_toml) as url:
        page.goto(url + "/")
        wait_for_app_idle(page)
        _log_in(page)
        assert_no_exception(page)
        expect(page.get_by_role("heading", name=nl("page.overview"))).to_be_visible()
        assert "Hilde Beta" in page.get_by_test_id("stSidebar").inner_text()
        victim = ids[-1]
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        assert "_streamlit_xsrf" in cookies  # what the browser holds and the attacker not

        # 1. the id alone: Streamlit resumes the victim's session, the app shows nothing
        messages, raw = _run_as_bare_client(url, victim, cookie=None)
        assert _resumed(messages) == [victim]  # the very session, not a fresh one
        assert [m for m in VICTIM_MARKERS if m in raw] == []
        assert nl("access.session_elsewhere").encode() in raw

        # 2. the id with another browser's cookie (the attacker's own): nothing either
        other = "_streamlit_xsrf=2|00000000|0123456789abcdef0123456789abcdef|1700000000"
        messages, raw = _run_as_bare_client(url, victim, cookie=other)
        assert _resumed(messages) == [victim]
        assert [m for m in VICTIM_MARKERS if m in raw] == []

        # 3. control: the id WITH the victim's cookie is the victim's browser reconnecting
        jar = "; ".join(f"{name}={value}" for name, value in cookies.items())
        messages, raw = _run_as_bare_client(url, victim, cookie=jar)
        assert _resumed(messages) == [victim]
        assert [m for m in VICTIM_MARKERS if m not in raw] == []

    events = [json.loads(line) for line in audit_path(small_db).read_text().splitlines()]
    refused = [e for e in events if e["event"] == "denied"]
    assert [e["detail"]["reason"] for e in refused] == ["session_binding", "session_binding"]
    assert all(e["user"] == "hr-b" and e["outcome"] == "failed" for e in refused)
    assert all(victim not in json.dumps(e) for e in events)  # the raw id is logged nowhere


def test_a_stolen_session_id_cannot_download_and_every_download_is_audited(
    page: Page, small_db: Path, users_toml: Path
) -> None:
    """Downloads are produced outside any script run (a `deferred_file` request on the
    websocket), so they check the binding themselves. The browser's own download is
    recorded ok with its size; the same button asked over a connection without the cookie
    is refused and recorded as failed."""
    deferred: list[str] = []
    ids = _session_ids(page, deferred)
    with serve(small_db, users_toml) as url:
        page.goto(url + "/")
        wait_for_app_idle(page)
        _log_in(page)
        expect(page.get_by_role("heading", name=nl("page.overview"))).to_be_visible()
        victim = ids[-1]
        buttons = page.locator(".st-key-overview_downloads").get_by_test_id("stDownloadButton")
        with page.expect_download() as info:
            buttons.filter(has=page.get_by_text(nl("download.csv"), exact=True)).click()
        saved = info.value.path()
        size = Path(saved).stat().st_size
        assert size > 0

        # the overview's CSV button: its per-year table's four buttons come before the four
        # of the BOSA sources table below it
        answer = _ask_for_file(url, victim, deferred[-8])
        response = answer.backend_operation_response
        assert response.error_msg and not response.deferred_file.url

    events = [json.loads(line) for line in audit_path(small_db).read_text().splitlines()]
    exports = [e for e in events if e["event"] == "export"]
    assert [(e["outcome"], e["error"]) for e in exports] == [
        ("ok", None),
        ("failed", "SessionBindingError"),
    ]
    assert exports[0]["detail"]["bytes"] == size  # recorded once the file existed
    assert exports[0]["detail"]["file"] == exports[1]["detail"]["file"] == "overview.csv"
    assert exports[0]["session"] == exports[1]["session"] != victim
