"""The real server as `make run` starts it (`selstats serve`: `streamlit run app.py` with the
process warmed up while it starts; 127.0.0.1 only) and Debian's Chromium (Playwright), at
scale L:

- "first page": from starting the server process to the first page drawn in the browser
  (connected, script finished, no skeleton, its title shown); Chromium is launched before
  the clock starts. Goal: under 5 s. A fresh server each time.
- "10 sessions": one server, sessions that each open a page (deep link with a period of their
  own, so their queries start cold) and change the government filter 4 times (add
  federal, add flemish, remove, remove), with a think time of 0.5-1.5 s between changes.
  Latency: from the keystroke to the server's end-of-run message on that session's
  websocket. One session visiting the pages in turn, then 10 sessions at once (one per
  page, round robin), twice, alternating. Goal: p95 of the 10 at most 3x the median of one.
- "server memory": the server's peak resident memory (VmHWM) after all that, next to the
  store file's size.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import (
    ERROR,
    FAIL,
    INFO,
    OUT_DIR,
    PYTHON,
    REPO_ROOT,
    Context,
    Row,
    file_mb,
    fmt_ratio,
    fmt_seconds,
    log,
    verdict,
    vm_peak_mb,
)
from benchmarks.record import discover_pages
from benchmarks.stores import ensure_store

CHROMIUM = Path("/usr/bin/chromium")  # Debian's (as tests/e2e/conftest.py)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SELSTATS = Path(PYTHON).parent / "selstats"
FIRST_PAGE_GOAL = 5.0
CONCURRENCY_GOAL = 3.0
SESSIONS = 10
THINK = (0.5, 1.5)
TIMEOUT_MS = 60_000
SERVER_START_TIMEOUT = 90.0
# No new round of sessions starts after this long (the first pair always runs).
SESSIONS_BUDGET_SECONDS = 300.0
LANG = "nl"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.read() == b"ok")
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    started: float  # perf_counter just before the process was started
    log_path: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_server(db: Path, name: str) -> Server:
    port = _free_port()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    log_path = OUT_DIR / f"server-{name}.log"
    env = {
        **os.environ,
        "SELSTATS_DB": str(db),
        "SELSTATS_DEMO": "1",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        str(SELSTATS),
        "serve",
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
            command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    return Server(process, f"http://127.0.0.1:{port}", started, log_path)


async def wait_healthy(server: Server) -> None:
    deadline = time.perf_counter() + SERVER_START_TIMEOUT
    while not await asyncio.to_thread(_healthy, f"{server.url}/_stcore/health"):
        if server.process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited ({server.process.returncode}); see {server.log_path}"
            )
        if time.perf_counter() > deadline:
            raise RuntimeError(f"streamlit did not answer within {SERVER_START_TIMEOUT} s")
        await asyncio.sleep(0.05)


def _run_status(payload: bytes | str) -> bool | None:
    """True for the server's message that a script run started, False for the one that
    ends it (as tests/e2e/conftest.py), None for any other."""
    from google.protobuf.message import DecodeError
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(payload, str):
        return None
    try:
        message = ForwardMsg.FromString(payload)
    except DecodeError:
        return None
    if message.WhichOneof("type") != "session_status_changed":
        return None
    return bool(message.session_status_changed.script_is_running)


def _is_run_end(payload: bytes | str) -> bool:
    return _run_status(payload) is False


async def wait_idle(page: Any) -> None:
    from playwright.async_api import expect

    app = page.locator('[data-testid="stApp"]')
    await expect(app).to_have_attribute(
        "data-test-connection-state", "CONNECTED", timeout=TIMEOUT_MS
    )
    await expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=TIMEOUT_MS)
    await expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(
        0, timeout=TIMEOUT_MS
    )
    skeletons = page.locator('[data-testid="stAppSkeleton"], [data-testid="stSkeleton"]')
    await expect(skeletons).to_have_count(0, timeout=TIMEOUT_MS)


async def exception_shown(page: Any) -> str | None:
    boxes = page.locator('[data-testid="stException"]')
    if await boxes.count():
        return (await boxes.first.inner_text())[:300]
    return None


async def _launch(playwright: Any) -> Any:
    return await playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


async def _new_page(browser: Any) -> tuple[Any, Any, list[Any], list[float]]:
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    streams: list[Any] = []
    starts: list[float] = []  # when the server said a run started (perf_counter)

    def on_frame(payload: bytes | str) -> None:
        if _run_status(payload) is True:
            starts.append(time.perf_counter())

    def on_websocket(websocket: Any) -> None:
        if websocket.url.endswith("/_stcore/stream"):
            streams.append(websocket)
            websocket.on("framereceived", on_frame)

    page.on("websocket", on_websocket)

    return context, page, streams, starts


# ---- time to the first page ----------------------------------------------------------------


async def first_page(
    db: Path, repeats: int
) -> tuple[list[float], list[float], list[float], str | None]:
    """Seconds from server start to the page drawn; to /_stcore/health; server peak RSS."""
    from playwright.async_api import async_playwright

    drawn: list[float] = []
    healthy: list[float] = []
    memory: list[float] = []
    async with async_playwright() as playwright:
        browser = await _launch(playwright)
        try:
            for i in range(repeats):
                context, page, _, _ = await _new_page(browser)
                server = start_server(db, f"first-{i}")
                try:
                    await wait_healthy(server)
                    healthy.append(time.perf_counter() - server.started)
                    await page.goto(server.url + "/")
                    await wait_idle(page)
                    await page.locator("h1").first.wait_for(state="visible", timeout=TIMEOUT_MS)
                    drawn.append(time.perf_counter() - server.started)
                    problem = await exception_shown(page)
                    if problem:
                        return drawn, healthy, memory, problem
                    peak = vm_peak_mb(server.process.pid)
                    if peak is not None:
                        memory.append(peak)
                finally:
                    await context.close()
                    server.stop()
        finally:
            await browser.close()
    return drawn, healthy, memory, None


# ---- sessions ---------------------------------------------------------------------------------


@dataclass
class Visit:
    path: str  # url path of the page
    year_from: int
    year_to: int
    seed: int


@dataclass
class Round:
    latencies: list[float] = field(default_factory=list)  # keystroke to end of the run
    server: list[float] = field(default_factory=list)  # "running" to "not running" messages
    problems: list[str] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # CpuSampler.totals over the round
    wall: float = 0.0


def _stat(pid: int) -> tuple[int, float] | None:
    """The parent and the CPU seconds (user + system) of a process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _is_chromium(pid: int) -> bool:
    try:
        return b"chrom" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class CpuSampler:
    """The CPU time every process on the machine spends while it runs, from /proc every
    `INTERVAL` s: the server; our Chromium (the processes this benchmark started through
    Playwright); everything else (Playwright's driver, other users of the machine). A process
    that ends between two samples loses its last interval (Chromium's renderers end with
    their sessions), so Chromium's share is a lower bound."""

    INTERVAL = 0.25

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.kinds: dict[int, str] = {}
        self._task: asyncio.Task[None] | None = None

    def _sample(self, at_start: bool) -> None:
        stats = {
            int(entry.name): stat
            for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None
        }
        ours = {os.getpid()}
        grew = True
        while grew:  # this process's descendants
            found = {pid for pid, (parent, _) in stats.items() if parent in ours} - ours
            ours |= found
            grew = bool(found)
        for pid, (_, used) in stats.items():
            if pid not in self.first:
                self.first[pid] = used if at_start else 0.0
                if pid == self.server_pid:
                    self.kinds[pid] = "server"
                elif pid in ours and _is_chromium(pid):
                    self.kinds[pid] = "chromium"
                else:
                    self.kinds[pid] = "other"
            self.last[pid] = used

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.INTERVAL)
            self._sample(at_start=False)

    def start(self) -> None:
        self._sample(at_start=True)
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> dict[str, float]:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._sample(at_start=False)
        totals = {"server": 0.0, "chromium": 0.0, "other": 0.0}
        for pid, used in self.last.items():
            totals[self.kinds[pid]] += max(0.0, used - self.first[pid])
        return totals


