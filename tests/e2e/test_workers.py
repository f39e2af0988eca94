"""`selstats serve --workers 2`: two Streamlit workers behind real nginx, in Chromium.

- every page is served through the proxy, and the sticky cookie is set;
- a worker killed with SIGKILL: its browser reconnects to the other worker by itself and
  its cookie moves along; the page works there (a filter change, a download from /media),
  with the filters of the URL (the session's other state was in the dead worker); the
  supervisor starts the killed worker again;
- an import while serving reaches both workers: two browser contexts pinned to w0 and w1
  (the cookie set by hand; nginx's access log, with a user agent per context, shows each
  context's websocket on its own worker) both show the new figure after a reload.

Figures, by hand (tests/fixtures/small_store.py), the overview's "Sollicitanten" metric
(candidates at the first step of every procedure with results):
- no filter: P-A1 8 + P-B1 5 + P-B2 2 = 15
- govs=local (ORG-B): P-B1 5 + P-B2 2 = 7
- local + federal (ORG-A): 7 + 8 = 15
The import adds candidate B23, passed at step 1 of P-B2: 15 + 1 = 16 without a filter.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from selstats.figures import catalogue
from selstats.i18n import translate
from tests.fixtures.small_store import build_small_store

from .conftest import (
    APP_IDLE_TIMEOUT_MS,
    OUTPUT_DIR,
    REPO_ROOT,
    VENV_BIN,
    _free_port,
    _health,
    _log_tail,
    _track_stream,
    assert_no_exception,
    choose_option,
    metric_value,
    sidebar_widget,
    wait_for_app_idle,
)

HAS_NGINX = shutil.which("nginx") is not None or os.access("/usr/sbin/nginx", os.X_OK)
pytestmark = pytest.mark.skipif(
    not HAS_NGINX,
    reason="nginx is not installed: `selstats serve --workers N` needs it "
    "(scripts/setup.sh installs Debian's nginx)",
)

START_TIMEOUT_S = 180
RECONNECT_TIMEOUT_MS = 60_000
PAGES = [  # app.py's PAGES: (url path, catalogue key)
    ("", "overview"),
    ("funnel", "funnel"),
    ("pass_rates", "pass_rates"),
    ("salaries", "salaries"),
    ("certification", "certification"),
    ("reserve_lists", "reserve_lists"),
    ("explore", "explore"),
]
APPLICANTS = catalogue().label("applicants", "nl")
GOVERNMENT = translate("nl", "filter.government")
LOCAL = translate("nl", "government.local")
FEDERAL = translate("nl", "government.federal")


def nl(key: str) -> str:
    return translate("nl", key)


@dataclass
class Served:
    url: str
    log_path: Path
    run_dir: Path
    process: subprocess.Popen[bytes]

    def log(self) -> str:
        return _log_tail(self.log_path, 200_000)

    def worker_pids(self) -> dict[int, int]:
        """The latest pid of each worker, from the supervisor's log."""
        found: dict[int, int] = {}
        for index, pid in re.findall(r"worker (\d+): pid (\d+) on port", self.log()):
            found[int(index)] = int(pid)
        return found

    def worker_ports(self) -> dict[int, int]:
        found = re.findall(r"worker (\d+): pid \d+ on port (\d+)", self.log())
        return {int(index): int(port) for index, port in found}

    def access_log(self) -> str:
        path = self.run_dir / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def workers_of(self, user_agent: str, path: str = "") -> set[int]:
        """The workers (by index) that answered the requests of one browser context (its
        user agent) in nginx's access log; only `path`'s requests when given. A websocket
        is logged when it closes: waits a little for one."""
        by_port = {port: index for index, port in self.worker_ports().items()}
        pattern = (
            rf'"GET {re.escape(path)}[^"]*" \d+ .*"{re.escape(user_agent)}" '
            r"worker=127\.0\.0\.1:(\d+)$"
        )
        deadline = time.monotonic() + 10
        while True:
            found = re.findall(pattern, self.access_log(), re.M)
            if found or time.monotonic() > deadline:
                return {by_port[int(port)] for port in found}
            time.sleep(0.2)

    def restarted(self, index: int, old_pid: int) -> bool:
        """Whether worker `index` runs again under a new pid and answered since."""
        pid = self.worker_pids().get(index)
        if pid is None or pid == old_pid:
            return False
        return f"worker {index} (port" in self.log().split(f"worker {index}: pid {pid} on")[-1]


