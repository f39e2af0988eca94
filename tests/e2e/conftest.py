"""End-to-end fixtures: a demo database, the real Streamlit server, Debian's Chromium.

Every test under tests/e2e/ is marked `e2e` automatically, so `pytest -m "not e2e"` runs
the fast suite and `pytest -m e2e` only the browser tests.

Writing a test::

    from .conftest import assert_no_exception, expect_rerun, wait_for_app_idle

    def test_something(server: str, page: Page) -> None:
        page.goto(server + "/")
        wait_for_app_idle(page)
        with expect_rerun(page):
            page.get_by_role("button", name="Go").click()
        assert_no_exception(page)

The server runs with the repository's .streamlit/config.toml, so error details are hidden
in the browser: the traceback is in tests/output/streamlit-server.log.

Servers: `server` serves the demo store, `fixture_server` the hand-computed small store
(tests/fixtures/small_store.py); both are shared by the session, run in demo mode
(`SELSTATS_DEMO=1`: the sidebar's role switcher, on `bosa` until a test picks another role)
and must not be written to. A test that imports starts its own with `streamlit_server` on a
copy. Widget helpers: `sidebar_widget`/`main_widget` (by label), `choose_option`,
`option_texts`, `metric_value`, `grid_rows` (an `st.dataframe`'s accessible grid).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from google.protobuf.message import DecodeError
from playwright.sync_api import Browser, Locator, Page, WebSocket, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.fixtures.small_store import build_small_store

REPO_ROOT = Path(__file__).resolve().parents[2]
OUTPUT_DIR = REPO_ROOT / "tests" / "output"
SCREENSHOT_DIR = OUTPUT_DIR / "screenshots"
SERVER_LOG = OUTPUT_DIR / "streamlit-server.log"
VENV_BIN = Path(sys.executable).parent  # pytest runs from .venv/bin

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; Playwright's own download cannot work here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SERVER_START_TIMEOUT_S = 60
DEMO_TIMEOUT_S = 600
APP_IDLE_TIMEOUT_MS = 30_000

# A failing demo build fails the e2e tests (False: it only warns and the app gets a path
# with no database behind it).
REQUIRE_DEMO_DB = True


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so `page` can screenshot failed tests."""
    report = yield
    setattr(item, f"_e2e_report_{report.when}", report)
    return report


# --- helpers -------------------------------------------------------------------------------


def wait_for_app_idle(page: Page, timeout_ms: int = APP_IDLE_TIMEOUT_MS) -> None:
    """Wait until Streamlit is connected and has finished running the script.

    Streamlit publishes its state on the root element
    (`<div data-testid="stApp" data-test-connection-state="CONNECTED"
    data-test-script-state="notRunning">`), the same attributes Streamlit's own e2e suite
    waits on. Right after `page.goto` the state is "initial" until the first run starts, so
    this is exact for page loads. After a click or a widget change the state may still read
    "notRunning" from the previous run: use `expect_rerun` around such actions.
    """
    app = page.locator('[data-testid="stApp"]')
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=timeout_ms)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout_ms)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=timeout_ms)
    skeletons = page.locator('[data-testid="stAppSkeleton"], [data-testid="stSkeleton"]')
    expect(skeletons).to_have_count(0, timeout=timeout_ms)


def _is_run_end(payload: bytes | str) -> bool:
    """True for the server message that ends a script run: session status "not running"."""
    if isinstance(payload, str):
        return False
    try:
        message = ForwardMsg.FromString(payload)
    except DecodeError:
        return False
    return (
        message.WhichOneof("type") == "session_status_changed"
        and not message.session_status_changed.script_is_running
    )


# The app's websocket (/_stcore/stream) per page, kept up to date by the `page` fixture.
_STREAMS: dict[Page, WebSocket] = {}


def _track_stream(page: Page) -> None:
    def on_websocket(websocket: WebSocket) -> None:
        if websocket.url.endswith("/_stcore/stream"):
            _STREAMS[page] = websocket

    page.on("websocket", on_websocket)


_SETTLE = """() => new Promise((resolve) => {
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
    setTimeout(() => resolve(true), 200);  // if the page is not being painted
})"""