async def _measured(server_pid: int, out: Round, work: Awaitable[object]) -> None:
    sampler = CpuSampler(server_pid)
    started = time.perf_counter()
    sampler.start()
    try:
        await work
    finally:
        out.cpu = await sampler.stop()
        out.wall = time.perf_counter() - started


def _actions() -> list[tuple[str, str]]:
    from selstats.ui.i18n import translate

    federal = translate(LANG, "government.federal")
    flemish = translate(LANG, "government.flemish")
    return [("add", federal), ("add", flemish), ("remove", ""), ("remove", "")]


async def _visit(browser: Any, base: str, visit: Visit, out: Round) -> None:
    from selstats.ui.i18n import translate

    think = random.Random(visit.seed)
    context, page, streams, starts = await _new_page(browser)
    try:
        url = f"{base}/{visit.path}?year_from={visit.year_from}&year_to={visit.year_to}"
        await page.goto(url)
        await wait_idle(page)
        label = translate(LANG, "filter.government")
        box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
            has_text=label
        )
        entry = box.locator("input")
        for action, value in _actions():
            await asyncio.sleep(think.uniform(*THINK))
            stream = streams[-1]
            started = time.perf_counter()
            async with stream.expect_event(
                "framereceived", predicate=_is_run_end, timeout=TIMEOUT_MS
            ):
                await entry.click()
                if action == "add":
                    await entry.fill(value)
                    await entry.press("Enter")
                else:
                    await entry.press("Backspace")
            ended = time.perf_counter()
            out.latencies.append(ended - started)
            run_starts = [t for t in starts if t >= started]
            if run_starts:
                out.server.append(ended - run_starts[0])
            await entry.press("Escape")
            problem = await exception_shown(page)
            if problem:
                out.problems.append(f"{visit.path}: {problem}")
                return
    except Exception as error:
        out.problems.append(f"{visit.path}: {type(error).__name__}: {str(error)[:200]}")
    finally:
        await context.close()


