"""The supervisor with real nginx and stand-in workers (tests/serving/backend.py): it brings
both up, restarts a worker or nginx that died, and stops everything. (The real thing, with
Streamlit workers and a browser: tests/e2e/test_workers.py.)"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from selstats.serving import supervisor as supervisor_module
from selstats.serving.options import ServeOptions
from selstats.serving.proxy import find_nginx
from selstats.serving.supervisor import Supervisor
from selstats.serving.workers import free_port

from .conftest import answers, backend_command, get, wait_until

pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None and not os.access("/usr/sbin/nginx", os.X_OK),
    reason="nginx is not installed (scripts/setup.sh installs Debian's)",
)


@pytest.fixture
def running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Supervisor, str]]:
    monkeypatch.setattr(
        supervisor_module, "streamlit_command", lambda options: backend_command("b")
    )
    port = free_port()
    options = ServeOptions("127.0.0.1", port, 200, "", ())
    sup = Supervisor(2, options, tmp_path / "run", find_nginx())
    sup.start()
    try:
        wait_until(lambda: sup.check() is None and sup.pool.ready() == 2)
        yield sup, f"http://127.0.0.1:{port}"
    finally:
        sup.stop()


def test_serves_through_nginx_and_restarts_a_dead_worker(running: tuple[Supervisor, str]) -> None:
    sup, url = running
    body, set_cookie = get(url + "/")
    assert body == "b" and set_cookie is not None and "selstats_worker=w" in set_cookie
    worker = sup.pool.workers[0]
    old_pid = worker.pid
    assert worker.process is not None
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)
    wait_until(lambda: sup.check() is None and worker.pid != old_pid and worker.healthy)
    # the browser pinned to it is served again
    assert get(url + "/", cookie="selstats_worker=w0") == ("b", None)


def test_restarts_nginx_when_it_dies(running: tuple[Supervisor, str]) -> None:
    sup, url = running
    first = sup.nginx.process
    assert first is not None
    group = first.pid  # nginx leads a process group of its own, its workers in it
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    # nginx's worker process outlives its master, still holding the port
    assert _group_alive(group)
    sup.check()  # kills what is left, starts nginx again
    assert sup.nginx.process is not first and sup.nginx.alive()
    wait_until(lambda: not _group_alive(group))
    wait_until(lambda: answers(url + "/_stcore/health") and sup.nginx.alive())
    assert sup.nginx.alive()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_stop_ends_nginx_and_every_worker(running: tuple[Supervisor, str]) -> None:
    sup, url = running
    processes = [w.process for w in sup.pool.workers] + [sup.nginx.process]
    sup.stop()
    assert all(p is not None and p.poll() is not None for p in processes)
    assert not answers(url + "/_stcore/health")


RUN_SUPERVISOR = """
import logging
import sys
from pathlib import Path
logging.basicConfig(level=logging.INFO)
from selstats.serving import supervisor
from selstats.serving.options import ServeOptions
from selstats.serving.proxy import find_nginx
backend = [sys.executable, sys.argv[1], "b"]
supervisor.streamlit_command = lambda options: lambda port: [*backend, str(port)]
options = ServeOptions("127.0.0.1", int(sys.argv[2]), 200, "", ())
sys.exit(supervisor.Supervisor(2, options, Path(sys.argv[3]), find_nginx()).run())
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_nginx_and_the_workers_and_exits_0(tmp_path: Path, sig: int) -> None:
    import subprocess
    import sys

    from .conftest import BACKEND

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "supervisor.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", RUN_SUPERVISOR, str(BACKEND), str(port), str(tmp_path / "run")],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(lambda: "workers behind nginx" in log.read_text() or process.poll() is not None)
        assert answers(url + "/_stcore/health"), log.read_text()
        children = [int(pid) for pid in _children(process.pid)]
        assert len(children) >= 3  # two workers and nginx's master
        process.send_signal(sig)
        assert process.wait(timeout=30) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
    assert not answers(url + "/_stcore/health")
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or "Z" in _state(pid), f"{pid} outlived it"


def _children(pid: int) -> list[str]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return path.read_text().split() if path.exists() else []


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_a_public_port_in_use_is_reported_and_nothing_is_left_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    from selstats.serving.proxy import ProxyError

    monkeypatch.setattr(
        supervisor_module, "streamlit_command", lambda options: backend_command("b")
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        sup = Supervisor(2, ServeOptions("127.0.0.1", port, 200, "", ()), tmp_path, find_nginx())
        try:
            with pytest.raises(ProxyError, match="Address already in use"):
                sup.start()
        finally:
            sup.stop()
    assert all(w.process is None for w in sup.pool.workers)
    assert not sup.nginx.alive()
