"""User journeys through the dashboard in a real browser against the real server.

- every page of the navigation opens on the demo store (scale S, seed 1) without an error;
- each page shows a figure worked out by hand on the small fixture store
  (tests/fixtures/small_store.py, whose docstring has the arithmetic);
- a sidebar filter goes into the URL and the page follows it, across a page switch;
- a deep link with filters and a language opens the page as it was, in a fresh context;
- a CSV download holds the contract columns first and the hand-computed figures;
- switching to French changes the labels and the number format;
- uploading files on the explore page: a good file is imported and the funnel shows it,
  a bad one is refused row by row and nothing is imported.

Servers: `server` (demo store) and `fixture_server` (small store) are shared by the
session and never written to; the upload journey gets its own server on a copy of the small
store. All run in demo mode (`SELSTATS_DEMO=1`): the sidebar's role switcher starts on
`bosa` (every organisation, exact figures); the upload journey switches to `admin`.
"""

from __future__ import annotations

import ast
import csv
import io
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import FilePayload, Locator, Page, expect

from selstats.i18n import translate

from .conftest import (
    OUTPUT_DIR,
    REPO_ROOT,
    assert_no_exception,
    choose_option,
    expect_rerun,
    grid_rows,
    label,
    main_widget,
    metric_value,
    option_texts,
    screenshot,
    sidebar_widget,
    streamlit_server,
    wait_for_app_idle,
)


def nl(key: str, **params: object) -> str:
    return translate("nl", key, **params)


def fr(key: str, **params: object) -> str:
    return translate("fr", key, **params)


