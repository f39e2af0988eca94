"""A login belongs to the browser that logged in, not to whoever knows the session id.

Why: Streamlit keeps a login in the session's state, on the server, and resumes a session for
any websocket that presents its id (the third `Sec-WebSocket-Protocol` entry). The id is no
secret: it travels in every upload URL (`PUT /_stcore/upload_file/<session-id>/...`), so in
proxy logs. Streamlit 1.67 refuses a resume only when the two connections' `user_info`
differ; with `st.login` (OIDC) that is the signed, HttpOnly `_streamlit_user` cookie, but for
a login of the users file both carry the same empty `user_info`, and the resume goes through.

What: at login the app stores a fingerprint of a secret the browser holds in a cookie; on
every script run, before any data is read, and at every download, the websocket now serving
the session must present the same secret (`st.context.cookies` are the cookies of the
*current* connection's HTTP handshake, so a hijacker's connection shows its own, or none).

Which cookie: Streamlit sets `_streamlit_xsrf` on the browser before the websocket opens
(16 random bytes, kept for the browser session; each response masks it anew, so the token is
unmasked before comparing). It is not HttpOnly (Streamlit's script reads it for its XSRF
header). A deployment can add a cookie of its own, set HttpOnly, Secure, SameSite=Strict by
the reverse proxy: name it in `$SELSTATS_SESSION_COOKIE` (comma-separated for several) and
the login is bound to it as well, and refused without it.

Pure functions: no Streamlit here (tested in tests/access/); `selstats.access.login` and
`selstats.ui.session` call these with the cookies Streamlit read.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
from collections.abc import Mapping
from typing import Final

from selstats.settings import settings

XSRF_COOKIE: Final = "_streamlit_xsrf"
_MIN_SECRET: Final = 16  # bytes: Streamlit's XSRF token; a deployment cookie must be as long


class SessionBindingError(PermissionError):
    """The connection does not carry the cookie of the browser that logged in."""


def cookie_names() -> tuple[str, ...]:
    """The cookies a login is bound to: Streamlit's XSRF cookie, then the deployment's."""
    extra = settings().session_cookie
    return (XSRF_COOKIE, *dict.fromkeys(n for n in extra if n != XSRF_COOKIE))


def xsrf_token(value: str) -> bytes | None:
    """The token inside Streamlit's XSRF cookie (`2|mask|masked-token|timestamp`, the
    masked token XOR-ed with the 4-byte mask repeated; or a plain hex token), or None."""
    value = value.strip().strip("\"'")
    try:
        if value.startswith("2|"):
            _, mask_hex, masked_hex, _timestamp = value.split("|")
            mask = binascii.a2b_hex(mask_hex)
            masked = binascii.a2b_hex(masked_hex)
            if len(mask) != 4:
                return None
            token = bytes(b ^ mask[i % 4] for i, b in enumerate(masked))
        else:
            token = binascii.a2b_hex(value)
    except (binascii.Error, ValueError):
        return None
    return token if len(token) >= _MIN_SECRET else None


def browser_secret(
    cookies: Mapping[str, str], names: tuple[str, ...] | None = None
) -> bytes | None:
    """What the browser holds and a stolen session id does not: the cookies `names`
    (default `cookie_names()`) read as secrets, joined; None if any is missing or too short."""
    parts: list[bytes] = []
    for name in names if names is not None else cookie_names():
        value = cookies.get(name)
        if not value:
            return None
        if name == XSRF_COOKIE:
            secret = xsrf_token(value)
        else:
            raw = value.encode("utf-8", "surrogateescape")
            secret = raw if len(raw) >= _MIN_SECRET else None
        if secret is None:
            return None
        parts.append(hashlib.sha256(name.encode() + b"=" + secret).digest())
    return b"".join(parts) if parts else None


def fingerprint(cookies: Mapping[str, str], names: tuple[str, ...] | None = None) -> str | None:
    """What the session keeps of the browser's secret at login (a SHA-256, never the secret
    itself); None when the connection carries no usable cookie."""
    secret = browser_secret(cookies, names)
    if secret is None:
        return None
    return hashlib.sha256(b"selstats-binding:" + secret).hexdigest()


def holds(expected: str | None, cookies: Mapping[str, str]) -> bool:
    """Whether the connection with `cookies` is the browser that logged in. No fingerprint
    kept (`expected` None) never holds: a login without one is no login."""
    if not expected:
        return False
    current = fingerprint(cookies)
    return current is not None and hmac.compare_digest(expected, current)
