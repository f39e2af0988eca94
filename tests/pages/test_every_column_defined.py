"""Every column a page shows is a figure of the catalogue (src/selstats/figures/definitions):
each page of the app on the demo store, the funnel in its three views, every table of
Explore. A table drawn past `selstats.ui.table.show_table` with a column nobody defined fails
here (show_table itself refuses one: `UnknownFigure`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selstats.figures import catalogue
from selstats.tables import EXPORT_TABLES

APP = "../../app.py"  # AppTest resolves it against this file
TIMEOUT = 120
PAGES = (
    "overview",
    "funnel",
    "pass_rates",
    "salaries",
    "certification",
    "reserve_lists",
    "explore",
    "definitions",
    "planner",
)


def _columns(at: AppTest) -> set[str]:
    assert not at.exception, [e.value for e in at.exception]
    assert at.dataframe, "the page shows no table"
    return {str(c) for table in at.dataframe for c in table.value.columns}


def _undeclared(columns: set[str]) -> list[str]:
    return sorted(catalogue().missing(columns))


def _app(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_column_of_every_page_is_defined(demo_store: Path, page: str) -> None:
    assert _undeclared(_columns(_app(page))) == []


@pytest.mark.parametrize("view", ["compare", "aggregate"])
def test_every_column_of_the_funnel_views_is_defined(demo_store: Path, view: str) -> None:
    at = _app("funnel")
    at.radio(key="funnel_view").set_value(view).run()
    assert _undeclared(_columns(at)) == []


def test_every_explore_table_is_defined(demo_store: Path) -> None:
    at = _app("explore")
    for table in EXPORT_TABLES:
        at.selectbox(key="table").set_value(table).run()
        columns = _columns(at)
        assert _undeclared(columns) == [], table
