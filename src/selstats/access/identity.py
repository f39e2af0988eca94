"""Who is logged in, decided once per run by the frame (`require_access`, called from
`selstats.ui.filters.sidebar_filters`) before any data is read.

Three deployment modes, the first that applies wins:

1. **OIDC**: `.streamlit/secrets.toml` has an `[auth]` section. Streamlit's `st.login()`
   authenticates the user with the identity provider (it needs Authlib on the server); the
   e-mail address from `st.user` is looked up in the users file for roles and organisations.
   Someone the provider knows but the users file does not gets the sentence, not data.
2. **Demo**: `SELSTATS_DEMO=1` (set by `make run` for the demo database) and no `[auth]`. A
   clearly marked switcher in the sidebar ("DEMO — rol kiezen") lets anyone take any role,
   to show what each role sees. Never set it on a deployment with real data.
3. **Local users file** (the default): a login form checked against the argon2 hashes of the
   users file (`selstats.access.users`). No users file: nobody gets in.

Deny by default: no identity, an unknown identity or one without a known role stops the page
with a sentence. The identity (`Access`) lives in session state under `_selstats_access`;
in local mode only the user name is kept across runs, and the roles are re-read from the
users file on every run, so a role taken away counts from the user's next click.

A login belongs to the browser that made it (`selstats.access.session_binding`): at login
the session keeps a fingerprint of the browser's cookie, and every run (local and OIDC),
before anything is read, and every download must come over a websocket that carries the
same cookie. A stolen session id alone is no login. Failed logins are counted per account
and per client address in a file all server processes share (`selstats.access.throttle`).
Every login, refusal and download is audited with the client's address and a hash of the
session id (`selstats.access.origin`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Final, Literal, NoReturn

import streamlit as st

from selstats.access import audit, session_binding, throttle
from selstats.access.origin import Origin, client_address, proxy_hops, session_hash
from selstats.access.roles import ROLE_NAMES, Permission, Role
from selstats.access.scope import Access, access_for
from selstats.access.users import (
    UsersFileError,
    authenticate,
    find_user,
    load_users,
    normalise_username,
)
from selstats.ui.i18n import t
from selstats.ui.state import kept_value, remember, show_kept

DEMO_ENV: Final = "SELSTATS_DEMO"
Mode = Literal["oidc", "demo", "local"]

# Session-state keys (the frame's `_selstats_` prefix).
ACCESS_KEY: Final = "_selstats_access"
_LOGIN_KEY: Final = "_selstats_login"  # local mode: the user name that logged in
_BINDING_KEY: Final = "_selstats_binding"  # the browser's cookie fingerprint at login
_AUDITED_KEY: Final = "_selstats_access_audited"  # identity whose login was recorded
_NOTES_KEY: Final = "_selstats_access_notes"  # sentences already shown on this run
_DEMO_ROLE: Final = "_selstats_demo_role"
_DEMO_ORG: Final = "_selstats_demo_org"
DEMO_DEFAULT_ROLE: Final = Role.BOSA.value

_log = logging.getLogger(__name__)


# ---- the connection ----------------------------------------------------------------------

# Failed logins, per account and per client address, shared by every server process.
THROTTLE: Final = throttle.LoginThrottle()


@dataclass(frozen=True)
class Connection:
    """The HTTP handshake of the websocket now serving a session: its cookies, the peer's
    address and the `X-Forwarded-For` values. Empty when there is none (AppTest)."""

    cookies: Mapping[str, str] = field(default_factory=dict)
    peer: str | None = None
    forwarded_for: tuple[str, ...] = ()


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else None


def connection(session_id: str | None) -> Connection:
    """The connection now serving the session `session_id`, read from Streamlit's runtime
    (what `st.context.cookies` reads on a run, but usable off the script thread too, e.g.
    when a download is produced). A session resumed by another websocket shows that
    websocket's cookies, not those of the browser that logged in."""
    from streamlit import runtime

    if not session_id or not runtime.exists():
        return Connection()
    client = runtime.get_instance().get_client(session_id)
    context = client.client_context if client is not None else None
    if context is None:
        return Connection()
    headers = list(context.headers)
    forwarded = tuple(value for name, value in headers if name.lower() == "x-forwarded-for")
    return Connection(dict(context.cookies), context.remote_ip, forwarded)


