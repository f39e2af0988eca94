"""Downloads in the browser, in Dutch, from the real server on the hand-computed small store
(tests/fixtures/small_store.py): the funnel of P-A1 as XLSX and as CSV for Excel, checked
cell by cell (headers, values, number formats) against the page's table and the figures
worked out by hand.

P-A1, by hand (the store's docstring): 8 applicants; lost = reached - passed: 2, 3, 1,
lost share = lost / applicants: 2/8 = 0.25, 3/8 = 0.375, 1/8 = 0.125;
  step 1 Screening:    reached 8, passed 6, failed 1, withdrawn 1;
  step 2 Schriftelijk: reached 6, passed 3, failed 1, absent 1, cut off 1 (A04, top 3);
  step 3 Interview:    reached 3, passed 2, failed 1.
  advance rate = passed / reached: 6/8 = 0.75, 3/6 = 0.5, 2/3;
  share reached = reached / applicants: 8/8 = 1, 6/8 = 0.75, 3/8 = 0.375;
  conversion = passed / applicants: 6/8 = 0.75, 3/8 = 0.375, 2/8 = 0.25.
Every step was held ("afgenomen"). The store's years run from 2023 (the reference procedure
CNG23032 of data/reference/procedures.csv, deadline 2023-05-30, which the store holds) to
2026 (P-B1, P-B2), so the sidebar's default period, which the filter sheet names, is
2023 - 2026.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from playwright.sync_api import Page

from selstats.figures import catalogue
from selstats.i18n import translate

from .conftest import (
    OUTPUT_DIR,
    assert_no_exception,
    grid_rows,
    label,
    screenshot,
    wait_for_app_idle,
)

# The page's table (selstats.ui.funnel_text.FUNNEL_TABLE_COLUMNS), in its order: the
# decisive figures first, the outcome counts and the codes after them.
COLUMNS = [
    "step_no",
    "step_name",
    "reached",
    "passed",
    "advance_rate",
    "conversion",
    "lost",
    "lost_share",
    "failed",
    "absent",
    "withdrawn",
    "not_registered",
    "cut_off",
    "share_reached",
    "held",
    "state",
    "rule",
    "procedure_code",
]
COUNTS = ("reached", "passed", "lost", "failed", "absent", "withdrawn", "not_registered", "cut_off")
RATES = ("advance_rate", "conversion", "lost_share", "share_reached")

# by hand (see above; lost = reached - passed): (step_no, step_name, the counts in COUNTS'
# order, the rates in RATES' order)
STEPS = [
    (1, "Screening", (8, 6, 2, 1, 0, 1, 0, 0), (6 / 8, 6 / 8, 2 / 8, 8 / 8)),
    (2, "Schriftelijk", (6, 3, 3, 1, 1, 0, 0, 1), (3 / 6, 3 / 8, 3 / 8, 6 / 8)),
    (3, "Interview", (3, 2, 1, 1, 0, 0, 0, 0), (2 / 3, 2 / 8, 1 / 8, 3 / 8)),
]


def nl(key: str, **params: object) -> str:
    return translate("nl", key, **params)


def _download(page: Page, button_text: str) -> Path:
    buttons = page.locator(".st-key-funnel_one_downloads").get_by_test_id("stDownloadButton")
    button = buttons.filter(has=page.get_by_text(button_text, exact=True))
    with page.expect_download() as info:
        button.click()
    download = info.value
    saved = OUTPUT_DIR / "downloads" / f"nl-{download.suggested_filename}"
    download.save_as(saved)
    return saved


@pytest.fixture
def funnel_page(fixture_server: str, page: Page) -> Page:
    page.goto(fixture_server + "/funnel?procedure=P-A1")
    wait_for_app_idle(page)
    assert_no_exception(page)
    return page


def _page_headers(page: Page) -> list[str]:
    """The headers the page's funnel table shows (the grid lists those in view)."""
    tables = page.get_by_test_id("stDataFrame")
    header, *_ = grid_rows(tables.nth(tables.count() - 1))
    return [h.strip() for h in header if h.strip()]


