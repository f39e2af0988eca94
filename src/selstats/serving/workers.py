"""The Streamlit worker processes of `selstats serve --workers N`, each on a loopback port
of its own, and keeping them alive.

A worker is `python -m selstats.serve` (one process, warmed up, as `make run`) with
`--server.port <its port> --server.address 127.0.0.1`. `WorkerPool.check` is called by the
supervisor every second or so:

- a worker that exited is started again on its port at once; one that keeps exiting before
  it ever answered (within `QUICK_EXIT_S` of its start) after 1, 2, 4 ... 30 s, and after
  `MOVE_AFTER_QUICK_EXITS` such exits in a row on a new port, in case another program took
  its own;
- every `PROBE_INTERVAL_S` each worker's `/_stcore/health` is asked (the active half of
  the health checks; nginx's `max_fails` is the passive half); a worker that has answered
  once and then fails `UNHEALTHY_AFTER` probes in a row (hung, not just busy: a busy
  worker still answers within the probe's timeout) is killed and started again.

Every worker reads the same store file read-only and finds a new version of it by itself
(`selstats.ui.db` stats the file on every query), so nothing here is told about imports.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from selstats.serving.options import WORKER_ADDRESS
from selstats.serving.process import spawn, stop

PROBE_INTERVAL_S: Final = 2.0
PROBE_TIMEOUT_S: Final = 3.0
UNHEALTHY_AFTER: Final = 5
# A worker that never answered within this long of its start is started again.
STARTUP_TIMEOUT_S: Final = 180.0
QUICK_EXIT_S: Final = 15.0
MAX_BACKOFF_S: Final = 30.0
MOVE_AFTER_QUICK_EXITS: Final = 3
STOP_TIMEOUT_S: Final = 10.0

CommandFor = Callable[[int], list[str]]
Probe = Callable[[int], bool]

_log = logging.getLogger(__name__)


def free_port(host: str = WORKER_ADDRESS) -> int:
    """A port nobody listens on right now (the worker binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def free_ports(count: int, host: str = WORKER_ADDRESS) -> list[int]:
    ports: list[int] = []
    while len(ports) < count:
        port = free_port(host)
        if port not in ports:
            ports.append(port)
    return ports


def streamlit_command(options: Sequence[str]) -> CommandFor:
    """The command of the worker on a port: one warmed-up Streamlit process (serve.py)."""

    def command(port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "selstats.serve",
            *options,
            "--server.port",
            str(port),
            "--server.address",
            WORKER_ADDRESS,
            "--server.headless",
            "true",
        ]

    return command


def health_probe(base_url_path: str = "", timeout: float = PROBE_TIMEOUT_S) -> Probe:
    """Asks a worker's /_stcore/health; True when it answers "ok"."""
    prefix = f"/{base_url_path}" if base_url_path else ""
    # Straight to the worker, whatever $http_proxy says.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def probe(port: int) -> bool:
        url = f"http://{WORKER_ADDRESS}:{port}{prefix}/_stcore/health"
        try:
            with opener.open(url, timeout=timeout) as response:
                return bool(response.status == 200 and response.read().strip() == b"ok")
        except (urllib.error.URLError, OSError, ValueError):
            return False

    return probe


@dataclass
class Worker:
    index: int
    port: int
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    healthy: bool = False  # answered its last probe
    ever_healthy: bool = False  # answered a probe since its last start
    failed_probes: int = 0
    quick_exits: int = 0  # exits within QUICK_EXIT_S of the start, in a row
    restarts: int = 0
    next_start: float = 0.0  # when an exited worker may start again
    next_probe: float = 0.0

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class WorkerPool:
    """N workers kept alive. `command_for(port)` and `probe(port)` are given (tests use a
    small stand-in server); `env` is every worker's environment."""

    count: int
    command_for: CommandFor
    probe: Probe
    env: Mapping[str, str] | None = None
    on_ports_changed: Callable[[list[int]], None] | None = None
    clock: Callable[[], float] = time.monotonic
    workers: list[Worker] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("at least one worker")

    @property
    def ports(self) -> list[int]:
        return [w.port for w in self.workers]

    def start(self, ports: Sequence[int] | None = None) -> None:
        ports = list(ports) if ports is not None else free_ports(self.count)
        self.workers = [Worker(i, port) for i, port in enumerate(ports)]
        for worker in self.workers:
            self._start(worker)

    def _start(self, worker: Worker) -> None:
        now = self.clock()
        worker.process = spawn(self.command_for(worker.port), env=self.env)
        worker.started_at = now
        worker.healthy = worker.ever_healthy = False
        worker.failed_probes = 0
        worker.next_probe = now
        _log.info("worker %d: pid %d on port %d", worker.index, worker.process.pid, worker.port)

    def _exited(self, worker: Worker, now: float) -> None:
        assert worker.process is not None
        code = worker.process.returncode
        if now - worker.started_at < QUICK_EXIT_S and not worker.ever_healthy:
            worker.quick_exits += 1  # died while starting: waits before the next try
        else:
            worker.quick_exits = 0  # it served: started again at once
        delay = min(MAX_BACKOFF_S, 2 ** (worker.quick_exits - 1)) if worker.quick_exits else 0
        worker.next_start = now + delay
        worker.healthy = False
        _log.warning(
            "worker %d (pid %d, port %d) exited with %s; starting it again%s",
            worker.index,
            worker.process.pid,
            worker.port,
            code,
            f" in {delay:.0f} s" if delay else "",
        )
        worker.process = None

    def _restart(self, worker: Worker) -> None:
        if worker.quick_exits >= MOVE_AFTER_QUICK_EXITS:
            taken = set(self.ports)
            port = free_port()
            while port in taken:
                port = free_port()
            _log.warning("worker %d: moving from port %d to %d", worker.index, worker.port, port)
            worker.port = port
            worker.quick_exits = 0
            if self.on_ports_changed is not None:
                self.on_ports_changed(self.ports)
        worker.restarts += 1
        self._start(worker)

    def check(self) -> None:
        """Restart what exited, probe what is due, kill what hangs. Call it often (~1 s)."""
        for worker in self.workers:
            now = self.clock()
            if worker.process is not None and worker.process.poll() is not None:
                self._exited(worker, now)
            if worker.process is None:
                if now >= worker.next_start:
                    self._restart(worker)
                continue
            if now < worker.next_probe:
                continue
            worker.next_probe = now + PROBE_INTERVAL_S
            if self.probe(worker.port):
                if not worker.ever_healthy:
                    _log.info("worker %d (port %d) is ready", worker.index, worker.port)
                worker.healthy = worker.ever_healthy = True
                worker.failed_probes = 0
                if now - worker.started_at >= QUICK_EXIT_S:
                    worker.quick_exits = 0
                continue
            worker.healthy = False
            if worker.ever_healthy:
                worker.failed_probes += 1
                if worker.failed_probes >= UNHEALTHY_AFTER:
                    self._replace(worker, f"failed {worker.failed_probes} health checks in a row")
            elif now - worker.started_at > STARTUP_TIMEOUT_S:
                self._replace(
                    worker, f"did not answer within {STARTUP_TIMEOUT_S:.0f} s of its start"
                )

    def _replace(self, worker: Worker, why: str) -> None:
        """Kill a worker that hangs and start it again at once."""
        _log.warning(
            "worker %d (pid %s, port %d) %s: restarting it",
            worker.index,
            worker.pid,
            worker.port,
            why,
        )
        assert worker.process is not None
        stop(worker.process, signal.SIGKILL, STOP_TIMEOUT_S)
        worker.process = None
        worker.restarts += 1
        self._start(worker)

    def ready(self) -> int:
        """How many workers answered their last probe."""
        return sum(w.healthy for w in self.workers)

    def stop(self) -> None:
        """SIGTERM to every worker at once, then wait for each (SIGKILL after a while)."""
        running = [w.process for w in self.workers if w.process is not None]
        for process in running:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGTERM)
        for process in running:
            stop(process, signal.SIGTERM, STOP_TIMEOUT_S)
        for worker in self.workers:
            worker.process = None
