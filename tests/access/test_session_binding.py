"""The browser secret a login is bound to (selstats.access.session_binding), and where a
request comes from (selstats.access.origin). Pure functions; the attack itself is replayed
in tests/access/test_identity.py (AppTest) and tests/e2e/test_session_binding.py (a real
server and websocket)."""

from __future__ import annotations

import pytest
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

from selstats.access.origin import client_address, proxy_hops, session_hash
from selstats.access.session_binding import (
    XSRF_COOKIE,
    browser_secret,
    cookie_names,
    fingerprint,
    holds,
    xsrf_token,
)
from selstats.settings import SettingsError

from .conftest import xsrf_cookie

TOKEN = bytes(range(16))


def test_the_xsrf_token_is_unmasked() -> None:
    # mask 01 02 03 04, token 00 01 02 ... 0f: masked byte i = token[i] ^ mask[i % 4]:
    # 00^01=01, 01^02=03, 02^03=01, 03^04=07, 04^01=05, 05^02=07
    cookie = xsrf_cookie(TOKEN, b"\x01\x02\x03\x04")
    assert cookie.split("|")[2][:12] == "010301070507"
    assert xsrf_token(cookie) == TOKEN


def test_streamlits_own_cookie_decodes_to_its_token() -> None:
    """The format is Streamlit's (1.67: starlette_app_utils); each response re-masks the same
    token, and each mask must give the same fingerprint."""
    cookies = [generate_xsrf_token_string(TOKEN, 1700000000) for _ in range(5)]
    assert len(set(cookies)) > 1  # random masks
    assert {xsrf_token(c) for c in cookies} == {TOKEN}
    assert len({fingerprint({XSRF_COOKIE: c}) for c in cookies}) == 1


@pytest.mark.parametrize(
    "value",
    ["", "2|", "2|0102|zz|1", "2|01020304|0001|1", "2|010203|" + "00" * 16 + "|1", "garbage"],
)
def test_a_broken_or_short_xsrf_cookie_is_no_secret(value: str) -> None:
    # "2|01020304|0001|1": a 2-byte token, below the 16 bytes Streamlit makes
    assert xsrf_token(value) is None
    assert fingerprint({XSRF_COOKIE: value}) is None


def test_fingerprints_tell_browsers_apart() -> None:
    mine = fingerprint({XSRF_COOKIE: xsrf_cookie(TOKEN)})
    other = fingerprint({XSRF_COOKIE: xsrf_cookie(bytes(range(1, 17)))})
    assert mine is not None and other is not None and mine != other
    assert TOKEN.hex() not in mine  # the session keeps a hash, not the token
    assert holds(mine, {XSRF_COOKIE: xsrf_cookie(TOKEN, b"\xff\xee\xdd\xcc")})
    assert not holds(mine, {XSRF_COOKIE: xsrf_cookie(bytes(range(1, 17)))})
    assert not holds(mine, {})
    assert not holds(None, {XSRF_COOKIE: xsrf_cookie(TOKEN)})  # no binding, no login
    assert fingerprint({}) is None and browser_secret({}) is None


def test_a_deployment_cookie_joins_the_binding(monkeypatch: pytest.MonkeyPatch) -> None:
    xsrf = {XSRF_COOKIE: xsrf_cookie(TOKEN)}
    before = fingerprint(xsrf)
    monkeypatch.setenv("SELSTATS_SESSION_COOKIE", " selstats_browser , _streamlit_xsrf ")
    assert cookie_names() == (XSRF_COOKIE, "selstats_browser")
    assert fingerprint(xsrf) is None  # the proxy's cookie is missing
    assert fingerprint({**xsrf, "selstats_browser": "short"}) is None  # under 16 bytes
    both = fingerprint({**xsrf, "selstats_browser": "k3Jd9xQ2mP7vL0aZ5rT8"})
    assert both is not None and both != before
    assert not holds(both, {**xsrf, "selstats_browser": "AAAAAAAAAAAAAAAAAAAA"})


# ---- where a request comes from ------------------------------------------------------------


@pytest.mark.parametrize(
    ("peer", "forwarded", "hops", "expected"),
    [
        (None, (), 0, "local"),  # AppTest, a test client: no peer
        ("192.0.2.10", (), 0, "192.0.2.10"),
        ("not an address", (), 0, "unknown"),
        # the header is ignored unless the deployment trusts proxies
        ("10.0.0.2", ("198.51.100.7",), 0, "10.0.0.2"),
        # one proxy: the entry it appended (rightmost); the client's own entries are ignored
        ("10.0.0.2", ("6.6.6.6, 198.51.100.7",), 1, "198.51.100.7"),
        ("10.0.0.2", ("6.6.6.6", "198.51.100.7"), 1, "198.51.100.7"),  # two header lines
        # two proxies: the second entry from the right
        ("10.0.0.2", ("6.6.6.6, 198.51.100.7, 10.0.0.1",), 2, "198.51.100.7"),
        # fewer entries than proxies: the header was not made by them, the peer counts
        ("10.0.0.2", ("198.51.100.7",), 2, "10.0.0.2"),
        ("10.0.0.2", ("unknown",), 1, "10.0.0.2"),
        ("10.0.0.2", ("[2001:db8::1]:4711",), 1, "2001:db8::1"),
        ("10.0.0.2", ("198.51.100.7:51000",), 1, "198.51.100.7"),
    ],
)
def test_client_address(
    peer: str | None, forwarded: tuple[str, ...], hops: int, expected: str
) -> None:
    assert client_address(peer, forwarded, hops) == expected


@pytest.mark.parametrize(("raw", "hops"), [("", 0), ("1", 1), (" 2 ", 2)])
def test_proxy_hops_setting(monkeypatch: pytest.MonkeyPatch, raw: str, hops: int) -> None:
    monkeypatch.setenv("SELSTATS_PROXY_HOPS", raw)
    assert proxy_hops() == hops


@pytest.mark.parametrize("raw", ["-1", "x", "1.5"])
def test_a_bad_proxy_hops_is_refused(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    """A typo must not silently trust (or distrust) X-Forwarded-For: refused, named."""
    monkeypatch.setenv("SELSTATS_PROXY_HOPS", raw)
    with pytest.raises(SettingsError, match=r"SELSTATS_PROXY_HOPS="):
        proxy_hops()


def test_proxy_hops_default_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SELSTATS_PROXY_HOPS", raising=False)
    assert proxy_hops() == 0


def test_a_session_id_is_logged_as_a_hash() -> None:
    sid = "2ee91b41-bd43-4c82-9161-0a512a9f393e"
    hashed = session_hash(sid)
    assert hashed is not None and len(hashed) == 16 and hashed == session_hash(sid)
    assert "2ee91b41" not in hashed and hashed != session_hash(sid.replace("2", "3"))
    assert session_hash(None) is None and session_hash("") is None