def app_pages() -> list[tuple[str, str, str]]:
    """app.py's PAGES: (file, url_path, catalogue key of the title), in menu order; read
    from the source, as app.py cannot be imported outside Streamlit."""
    tree = ast.parse((REPO_ROOT / "app.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "PAGES" for target in node.targets
        ):
            return [tuple(entry) for entry in ast.literal_eval(node.value)]
    raise AssertionError("app.py has no PAGES list")


PAGES = app_pages()


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app_idle(page)
    assert_no_exception(page)


def title(page: Page, text: str) -> Locator:
    return page.get_by_role("heading", level=1, name=text, exact=True)


def nav_link(page: Page, url_path: str) -> Locator:
    """The navigation's link to the page served at /<url_path>."""
    links = page.get_by_test_id("stSidebarNavLink")
    for link in links.all():
        if urlparse(link.get_attribute("href") or "").path.strip("/") == url_path:
            return link
    raise AssertionError(f"no navigation link to /{url_path}")


def go_to(page: Page, url_path: str) -> None:
    """Switch page through the navigation, as a user does."""
    with expect_rerun(page):
        nav_link(page, url_path).click()
    expect(page).to_have_url(re.compile(rf"/{re.escape(url_path)}(\?|$)"))
    assert_no_exception(page)


def table_with(page: Page, header: str) -> Locator:
    """The `st.dataframe` that has a column headed `header`."""
    # the grid's accessible table is not exposed to get_by_role: CSS and the exact text
    heading = page.locator("[role=columnheader]").filter(
        has_text=re.compile(rf"^{re.escape(header)}$")
    )
    return page.get_by_test_id("stDataFrame").filter(has=heading)


def row_of(rows: list[list[str]], column: str, value: str) -> dict[str, str]:
    """The one row (as {header: value}) of a grid's rows whose `column` holds `value`."""
    header, *body = rows
    found = [dict(zip(header, row, strict=True)) for row in body]
    found = [row for row in found if row.get(column) == value]
    assert len(found) == 1, (column, value, rows)
    return found[0]


def funnel_step(page: Page, step_no: int, *, applicants: int, steps: int) -> dict[str, str]:
    """One step's row of the funnel table of the procedure the page shows, once the page
    shows it: its `applicants` metric, and its `steps` rows in the grid's accessible table
    (which may lag a moment behind a rerun; the procedure code column is off screen)."""
    expect(metric_value(page, label("applicants"))).to_have_text(str(applicants))
    table = table_with(page, label("reached"))
    rows: list[list[str]] = []
    for _ in range(50):
        rows = grid_rows(table)
        if len(rows) == 1 + steps:
            break
        page.wait_for_timeout(200)
    return row_of(rows, label("step_no"), str(step_no))


# --- 1. every page opens ---------------------------------------------------------------------


def test_every_page_of_the_navigation_opens_on_the_demo_store(server: str, page: Page) -> None:
    open_page(page, server + "/")
    hrefs = [
        urlparse(link.get_attribute("href") or "").path.strip("/")
        for link in page.get_by_test_id("stSidebarNavLink").all()
    ]
    # one organisation's certification is reached from the monitor, not from the menu
    hidden = {"certification_organisation"}
    assert hrefs == [url_path for _, url_path, _ in PAGES if url_path not in hidden]
    # the overview first (open now), then every other page, then back to the overview
    order = [page for page in [*PAGES[1:], PAGES[0]] if page[1] not in hidden]
    expect(title(page, nl(f"page.{PAGES[0][2]}"))).to_be_visible()
    for _, url_path, key in order:
        go_to(page, url_path)
        expect(title(page, nl(f"page.{key}"))).to_be_visible()
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
        # bosa sees every organisation's figures: some figure or table is on the page
        content = page.get_by_test_id("stMain").locator(
            '[data-testid="stMetric"], [data-testid="stDataFrame"], [data-testid="stVegaLiteChart"]'
        )
        expect(content.first).to_be_visible()
        screenshot(page, f"journey-demo-{key}")


def _overview(page: Page) -> None:
    # applicants: P-A1 8 + P-B1 5 + P-B2 2 = 15; 3 procedures; 3 laureates (A01, A03, B01)
    expect(metric_value(page, label("applicants"))).to_have_text("15")
    expect(metric_value(page, label("procedures"))).to_have_text("3")
    expect(metric_value(page, label("laureates"))).to_have_text("3")
    # median of the lead times 35 and 30 days = 32,5 days
    expect(metric_value(page, label("median_lead_days"))).to_have_text(
        nl("common.days", days="32,5")
    )


def _funnel(page: Page) -> None:
    # P-A1: 8 applicants, 2 laureates (A01, A03), 3 steps
    expect(metric_value(page, label("applicants"))).to_have_text("8")
    # the largest loss: step 1 lost 8 - 6 = 2, step 2 6 - 3 = 3, step 3 3 - 2 = 1 of the 8
    # applicants: step 2, 3 of 8 = 37,5 %
    expect(page.get_by_test_id("stMain")).to_contain_text("3 van de 8 sollicitanten (37,5 %)")
    # step 2: A01-A06 reached it (6); 3 passed, A05 failed, A06 absent, A04 cut off (top 3):
    # 6 - 3 = 3 lost (the decisive columns come first; the outcome counts follow off screen)
    step = funnel_step(page, 2, applicants=8, steps=3)
    assert step[label("reached")] == "6"
    assert step[label("passed")] == "3"
    assert step[label("lost")] == "3"


def _pass_rates(page: Page) -> None:
    # P-A1, over its three steps: met the mark 6 + 4 + 2 = 12 of 7 + 5 + 3 = 15 who sat
    # (A08 withdrew at step 1, A06 was absent at step 2) -> 80,0 %; no-shows: A06 of the
    # 8 + 6 + 3 = 17 who reached a step -> 1/17 = 5,9 %
    expect(metric_value(page, label("pass_rate"))).to_have_text("80,0 %")
    expect(metric_value(page, label("no_show_rate"))).to_have_text("5,9 %")


def _salaries(page: Page) -> None:
    # the latest index coefficient of data/reference/index_coefficients.csv: 2.1647 (2026)
    expect(page.get_by_test_id("stMain")).to_contain_text("2,1647")


def _certification(page: Page) -> None:
    # as of 2026-12-15, ORG-A's yearly review (2027-03-01) is the one within 90 days
    expect(metric_value(page, label("reviews_due"))).to_have_text("1")


def _certification_organisation(page: Page) -> None:
    # ORG-A, all Q-checks of its AZ consultants in the window: (70 + 90 + 95 + 70) / 4
    mode = nl("certification.mode.all_checks")
    expect(metric_value(page, f"{label('qcheck_figure')} ({mode})")).to_have_text("81,25 %")
    expect(metric_value(page, label("qcheck_count"))).to_have_text("4")


def _reserve_lists(page: Page) -> None:
    # P-A1's list of 2025-04-05, valid 12 months: last valid day 04/04/2026; 2 laureates
    expect(metric_value(page, label("valid_through"))).to_have_text("04/04/2026")
    expect(metric_value(page, label("size"))).to_have_text("2")


def _explore(page: Page) -> None:
    # the laureates: A01, A03 (P-A1) and B01 (P-B1)
    expect(page.get_by_test_id("stMain")).to_contain_text(nl("explore.rows", shown=3, total=3))


def _definitions(page: Page) -> None:
    # every figure of the catalogue, each with its label and definition; searched for
    # "rate" (the URL keeps the search): the two ratios that once shared a name stand apart
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text(label("advance_rate"))
    expect(main).to_contain_text(label("pass_rate"))
    expect(main).to_contain_text("queries/funnel.sql")


def _planner(page: Page) -> None:
    # level A, one interview, 1 place, 3 applicants: P-A1's interview alone (2 of 3 passed),
    # Binomial(3, 2/3) -> 3 x 2/3 = 2,0 laureates expected; lead times 35 and 30 days,
    # median 32,5 -> "33 dagen" (tests/pages/test_planner.py derives it step by step)
    expect(metric_value(page, label("expected_laureates"))).to_have_text("2,0")
    expect(metric_value(page, label("lead_median"))).to_have_text(nl("common.days", days="33"))


KNOWN_FIGURES: dict[str, tuple[str, Callable[[Page], None]]] = {
    "overview": ("", _overview),
    "funnel": ("?procedure=P-A1", _funnel),
    "pass_rates": ("?procs=P-A1", _pass_rates),
    "salaries": ("", _salaries),
    "certification": ("?as_of=2026-12-15", _certification),
    "certification_organisation": ("?org=ORG-A", _certification_organisation),
    "reserve_lists": ("?procs=P-A1", _reserve_lists),
    "explore": ("?table=laureates", _explore),
    "definitions": ("?search=rate", _definitions),
    "planner": (
        "?plan_level=A&plan_steps=1&plan_kind_1=interview&plan_places=1&plan_applicants=3",
        _planner,
    ),
}


def test_every_page_has_a_known_figure() -> None:
    """Each page of app.py has its check below (a page added later needs one)."""
    assert sorted(KNOWN_FIGURES) == sorted(key for _, _, key in PAGES)


@pytest.mark.parametrize(("url_path", "key"), [(url_path, key) for _, url_path, key in PAGES])
def test_known_figure_on_the_fixture_store(
    fixture_server: str, page: Page, url_path: str, key: str
) -> None:
    query, check = KNOWN_FIGURES[key]
    open_page(page, f"{fixture_server}/{url_path}{query}")
    expect(title(page, nl(f"page.{key}"))).to_be_visible()
    check(page)
    assert_no_exception(page)
    screenshot(page, f"journey-fixture-{key}")


def test_at_1024_px_the_certification_reason_is_in_view(fixture_server: str, page: Page) -> None:
    """The reason an organisation falls short is the second column of the monitor's tables,
    in view without scrolling sideways on a 1024 px screen (the grid's accessible table
    lists only the columns in view)."""
    page.set_viewport_size({"width": 1024, "height": 900})
    # ORG-A's yearly review (2027-03-01) falls within 90 days of 2026-12-15
    open_page(page, f"{fixture_server}/certification?section=reviews&as_of=2026-12-15")
    table = table_with(page, label("reasons"))
    header, *body = grid_rows(table)
    assert header.index(label("reasons")) == header.index(label("org_name")) + 1
    assert any("Dienst Alfa" in row for row in body)
    assert_no_exception(page)
    screenshot(page, "certification-reviews-1024")


def test_at_1024_px_the_longest_french_reason_wraps_in_view(
    fixture_server: str, page: Page
) -> None:
    """The reasons of ORG-B (nobody: every condition unmet, the longest French reason
    "pas de consultant tests de sélection, rôle linguistique néerlandais" among them) are
    the second column of every organisation's table, in view at 1024 px, in rows tall
    enough to wrap them: the grid wraps only in rows taller than 64 px, and the table of the
    6 organisations (ORG-A, ORG-B and the 4 reference ones) is then 38 + 6 x 71 = 464 px
    high (3 lines of 19 px + 14; one line: 35 px a row, and the grid's own height at most
    400)."""
    page.set_viewport_size({"width": 1024, "height": 900})
    open_page(page, f"{fixture_server}/certification?section=all&as_of=2026-12-15&lang=fr")
    table = table_with(page, label("reasons", "fr"))
    header, *body = grid_rows(table)
    assert header.index(label("reasons", "fr")) == header.index(label("org_name", "fr")) + 1
    org_b = row_of([header, *body], label("org_name", "fr"), "Stad Beta")
    longest = fr("certification.reason.missing_tests_nl")
    assert longest == "pas de consultant tests de sélection, rôle linguistique néerlandais"
    assert longest in org_b[label("reasons", "fr")]
    box = table.bounding_box()
    assert box is not None and box["height"] == pytest.approx(38 + 6 * 71, abs=2)
    # the reasons column (300 px) beside the organisation's name fits the table's width
    assert box["x"] + box["width"] <= 1024
    assert_no_exception(page)
    screenshot(page, "certification-all-fr-1024")


# --- 2. a sidebar filter goes into the URL ---------------------------------------------------


def test_a_sidebar_filter_goes_into_the_url_and_the_page_follows(
    fixture_server: str, page: Page
) -> None:
    open_page(page, fixture_server + "/funnel")
    procedure = main_widget(page, "stSelectbox", nl("funnel.procedure"))
    assert any(text.startswith("P-A1 ") for text in option_texts(procedure))
    assert "govs" not in query_of(page)

    government = sidebar_widget(page, "stMultiSelect", nl("filter.government"))
    choose_option(page, government, nl("government.local"))
    expect(page).to_have_url(re.compile(r"[?&]govs=local(&|$)"))
    assert query_of(page)["govs"] == ["local"]
    # ORG-B is local: P-B1 and P-B2 stay; P-A1 (ORG-A, federal) is gone. (The store also
    # holds the reference procedures of data/reference/, without results, some local.)
    codes = [text.split(" ")[0] for text in option_texts(procedure)]
    assert {"P-B1", "P-B2"} <= set(codes)
    assert "P-A1" not in codes
    expect(page.get_by_test_id("stMain")).not_to_contain_text("Dienst Alfa")

    # the filter stays in the URL across a page switch; the overview counts ORG-B only
    go_to(page, "")
    expect(page).to_have_url(re.compile(r"[?&]govs=local(&|$)"))
    # applicants P-B1 5 + P-B2 2 = 7, 2 procedures
    expect(metric_value(page, label("applicants"))).to_have_text("7")
    expect(metric_value(page, label("procedures"))).to_have_text("2")
    screenshot(page, "journey-filter-govs-local")


# --- 3. a deep link ---------------------------------------------------------------------------


def test_a_deep_link_opens_the_page_as_it_was(fixture_server: str, page: Page) -> None:
    """`page` is a fresh browser context: nothing but the URL says what to show."""
    open_page(page, fixture_server + "/funnel?orgs=ORG-B&lang=fr")
    expect(title(page, fr("page.funnel"))).to_be_visible()
    expect(nav_link(page, "explore")).to_have_text(fr("page.explore"))
    organisation = sidebar_widget(page, "stMultiSelect", fr("filter.organisation"))
    expect(organisation).to_contain_text("Stad Beta")
    expect(organisation).not_to_contain_text("Dienst Alfa")
    procedure = main_widget(page, "stSelectbox", fr("funnel.procedure"))
    codes = sorted(text.split(" ")[0] for text in option_texts(procedure))
    assert codes == ["P-B1", "P-B2"]
    expect(metric_value(page, label("applicants", "fr"))).to_be_visible()
    main = page.get_by_test_id("stMain")
    expect(main).not_to_contain_text("Dienst Alfa")
    expect(main).not_to_contain_text("P-A1")
    assert query_of(page) == {"orgs": ["ORG-B"], "lang": ["fr"]}
    screenshot(page, "journey-deep-link-fr")


# --- 4. a download ---------------------------------------------------------------------------

# The funnel's contract columns (the data contract, table `funnel`), in their order.
FUNNEL_CONTRACT = [
    "procedure_code",
    "step_no",
    "step_name",
    "held",
    "reached",
    "passed",
    "failed",
    "absent",
    "withdrawn",
    "not_registered",
    "cut_off",
]


def test_a_csv_download_holds_the_table_as_shown_in_the_users_language(
    fixture_server: str, page: Page
) -> None:
    open_page(page, fixture_server + "/funnel?procedure=P-A1")
    buttons = page.locator(".st-key-funnel_one_downloads").get_by_test_id("stDownloadButton")
    csv_button = buttons.filter(has=page.get_by_text(nl("download.csv"), exact=True))
    with page.expect_download() as info:
        csv_button.click()
    download = info.value
    assert download.suggested_filename == "funnel-P-A1.csv"
    saved = OUTPUT_DIR / "downloads" / download.suggested_filename
    download.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
    # the headers as the table shows them, in Dutch and in the table's order (`selstats
    # export funnel` keeps the contract's own names and order for scripts); yes/no as
    # words ("ja"); read here in the contract's order
    header = rows[0]
    assert set(header) >= {label(name) for name in FUNNEL_CONTRACT}
    at = [header.index(label(name)) for name in FUNNEL_CONTRACT]
    assert [[row[i] for i in at] for row in rows[1:]] == [
        # step 1: 8 = 6 passed (A01-A06) + 1 failed (A07) + 1 withdrawn (A08)
        ["P-A1", "1", "Screening", "ja", "8", "6", "1", "0", "1", "0", "0"],
        # step 2: 6 = 3 passed (18, 16, 15) + 1 failed (A05, 9 < 10) + 1 absent (A06)
        #         + 1 cut off (A04, 14: met the mark, not in the top 3)
        ["P-A1", "2", "Schriftelijk", "ja", "6", "3", "1", "1", "0", "0", "1"],
        # step 3: 3 = 2 passed (80, 70) + 1 failed (45 < 50)
        ["P-A1", "3", "Interview", "ja", "3", "2", "1", "0", "0", "0", "0"],
    ]
    assert_no_exception(page)
    screenshot(page, "journey-download")


# --- 5. French ---------------------------------------------------------------------------------


def test_switching_to_french_changes_labels_and_number_format(server: str, page: Page) -> None:
    open_page(page, server + "/")
    expect(title(page, nl("page.overview"))).to_be_visible()
    choose_option(page, sidebar_widget(page, "stSelectbox", nl("app.language")), "Français")
    expect(title(page, fr("page.overview"))).to_be_visible()
    expect(nav_link(page, "funnel")).to_have_text(fr("page.funnel"))
    expect(sidebar_widget(page, "stMultiSelect", fr("filter.government"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]lang=fr(&|$)"))
    # The demo store (scale S) has over a thousand applicants: "1.192", a point between
    # the thousands; fractions with a decimal comma: "21,3 %", "38,0 jours".
    expect(metric_value(page, label("applicants", "fr"))).to_have_text(
        re.compile(r"^\d{1,3}(\.\d{3})+$")
    )
    expect(metric_value(page, label("laureates_per_applicant", "fr"))).to_have_text(
        re.compile(r"^\d{1,2},\d %$")
    )
    days = re.escape(fr("common.days", days="@")).replace("@", r"\d+,\d")
    expect(metric_value(page, label("median_lead_days", "fr"))).to_have_text(
        re.compile(f"^{days}$")
    )
    assert_no_exception(page)
    screenshot(page, "journey-french")


# --- 7. upload ---------------------------------------------------------------------------------

HEADER = "procedure_code,candidate_ref,step_no,score,outcome,result_date\n"
# P-B2 step 2 (written, /100, pass mark 50 %): B21 70 passes, B22 40 fails.
GOOD_RESULTS = HEADER + "P-B2,B21,2,70,,2026-10-20\nP-B2,B22,2,40,,2026-10-20\n"
# Line 2 is valid (it would make B21 fail), lines 3 and 4 are not: nothing may be imported.
BAD_RESULTS = HEADER + "P-B2,B21,2,30,,2026-10-20\nP-B2,B22,two,55,,2026-10-20\n"
BAD_RESULTS += "P-B2,B22,2,veel,,2026-10-20\n"


@pytest.fixture
def upload_server(fixture_db: Path, tmp_path: Path) -> Iterator[str]:
    """A server of its own, on a copy of the small store, for the journey that imports."""
    db = tmp_path / "upload.duckdb"
    shutil.copyfile(fixture_db, db)
    log = OUTPUT_DIR / "streamlit-upload.log"
    with streamlit_server(db, log, SELSTATS_DEMO="1", SELSTATS_QCHECK_MODE="all_checks") as url:
        yield url


def _take_role(page: Page, role: str) -> None:
    switcher = sidebar_widget(page, "stSelectbox", nl("access.demo_role"))
    choose_option(page, switcher, nl(f"access.role.{role}"))


def _upload_and_import(page: Page, name: str, content: str) -> None:
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    with expect_rerun(page):
        uploader.set_input_files(
            files=FilePayload(name=name, mimeType="text/csv", buffer=content.encode("utf-8"))
        )
    expect(page.get_by_test_id("stFileChipName")).to_have_text(name)
    with expect_rerun(page):
        page.get_by_role("button", name=nl("explore.import_button"), exact=True).click()
    wait_for_app_idle(page)


def test_upload_imports_a_good_file_and_refuses_a_bad_one(upload_server: str, page: Page) -> None:
    open_page(page, upload_server + "/explore")
    expect(page.get_by_text(nl("explore.import_not_allowed"))).to_be_visible()  # bosa
    _take_role(page, "admin")
    assert_no_exception(page)

    # a good file: imported, with a summary
    _upload_and_import(page, "results.csv", GOOD_RESULTS)
    expect(page.get_by_text(nl("explore.import_succeeded", files=1))).to_be_visible()
    assert grid_rows(table_with(page, label("rows_imported"))) == [
        [label("table_name"), label("rows_imported")],
        ["results", "2"],
    ]
    assert_no_exception(page)
    screenshot(page, "journey-upload-good")

    # the funnel shows it: P-B2 step 2 held, reached by B21 and B22, 1 passed, 1 failed
    go_to(page, "funnel")
    _take_role(page, "bosa")
    procedure = main_widget(page, "stSelectbox", nl("funnel.procedure"))
    choose_option(page, procedure, "P-B2 — Medewerker — Stad Beta")
    step = funnel_step(page, 2, applicants=2, steps=2)
    assert step[label("reached")] == "2"
    assert step[label("passed")] == "1"
    assert step[label("failed")] == "1"
    assert_no_exception(page)
    screenshot(page, "journey-upload-funnel")

    # a bad file: every problem on a row of its own (file, row, column, value), nothing
    # imported
    go_to(page, "explore")
    _take_role(page, "admin")
    _upload_and_import(page, "results.csv", BAD_RESULTS)
    expect(page.get_by_text(nl("explore.import_failed", count=2))).to_be_visible()
    # every problem as a full sentence on the page; the table of them in an expander
    as_table = page.get_by_test_id("stExpander").filter(has_text=nl("explore.import_as_table"))
    as_table.get_by_text(nl("explore.import_as_table"), exact=True).click()
    problems = grid_rows(table_with(page, label("problem")))
    assert problems[0][:4] == [
        label("file_name"),
        label("problem_row"),
        label("problem_column"),
        label("problem_value"),
    ]
    # rows counted as in the file, the header being row 1
    assert [row[:4] for row in problems[1:]] == [
        ["results.csv", "3", "step_no", "two"],
        ["results.csv", "4", "score", "veel"],
    ]
    assert all(row[4] for row in problems[1:])  # a sentence for each
    assert_no_exception(page)
    table_with(page, label("problem")).scroll_into_view_if_needed()
    screenshot(page, "journey-upload-bad")

    # nothing imported: the import log still holds the good file only, and in a new
    # session the funnel of P-B2 is as the good file left it (B21 still passed)
    log = page.get_by_test_id("stExpander").filter(has_text=nl("explore.import_log"))
    log.get_by_text(nl("explore.import_log"), exact=True).click()
    log_rows = grid_rows(log.get_by_test_id("stDataFrame"))
    assert len(log_rows) == 2, log_rows
    open_page(page, upload_server + "/funnel?procedure=P-B2")
    step = funnel_step(page, 2, applicants=2, steps=2)
    assert (step[label("passed")], step[label("failed")]) == ("1", "1")
