"""The dashboard session's side of access: who this session's user is (`current_access`),
the connection now serving it (`connection`, from Streamlit's runtime) and where its requests
come from (`current_origin`), downloads and page actions audited with both.

The decisions are `selstats.access` (pure); this module reads what Streamlit holds and hands
it over. The session-state keys below belong to the frame (`_selstats_` prefix).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Final

import streamlit as st

from selstats.access import audit, session_binding
from selstats.access.origin import Connection, Origin, dashboard_origin
from selstats.access.scope import Access
from selstats.ui.i18n import t

ACCESS_KEY: Final = "_selstats_access"  # the Access the gate established on this run
LOGIN_KEY: Final = "_selstats_login"  # local mode: the user name that logged in
BINDING_KEY: Final = "_selstats_binding"  # the browser's cookie fingerprint at login
AUDITED_KEY: Final = "_selstats_access_audited"  # identity whose login was recorded
NOTES_KEY: Final = "_selstats_access_notes"  # sentences already shown on this run
LOGIN_AT_KEY: Final = "_selstats_login_at"  # when the login was made (seconds since the epoch)
LAST_SEEN_KEY: Final = "_selstats_last_seen"  # the session's last click (seconds since the epoch)
EXPIRED_KEY: Final = "_selstats_expired"  # why this session's login expired (idle, max_age)


def session_id() -> str | None:
    """The Streamlit session id of this run (None outside a run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else None


def connection(session: str | None) -> Connection:
    """The connection now serving the session `session`, read from Streamlit's runtime
    (what `st.context.cookies` reads on a run, but usable off the script thread too, e.g.
    when a download is produced). A session resumed by another websocket shows that
    websocket's cookies, not those of the browser that logged in."""
    from streamlit import runtime

    if not session or not runtime.exists():
        return Connection()
    client = runtime.get_instance().get_client(session)
    context = client.client_context if client is not None else None
    if context is None:
        return Connection()
    headers = list(context.headers)
    forwarded = tuple(value for name, value in headers if name.lower() == "x-forwarded-for")
    return Connection(dict(context.cookies), context.remote_ip, forwarded)


def current_connection() -> tuple[Connection, Origin]:
    """This run's connection and where it comes from (client address, session hash)."""
    session = session_id()
    conn = connection(session)
    return conn, dashboard_origin(conn, session)


def current_origin() -> Origin:
    """Where this run's request comes from, for the audit log: the client's address and a
    hash of the session id."""
    return current_connection()[1]


def kept_binding() -> str | None:
    """The fingerprint of the browser's cookie this session kept at login."""
    expected = st.session_state.get(BINDING_KEY)
    return expected if isinstance(expected, str) else None


def current_access() -> Access | None:
    """The identity the gate (`selstats.ui.login.require_access`) established on this run;
    None before it did."""
    access = st.session_state.get(ACCESS_KEY)
    return access if isinstance(access, Access) else None


def note_once(key: str) -> None:
    """Show the sentence `t(key)` once per run (e.g. candidate rows denied)."""
    notes = st.session_state.get(NOTES_KEY)
    if not isinstance(notes, set):
        notes = set()
        st.session_state[NOTES_KEY] = notes
    if key not in notes:
        notes.add(key)
        st.info(t(key))


def download_guard(
    access: Access | None, detail: Mapping[str, object]
) -> Callable[[Callable[[], bytes]], bytes]:
    """For a download button drawn on this run: `guard(make)` produces the file with
    `make()` when the button is clicked (Streamlit calls it off the script thread, outside
    any run) and records an `export` event with its outcome: ok only once the bytes exist,
    failed with the error's class otherwise. The click must come over a websocket carrying
    the login's cookie (not checked in demo mode, which has no login)."""
    session = session_id()
    bound = access is not None and access.mode != "demo"
    expected = kept_binding() if bound else None

    def guard(make: Callable[[], bytes]) -> bytes:
        conn = connection(session)
        origin = dashboard_origin(conn, session)
        with audit.recorded("export", access=access, detail=detail, origin=origin) as record:
            if bound and not session_binding.holds(expected, conn.cookies):
                raise session_binding.SessionBindingError("asked over another connection")
            data = make()
            record.detail["bytes"] = len(data)
        return data

    return guard


@contextmanager
def audited(event: str, detail: Mapping[str, object] | None = None) -> Iterator[audit.Recording]:
    """Around an action the user started on the page (an import): one audit event when it
    ends, with the user, the client's address, the session's hash and the outcome
    (`selstats.access.audit.recorded`)."""
    with audit.recorded(
        event, access=current_access(), detail=detail, origin=current_origin()
    ) as recording:
        yield recording
