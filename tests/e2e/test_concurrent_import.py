"""Re-import while the dashboard serves: five browser sessions keep loading the overview
(alternating filters and reloads, 20 times each) while `selstats import` of an updated file
runs in another process. No session ever shows an exception, every figure read is the old or
the new value, never anything else, and once the import has committed a reload shows the new
value within a few seconds.

The store writer replaces the file atomically (`write_store`: a private copy, then
`os.replace`) and the app reopens the store when the file's identity changes
(`selstats.ui.db`: `snapshot_id`, part of every cache key).

The figure, by hand (tests/fixtures/small_store.py): the overview's "Sollicitanten" metric
sums the candidates at the first step of every procedure with results.
- no filter: P-A1 8 + P-B1 5 + P-B2 2 = 15
- govs=local (ORG-B): P-B1 5 + P-B2 2 = 7
- govs=federal (ORG-A): P-A1 8
The update (results.csv) adds candidate B23, passed at step 1 of P-B2: P-B2 has 3 applicants,
so 16 without a filter, 8 for local, still 8 for federal.

Real browser pages (Playwright's async API, one Chromium, five contexts), to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import polars as pl
import pytest
from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import expect as async_expect

from selstats.figures import catalogue
from tests.fixtures.small_store import build_small_store

from .conftest import APP_IDLE_TIMEOUT_MS, CHROMIUM, CHROMIUM_ARGS, OUTPUT_DIR, VENV_BIN
from .test_access import serve

SESSIONS = 5
ITERATIONS = 20
IMPORT_AFTER_READS = 3 * SESSIONS  # start the import once the sessions are well under way
NEW_WITHIN_S = 5.0

FILTERS = ("", "?govs=local", "?govs=federal")
OLD = {"": "15", "local": "7", "federal": "8"}
NEW = {"": "16", "local": "8", "federal": "8"}
LABEL = catalogue().label("applicants", "nl")
IMPORT_LOG = OUTPUT_DIR / f"concurrent-import-{os.getpid()}.log"


@dataclass(frozen=True)
class Read:
    session: int
    iteration: int
    started: float
    filter: str  # "" or the government in the URL
    value: str
    exceptions: int


def _filter_of(url: str) -> str:
    govs = parse_qs(urlparse(url).query).get("govs", [])
    return govs[0] if govs else ""


async def _idle(page: Page) -> None:
    """The async twin of conftest.wait_for_app_idle, for a page load."""
    app = page.get_by_test_id("stApp")
    timeout = APP_IDLE_TIMEOUT_MS
    await async_expect(app).to_have_attribute(
        "data-test-connection-state", "CONNECTED", timeout=timeout
    )
    await async_expect(app).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=timeout
    )
    await async_expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout)


async def _figure(page: Page) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text=LABEL)
    value = metric.get_by_test_id("stMetricValue")
    await async_expect(value).to_be_visible(timeout=APP_IDLE_TIMEOUT_MS)
    return (await value.inner_text()).strip()


async def _read(page: Page, session: int, iteration: int, url: str | None) -> Read:
    started = time.monotonic()
    if url is None:
        await page.reload()
    else:
        await page.goto(url)
    await _idle(page)
    value = await _figure(page)
    exceptions = await page.get_by_test_id("stException").count()
    return Read(session, iteration, started, _filter_of(page.url), value, exceptions)


async def _session(browser: Browser, base: str, session: int, reads: list[Read]) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(APP_IDLE_TIMEOUT_MS)
    page = await context.new_page()
    try:
        for iteration in range(ITERATIONS):
            # even iterations change the filter (a new URL), odd ones reload the same page
            target = None
            if iteration % 2 == 0 or iteration == 0:
                target = base + "/" + FILTERS[(session + iteration // 2) % len(FILTERS)]
            reads.append(await _read(page, session, iteration, target))
    finally:
        await context.close()


async def _import_when_under_way(
    reads: list[Read], db: Path, folder: Path, times: dict[str, float]
) -> None:
    while len(reads) < IMPORT_AFTER_READS:
        await asyncio.sleep(0.05)
    times["start"] = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        str(VENV_BIN / "selstats"),
        "import",
        str(folder),
        "--db",
        str(db),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    times["committed"] = time.monotonic()
    times["returncode"] = float(process.returncode or 0)
    IMPORT_LOG.write_bytes(out + b"\n---\n" + err)


async def _after_commit(browser: Browser, base: str) -> float:
    """Seconds from a fresh load until the page shows the new figure (reloading meanwhile)."""
    context = await browser.new_context()
    page = await context.new_page()
    start = time.monotonic()
    try:
        await page.goto(base + "/")
        while True:
            await _idle(page)
            if await _figure(page) == NEW[""]:
                return time.monotonic() - start
            if time.monotonic() - start > NEW_WITHIN_S:
                return float("inf")
            await asyncio.sleep(0.2)
            await page.reload()
    finally:
        await context.close()


async def _run(base: str, db: Path, folder: Path) -> tuple[list[Read], dict[str, float], float]:
    reads: list[Read] = []
    times: dict[str, float] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            await asyncio.gather(
                *(_session(browser, base, n, reads) for n in range(SESSIONS)),
                _import_when_under_way(reads, db, folder, times),
            )
            settle = await _after_commit(browser, base)
        finally:
            await browser.close()
    return reads, times, settle


def _in_a_thread(base: str, db: Path, folder: Path) -> tuple[list[Read], dict[str, float], float]:
    """asyncio in a thread of its own: the session's sync Playwright (conftest) may already
    run in this one."""
    result: list[tuple[list[Read], dict[str, float], float]] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(_run(base, db, folder)))
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    thread = threading.Thread(target=target, name="concurrent-sessions")
    thread.start()
    thread.join(timeout=600)
    if errors:
        raise errors[0]
    if not result:
        pytest.fail("the browser sessions did not finish within 600 s", pytrace=False)
    return result[0]


@pytest.fixture
def served_db(tmp_path: Path) -> Path:
    return build_small_store(tmp_path / "served.duckdb")


@pytest.fixture
def update(tmp_path: Path) -> Path:
    folder = tmp_path / "update"
    folder.mkdir()
    pl.DataFrame(
        {
            "procedure_code": ["P-B2"],
            "candidate_ref": ["B23"],
            "step_no": [1],
            "outcome": ["passed"],
        }
    ).write_csv(folder / "results.csv")
    return folder


def test_reimport_while_serving(served_db: Path, update: Path, tmp_path: Path) -> None:
    # the update imports cleanly on a copy (so a failure below is about serving, not input)
    trial = tmp_path / "trial.duckdb"
    shutil.copyfile(served_db, trial)
    done = subprocess.run(
        [str(VENV_BIN / "selstats"), "import", str(update), "--db", str(trial)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr

    with serve(served_db, "concurrent-import", SELSTATS_DEMO="1") as base:
        reads, times, settle = _in_a_thread(base, served_db, update)

    assert times.get("returncode") == 0, IMPORT_LOG.read_text()
    assert len(reads) == SESSIONS * ITERATIONS
    shown = [r for r in reads if r.exceptions]
    assert shown == [], f"sessions showed exceptions: {shown[:5]}"
    odd = [r for r in reads if r.value not in {OLD[r.filter], NEW[r.filter]}]
    assert odd == [], f"figures neither old nor new: {odd[:5]}"
    # the import ran while the sessions read: reads on both sides of it
    assert any(r.started < times["start"] for r in reads)
    late = [r for r in reads if r.started > times["committed"] + NEW_WITHIN_S]
    assert late, "no read after the import: raise ITERATIONS"
    stale = [r for r in late if r.value != NEW[r.filter]]
    assert stale == [], f"old figures {NEW_WITHIN_S} s after the import: {stale[:5]}"
    # within a session, once the new figure showed, the old one never came back
    for session in range(SESSIONS):
        seen_new = False
        for r in sorted((r for r in reads if r.session == session), key=lambda r: r.iteration):
            if r.filter != "federal" and r.value == NEW[r.filter]:
                seen_new = True
            elif seen_new and r.filter != "federal":
                pytest.fail(f"session {session} went back to the old figure: {r}")
    assert settle <= NEW_WITHIN_S, "a reload did not show the new figure within a few seconds"
