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
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
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
    file_mb,
    verdict,
    vm_peak_mb,
)
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
    file_mb(store.path, store.path.with_name(store.path.name + ".wal"))
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