async def _in_turn(browser: Any, base: str, visits: list[Visit], out: Round) -> None:
    for visit in visits:
        await _visit(browser, base, visit, out)


async def sessions(
    db: Path, rounds: int, seed: int = 7
) -> tuple[list[Round], list[Round], float | None, str | None]:
    """Alternating rounds of one session and of SESSIONS at once; the server's peak RSS."""
    from playwright.async_api import async_playwright

    paths = [url_path for _, url_path, _ in discover_pages()]
    periods = [(a, b) for a in range(2016, 2026) for b in range(a, 2026)]
    random.Random(seed).shuffle(periods)
    single: list[Round] = []
    many: list[Round] = []
    async with async_playwright() as playwright:
        browser = await _launch(playwright)
        server = start_server(db, "sessions")
        try:
            await wait_healthy(server)
            warm = Round()  # the server's first run imports the app's modules: not counted
            await _visit(browser, server.url, Visit("", 2025, 2025, seed), warm)
            if warm.problems:
                return single, many, vm_peak_mb(server.process.pid), warm.problems[0]
            started = time.perf_counter()
            for r in range(rounds):
                if r and time.perf_counter() - started > SESSIONS_BUDGET_SECONDS:
                    log.info("  sessions: time budget spent, %d round(s) of %d", r, rounds)
                    break
                one = Round()
                alone = [
                    Visit(path, *periods.pop(), seed + 100 * r + i) for i, path in enumerate(paths)
                ]
                await _measured(server.process.pid, one, _in_turn(browser, server.url, alone, one))
                single.append(one)
                log.info("  one session, round %d: %d changes", r + 1, len(one.latencies))
                ten = Round()
                visits = []
                for i in range(SESSIONS):
                    year_from, year_to = periods.pop()
                    visits.append(
                        Visit(paths[i % len(paths)], year_from, year_to, seed + 1000 * r + i)
                    )
                await _measured(
                    server.process.pid,
                    ten,
                    asyncio.gather(*(_visit(browser, server.url, v, ten) for v in visits)),
                )
                many.append(ten)
                log.info("  %d sessions, round %d: %d changes", SESSIONS, r + 1, len(ten.latencies))
            peak = vm_peak_mb(server.process.pid)
        finally:
            server.stop()
            await browser.close()
    return single, many, peak, None


