"""`<html lang>` follows the chosen language, and the demo role survives a reload (issue 15),
in Chromium against the real server on the demo store (S, seed 1)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from selstats.i18n import translate

from .conftest import assert_no_exception, choose_option, sidebar_widget, wait_for_app_idle

DOCUMENT_LANG = "() => document.documentElement.lang"


@pytest.mark.parametrize(("query", "lang"), [("", "nl"), ("?lang=fr", "fr"), ("?lang=en", "en")])
def test_the_document_language_is_the_chosen_one(
    server: str, page: Page, query: str, lang: str
) -> None:
    page.goto(f"{server}/{query}")
    wait_for_app_idle(page)
    assert_no_exception(page)
    # Streamlit serves lang="en"; the frame sets the language the page is in
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", name=translate(lang, "page.overview"))).to_be_visible()


def test_the_document_language_follows_the_selector(server: str, page: Page) -> None:
    page.goto(f"{server}/funnel")
    wait_for_app_idle(page)
    assert page.evaluate(DOCUMENT_LANG) == "nl"
    choose_option(page, sidebar_widget(page, "stSelectbox", "Taal"), "Français")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    choose_option(page, sidebar_widget(page, "stSelectbox", "Langue"), "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # and after a switch to another page, still the chosen language
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Overview").click()
    wait_for_app_idle(page)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    assert page.evaluate(DOCUMENT_LANG) == "en"


def test_the_demo_role_survives_a_reload(server: str, page: Page) -> None:
    page.goto(f"{server}/")
    wait_for_app_idle(page)
    role = translate("nl", "access.demo_role")
    choose_option(page, sidebar_widget(page, "stSelectbox", role), "HR")
    organisation = sidebar_widget(page, "stSelectbox", translate("nl", "access.demo_org"))
    # the demo store's organisation with the most results (POD-MI, 938 of 3602 results on
    # demo S seed 1), not the first of 60 by name, which has none
    expect(organisation.get_by_role("combobox")).to_have_value("POD Maatschappelijke Integratie")
    expect(page).to_have_url(
        re.compile(r"demo_role=hr.*demo_org=POD-MI|demo_org=POD-MI.*demo_role=hr")
    )
    page.reload()
    wait_for_app_idle(page)
    assert_no_exception(page)
    expect(sidebar_widget(page, "stSelectbox", role).get_by_role("combobox")).to_have_value("HR")
    expect(organisation.get_by_role("combobox")).to_have_value("POD Maatschappelijke Integratie")
    expect(page.get_by_text(translate("nl", "common.empty_selection"))).to_have_count(0)
    # an administrator is told the role sees no figures, and that survives a reload too
    choose_option(page, sidebar_widget(page, "stSelectbox", role), "Beheerder")
    page.reload()
    wait_for_app_idle(page)
    chosen = sidebar_widget(page, "stSelectbox", role).get_by_role("combobox")
    expect(chosen).to_have_value("Beheerder")
    expect(page.get_by_text("Uw rol (Beheerder) geeft geen toegang tot cijfers")).to_be_visible()
