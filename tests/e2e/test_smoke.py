"""The app starts, renders its home page in a real browser and shows no exception."""

from playwright.sync_api import Page

from .conftest import assert_no_exception, screenshot, wait_for_app_idle


def test_home_page_renders(server: str, page: Page) -> None:
    page.goto(server + "/")
    wait_for_app_idle(page)
    assert_no_exception(page)
    headings = " ".join(page.locator("h1").all_inner_texts())
    assert "selstats" in f"{page.title()} {headings}".lower(), (page.title(), headings)
    screenshot(page, "home")