def _cpu_text(rounds: list[Round]) -> str:
    """Where the machine's CPU time went during the rounds (CpuSampler)."""
    used = {kind: sum(r.cpu.get(kind, 0.0) for r in rounds) for kind in ("server", "chromium")}
    other = sum(r.cpu.get("other", 0.0) for r in rounds)
    wall = sum(r.wall for r in rounds)
    return (
        f"server {used['server']:.1f}, Chromium ≥ {used['chromium']:.1f}, other processes "
        f"{other:.1f} in {wall:.0f} s ({os.cpu_count() or 0} cores)"
    )


def _median_text(values: list[float]) -> str:
    return fmt_seconds(statistics.median(values)) if values else "?"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def run(ctx: Context) -> None:
    if not CHROMIUM.exists():
        ctx.add(
            Row(
                "browser",
                ctx.big,
                "Chromium",
                verdict=ERROR,
                note=f"{CHROMIUM} is missing (make setup)",
            )
        )
        return
    scale = ctx.big
    store = ensure_store(ctx, scale)
    db_size = file_mb(store.path, store.path.with_name(store.path.name + ".wal"))
    repeats = 1 if ctx.quick else 3
    figure = "first page in Chromium"
    try:
        drawn, healthy, memory, problem = asyncio.run(first_page(store.path, repeats))
    except Exception as error:
        ctx.add(
            Row(figure, scale, "server start → page drawn", verdict=ERROR, note=repr(error)[:300])
        )
    else:
        if problem:
            ctx.add(
                Row(figure, scale, "server start → page drawn", drawn, verdict=FAIL, note=problem)
            )
        else:
            row = Row(
                figure, scale, "server start → page drawn", drawn, goal=f"< {FIRST_PAGE_GOAL:.0f} s"
            )
            row.verdict = verdict(row.median is not None and row.median < FIRST_PAGE_GOAL)
            ctx.add(row)
            ctx.add(Row(figure, scale, "server start → /_stcore/health ok", healthy))
            if memory:
                ctx.add(Row(figure, scale, "server peak RSS after it", memory, unit="MB"))

    figure = f"{SESSIONS} sessions vs 1"
    rounds = 1 if ctx.quick else 2
    try:
        single, many, peak, problem = asyncio.run(sessions(store.path, rounds))
    except Exception as error:
        ctx.add(Row(figure, scale, "filter change latency", verdict=ERROR, note=repr(error)[:300]))
        return
    one = [x for r in single for x in r.latencies]
    ten = [x for r in many for x in r.latencies]
    problems = [p for r in [*single, *many] for p in r.problems]
    if problem or problems or not one or not ten:
        ctx.add(
            Row(
                figure,
                scale,
                "filter change latency",
                one + ten,
                verdict=FAIL,
                note=(problem or "; ".join(problems[:3]) or "no latency measured")[:400],
            )
        )
        return
    value = _p95(ten) / statistics.median(one)
    note = (
        f"think time {THINK[0]}-{THINK[1]} s; {len(one)} changes alone, {len(ten)} under load; "
        f"p95 alone {fmt_seconds(_p95(one))}, "
        f"median under load {fmt_seconds(statistics.median(ten))}; "
        f"of which the script run (server 'running' to 'not running'): median alone "
        f"{_median_text([x for r in single for x in r.server])}, under load "
        f"{_median_text([x for r in many for x in r.server])}; Chromium shares the same cores: "
        f"CPU seconds {_cpu_text(many)} with {SESSIONS} sessions, {_cpu_text(single)} alone"
    )
    ctx.add(
        Row(
            figure,
            scale,
            f"{SESSIONS} sessions: p95 {fmt_seconds(_p95(ten))}",
            ten,
            ratio=f"p95/median {fmt_ratio(value)}",
            goal=f"≤ {CONCURRENCY_GOAL:.0f}x",
            verdict=verdict(value <= CONCURRENCY_GOAL),
            note=note,
        )
    )
    ctx.add(Row(figure, scale, "1 session", one))
    if peak is not None:
        ctx.add(
            Row(
                "server memory",
                scale,
                f"peak RSS, {SESSIONS} sessions (VmHWM)",
                [peak],
                unit="MB",
                ratio=f"{peak / db_size:.1f}x the store",
                verdict=INFO,
                note=f"store file {db_size:.0f} MB ({store.path.name})",
            )
        )