@contextmanager
def expect_rerun(page: Page, timeout_ms: int = APP_IDLE_TIMEOUT_MS) -> Iterator[None]:
    """Around an action that makes Streamlit rerun: wait until that rerun has finished.

    The page's attributes cannot tell a rerun that has not started yet from one that is
    over, and a fast rerun may never show "running" in the DOM at all. So this waits for
    the server's end-of-run message on the app's websocket, lets the browser render it,
    then checks `wait_for_app_idle`. Fails if the action triggered no rerun.
    """
    wait_for_app_idle(page, timeout_ms)
    stream = _STREAMS.get(page)
    if stream is None:
        pytest.fail("expect_rerun needs the `page` fixture and a loaded app", pytrace=False)
    action_done = False
    try:
        with stream.expect_event("framereceived", predicate=_is_run_end, timeout=timeout_ms):
            yield
            action_done = True
    except PlaywrightTimeoutError:
        if not action_done:
            raise
        pytest.fail(f"the action did not make the app rerun within {timeout_ms} ms")
    page.evaluate(_SETTLE)
    wait_for_app_idle(page, timeout_ms)


def assert_no_exception(page: Page) -> None:
    """Fail if Streamlit shows an exception box anywhere on the page."""
    boxes = page.locator('[data-testid="stException"]')
    count = boxes.count()
    if count:
        texts = "\n---\n".join(boxes.nth(i).inner_text() for i in range(count))
        pytest.fail(
            f"the app shows {count} exception(s) (traceback in {SERVER_LOG}):\n{texts}",
            pytrace=False,
        )


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as tests/output/screenshots/<name>.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sidebar_widget(page: Page, test_id: str, label: str) -> Locator:
    """The sidebar widget of kind `test_id` ("stSelectbox", "stMultiSelect", ...) whose label
    is exactly `label`."""
    widget = page.get_by_test_id("stSidebar").get_by_test_id(test_id)
    return widget.filter(has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))


def main_widget(page: Page, test_id: str, label: str) -> Locator:
    """The widget of kind `test_id` in the page's main area whose label is exactly `label`."""
    widget = page.get_by_test_id("stMain").get_by_test_id(test_id)
    return widget.filter(has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))


def open_options(widget: Locator) -> Locator:
    """Open a selectbox's or multiselect's list (Streamlit 1.67: a combobox) and return the
    options the browser lists."""
    combobox = widget.get_by_role("combobox")
    combobox.click()
    if combobox.get_attribute("aria-expanded") != "true":
        combobox.press("ArrowDown")
    expect(combobox).to_have_attribute("aria-expanded", "true")
    options = widget.page.get_by_role("option")
    expect(options.first).to_be_visible()
    return options


def option_texts(widget: Locator) -> list[str]:
    """The texts of a select widget's options; the list is closed again afterwards."""
    texts = open_options(widget).all_inner_texts()
    widget.page.keyboard.press("Escape")
    return texts


def choose_option(page: Page, widget: Locator, option: str) -> None:
    """Pick `option` (its label, exactly) in a selectbox or multiselect and wait for the
    rerun it causes; a multiselect's list is closed afterwards."""
    with expect_rerun(page):
        open_options(widget)
        page.get_by_role("option", name=option, exact=True).click()
    if page.get_by_role("option").count():  # a multiselect's list stays open
        page.keyboard.press("Escape")


def label(name: str, lang: str = "nl") -> str:
    """A figure's label in `lang`, as the pages head its metric and its column (the figure
    catalogue, selstats.figures)."""
    from selstats.figures import catalogue

    return catalogue().label(name, lang)


def metric_value(page: Page, label: str) -> Locator:
    """The value of the `st.metric` whose label is exactly `label`."""
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return metric.get_by_test_id("stMetricValue")


_GRID_ROWS = """(grid) => [...grid.querySelectorAll("[role=row]")].map((row) =>
    [...row.querySelectorAll("[role=columnheader],[role=gridcell]")].map(
        (cell) => cell.textContent || ""))"""


