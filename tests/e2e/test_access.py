"""Access in a real browser against the real server: the login form of the users file, an hr
user who sees only their organisation (also through a hand-edited URL), the demo role
switcher, and imported text that shows as text (no element created from it, no script run).

Each test starts its own server (`serve`) on a copy of the hand-computed small store
(tests/fixtures/small_store.py: ORG-A "Dienst Alfa" with P-A1, ORG-B "Stad Beta").
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Locator, Page, expect

from selstats.access.roles import Role
from selstats.access.users import User, write_users
from selstats.i18n import translate
from tests.fixtures.small_store import build_small_store

from .conftest import (
    OUTPUT_DIR,
    assert_no_exception,
    expect_rerun,
    screenshot,
    streamlit_server,
    wait_for_app_idle,
)

HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "beta-secret-1"


@contextmanager
def serve(db: Path, name: str, **env: str) -> Iterator[str]:
    """`streamlit_server` without the demo switch unless `env` sets it; the server log is
    tests/output/streamlit-<name>-<pid>.log (the process id: several people may run the
    suite in one checkout at once)."""
    log_path = OUTPUT_DIR / f"streamlit-{name}-{os.getpid()}.log"
    unset = () if "SELSTATS_DEMO" in env else ("SELSTATS_DEMO",)
    with streamlit_server(db, log_path, unset=unset, **env) as base_url:
        yield base_url


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return build_small_store(tmp_path / "small.duckdb")


@pytest.fixture
def users_toml(tmp_path: Path) -> Path:
    return write_users(
        [
            User("hr-b", (Role.HR,), ("ORG-B",), "Hilde Beta", HASHER.hash(PASSWORD)),
            User("norole", (), (), "", HASHER.hash(PASSWORD)),
        ],
        tmp_path / "users.toml",
    )


def nl(key: str, **params: object) -> str:
    return translate("nl", key, **params)


def _log_in(page: Page, username: str, password: str) -> None:
    page.get_by_label(nl("access.username")).fill(username)
    page.get_by_label(nl("access.password")).fill(password)
    with expect_rerun(page):
        page.get_by_role("button", name=nl("access.login")).click()
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 300))")
    wait_for_app_idle(page)


def _open_list(widget: Locator) -> Locator:
    """Open a select widget's list (Streamlit 1.67: a react-aria combobox) and return its
    options."""
    combobox = widget.get_by_role("combobox")
    combobox.click()
    if combobox.get_attribute("aria-expanded") != "true":
        combobox.press("ArrowDown")
    expect(combobox).to_have_attribute("aria-expanded", "true")
    options = widget.page.get_by_role("option")
    expect(options.first).to_be_visible()
    return options


def _org_options(page: Page) -> list[str]:
    """The options of the sidebar's organisation filter, as the browser lists them."""
    sidebar = page.get_by_test_id("stSidebar")
    box = sidebar.get_by_test_id("stMultiSelect").filter(has_text=nl("filter.organisation"))
    texts = _open_list(box).all_inner_texts()
    page.keyboard.press("Escape")
    return [text for text in texts if text != "Select all"]  # Streamlit's own first option


def _choose(page: Page, widget: Locator, option: str) -> None:
    with expect_rerun(page):
        _open_list(widget)
        page.get_by_role("option", name=option, exact=True).click()


def test_login_then_only_the_users_organisation(
    page: Page, small_db: Path, users_toml: Path
) -> None:
    with serve(small_db, "access-login", SELSTATS_USERS=str(users_toml)) as url:
        page.goto(url + "/?orgs=ORG-A&procs=P-A1")  # a hand-edited link, before logging in
        wait_for_app_idle(page)
        assert_no_exception(page)
        body = page.locator("body").inner_text()
        assert "Dienst Alfa" not in body and "Stad Beta" not in body
        _log_in(page, "hr-b", "wrong password")
        expect(page.get_by_text(nl("access.login_failed"))).to_be_visible()
        _log_in(page, "hr-b", PASSWORD)
        assert_no_exception(page)
        expect(page.get_by_role("heading", name=nl("page.overview"))).to_be_visible()
        assert _org_options(page) == ["Stad Beta"]
        body = page.locator("body").inner_text()
        assert "Dienst Alfa" not in body and "P-A1" not in body
        assert "ORG-A" not in page.url
        # a hand-edited URL in the same session
        page.goto(url + "/funnel?orgs=ORG-A&procs=P-A1")
        wait_for_app_idle(page)
        assert_no_exception(page)
        body = page.locator("body").inner_text()
        assert "Dienst Alfa" not in body and "P-A1" not in body
        screenshot(page, "access-hr-b")


def test_a_user_without_role_gets_a_sentence(page: Page, small_db: Path, users_toml: Path) -> None:
    with serve(small_db, "access-norole", SELSTATS_USERS=str(users_toml)) as url:
        page.goto(url + "/")
        wait_for_app_idle(page)
        _log_in(page, "norole", PASSWORD)
        expect(page.get_by_text(nl("access.no_role"))).to_be_visible()
        body = page.locator("body").inner_text()
        assert "Dienst Alfa" not in body and "Stad Beta" not in body


