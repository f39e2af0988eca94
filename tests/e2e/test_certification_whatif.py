"""The certification page's what-if in a real browser: a consultant leaves, the page says
what the organisation then qualifies for and what it lacks.

On the small fixture store (tests/fixtures/small_store.py), ORG-A holds client
certification: AZ consultants CA1 (nl) and CA2 (fr), selection-tests consultants CA3 (nl)
and CA4 (fr), PRO Partner CA5 without a certificate, so 4 certified people, every language
role covered, and a Q-check average of (70 + 90 + 95 + 70) / 4 = 81,25 % over all checks.
Without CA4, the only French-speaking selection-tests consultant:
- no selection-tests consultant for the French language role;
- 3 certified people (CA1, CA2, CA3) instead of 4;
- the Q-checks are those of the AZ consultants, so the average stays 81,25 %;
so ORG-A falls back from client to individual certification.

On the demo store (scale S, seed 1), as the page's author gave it: with the per-consultant
average, FED-10 falls back to individual certification when CONS-0023 leaves, because its
Q-check average drops under 80 %.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from selstats.figures import catalogue
from selstats.i18n import translate

from .conftest import (
    assert_no_exception,
    choose_option,
    expect_rerun,
    main_widget,
    metric_value,
    screenshot,
    wait_for_app_idle,
)


def nl(key: str, **params: object) -> str:
    return translate("nl", key, **params)


CLIENT = nl("certification.client")
INDIVIDUAL = nl("certification.individual")
FALLS = nl("certification.whatif_falls", before=CLIENT, after=INDIVIDUAL)
ALL_CHECKS = nl("certification.mode.all_checks")
PER_CONSULTANT = nl("certification.mode.per_consultant")


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app_idle(page)
    assert_no_exception(page)


def leave(page: Page, consultant: str) -> None:
    """Open the what-if's tab (the detail opens on the conditions) and pick the consultant
    who leaves."""
    tab = page.get_by_role("tab", name=nl("certification.tab_whatif"), exact=True)
    if tab.get_attribute("aria-selected") != "true":
        with expect_rerun(page):  # a tab is kept in the URL: choosing one reruns the page
            tab.click()
        expect(page).to_have_url(re.compile(r"[?&]section=whatif(&|$)"))
    picker = main_widget(page, "stSelectbox", nl("certification.whatif_pick"))
    choose_option(page, picker, consultant)
    assert_no_exception(page)


def missing(page: Page) -> list[str]:
    """The bullets under "Ontbreekt dan voor klantcertificering:"."""
    block = page.get_by_test_id("stMarkdown").filter(has_text=nl("certification.whatif_missing"))
    return block.locator("li").all_inner_texts()


def test_without_the_only_french_tests_consultant_org_a_loses_client_certification(
    fixture_server: str, page: Page
) -> None:
    open_page(page, fixture_server + "/certification?org=ORG-A")
    expect(metric_value(page, catalogue().label("qualifies_for", "nl"))).to_have_text(CLIENT)
    expect(page.get_by_text(FALLS)).to_have_count(0)

    leave(page, "CA4")
    expect(metric_value(page, nl("certification.whatif_level"))).to_have_text(INDIVIDUAL)
    figure = nl("certification.whatif_figure", mode=ALL_CHECKS)
    expect(metric_value(page, figure)).to_have_text("81,25 %")  # CA4 is not an AZ consultant
    expect(page.get_by_test_id("stAlertContainer").filter(has_text=FALLS)).to_be_visible()
    assert sorted(missing(page)) == sorted(
        [nl("certification.reason.missing_tests_fr"), nl("certification.reason.too_few_certified")]
    )
    expect(page).to_have_url(re.compile(r"[?&]without=CA4(&|$)"))
    screenshot(page, "whatif-fixture-org-a-without-ca4")


def _falls_back_for_qchecks(page: Page) -> None:
    expect(metric_value(page, nl("certification.whatif_level"))).to_have_text(INDIVIDUAL)
    expect(page.get_by_test_id("stAlertContainer").filter(has_text=FALLS)).to_be_visible()
    assert nl("certification.reason.qcheck_below_80") in missing(page)
    figure = nl("certification.whatif_figure", mode=PER_CONSULTANT)
    expect(metric_value(page, figure)).to_be_visible()


def test_demo_what_if_per_consultant_and_its_deep_link(server: str, page: Page) -> None:
    open_page(page, server + "/certification?mode=per_consultant&org=FED-10")
    leave(page, "CONS-0023")
    _falls_back_for_qchecks(page)
    expect(page).to_have_url(re.compile(r"[?&]without=CONS-0023(&|$)"))
    screenshot(page, "whatif-demo-fed-10-without-cons-0023")

    # the averaging mode names itself in the what-if's Q-check figure
    mode = main_widget(page, "stRadio", nl("certification.mode_label"))
    with expect_rerun(page):
        mode.get_by_text(ALL_CHECKS, exact=True).click()
    assert_no_exception(page)
    expect(metric_value(page, nl("certification.whatif_figure", mode=ALL_CHECKS))).to_be_visible()
    expect(
        metric_value(page, nl("certification.whatif_figure", mode=PER_CONSULTANT))
    ).to_have_count(0)
    screenshot(page, "whatif-demo-fed-10-all-checks")

    # the deep link opens the same what-if, on its tab
    open_page(page, server + "/certification?mode=per_consultant&org=FED-10&without=CONS-0023")
    whatif = page.get_by_role("tab", name=nl("certification.tab_whatif"), exact=True)
    expect(whatif).to_have_attribute("aria-selected", "true")
    picker = main_widget(page, "stSelectbox", nl("certification.whatif_pick"))
    expect(picker.get_by_role("combobox")).to_have_value("CONS-0023")
    _falls_back_for_qchecks(page)
    screenshot(page, "whatif-demo-deep-link")