def _origin(conn: Connection, session_id: str | None) -> Origin:
    address = client_address(conn.peer, conn.forwarded_for, proxy_hops())
    return Origin(source="dashboard", client=address, session=session_hash(session_id))


def current_origin() -> Origin:
    """Where this run's request comes from, for the audit log: the client's address and a
    hash of the session id."""
    session_id = _session_id()
    return _origin(connection(session_id), session_id)


def _same_browser(username: str, mode: str) -> None:
    """Stop the run, with a sentence and an audit record, unless the websocket serving this
    session carries the cookie of the browser that logged in."""
    session_id = _session_id()
    conn = connection(session_id)
    expected = st.session_state.get(_BINDING_KEY)
    if session_binding.holds(expected if isinstance(expected, str) else None, conn.cookies):
        return
    _log.warning("session %s: a connection without the login's cookie", session_hash(session_id))
    audit.record_event(
        "denied",
        user=username,
        detail={"mode": mode, "reason": "session_binding"},
        origin=_origin(conn, session_id),
        outcome="failed",
        error=session_binding.SessionBindingError.__name__,
    )
    # The login itself stays: the browser it belongs to may come back to this session.
    st.session_state.pop(ACCESS_KEY, None)
    st.warning(t("access.session_elsewhere"))
    st.stop()


# ---- actions started from the page --------------------------------------------------------


def download_guard(
    access: Access | None, detail: Mapping[str, object]
) -> Callable[[Callable[[], bytes]], bytes]:
    """For a download button drawn on this run: `guard(make)` produces the file with
    `make()` when the button is clicked (Streamlit calls it off the script thread, outside
    any run) and records an `export` event with its outcome: ok only once the bytes exist,
    failed with the error's class otherwise. The click must come over a websocket carrying
    the login's cookie (not checked in demo mode, which has no login)."""
    session_id = _session_id()
    bound = access is not None and access.mode != "demo"
    expected = st.session_state.get(_BINDING_KEY) if bound else None

    def guard(make: Callable[[], bytes]) -> bytes:
        conn = connection(session_id)
        origin = _origin(conn, session_id)
        with audit.recorded("export", access=access, detail=detail, origin=origin) as record:
            if bound and not session_binding.holds(
                expected if isinstance(expected, str) else None, conn.cookies
            ):
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


# ---- the mode ----------------------------------------------------------------------------


def _oidc_section() -> Mapping[str, object] | None:
    try:
        if not st.secrets.load_if_toml_exists() or "auth" not in st.secrets:
            return None
        section = st.secrets["auth"]
    except Exception:  # a broken secrets file: not configured (Streamlit logs why)
        _log.exception("cannot read the [auth] section of the secrets")
        return None
    return section if isinstance(section, Mapping) else None


def demo_requested() -> bool:
    return os.environ.get(DEMO_ENV, "").strip().lower() in {"1", "true", "yes"}


def auth_mode() -> Mode:
    if _oidc_section() is not None:
        if demo_requested():
            _log.warning("%s is set but [auth] is configured: demo mode ignored", DEMO_ENV)
        return "oidc"
    return "demo" if demo_requested() else "local"


# ---- what the rest of the app reads ------------------------------------------------------


def current_access() -> Access | None:
    """The identity the frame established on this run; None before it did."""
    access = st.session_state.get(ACCESS_KEY)
    return access if isinstance(access, Access) else None


def note_once(key: str) -> None:
    """Show the sentence `t(key)` once per run (e.g. candidate rows denied)."""
    notes = st.session_state.get(_NOTES_KEY)
    if not isinstance(notes, set):
        notes = set()
        st.session_state[_NOTES_KEY] = notes
    if key not in notes:
        notes.add(key)
        st.info(t(key))


def _deny(key: str, **params: object) -> NoReturn:
    st.session_state.pop(ACCESS_KEY, None)
    st.warning(t(key, **params))
    st.stop()


