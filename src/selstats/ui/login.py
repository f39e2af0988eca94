"""The gate: who is asking, established by app.py before navigation and before any query
(`require_access`). Draws the login form (users file), the OIDC login button or the demo
role switcher as the deployment mode asks, the signed-in box with its logout button, and
stops the run with a sentence for anyone without a role.

The decisions are `selstats.access.login` (mode, password check with the throttle, the
browser binding), audited there; this module reads the request and the session and draws.
Deny by default: no identity, an unknown identity or one without a known role stops the run.
In local mode only the user name is kept across runs (`LOGIN_KEY`) and the roles are re-read
from the users file on every run, so a role taken away counts from the user's next click.
With OIDC the roles come from the users file or, for an address it does not list, from the
provider's claims through the claims mapping (`selstats.access.login.oidc_identity`), both
re-read on every run. A login expires after the idle time and the maximum age of the
settings (`selstats.access.session_lifetime`); the dashboard then asks for a new login.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import NoReturn

import streamlit as st

from selstats.access import audit, session_binding
from selstats.access.claims import ClaimsMapError, load_claims_map
from selstats.access.login import (
    auth_mode,
    check_login,
    issued_to,
    oidc_identity,
    same_browser,
)
from selstats.access.roles import Permission
from selstats.access.scope import Access, access_for
from selstats.access.session_lifetime import (
    ACTIVITY,
    ActivityUnavailable,
    Expiry,
    expiry,
    lifetime,
    login_key,
)
from selstats.access.users import UsersFileError, load_users, normalise_username
from selstats.ui import session
from selstats.ui.demo_role import demo_access
from selstats.ui.i18n import t

_log = logging.getLogger(__name__)


def require_access() -> Access:
    """Establish who is logged in (drawing the login form or the demo switcher as needed)
    and return their `Access`; stop the run with a sentence when they have none.

    Called once per run by app.py, before `st.navigation` and before any data is read; a
    page run on its own gets it from `selstats.ui.frame.current_filters`."""
    st.session_state[session.NOTES_KEY] = set()
    mode = auth_mode(_oidc_section() is not None)
    if mode == "demo":
        access = demo_access()
    elif mode == "oidc":
        access = _oidc_access()
    else:
        access = _local_access()
    if not access.has_role:
        _audit_once(access, "denied")
        _deny("access.no_role")
    st.session_state[session.ACCESS_KEY] = access
    _user_box(access)
    return access


def _oidc_section() -> Mapping[str, object] | None:
    try:
        if not st.secrets.load_if_toml_exists() or "auth" not in st.secrets:
            return None
        section = st.secrets["auth"]
    except Exception:  # a broken secrets file: not configured (Streamlit logs why)
        _log.exception("cannot read the [auth] section of the secrets")
        return None
    return section if isinstance(section, Mapping) else None


def _deny(key: str, **params: object) -> NoReturn:
    st.session_state.pop(session.ACCESS_KEY, None)
    st.warning(t(key, **params))
    st.stop()


def _require_same_browser(username: str, mode: str) -> None:
    """Stop the run, with a sentence (audited), unless the websocket serving this session
    carries the cookie of the browser that logged in."""
    conn, origin = session.current_connection()
    if same_browser(session.kept_binding(), conn.cookies, username, mode, origin):
        return
    # The login itself stays: the browser it belongs to may come back to this session.
    _deny("access.session_elsewhere")


def _audit_once(access: Access, event: str, detail: Mapping[str, object] | None = None) -> None:
    """Record a login (or a denial) once per session and identity (its roles and
    organisations included: a change is recorded anew)."""
    if access.mode == "demo":
        return
    marker = (event, access.username, access.roles, access.orgs)
    if st.session_state.get(session.AUDITED_KEY) == marker:
        return
    st.session_state[session.AUDITED_KEY] = marker
    audit.record_event(
        event,
        access=access,
        detail=detail or {"mode": access.mode},
        origin=session.current_origin(),
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
        audit.record_event("logout", access=access, origin=session.current_origin())
        _forget_login()
        st.rerun()
    if access.mode == "oidc" and st.sidebar.button(t("access.logout"), key="_selstats_logout"):
        audit.record_event("logout", access=access, origin=session.current_origin())
        _forget_login()
        st.logout()
        st.stop()


def _forget_login() -> None:
    """Drop everything this session kept of its login."""
    for key in (
        session.LOGIN_KEY,
        session.BINDING_KEY,
        session.ACCESS_KEY,
        session.AUDITED_KEY,
        session.LOGIN_AT_KEY,
        session.LAST_SEEN_KEY,
    ):
        st.session_state.pop(key, None)


def _session_time(key: str) -> float | None:
    value = st.session_state.get(key)
    return float(value) if isinstance(value, int | float) else None


def _expire(username: str, mode: str, why: Expiry) -> None:
    """Record once that this session's login expired (a `logout` with its reason) and drop
    the login; the caller asks for a new one."""
    if st.session_state.get(session.EXPIRED_KEY) != why:
        audit.record_event(
            "logout",
            user=username,
            detail={"mode": mode, "reason": f"session_{why}"},
            origin=session.current_origin(),
        )
    _forget_login()
    st.session_state[session.EXPIRED_KEY] = why


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
    name = st.session_state.get(session.LOGIN_KEY)
    user = users.get(name) if isinstance(name, str) else None
    if user is not None:
        _require_same_browser(user.username, "local")
        now = time.time()
        login_at = _session_time(session.LOGIN_AT_KEY) or now
        why = expiry(now, login_at, _session_time(session.LAST_SEEN_KEY), lifetime())
        if why is not None:
            _expire(user.username, "local", why)
            user = None
        else:
            st.session_state[session.LOGIN_AT_KEY] = login_at
            st.session_state[session.LAST_SEEN_KEY] = now
    if user is None:
        st.session_state.pop(session.LOGIN_KEY, None)
        if st.session_state.get(session.EXPIRED_KEY):
            st.info(t("access.session_expired"))
        _login_form()
        st.stop()
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
    conn, origin = session.current_connection()
    result = check_login(username, password, conn.cookies, origin)
    if result.user is None:
        st.error(t(result.message or "access.login_failed"))
        return
    st.session_state[session.LOGIN_KEY] = result.user.username
    st.session_state[session.BINDING_KEY] = result.binding
    now = time.time()
    st.session_state[session.LOGIN_AT_KEY] = now
    st.session_state[session.LAST_SEEN_KEY] = now
    st.session_state.pop(session.EXPIRED_KEY, None)
    st.rerun()


# ---- OIDC --------------------------------------------------------------------------------


def _providers(section: Mapping[str, object]) -> list[str]:
    """Named providers (`[auth.microsoft]`, ...); empty for a single unnamed one."""
    return [name for name, value in section.items() if isinstance(value, Mapping)]


def _oidc_prompt(section: Mapping[str, object], sentence: str, *, warn: bool = False) -> NoReturn:
    """The sentence and a login button per provider (a new login replaces the old one);
    stops the run."""
    (st.warning if warn else st.info)(t(sentence))
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


def _client_id(section: Mapping[str, object], provider: object) -> str:
    """The client id of the `[auth]` provider that logged the user in (`[auth.<name>]`, or
    `[auth]` itself for the unnamed default)."""
    named = section.get(provider) if isinstance(provider, str) else None
    source = named if isinstance(named, Mapping) else section
    client_id = source.get("client_id")
    return client_id if isinstance(client_id, str) else ""


def _claims() -> dict[str, object]:
    """The ID token's claims as Streamlit keeps them (`st.user`), without its own fields."""
    return {key: st.user.get(key) for key in st.user if key not in ("tokens", "is_logged_in")}