@contextmanager
def serve_workers(db: Path, name: str, tmp_path: Path, workers: int = 2) -> Iterator[Served]:
    """`selstats serve --workers N` on the store `db` in demo mode, until every worker
    answered; its log is tests/output/streamlit-<name>-<pid>.log, nginx's run directory
    `tmp_path/run` (kept, for the access log)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = OUTPUT_DIR / f"streamlit-{name}-{os.getpid()}.log"
    run_dir = tmp_path / "run"
    env = {
        **os.environ,
        "SELSTATS_DB": str(db),
        "SELSTATS_DEMO": "1",
        "SELSTATS_RUN_DIR": str(run_dir),
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        str(VENV_BIN / "selstats"),
        "serve",
        "--workers",
        str(workers),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    served = Served(url, log_path, run_dir, process)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while (
            "workers behind nginx" not in served.log() or _health(f"{url}/_stcore/health") != "ok"
        ):
            if process.poll() is not None:
                pytest.fail(
                    f"selstats serve exited ({process.returncode}):\n{served.log()[-5000:]}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"workers not ready in {START_TIMEOUT_S} s:\n{served.log()[-5000:]}")
            time.sleep(0.2)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    # a clean stop: nginx and both workers gone with the supervisor
    assert process.returncode == 0, served.log()[-3000:]
    for pid in served.worker_pids().values():
        assert not _alive(pid), f"worker {pid} outlived the supervisor"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").exists() and " Z " not in Path(f"/proc/{pid}/stat").read_text()


def _new_page(
    browser: Browser, user_agent: str, worker: str | None = None, base: str = ""
) -> tuple[BrowserContext, Page]:
    """A browser context of its own (its own cookies), told apart in nginx's access log by
    its user agent; pinned to `worker` (w0, w1) when given."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="en-GB", user_agent=user_agent
    )
    context.set_default_timeout(APP_IDLE_TIMEOUT_MS)
    if worker is not None:
        context.add_cookies([{"name": "selstats_worker", "value": worker, "url": base}])
    page = context.new_page()
    _track_stream(page)
    return context, page


def _worker_cookie(context: BrowserContext) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == "selstats_worker"), None)


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return build_small_store(tmp_path / "served.duckdb")


def test_every_page_is_served_through_the_proxy(
    small_db: Path, tmp_path: Path, browser: Browser
) -> None:
    with serve_workers(small_db, "workers-pages", tmp_path) as served:
        context, page = _new_page(browser, "selstats-test-pages")
        try:
            for url_path, key in PAGES:
                page.goto(f"{served.url}/{url_path}")
                wait_for_app_idle(page)
                expect(page.locator("h1").first).to_have_text(nl(f"page.{key}"))
                assert_no_exception(page)
            worker = _worker_cookie(context)
            assert worker in {"w0", "w1"}
            page.goto(f"{served.url}/")
            wait_for_app_idle(page)
            expect(metric_value(page, APPLICANTS)).to_have_text("15")
        finally:
            context.close()
        # every request of this browser (pages, scripts, its websockets) went to the one
        # worker its cookie names
        assert served.workers_of("selstats-test-pages") == {int(worker[1:])}
        assert served.workers_of("selstats-test-pages", "/_stcore/stream") == {int(worker[1:])}