def require_access() -> Access:
    """Establish who is logged in (drawing the login form or the demo switcher as needed)
    and return their `Access`; stop the page with a sentence when they have none.

    Call it once per run, before any data is read (the frame does, in `sidebar_filters`)."""
    st.session_state[_NOTES_KEY] = set()
    mode = auth_mode()
    if mode == "demo":
        access = _demo_access()
    elif mode == "oidc":
        access = _oidc_access()
    else:
        access = _local_access()
    if not access.has_role:
        _audit_once(access, "denied")
        _deny("access.no_role")
    st.session_state[ACCESS_KEY] = access
    _user_box(access)
    return access


def _audit_once(access: Access, event: str) -> None:
    """Record a login (or a denial) once per session and identity."""
    if access.mode == "demo":
        return
    marker = (event, access.username, access.roles)
    if st.session_state.get(_AUDITED_KEY) == marker:
        return
    st.session_state[_AUDITED_KEY] = marker
    audit.record_event(
        event,
        access=access,
        detail={"mode": access.mode},
        origin=current_origin(),
        outcome="ok" if event == "login" else "failed",
        error=None if event == "login" else "no_role",
    )


def _user_box(access: Access) -> None:
    roles = ", ".join(t(f"access.role.{role.value}") for role in access.roles)
    if access.mode != "demo":
        # st.text: the name is shown as it is, never read as Markdown.
        st.sidebar.text(t("access.signed_in_as", name=access.display_name, roles=roles))
    if not access.may(Permission.VIEW_FIGURES):
        st.sidebar.info(t("access.no_figures"))
    if access.mode == "local" and st.sidebar.button(t("access.logout"), key="_selstats_logout"):
        audit.record_event("logout", access=access, origin=current_origin())
        for key in (_LOGIN_KEY, _BINDING_KEY, ACCESS_KEY, _AUDITED_KEY):
            st.session_state.pop(key, None)
        st.rerun()
    if access.mode == "oidc" and st.sidebar.button(t("access.logout"), key="_selstats_logout"):
        audit.record_event("logout", access=access, origin=current_origin())
        for key in (_BINDING_KEY, ACCESS_KEY):
            st.session_state.pop(key, None)
        st.logout()
        st.stop()


# ---- local users file --------------------------------------------------------------------


def _local_access() -> Access:
    try:
        users = load_users()
    except UsersFileError:
        _log.exception("the users file cannot be read")
        _deny("access.users_file_error")
    if not users:
        _log.warning("no users file with users: nobody can log in (selstats user add)")
        _deny("access.no_users")
    name = st.session_state.get(_LOGIN_KEY)
    user = users.get(name) if isinstance(name, str) else None
    if user is None:
        st.session_state.pop(_LOGIN_KEY, None)
        _login_form()
        st.stop()
    _same_browser(user.username, "local")
    access = access_for(user, "local")
    _audit_once(access, "login")
    return access


def _login_form() -> None:
    st.subheader(t("access.login_title"))
    with st.form("_selstats_login_form"):
        username = st.text_input(t("access.username"), key="_selstats_login_user")
        password = st.text_input(t("access.password"), type="password")
        submitted = st.form_submit_button(t("access.login"))
    if not submitted:
        return
    name = normalise_username(username)
    session_id = _session_id()
    conn = connection(session_id)
    origin = _origin(conn, session_id)

    def failed(reason: str, message: str, **more: object) -> None:
        audit.record_event(
            "login_failed",
            user=name,
            detail={"reason": reason, **more},
            origin=origin,
            outcome="failed",
            error=reason,
        )
        st.error(t(message))

    binding = session_binding.fingerprint(conn.cookies)
    if binding is None:  # nothing to bind the login to: no login
        failed("no_cookie", "access.cookies_needed")
        return
    try:
        attempt = THROTTLE.attempt(name, origin.client or "")
    except throttle.ThrottleUnavailable:
        failed("throttle_unavailable", "access.login_unavailable")
        return
    if attempt.locked == "account":
        failed("throttled", "access.login_throttled", limit="account")
        return
    if attempt.locked == "address":
        failed("throttled", "access.login_throttled_address", limit="address")
        return
    user = authenticate(name, password) if name and password else None
    if user is None:
        failed("credentials", "access.login_failed")
        return
    with suppress(throttle.ThrottleUnavailable):  # logged; the password was right
        THROTTLE.succeeded(attempt, name)
    st.session_state[_LOGIN_KEY] = user.username
    st.session_state[_BINDING_KEY] = binding
    st.rerun()


