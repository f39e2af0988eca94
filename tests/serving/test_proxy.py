"""nginx's generated configuration: what it says, and what real nginx does with it in front
of two stand-in workers (b0, b1: tests/serving/backend.py, each answering with its name).

The cookie `selstats_worker=w<i>` names the worker nginx routes a browser to; w0 is the
first port given, w1 the second."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets

from selstats.serving.proxy import Nginx, ProxyConfig, ProxyError, render_config
from selstats.serving.workers import free_port

from .conftest import Backends, answers, get, run_async, wait_until

HAS_NGINX = shutil.which("nginx") is not None or os.access("/usr/sbin/nginx", os.X_OK)
needs_nginx = pytest.mark.skipif(
    not HAS_NGINX, reason="nginx is not installed (scripts/setup.sh installs Debian's)"
)


def _config(run_dir: Path, ports: tuple[int, ...], listen_port: int = 8501) -> ProxyConfig:
    return ProxyConfig("127.0.0.1", listen_port, ports, run_dir)


# ---- the text ------------------------------------------------------------------------


def test_each_worker_has_its_own_upstream_with_the_others_as_backups(tmp_path: Path) -> None:
    text = render_config(_config(tmp_path, (9001, 9002, 9003)))
    for name, own, others in (("w0", 9001, (9002, 9003)), ("w1", 9002, (9001, 9003))):
        block = re.search(rf"upstream selstats_{name} \{{(.*?)\}}", text, re.S)
        assert block is not None
        servers = re.findall(r"server 127\.0\.0\.1:(\d+)( backup)?", block.group(1))
        assert servers[0] == (str(own), "")  # its own port first, not a backup
        assert sorted(servers[1:]) == [(str(p), " backup") for p in others]
    # the cookie names the upstream; every port maps back to its name
    assert re.search(r"w2\s+selstats_w2;", text)
    assert re.search(r"~127\\\.0\\\.0\\\.1:9003\$\s+w2;", text)


def test_upload_urls_are_left_out_of_the_access_log(tmp_path: Path) -> None:
    text = render_config(_config(tmp_path, (9001, 9002)))
    assert re.search(
        r"map \$request_uri \$selstats_loggable \{\s*~/_stcore/upload_file/\s+0;", text
    )
    assert re.search(r"access_log \S+/access\.log selstats if=\$selstats_loggable;", text)


def test_everything_nginx_writes_is_in_the_run_directory(tmp_path: Path) -> None:
    text = render_config(_config(tmp_path, (9001, 9002)))
    paths = re.findall(r"^\s*(?:pid|error_log|access_log|\w+_temp_path) (\S+)", text, re.M)
    assert len(paths) == 8  # pid, error log, access log, five temporary paths
    assert all(p.startswith(f"{tmp_path}/") for p in paths), paths
    assert "user " not in text  # only when started as root


@pytest.mark.parametrize(
    ("address", "listen"),
    [
        ("", "listen 8600;"),
        ("0.0.0.0", "listen 8600;"),
        ("10.1.2.3", "listen 10.1.2.3:8600;"),
        ("::", "listen [::]:8600;"),
    ],
)
def test_the_public_address(tmp_path: Path, address: str, listen: str) -> None:
    config = ProxyConfig(address, 8600, (9001,), tmp_path, user=("nobody", "nogroup"))
    text = render_config(config)
    assert listen in text
    assert "user nobody nogroup;" in text


def test_refuses_what_would_break_the_configuration(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must differ"):
        render_config(_config(tmp_path, (9001, 9001)))
    with pytest.raises(ValueError, match="at least one"):
        render_config(_config(tmp_path, ()))
    with pytest.raises(ValueError, match="may not contain"):
        render_config(_config(tmp_path / "a b", (9001,)))


# ---- real nginx ---------------------------------------------------------------------


@pytest.fixture
def proxy(tmp_path: Path, backends: Backends) -> Iterator[str]:
    """nginx in front of the two stand-ins; yields its base URL."""
    port = free_port()
    nginx = Nginx(_config(tmp_path / "run", tuple(backends.ports), port))
    nginx.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(base + "/_stcore/health") or not nginx.alive())
        assert nginx.alive(), nginx.error_log_tail()
        yield base
    finally:
        nginx.stop()
    assert not nginx.alive()


def _worker_of(body: str) -> str:
    return "w" + body.removeprefix("b")  # backend b1 is worker w1


def _cookie_value(set_cookie: str | None) -> str | None:
    found = re.match(r"selstats_worker=(w\d+);", set_cookie or "")
    return found.group(1) if found else None


@needs_nginx
def test_a_new_browser_gets_a_cookie_naming_the_worker_that_answered(proxy: str) -> None:
    seen = set()
    for _ in range(4):  # least_conn with no open connection: the workers take turns
        body, set_cookie = get(proxy + "/funnel?orgs=BELNET")
        assert _cookie_value(set_cookie) == _worker_of(body)
        assert "HttpOnly" in (set_cookie or "")
        seen.add(body)
    assert seen == {"b0", "b1"}


@needs_nginx
def test_a_browser_with_the_cookie_stays_on_its_worker(proxy: str) -> None:
    for path in ("/", "/media/abc.csv", "/_stcore/health", "/static/js/main.js"):
        body, set_cookie = get(proxy + path, cookie="selstats_worker=w1")
        assert (body if path != "/_stcore/health" else "b1") == "b1"
        assert set_cookie is None  # already right: not set again


@needs_nginx
def test_when_its_worker_is_down_the_browser_moves_and_the_cookie_follows(
    proxy: str, backends: Backends
) -> None:
    backends.kill(1)
    body, set_cookie = get(proxy + "/", cookie="selstats_worker=w1")
    assert body == "b0"
    assert _cookie_value(set_cookie) == "w0"
    # b1 back on its port: a browser that moved to w0 stays there
    backends.start(1)
    body, set_cookie = get(proxy + "/", cookie="selstats_worker=w0")
    assert (body, set_cookie) == ("b0", None)


async def _open_websocket(url: str, cookie: str | None) -> tuple[str, str | None]:
    headers = {"Cookie": cookie} if cookie else {}
    async with websockets.connect(url, additional_headers=headers) as ws:
        message = await asyncio.wait_for(ws.recv(), timeout=5)
        assert ws.response is not None
        return str(message), ws.response.headers.get("Set-Cookie")


@needs_nginx
def test_the_websocket_is_upgraded_and_its_handshake_moves_the_cookie(
    proxy: str, backends: Backends
) -> None:
    url = proxy.replace("http://", "ws://") + "/_stcore/stream"
    assert run_async(_open_websocket(url, "selstats_worker=w1")) == ("b1", None)
    # the worker of the session died: the reconnecting websocket lands on the other one,
    # and its handshake response sets the cookie to it (downloads follow the session)
    backends.kill(1)
    message, set_cookie = run_async(_open_websocket(url, "selstats_worker=w1"))
    assert message == "b0"
    assert _cookie_value(set_cookie) == "w0"


@needs_nginx
def test_upload_requests_are_not_logged_and_others_are(proxy: str, tmp_path: Path) -> None:
    import urllib.request

    upload = urllib.request.Request(
        proxy + "/_stcore/upload_file/SESSION-ID-SECRET/file-1", data=b"x" * 100, method="PUT"
    )
    with urllib.request.urlopen(upload, timeout=5) as response:
        assert response.status == 200
    get(proxy + "/funnel?year_from=2024")
    log = (tmp_path / "run" / "access.log").read_text()
    assert "GET /funnel?year_from=2024" in log
    assert "SESSION-ID-SECRET" not in log
    assert "upload_file" not in log


@needs_nginx
def test_a_configuration_nginx_refuses_is_reported(tmp_path: Path) -> None:
    nginx = Nginx(_config(tmp_path / "run", (9001,)))
    nginx.write_config()
    nginx.conf_path.write_text(nginx.conf_path.read_text() + "\nnot_a_directive on;\n")
    with pytest.raises(ProxyError, match="not_a_directive"):
        nginx.test_config()
