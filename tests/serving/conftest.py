"""Stand-in workers (tests/serving/backend.py) for the proxy and worker-pool tests."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from selstats.serving.workers import free_ports

T = TypeVar("T")

BACKEND = Path(__file__).with_name("backend.py")
START_TIMEOUT_S = 20.0


def backend_command(name: str) -> Callable[[int], list[str]]:
    """The command of a stand-in worker called `name` on a port."""
    return lambda port: [sys.executable, str(BACKEND), name, str(port)]


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to its end in a thread of its own: in the full suite the browser
    tests' Playwright keeps an event loop running in the main thread, where asyncio.run
    refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def get(url: str, cookie: str | None = None, timeout: float = 5) -> tuple[str, str | None]:
    """GET `url`: the body and the Set-Cookie header (None when there is none)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read().decode(), response.headers.get("Set-Cookie")


def wait_until(condition: Callable[[], bool], timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout} s: {condition}", pytrace=False)
        time.sleep(0.05)


def answers(url: str) -> bool:
    try:
        get(url, timeout=1)
    except (urllib.error.URLError, OSError):
        return False
    return True


class Backends:
    """Stand-in workers b0, b1, ... on their own ports; `kill(i)` and `start(i)`."""

    def __init__(self, count: int) -> None:
        self.ports = free_ports(count)
        self.processes: list[subprocess.Popen[bytes] | None] = [None] * count
        for i in range(count):
            self.start(i)

    def start(self, i: int) -> None:
        command = backend_command(f"b{i}")(self.ports[i])
        self.processes[i] = subprocess.Popen(command)
        wait_until(lambda: answers(f"http://127.0.0.1:{self.ports[i]}/_stcore/health"))

    def kill(self, i: int) -> None:
        process = self.processes[i]
        if process is not None:
            process.kill()
            process.wait(timeout=10)
        self.processes[i] = None

    def stop(self) -> None:
        for i in range(len(self.processes)):
            self.kill(i)


@pytest.fixture
def backends() -> Iterator[Backends]:
    running = Backends(2)
    try:
        yield running
    finally:
        running.stop()