def _oidc_expired(username: str, claims: Mapping[str, object]) -> Expiry | None:
    """Whether this OIDC login has expired (idle, or older than the maximum age), recorded
    in the file all server processes share; when it holds, this click is recorded."""
    now = time.time()
    issued = claims.get("iat")
    if isinstance(issued, int | float) and not isinstance(issued, bool):
        login_at = float(issued)
    else:  # no issue time (never from a conforming provider): count from this session
        login_at = _session_time(session.LOGIN_AT_KEY) or now
    st.session_state[session.LOGIN_AT_KEY] = login_at
    last_seen = _session_time(session.LAST_SEEN_KEY)
    limits = lifetime()
    key = login_key(str(claims.get("iss") or ""), str(claims.get("sub") or username), login_at)
    try:
        why = ACTIVITY.check(key, login_at, limits, now, last_seen)
    except ActivityUnavailable:  # logged; the session's own record stands in
        why = expiry(now, login_at, last_seen, limits)
    if why is None:
        st.session_state[session.LAST_SEEN_KEY] = now
    return why


def _oidc_access() -> Access:
    section = _oidc_section() or {}
    # `is_logged_in` is True only after the provider vouched for the user; a missing key
    # (no [auth] seen by st.user) is not a login.
    if st.user.get("is_logged_in") is not True:
        _oidc_prompt(section, "access.oidc_prompt")
    email = st.user.get("email")
    if not isinstance(email, str) or not email.strip():
        _deny("access.oidc_no_email")
    if st.user.get("email_verified") is False:
        _deny("access.oidc_unverified")
    # Streamlit resumes an OIDC session only for a connection with the same signed login
    # cookie; the binding to the browser's own cookie is checked as for local logins.
    if session.kept_binding() is None:
        conn, _origin = session.current_connection()
        binding = session_binding.fingerprint(conn.cookies)
        if binding is None:
            _deny("access.cookies_needed")
        st.session_state[session.BINDING_KEY] = binding
    else:
        _require_same_browser(normalise_username(email), "oidc")
    claims = _claims()
    if not issued_to(claims, _client_id(section, claims.get("provider"))):
        marker = ("audience", normalise_username(email), claims.get("sub"))
        if st.session_state.get(session.AUDITED_KEY) != marker:
            st.session_state[session.AUDITED_KEY] = marker
            _log.warning("an ID token for audience %r, not this dashboard", claims.get("aud"))
            audit.record_event(
                "denied",
                user=normalise_username(email),
                detail={"mode": "oidc", "reason": "audience", "subject": claims.get("sub")},
                origin=session.current_origin(),
                outcome="failed",
                error="audience",
            )
        st.session_state.pop(session.ACCESS_KEY, None)
        _oidc_prompt(section, "access.oidc_wrong_audience", warn=True)
    # An expired login stays expired in this session and in every new one its cookie
    # starts, until the user logs in again (a new ID token).
    why = _oidc_expired(normalise_username(email), claims)
    if why is not None:
        _expire(normalise_username(email), "oidc", why)
        _oidc_prompt(section, "access.session_expired")
    try:
        users = load_users()
    except UsersFileError:
        _log.exception("the users file cannot be read")
        _deny("access.users_file_error")
    try:
        mapping = load_claims_map()
    except ClaimsMapError:
        _log.exception("the claims mapping cannot be read")
        _deny("access.claims_map_error")
    identity = oidc_identity(email, claims, users, mapping)
    access = identity.access
    if not access.has_role:
        _audit_once(access, "denied", identity.audit_detail())
        _deny("access.no_role")
    _audit_once(access, "login", identity.audit_detail())
    return access