def test_xlsx_download_in_dutch_cell_by_cell(funnel_page: Page) -> None:
    page = funnel_page
    saved = _download(page, nl("download.xlsx"))
    assert saved.name == "nl-funnel-P-A1.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(saved.read_bytes()))
    assert book.sheetnames == ["funnel-P-A1", "Filter"]
    sheet = book["funnel-P-A1"]

    headers = [c.value for c in sheet[1]]
    assert headers == [label(name) for name in COLUMNS]
    shown = _page_headers(page)
    assert shown and headers[: len(shown)] == shown  # the page's headers, in its order
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1 + 3

    col = {name: i for i, name in enumerate(COLUMNS)}
    for row, (step_no, name, counts, rates) in zip(sheet.iter_rows(min_row=2), STEPS, strict=True):
        assert row[col["procedure_code"]].value == "P-A1"
        assert (row[col["step_no"]].value, row[col["step_no"]].number_format) == (step_no, "0")
        assert row[col["step_name"]].value == name
        assert row[col["held"]].value is True and row[col["held"]].data_type == "b"
        for count, expected in zip(COUNTS, counts, strict=True):
            cell = row[col[count]]
            assert (cell.value, cell.data_type, cell.number_format) == (expected, "n", "#,##0"), (
                step_no,
                count,
            )
        for rate, expected in zip(RATES, rates, strict=True):
            cell = row[col[rate]]
            # a rate is a percent cell with one decimal (75,0 %), its value the fraction
            assert cell.value == pytest.approx(expected), (step_no, rate)
            assert cell.number_format == "0.0%", (step_no, rate)
        assert row[col["state"]].value == nl("step_state.held")  # "afgenomen", not "held"
        assert isinstance(row[col["rule"]].value, str) and row[col["rule"]].value

    about = {r[0].value: r[1] for r in book["Filter"].iter_rows()}
    assert about["Bestand"].value == "funnel-P-A1.xlsx"
    made = about["Gemaakt op"]
    now = dt.datetime.now(ZoneInfo("Europe/Brussels")).replace(tzinfo=None)
    assert made.is_date and abs(made.value - now) < dt.timedelta(minutes=5)
    assert made.number_format == "dd/mm/yyyy hh:mm"
    assert about[nl("filter.period")].value == "2023 – 2026"
    for name in ("filter.government", "filter.organisation", "filter.level", "filter.procedure"):
        assert about[nl(name)].value == nl("filter.all")
    assert about[nl("download.about_procedure")].value == "P-A1"
    assert_no_exception(page)
    screenshot(page, "download-xlsx-nl")


def test_csv_for_excel_download_in_dutch_cell_by_cell(funnel_page: Page) -> None:
    page = funnel_page
    saved = _download(page, nl("download.csv_excel"))
    assert saved.name == "nl-funnel-P-A1-excel.csv"
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads it as UTF-8
    lines = data[3:].decode("utf-8").splitlines()
    assert lines[0].split(";") == [label(name) for name in COLUMNS]
    assert len(lines) == 1 + 3
    held, state = nl("common.yes"), nl("step_state.held")
    rule = COLUMNS.index("rule")
    expected = [
        # counts as they are; rates with a decimal comma; yes/no and the state in words
        f"1;Screening;8;6;0,75;0,75;2;0,25;1;0;1;0;0;1,0;{held};{state};RULE;P-A1",
        f"2;Schriftelijk;6;3;0,5;0,375;3;0,375;1;1;0;0;1;0,75;{held};{state};RULE;P-A1",
        f"3;Interview;3;2;{_comma(2 / 3)};0,25;1;0,125;1;0;0;0;0;0,375;{held};{state};RULE;P-A1",
    ]
    for line, want in zip(lines[1:], expected, strict=True):
        cells = _split(line)
        assert cells[rule]  # the rule in words (its own test is the funnel's)
        cells[rule] = "RULE"
        assert ";".join(cells) == want
    assert catalogue()["advance_rate"].unit.value == "rate"
    assert_no_exception(page)


def _comma(value: float) -> str:
    """A float as polars writes it (shortest round trip) with a decimal comma."""
    return repr(value).replace(".", ",")


def _split(line: str) -> list[str]:
    import csv

    return next(csv.reader([line], delimiter=";"))
