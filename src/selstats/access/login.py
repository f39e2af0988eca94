"""The login policy as decisions over what a request carries: which deployment mode applies,
whether a user-name/password attempt is let in, whether a connection is the browser that
logged in. Every decision that refuses is audited here. No Streamlit: the dashboard's login
form, demo switcher and session handling (`selstats.ui.login`, `selstats.ui.session`) read
the request and the session and call these.

Three deployment modes, the first that applies wins:

1. **OIDC**: `.streamlit/secrets.toml` has an `[auth]` section. Streamlit's `st.login()`
   authenticates the user with the identity provider; the roles and organisations come
   from the users file when it lists the e-mail address, else from the provider's claims
   through the claims mapping (`selstats.access.claims`, `oidc_identity`). Someone whose
   claims map to nothing gets a sentence, not data.
2. **Demo**: `SELSTATS_DEMO=1` (set by `make run` for the demo database) and no `[auth]`:
   anyone may take any role, to show what each role sees. Never on real data.
3. **Local users file** (the default): a login form checked against the argon2 hashes of
   the users file (`selstats.access.users`). No users file: nobody gets in.

A login belongs to the browser that made it (`selstats.access.session_binding`): the
session keeps a fingerprint of the browser's cookie, and every run and every download must
come over a connection that carries the same cookie. Failed logins are counted per account
and per client address in a file all server processes share (`selstats.access.throttle`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Final, Literal

from selstats.access import audit, session_binding, throttle
from selstats.access.claims import ClaimsMap, map_claims
from selstats.access.origin import Origin
from selstats.access.scope import Access, access_for
from selstats.access.users import User, authenticate, normalise_username
from selstats.settings import settings

Mode = Literal["oidc", "demo", "local"]

# Failed logins, per account and per client address, shared by every server process.
THROTTLE: Final = throttle.LoginThrottle()

_log = logging.getLogger(__name__)


def auth_mode(oidc_configured: bool) -> Mode:
    """The deployment mode: OIDC when an `[auth]` section is configured, else demo when
    `SELSTATS_DEMO` is set, else the local users file."""
    demo = settings().demo
    if oidc_configured:
        if demo:
            _log.warning("SELSTATS_DEMO is set but [auth] is configured: demo mode ignored")
        return "oidc"
    return "demo" if demo else "local"


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt gave: the `user` and the `binding` (the fingerprint of the
    browser's cookie the session keeps) when it succeeded; otherwise the `reason` it was
    refused for (as audited) and `message`, the catalogue key of the sentence to show."""

    user: User | None = None
    binding: str | None = None
    reason: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


def check_login(
    username: str,
    password: str,
    cookies: Mapping[str, str],
    origin: Origin,
    limits: throttle.LoginThrottle = THROTTLE,
) -> LoginResult:
    """Decide a user-name/password attempt from a connection carrying `cookies`, from
    `origin`: refused without a cookie to bind the login to, when the throttle's file
    cannot be used, when the account or the address is locked, or for wrong credentials
    (each refusal audited as `login_failed` with its reason); else the user and the binding.
    A right password clears its account's failed attempts."""
    name = normalise_username(username)

    def failed(reason: str, message: str, **more: object) -> LoginResult:
        audit.record_event(
            "login_failed",
            user=name,
            detail={"reason": reason, **more},
            origin=origin,
            outcome="failed",
            error=reason,
        )
        return LoginResult(reason=reason, message=message)

    binding = session_binding.fingerprint(cookies)
    if binding is None:  # nothing to bind the login to: no login
        return failed("no_cookie", "access.cookies_needed")
    try:
        attempt = limits.attempt(name, origin.client or "")
    except throttle.ThrottleUnavailable:
        return failed("throttle_unavailable", "access.login_unavailable")
    if attempt.locked == "account":
        return failed("throttled", "access.login_throttled", limit="account")
    if attempt.locked == "address":
        return failed("throttled", "access.login_throttled_address", limit="address")
    user = authenticate(name, password) if name and password else None
    if user is None:
        return failed("credentials", "access.login_failed")
    with suppress(throttle.ThrottleUnavailable):  # logged; the password was right
        limits.succeeded(attempt, name)
    return LoginResult(user=user, binding=binding)


def same_browser(
    expected: str | None, cookies: Mapping[str, str], username: str, mode: str, origin: Origin
) -> bool:
    """Whether the connection carrying `cookies` is the browser whose cookie fingerprint
    (`expected`) the session kept at login. When it is not, the refusal is audited
    (`denied`, reason `session_binding`) and False returned: the caller shows a sentence
    and no data."""
    if session_binding.holds(expected, cookies):
        return True
    _log.warning("session %s: a connection without the login's cookie", origin.session)
    audit.record_event(
        "denied",
        user=username,
        detail={"mode": mode, "reason": "session_binding"},
        origin=origin,
        outcome="failed",
        error=session_binding.SessionBindingError.__name__,
    )
    return False


# ---- OIDC ----------------------------------------------------------------------------------

Source = Literal["users_file", "claims", "none"]


@dataclass(frozen=True)
class OidcIdentity:
    """Who an OIDC login is: the `access` it gives, the provider's `subject` (the `sub`
    claim) and `issuer`, where the roles came from (`source`: the users file, the claims
    mapping, or nowhere) and the numbers of the mapping's rules that applied."""

    access: Access
    subject: str
    issuer: str
    source: Source
    rules: tuple[int, ...] = ()

    def audit_detail(self) -> dict[str, object]:
        """What the audit log keeps of the login besides the user and the roles."""
        return {
            "mode": "oidc",
            "subject": self.subject,
            "issuer": self.issuer,
            "mapped_from": self.source,
            "rules": list(self.rules),
            "orgs": list(self.access.orgs),
        }


def issued_to(claims: Mapping[str, object], client_id: str) -> bool:
    """Whether the ID token whose `claims` Streamlit kept was issued to this dashboard: its
    audience (`aud`, a text or a list) holds `client_id`, and its authorised party (`azp`),
    when there is one, is `client_id`. Authlib (1.9, as Streamlit calls it) checks the
    audience only through `azp`: a token for another client that names this one as `azp`
    would pass it. Without an audience (never from a conforming provider) it does not hold."""
    if not client_id:
        return False
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        return False
    azp = claims.get("azp")
    return azp is None or azp == client_id


def _claim_text(claims: Mapping[str, object], name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def oidc_identity(
    email: str, claims: Mapping[str, object], users: Mapping[str, User], mapping: ClaimsMap
) -> OidcIdentity:
    """The identity of a user the provider vouched for with `claims` (`st.user`), known by
    `email`. The users file decides for an address it lists (roles and organisations as
    written there, none included: an override); else the claims mapping does. Nothing
    applies: an `Access` without roles, for which the gate shows a sentence, not data."""
    username = normalise_username(email)
    subject = _claim_text(claims, "sub")
    issuer = _claim_text(claims, "iss")
    user = users.get(username)
    if user is not None:
        return OidcIdentity(access_for(user, "oidc"), subject, issuer, "users_file")
    mapped = map_claims(claims, mapping)
    access = Access(
        username=username,
        roles=mapped.roles,
        orgs=mapped.orgs,
        display_name=_claim_text(claims, "name") or username,
        mode="oidc",
    )
    source: Source = "claims" if mapped.rules else "none"
    return OidcIdentity(access, subject, issuer, source, mapped.rules)
