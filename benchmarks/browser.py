"""The first page in Chromium after the server starts, at scale L: the real server as `make
run` starts it (`selstats serve`, warmed up while it starts; 127.0.0.1 only) and Debian's
Chromium (Playwright), launched before the clock starts. A fresh server every run.

Per run, from starting the server process:

- "/_stcore/health ok": the server answers (the browser is sent to the page then);
- "first run started": the server's first "script running" message on the websocket;
- "page drawn": connected, script finished, no skeleton, the page's title shown. Goal
  (issue 16): under 5 s in EVERY run, so the verdict is on the slowest run, not the median;
- the warm-up's own time, from the server's log.

`--baseline REV` (e.g. the commit before a change) runs the same measurement on that
commit's code side by side, alternating run by run (REV, HEAD, REV, HEAD ...), so load
on the machine hits both alike: the before/after of a change in one run. The baseline's
files are taken with `git archive` into benchmarks/out/baseline-REV/ and run with this
checkout's .venv (PYTHONPATH to its src/).
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import (
    ERROR,
    FAIL,
    OUT_DIR,
    PYTHON,
    REPO_ROOT,
    Context,
    Row,
    fmt_ratio,
    fmt_seconds,
    load_text,
    log,
    verdict,
    vm_peak_mb,
)
from benchmarks.server import Server, free_port, healthy, start_server
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
FIRST_PAGE_GOAL = 5.0
TIMEOUT_MS = 60_000
SERVER_START_TIMEOUT = 180.0
FIGURE = "first page in Chromium"


@dataclass
class Sample:
    healthy: float
    run_started: float | None
    drawn: float
    warmup: float | None
    peak_mb: float | None


@dataclass
class Contender:
    name: str  # "HEAD" or the baseline's revision
    samples: list[Sample] = field(default_factory=list)
    problem: str | None = None


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
        return str(await boxes.first.inner_text())[:300]
    return None


# ---- the baseline's code ----------------------------------------------------------------------


def baseline_tree(revision: str) -> Path:
    """The files of `revision` (git archive), once, under benchmarks/out/."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", revision],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    target = OUT_DIR / f"baseline-{sha}"
    if not (target / "app.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", "--format=tar", sha], cwd=REPO_ROOT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def start_baseline(tree: Path, db: Path, name: str) -> Server:
    """The baseline's `selstats serve` (its serve.py and warm-up, its pages)."""
    port = free_port()
    log_path = OUT_DIR / f"server-{name}.log"
    env = {
        **os.environ,
        "SELSTATS_DB": str(db),
        "SELSTATS_DEMO": "1",
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(tree / "src"),
    }
    command = [
        PYTHON,
        "-m",
        "selstats.serve",
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
        process = subprocess.Popen(command, cwd=tree, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Server(process, f"http://127.0.0.1:{port}", started, log_path)


# ---- one run ------------------------------------------------------------------------------------


async def _wait_healthy(server: Server) -> float:
    deadline = time.perf_counter() + SERVER_START_TIMEOUT
    while not await asyncio.to_thread(healthy, f"{server.url}/_stcore/health"):
        if server.process.poll() is not None:
            raise RuntimeError(
                f"the server exited ({server.process.returncode}); see {server.log_path}"
            )
        if time.perf_counter() > deadline:
            raise RuntimeError(f"the server did not answer within {SERVER_START_TIMEOUT:.0f} s")
        await asyncio.sleep(0.02)
    return time.perf_counter() - server.started


def _warmup_seconds(server: Server) -> float | None:
    found = re.search(r"warm-up done in ([\d.]+) s", server.log_text())
    return float(found.group(1)) if found else None


async def first_page_once(browser: Any, server: Server) -> tuple[Sample, str | None]:
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    run_starts: list[float] = []

    def on_frame(payload: bytes | str) -> None:
        if _run_status(payload) is True:
            run_starts.append(time.perf_counter())

    def on_websocket(websocket: Any) -> None:
        if websocket.url.endswith("/_stcore/stream"):
            websocket.on("framereceived", on_frame)

    page.on("websocket", on_websocket)
    try:
        healthy_after = await _wait_healthy(server)
        await page.goto(server.url + "/")
        await wait_idle(page)
        await page.locator("h1").first.wait_for(state="visible", timeout=TIMEOUT_MS)
        drawn = time.perf_counter() - server.started
        problem = await exception_shown(page)
        sample = Sample(
            healthy=healthy_after,
            run_started=(run_starts[0] - server.started) if run_starts else None,
            drawn=drawn,
            warmup=_warmup_seconds(server),
            peak_mb=vm_peak_mb(server.process.pid),
        )
        return sample, problem
    finally:
        await context.close()
        server.stop()


async def first_pages(db: Path, repeats: int, baseline: str | None) -> list[Contender]:
    from playwright.async_api import async_playwright

    head = Contender("HEAD")
    contenders = [head]
    tree = None
    if baseline:
        tree = baseline_tree(baseline)
        contenders.insert(0, Contender(baseline))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            for i in range(repeats):
                for contender in contenders:
                    if contender.problem:
                        continue
                    name = f"first-{contender.name}-{i}"
                    if contender is head:
                        server = start_server(db, name)
                    else:
                        assert tree is not None
                        server = start_baseline(tree, db, name)
                    try:
                        sample, problem = await first_page_once(browser, server)
                    except Exception as error:
                        contender.problem = f"{type(error).__name__}: {error}"[:300]
                        continue
                    if problem:
                        contender.problem = problem
                    contender.samples.append(sample)
                    log.info(
                        "  first page (%s): drawn %s, health %s, %s",
                        contender.name,
                        fmt_seconds(sample.drawn),
                        fmt_seconds(sample.healthy),
                        load_text(),
                    )
        finally:
            await browser.close()
    return contenders


def _median(values: list[float | None]) -> str:
    found = [v for v in values if v is not None]
    return fmt_seconds(statistics.median(found)) if found else "?"


def _peak(contender: Contender) -> str:
    found = [s.peak_mb for s in contender.samples if s.peak_mb is not None]
    return f"{statistics.median(found):,.0f} MB" if found else "?"


def run(ctx: Context) -> None:
    if not CHROMIUM.exists():
        ctx.add(Row(FIGURE, ctx.big, "Chromium", verdict=ERROR, note=f"{CHROMIUM} is missing"))
        return
    scale = ctx.big
    store = ensure_store(ctx, scale)
    repeats = 2 if ctx.quick else ctx.runs
    baseline = ctx.cache.get("baseline")
    load_before = load_text()
    try:
        contenders = asyncio.run(first_pages(store.path, repeats, baseline))
    except Exception as error:
        ctx.add(Row(FIGURE, scale, "server start → page drawn", verdict=ERROR, note=repr(error)))
        return
    head = contenders[-1]
    for contender in contenders:
        what = f"server start → page drawn ({contender.name})"
        drawn = [s.drawn for s in contender.samples]
        if contender.problem:
            ctx.add(Row(FIGURE, scale, what, drawn, verdict=FAIL, note=contender.problem))
            continue
        if not drawn:
            continue
        slowest = max(drawn)
        row = Row(
            FIGURE,
            scale,
            what,
            drawn,
            ratio=f"slowest {fmt_seconds(slowest)}",
            goal=f"< {FIRST_PAGE_GOAL:.0f} s every run",
            verdict=verdict(slowest < FIRST_PAGE_GOAL),
            note=(
                f"{contender.name}: /_stcore/health ok after "
                f"{_median([s.healthy for s in contender.samples])}, first run started after "
                f"{_median([s.run_started for s in contender.samples])}, warm-up "
                f"{_median([s.warmup for s in contender.samples])} (median of "
                f"{len(drawn)}); server peak RSS {_peak(contender)}; "
                f"{load_before} before, {load_text()} after"
            ),
        )
        ctx.add(row)
    if len(contenders) == 2 and contenders[0].samples and head.samples:
        before = statistics.median(s.drawn for s in contenders[0].samples)
        after = statistics.median(s.drawn for s in head.samples)
        ctx.add(
            Row(
                FIGURE,
                scale,
                f"HEAD vs {contenders[0].name} (alternating runs)",
                ratio=fmt_ratio(after / before),
                note=f"median page drawn {fmt_seconds(before)} → {fmt_seconds(after)}",
            )
        )
