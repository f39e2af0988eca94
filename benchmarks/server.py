"""The real server as `make run` starts it (`selstats serve`, warmed up while it starts), or
with `--workers N` behind nginx, on 127.0.0.1 and a free port; and what it costs while it
runs: the CPU time and resident memory of its whole process tree (the Streamlit process,
or the supervisor, its workers and nginx).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import OUT_DIR, PYTHON, REPO_ROOT

SELSTATS = Path(PYTHON).parent / "selstats"
START_TIMEOUT_S = 180.0
# What the supervisor logs once every worker answered (selstats.serving.supervisor), and
# what each process logs at the end of its warm-up (selstats.ui.warmup).
ALL_WORKERS_READY = "workers behind nginx"
WARMED_UP = ("warm-up done in", "warm-up failed")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never $http_proxy


def healthy(url: str) -> bool:
    try:
        with _DIRECT.open(url, timeout=2) as response:
            return bool(response.read() == b"ok")
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    started: float  # perf_counter just before the process was started
    log_path: Path
    workers: int = 1

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def ready(self) -> bool:
        """Answers through its public port, every worker answered, and every process has
        finished its warm-up (a measurement starts on a server as a user would find it a
        minute after its start)."""
        if not healthy(f"{self.url}/_stcore/health"):
            return False
        text = self.log_text()
        if self.workers > 1 and ALL_WORKERS_READY not in text:
            return False
        return sum(text.count(line) for line in WARMED_UP) >= self.workers

    async def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.perf_counter() + timeout
        while not await asyncio.to_thread(self.ready):
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"selstats serve exited ({self.process.returncode}); see {self.log_path}"
                )
            if time.perf_counter() > deadline:
                raise RuntimeError(f"selstats serve not ready within {timeout:.0f} s")
            await asyncio.sleep(0.05)


def start_server(
    db: Path, name: str, workers: int = 1, env: dict[str, str] | None = None
) -> Server:
    """`selstats serve [--workers N]` serving `db` in demo mode; its output goes to
    benchmarks/out/server-<name>.log."""
    port = free_port()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    log_path = OUT_DIR / f"server-{name}.log"
    environment = {
        **os.environ,
        "SELSTATS_DB": str(db),
        "SELSTATS_DEMO": "1",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    command = [str(SELSTATS), "serve"]
    if workers > 1:
        command += ["--workers", str(workers)]
    command += [
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log_path.open("w") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    return Server(process, f"http://127.0.0.1:{port}", started, log_path, workers)


# ---- what the server's processes use -------------------------------------------------------


def _stat(pid: int) -> tuple[int, float, float] | None:
    """Parent, CPU seconds (user + system) and resident MB of a process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    page_mb = os.sysconf("SC_PAGE_SIZE") / 1024**2
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks, int(fields[21]) * page_mb


def process_tree(root: int) -> dict[int, tuple[float, float]]:
    """CPU seconds and resident MB of `root` and all its descendants."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            stats[int(entry.name)] = stat
    tree = {root}
    grew = True
    while grew:
        found = {pid for pid, (parent, _, _) in stats.items() if parent in tree} - tree
        tree |= found
        grew = bool(found)
    return {pid: (stats[pid][1], stats[pid][2]) for pid in tree if pid in stats}


@dataclass
class TreeSampler:
    """Samples a server's process tree every `interval` s while a measurement runs: CPU
    seconds it used (a process that ends between two samples loses its last interval) and
    the peak of its summed resident memory. This process's own CPU time (the load
    generator) is taken beside it."""

    root: int
    interval: float = 0.5
    first: dict[int, float] = field(default_factory=dict)
    last: dict[int, float] = field(default_factory=dict)
    peak_mb: float = 0.0
    processes: int = 0
    _task: asyncio.Task[None] | None = None
    _client_cpu: float = 0.0

    def _sample(self, at_start: bool) -> None:
        tree = process_tree(self.root)
        for pid, (cpu, _) in tree.items():
            if pid not in self.first:
                self.first[pid] = cpu if at_start else 0.0
            self.last[pid] = cpu
        self.peak_mb = max(self.peak_mb, sum(rss for _, rss in tree.values()))
        self.processes = max(self.processes, len(tree))

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self._sample(at_start=False)

    def start(self) -> None:
        self._client_cpu = time.process_time()
        self._sample(at_start=True)
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> tuple[float, float]:
        """Server CPU seconds and the load generator's own CPU seconds."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._sample(at_start=False)
        client = time.process_time() - self._client_cpu
        server = sum(max(0.0, used - self.first[pid]) for pid, used in self.last.items())
        return server, client