# ---- OIDC --------------------------------------------------------------------------------


def _providers(section: Mapping[str, object]) -> list[str]:
    """Named providers (`[auth.microsoft]`, ...); empty for a single unnamed one."""
    return [name for name, value in section.items() if isinstance(value, Mapping)]


def _oidc_access() -> Access:
    section = _oidc_section() or {}
    # `is_logged_in` is True only after the provider vouched for the user; a missing key
    # (no [auth] seen by st.user) is not a login.
    if st.user.get("is_logged_in") is not True:
        st.info(t("access.oidc_prompt"))
        providers: list[str | None] = [*_providers(section)] or [None]
        for provider in providers:
            label = t("access.login") if provider is None else f"{t('access.login')}: {provider}"
            if st.button(label, key=f"_selstats_oidc_{provider or 'default'}"):
                try:
                    st.login(provider)
                except Exception:  # e.g. Authlib missing: StreamlitMissingAuthlibError
                    _log.exception("OIDC login is not available")
                    _deny("access.oidc_unavailable")
        st.stop()
    email = st.user.get("email")
    if not isinstance(email, str) or not email.strip():
        _deny("access.oidc_no_email")
    if st.user.get("email_verified") is False:
        _deny("access.oidc_unverified")
    # Streamlit resumes an OIDC session only for a connection with the same signed login
    # cookie; the binding to the browser's own cookie is checked as for local logins.
    if st.session_state.get(_BINDING_KEY) is None:
        binding = session_binding.fingerprint(connection(_session_id()).cookies)
        if binding is None:
            _deny("access.cookies_needed")
        st.session_state[_BINDING_KEY] = binding
    else:
        _same_browser(normalise_username(email), "oidc")
    try:
        user = find_user(email)
    except UsersFileError:
        _log.exception("the users file cannot be read")
        _deny("access.users_file_error")
    if user is None:
        access = Access(username=normalise_username(email), mode="oidc")
    else:
        access = access_for(user, "oidc")
        _audit_once(access, "login")
    return access


# ---- demo --------------------------------------------------------------------------------


def _demo_orgs() -> dict[str, str]:
    """Every organisation of the demo store, {org_id: name}."""
    from selstats import query
    from selstats.ui.db import get_connection

    frame = query.run(get_connection(), "filter_options_organisations", govs=[], allowed=None)
    return dict(zip(frame["org_id"], frame["name"], strict=True))


def _demo_access() -> Access:
    st.sidebar.warning(t("access.demo_banner"))
    role = kept_value(_DEMO_ROLE, DEMO_DEFAULT_ROLE)
    show_kept(_DEMO_ROLE, role if role in ROLE_NAMES else DEMO_DEFAULT_ROLE)
    chosen = st.sidebar.selectbox(
        t("access.demo_role"),
        ROLE_NAMES,
        format_func=lambda r: t(f"access.role.{r}"),
        key=_DEMO_ROLE,
        on_change=remember,
        args=(_DEMO_ROLE,),
    )
    orgs: tuple[str, ...] = ()
    if chosen == Role.HR.value:
        names = _demo_orgs()
        options = list(names)
        kept = kept_value(_DEMO_ORG)
        if options:
            show_kept(_DEMO_ORG, kept if kept in names else options[0])
            org = st.sidebar.selectbox(
                t("access.demo_org"),
                options,
                format_func=lambda o: names.get(o, o),
                key=_DEMO_ORG,
                on_change=remember,
                args=(_DEMO_ORG,),
            )
            orgs = (str(org),)
    return Access(
        username=f"demo-{chosen}",
        roles=(Role(str(chosen)),),
        orgs=orgs,
        display_name=f"DEMO {chosen}",
        mode="demo",
    )
