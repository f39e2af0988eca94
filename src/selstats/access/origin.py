"""Where a request came from, for the audit log and the login throttle: the client's address
and a hash of the Streamlit session id (never the id itself: it is the key to the session's
websocket, see selstats.access.session_binding).

The client address is the websocket's peer, unless the deployment says how many reverse
proxies stand in front of the server (`$SELSTATS_PROXY_HOPS`, default 0): then it is the
address the outermost trusted proxy saw, read from `X-Forwarded-For` counting from the right
(each proxy appends the address it received the request from, so the entries on the left
are whatever the client chose to send and are never trusted). Set it only when every request
goes through that many proxies: otherwise a client can choose its own address.

Pure functions: no Streamlit here (tested in tests/access/).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

PROXY_HOPS_ENV: Final = "SELSTATS_PROXY_HOPS"
LOCAL: Final = "local"  # no peer address (AppTest, a test client)
UNKNOWN: Final = "unknown"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Origin:
    """Who asked, from where: `source` "dashboard" or "cli"; `client` the client's address
    (dashboard); `session` the hash of the Streamlit session id (dashboard)."""

    source: str
    client: str | None = None
    session: str | None = None


def proxy_hops() -> int:
    """The number of trusted reverse proxies (`$SELSTATS_PROXY_HOPS`); 0 when unset or
    not a whole number >= 0 (then the header is not trusted, and the mistake logged)."""
    raw = os.environ.get(PROXY_HOPS_ENV, "").strip()
    if not raw:
        return 0
    try:
        hops = int(raw)
    except ValueError:
        hops = -1
    if hops < 0:
        _log.error("%s=%r is not a whole number >= 0: X-Forwarded-For ignored", PROXY_HOPS_ENV, raw)
        return 0
    return hops


def _address(text: str) -> str | None:
    """A normalised IP address, or None for anything else (a name, 'unknown', garbage)."""
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _peer_address(peer: str | None) -> str:
    if not peer:
        return LOCAL
    return _address(peer) or UNKNOWN


def client_address(peer: str | None, forwarded_for: Iterable[str] = (), hops: int = 0) -> str:
    """The client's address: the websocket's `peer` (none known: `local`), or with `hops`
    trusted proxies the `hops`-th address of `X-Forwarded-For` counted from the right
    (`forwarded_for`: the header's values; a request may carry the header several times).
    A header with fewer entries than `hops`, or an entry that is no IP address, is not
    trusted: then the peer."""
    fallback = _peer_address(peer)
    if hops <= 0:
        return fallback
    entries = [part for value in forwarded_for for part in value.split(",") if part.strip()]
    if len(entries) < hops:
        return fallback
    return _address(entries[-hops]) or fallback


def session_hash(session_id: str | None) -> str | None:
    """A short, stable stand-in for a session id in logs: the first 16 hex digits of its
    SHA-256. The id is a random UUID (122 bits), so the hash gives nothing back, yet two
    events of one session carry the same value."""
    if not session_id:
        return None
    return hashlib.sha256(f"selstats-session:{session_id}".encode()).hexdigest()[:16]
