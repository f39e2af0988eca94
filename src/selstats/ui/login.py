"""The gate: who is asking, established by app.py before navigation and before any query
(`require_access`). Draws the login form (users file), the OIDC login button or the demo
role switcher as the deployment mode asks, the signed-in box with its logout button, and
stops the run with a sentence for anyone without a role.

The decisions are `selstats.access.login` (mode, password check with the throttle, the
browser binding), audited there; this module reads the request and the session and draws.
Deny by default: no identity, an unknown identity or one without a known role stops the run.
In local mode only the user name is kept across runs (`LOGIN_KEY`) and the roles are re-read
from the users file on every run, so a role taken away counts from the user's next click.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import NoReturn

import streamlit as st

from selstats.access import audit, session_binding
from selstats.access.login import auth_mode, check_login, same_browser
from selstats.access.roles import Permission
from selstats.access.scope import Access, access_for
from selstats.access.users import UsersFileError, find_user, load_users, normalise_username
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


def _audit_once(access: Access, event: str) -> None:
    """Record a login (or a denial) once per session and identity."""
    if access.mode == "demo":
        return
    marker = (event, access.username, access.roles)
    if st.session_state.get(session.AUDITED_KEY) == marker:
        return
    st.session_state[session.AUDITED_KEY] = marker
    audit.record_event(
        event,
        access=access,
        detail={"mode": access.mode},
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
        for key in (session.LOGIN_KEY, session.BINDING_KEY, session.ACCESS_KEY):
            st.session_state.pop(key, None)
        st.session_state.pop(session.AUDITED_KEY, None)
        st.rerun()
    if access.mode == "oidc" and st.sidebar.button(t("access.logout"), key="_selstats_logout"):
        audit.record_event("logout", access=access, origin=session.current_origin())
        for key in (session.BINDING_KEY, session.ACCESS_KEY):
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
    name = st.session_state.get(session.LOGIN_KEY)
    user = users.get(name) if isinstance(name, str) else None
    if user is None:
        st.session_state.pop(session.LOGIN_KEY, None)
        _login_form()
        st.stop()
    _require_same_browser(user.username, "local")
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
    if session.kept_binding() is None:
        conn, _origin = session.current_connection()
        binding = session_binding.fingerprint(conn.cookies)
        if binding is None:
            _deny("access.cookies_needed")
        st.session_state[session.BINDING_KEY] = binding
    else:
        _require_same_browser(normalise_username(email), "oidc")
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