def test_a_killed_worker_s_browser_reconnects_to_the_other_one(
    small_db: Path, tmp_path: Path, browser: Browser
) -> None:
    with serve_workers(small_db, "workers-kill", tmp_path) as served:
        context, page = _new_page(browser, "selstats-test-kill")
        try:
            page.goto(served.url + "/")
            wait_for_app_idle(page)
            government = sidebar_widget(page, "stMultiSelect", GOVERNMENT)
            choose_option(page, government, LOCAL)
            expect(metric_value(page, APPLICANTS)).to_have_text("7")
            assert "govs=local" in page.url
            first = _worker_cookie(context)
            assert first in {"w0", "w1"}
            index = int(first[1:])
            victim = served.worker_pids()[index]

            os.kill(victim, signal.SIGKILL)

            # Streamlit's client notices and reconnects by itself, through nginx to the
            # other worker, whose handshake response moves the cookie there
            other = f"w{1 - index}"
            deadline = time.monotonic() + RECONNECT_TIMEOUT_MS / 1000
            while _worker_cookie(context) != other:
                assert time.monotonic() < deadline, "the browser did not reconnect"
                page.wait_for_timeout(200)
            wait_for_app_idle(page, RECONNECT_TIMEOUT_MS)
            # the page drawn before stays on screen (the client does not rerun on its own)
            expect(metric_value(page, APPLICANTS)).to_have_text("7")
            assert "govs=local" in page.url
            assert_no_exception(page)

            # The session works on its new worker: a filter change. That worker has no
            # session of this id, so the click's rerun is the first run of a new session,
            # which takes its filters from the URL (`selstats.ui.state`): the click can be
            # undone once (Streamlit 1.67; the README says so). A second click then works.
            clicks = 0
            while clicks < 2 and "govs=federal" not in page.url:
                government = sidebar_widget(page, "stMultiSelect", GOVERNMENT)
                choose_option(page, government, FEDERAL)
                clicks += 1
                assert_no_exception(page)
                expect(metric_value(page, APPLICANTS)).to_have_text(re.compile(r"^(7|15)$"))
            assert "govs=federal" in page.url, f"the filter did not take in {clicks} clicks"
            expect(metric_value(page, APPLICANTS)).to_have_text("15")
            # and a download from /media: it must reach the worker holding the session
            buttons = page.locator(".st-key-overview_downloads").get_by_test_id("stDownloadButton")
            with page.expect_download() as info:
                buttons.filter(has=page.get_by_text(nl("download.csv"), exact=True)).click()
            saved = tmp_path / "overview.csv"
            info.value.save_as(saved)
            rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
            # per year, local + federal: 7 + 8 applicants in all
            assert sum(int(r[APPLICANTS]) for r in rows) == 15  # the column headed by its label
            assert_no_exception(page)
        finally:
            context.close()

        # the supervisor noted the exit, started the worker again, and it answers
        assert f"worker {index} (pid {victim}, port" in served.log()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not served.restarted(index, victim):
            assert time.monotonic() < deadline, served.log()[-3000:]
            time.sleep(0.5)
        assert not _alive(victim)
        # after the kill this browser's requests went only to the other worker
        assert served.workers_of("selstats-test-kill", "/media/") == {1 - index}


def _add_applicant(folder: Path) -> Path:
    folder.mkdir()
    results = {"procedure_code": ["P-B2"], "candidate_ref": ["B23"], "step_no": [1]}
    pl.DataFrame({**results, "outcome": ["passed"]}).write_csv(folder / "results.csv")
    return folder


def test_an_import_while_serving_reaches_both_workers(
    small_db: Path, tmp_path: Path, browser: Browser
) -> None:
    update = _add_applicant(tmp_path / "update")
    with serve_workers(small_db, "workers-import", tmp_path) as served:
        pages: dict[str, tuple[BrowserContext, Page]] = {}
        try:
            for worker in ("w0", "w1"):
                pages[worker] = _new_page(browser, f"selstats-test-{worker}", worker, served.url)
                page = pages[worker][1]
                page.goto(served.url + "/")
                wait_for_app_idle(page)
                expect(metric_value(page, APPLICANTS)).to_have_text("15")
                assert _worker_cookie(pages[worker][0]) == worker  # nginx kept it

            done = subprocess.run(
                [str(VENV_BIN / "selstats"), "import", str(update), "--db", str(small_db)],
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, done.stdout + done.stderr

            for _, page in pages.values():
                # a filter change reruns the page on its worker: it reads the new file
                choose_option(page, sidebar_widget(page, "stMultiSelect", GOVERNMENT), LOCAL)
                expect(metric_value(page, APPLICANTS)).to_have_text("8")  # 7 + B23
                page.goto(served.url + "/")
                wait_for_app_idle(page)
                expect(metric_value(page, APPLICANTS)).to_have_text("16")
                assert_no_exception(page)
        finally:
            for context, _ in pages.values():
                context.close()
        # each context's requests, its websockets too, went to its own worker: both read it
        for worker in ("w0", "w1"):
            assert served.workers_of(f"selstats-test-{worker}") == {int(worker[1:])}
            assert served.workers_of(f"selstats-test-{worker}", "/_stcore/stream") == {
                int(worker[1:])
            }