def grid_rows(table: Locator) -> list[list[str]]:
    """The rows of an `st.dataframe` as its accessible grid lists them (header first), read
    at once. The grid holds the raw values (dates ISO, booleans true/false), not the
    formatted canvas, and only the columns and rows in view."""
    expect(table.locator("[role=row]").first).to_be_attached()
    rows: list[list[str]] = table.evaluate(_GRID_ROWS)
    return rows


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database (scale S, seed 1) built once per session by `selstats demo`."""
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    command = [str(VENV_BIN / "selstats"), "demo", "--scale", "S", "--seed", "1", "--db", str(db)]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=DEMO_TIMEOUT_S
        )
    except OSError as error:  # no `selstats` executable
        failure = str(error)
    else:
        if result.returncode == 0 and db.exists():
            return db
        failure = f"exit {result.returncode}: {(result.stdout + result.stderr).strip()[-2000:]}"
    message = f"`{' '.join(command[1:])}` failed ({failure})"
    if REQUIRE_DEMO_DB:
        pytest.fail(message, pytrace=False)
    warnings.warn(f"{message}; the app gets a path with no database", stacklevel=1)
    for leftover in db.parent.iterdir():
        leftover.unlink()
    return db


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _health(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            body: bytes = response.read()
            return body.decode(errors="replace")
    except (urllib.error.URLError, OSError):
        return ""


def _log_tail(log_path: Path = SERVER_LOG, limit: int = 8000) -> str:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return text[-limit:]


@contextmanager
def streamlit_server(
    db: Path, log_path: Path = SERVER_LOG, *, unset: tuple[str, ...] = (), **env: str
) -> Iterator[str]:
    """`selstats serve` (`streamlit run app.py` as `make run` starts it) serving the store
    `db` on 127.0.0.1 and a free port, with the extra environment `env` and without the
    variables `unset`; yields the base URL. The server's output goes to `log_path`."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "SELSTATS_DB": str(db), "PYTHONUNBUFFERED": "1", **env}
    for name in unset:
        environment.pop(name, None)
    command = [
        str(VENV_BIN / "selstats"),
        "serve",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while _health(f"{base_url}/_stcore/health") != "ok":
            if process.poll() is not None:
                pytest.fail(
                    f"streamlit exited with code {process.returncode} before answering:\n"
                    + _log_tail(log_path),
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit did not answer on {base_url}/_stcore/health within "
                    f"{SERVER_START_TIMEOUT_S} s:\n" + _log_tail(log_path),
                    pytrace=False,
                )
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def server(demo_db: Path) -> Iterator[str]:
    """The real app (`selstats serve`) on a free port serving the demo store in demo
    mode (`SELSTATS_DEMO=1`, as `make run`: the sidebar's role switcher, `bosa` by default);
    yields its base URL."""
    with streamlit_server(demo_db, SERVER_LOG, SELSTATS_DEMO="1") as base_url:
        yield base_url


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-computed small store (tests/fixtures/small_store.py), built once per session.
    Read only: a test that imports into a store works on a copy of it."""
    return build_small_store(tmp_path_factory.mktemp("fixture") / "small.duckdb")


@pytest.fixture(scope="session")
def fixture_server(fixture_db: Path) -> Iterator[str]:
    """The real app serving the small fixture store in demo mode (role `bosa` by default),
    with the default Q-check mode (all Q-checks); yields its base URL. Log:
    tests/output/streamlit-fixture.log."""
    log = OUTPUT_DIR / "streamlit-fixture.log"
    with streamlit_server(
        fixture_db, log, SELSTATS_DEMO="1", SELSTATS_QCHECK_MODE="all_checks"
    ) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup`", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context and page per test; a screenshot is kept if the test fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
    context.set_default_timeout(APP_IDLE_TIMEOUT_MS)
    new_page = context.new_page()
    _track_stream(new_page)
    try:
        yield new_page
        report = getattr(request.node, "_e2e_report_call", None)
        if report is not None and report.failed:
            screenshot(new_page, f"FAILED-{request.node.name}")
    finally:
        _STREAMS.pop(new_page, None)
        context.close()