def test_demo_role_switcher(page: Page, small_db: Path) -> None:
    with serve(small_db, "access-demo", SELSTATS_DEMO="1") as url:
        page.goto(url + "/")
        wait_for_app_idle(page)
        assert_no_exception(page)
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text(nl("access.demo_banner"))).to_be_visible()
        switcher = sidebar.get_by_test_id("stSelectbox").filter(has_text="DEMO — rol kiezen")
        expect(switcher).to_be_visible()
        assert {"Dienst Alfa", "Stad Beta"} <= set(_org_options(page))
        _choose(page, switcher, nl("access.role.hr"))
        org = sidebar.get_by_test_id("stSelectbox").filter(has_text=nl("access.demo_org"))
        _choose(page, org, "Stad Beta")
        assert_no_exception(page)
        assert _org_options(page) == ["Stad Beta"]
        screenshot(page, "access-demo-hr")


def test_imported_text_shows_as_text(page: Page, tmp_path: Path) -> None:
    """Organisation names that look like markup are listed literally in the browser: no
    element is made from them and no script of theirs runs."""
    from selstats.store.imports import import_paths
    from tests.test_hostile_strings import HOSTILE, write_import_files

    db = tmp_path / "hostile.duckdb"
    folder = write_import_files(tmp_path / "files")
    # one more, the kind of markup that would run if it ever became an element
    names = (folder / "organisations.csv").read_text().splitlines()
    names.append('H-5,"<img src=x onerror=""window.__pwned=1"">",federal')
    (folder / "organisations.csv").write_text("\n".join(names) + "\n")
    report = import_paths([folder], db, imported_by="e2e")
    assert report.ok, [p.message("en") for p in report.problems]
    with serve(db, "access-hostile", SELSTATS_DEMO="1") as url:
        page.goto(url + "/?orgs=H-1&orgs=H-2&orgs=H-3&orgs=H-4&orgs=H-5")
        wait_for_app_idle(page)
        assert_no_exception(page)
        listed = _org_options(page)
        selected = page.get_by_test_id("stSidebar").inner_text()
        for text in (*HOSTILE, '<img src=x onerror="window.__pwned=1">'):
            assert text in listed or text in selected, text
        assert page.evaluate("() => window.__pwned === undefined")
        app = page.get_by_test_id("stApp")
        assert app.locator("img[src='x']").count() == 0
        # the one script in the page is the app's own, setting <html lang> (ui/frame.py)
        scripts = app.locator("script").evaluate_all("els => els.map(e => e.textContent)")
        assert [s for s in scripts if not s.startswith("document.documentElement.lang")] == []
        assert app.locator("strong", has_text="bold").count() == 0
        screenshot(page, "access-hostile")


def fr(key: str, **params: object) -> str:
    return translate("fr", key, **params)


def test_a_deep_link_is_a_fresh_servers_first_request_behind_the_login(
    page: Page, small_db: Path, users_toml: Path
) -> None:
    """On a server nobody has opened yet, the first request is a deep link: it goes
    through app.py (not the page file alone, Streamlit's legacy pages/ mode), so the gate
    asks who it is first, in the link's language, before the navigation and any figure;
    after the login the same page opens with the link's filters."""
    with serve(small_db, "access-deep-link", SELSTATS_USERS=str(users_toml)) as url:
        page.goto(url + "/funnel?orgs=ORG-B&lang=fr")
        wait_for_app_idle(page)
        assert_no_exception(page)
        expect(page.get_by_text(fr("access.login_title"))).to_be_visible()
        body = page.locator("body").inner_text()
        assert "Stad Beta" not in body and fr("page.funnel") not in body  # no nav, no page
        page.get_by_label(fr("access.username")).fill("hr-b")
        page.get_by_label(fr("access.password")).fill(PASSWORD)
        with expect_rerun(page):
            page.get_by_role("button", name=fr("access.login")).click()
        page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 300))")
        wait_for_app_idle(page)
        assert_no_exception(page)
        expect(page.get_by_role("heading", name=fr("page.funnel"))).to_be_visible()
        sidebar = page.get_by_test_id("stSidebar")
        organisation = sidebar.get_by_test_id("stMultiSelect").filter(
            has_text=fr("filter.organisation")
        )
        expect(organisation).to_contain_text("Stad Beta")
        # app.py's navigation with its translated titles (not the legacy mode's file names)
        nav = page.get_by_test_id("stSidebarNavLink")
        expect(nav.filter(has_text=fr("page.explore"))).to_have_count(1)
        assert "/funnel" in page.url and "orgs=ORG-B" in page.url and "lang=fr" in page.url
        screenshot(page, "access-deep-link-first-request")


def test_a_deep_link_is_a_fresh_demo_servers_first_request(page: Page, small_db: Path) -> None:
    """The same without a login (demo mode): the page opens in the frame at once."""
    with serve(small_db, "access-deep-link-demo", SELSTATS_DEMO="1") as url:
        page.goto(url + "/funnel?orgs=ORG-B&lang=fr")
        wait_for_app_idle(page)
        assert_no_exception(page)
        expect(page.get_by_role("heading", name=fr("page.funnel"))).to_be_visible()
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text(fr("access.demo_banner"))).to_be_visible()  # the frame
        organisation = sidebar.get_by_test_id("stMultiSelect").filter(
            has_text=fr("filter.organisation")
        )
        expect(organisation).to_contain_text("Stad Beta")
        expect(organisation).not_to_contain_text("Dienst Alfa")
        # app.py's navigation with its translated titles (not the legacy mode's file names)
        nav = page.get_by_test_id("stSidebarNavLink")
        expect(nav.filter(has_text=fr("page.explore"))).to_have_count(1)
        assert "orgs=ORG-B" in page.url and "lang=fr" in page.url
