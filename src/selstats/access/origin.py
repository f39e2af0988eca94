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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from selstats.settings import settings

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


@dataclass(frozen=True)
class Connection:
    """The HTTP handshake of the websocket now serving a session: its cookies, the peer's
    address and the `X-Forwarded-For` values. Empty when there is none (AppTest). The
    dashboard reads it from Streamlit (`selstats.ui.session.connection`)."""

    cookies: Mapping[str, str] = field(default_factory=dict)
    peer: str | None = None
    forwarded_for: tuple[str, ...] = ()


def dashboard_origin(conn: Connection, session_id: str | None) -> Origin:
    """Where a dashboard request over `conn` comes from: the client's address (through the
    trusted proxies, `proxy_hops()`) and the hash of the session id."""
    address = client_address(conn.peer, conn.forwarded_for, proxy_hops())
    return Origin(source="dashboard", client=address, session=session_hash(session_id))


def proxy_hops() -> int:
    """The number of trusted reverse proxies (`$SELSTATS_PROXY_HOPS`, default 0: the
    header is not trusted; a value that is not a whole number >= 0 is refused at start)."""
    return settings().proxy_hops


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
