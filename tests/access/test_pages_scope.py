"""No page, URL or export lets a user see another organisation's data.

Every page in pages/ is discovered (pages keep landing) and run in AppTest as `hr` of ORG-B
("Stad Beta") on the hand-computed small store: nothing ORG-A's ("Dienst Alfa", its
procedure P-A1, its candidates A01-A08) may reach the browser, with the URL as the app
writes it and with hand-edited values (`orgs=ORG-A`, `procs=P-A1`, and each page's own
URL parameters, found in its source, set to ORG-A's values). An analyst gets no candidate rows
on any page. Every export table, run with ORG-B's scope, has no ORG-A row.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from selstats.paths import PROJECT_ROOT
from selstats.store.connection import open_reader
from selstats.tables import EXPORT_TABLES, Scope, export_table, table_params
from selstats.ui.filters import URL_PARAMS
from selstats.ui.i18n import LANG_KEY

from .conftest import ORG_A_MARKERS, app_as
from .rendered import found, rendered_text

PAGES = sorted(p.stem for p in (PROJECT_ROOT / "pages").glob("*.py"))
CANDIDATES = (*(f"A0{i}" for i in range(1, 9)), *(f"B0{i}" for i in range(1, 6)), "B21", "B22")
TAMPERED: list[dict[str, str | list[str]]] = [
    {"orgs": "ORG-A"},
    {"orgs": ["ORG-A", "ORG-B"]},
    {"procs": "P-A1"},
    {"orgs": "ORG-A", "procs": "P-A1", "govs": "federal", "year_from": "2025"},
]


def _open(page: str, user: str, query: dict[str, str | list[str]] | None = None) -> AppTest:
    at = app_as(user, query).run()
    if page != "overview":  # the default page
        at.switch_page(f"pages/{page}.py").run()
    return at


def _assert_clean(
    at: AppTest, markers: tuple[str, ...], what: str, typed: frozenset[str] = frozenset()
) -> None:
    assert not at.exception, f"{what}: {[e.value for e in at.exception]}"
    leaked = found(rendered_text(at, typed), markers)
    assert leaked == [], f"{what} shows {leaked}"


def test_pages_were_found() -> None:
    assert "overview" in PAGES and len(PAGES) >= 7


@pytest.mark.parametrize("page", PAGES)
def test_hr_of_org_b_sees_nothing_of_org_a(page: str, store: Path, users_file: Path) -> None:
    at = _open(page, "hr-b")
    _assert_clean(at, ORG_A_MARKERS, f"{page} for hr of ORG-B")
    # the organisation filter offers only the user's own organisation
    assert at.sidebar.multiselect(key="filter_orgs").options == ["Stad Beta"]


@pytest.mark.parametrize(
    "query", TAMPERED, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items())
)
@pytest.mark.parametrize("page", PAGES)
def test_hand_edited_urls_do_not_widen_the_scope(
    page: str, query: dict[str, str | list[str]], store: Path, users_file: Path
) -> None:
    at = _open(page, "hr-b", query)
    _assert_clean(at, ORG_A_MARKERS, f"{page}?{query} for hr of ORG-B")
    assert "ORG-A" not in at.sidebar.multiselect(key="filter_orgs").value
    assert "P-A1" not in at.sidebar.multiselect(key="filter_procs").value
    assert "ORG-A" not in at.query_params.get("orgs", "")


def _own_url_parameters(page: str) -> list[str]:
    """The URL parameters a page binds itself: `bind="query-params"` widgets (named by their
    key) and `param="..."` declarations, read from its source and from the sources of the
    `selstats.ui` modules it imports (the certification pages' shared controls)."""
    source = (PROJECT_ROOT / "pages" / f"{page}.py").read_text(encoding="utf-8")
    for module in re.findall(r"^from selstats\.ui\.(\w+) import", source, re.M):
        shared = PROJECT_ROOT / "src" / "selstats" / "ui" / f"{module}.py"
        if shared.is_file() and module != "url_choice":  # its docstring's examples
            source += shared.read_text(encoding="utf-8")
    names = set(re.findall(r'param="([A-Za-z_]\w*)"', source))
    names |= set(re.findall(r'key="([A-Za-z_]\w*)",\s*bind="query-params"', source))
    return sorted(names - {*URL_PARAMS, LANG_KEY})


@pytest.mark.parametrize("value", ["ORG-A", "P-A1", "A01"])
@pytest.mark.parametrize("page", PAGES)
def test_a_pages_own_url_parameters_do_not_widen_the_scope(
    page: str, value: str, store: Path, users_file: Path
) -> None:
    names = _own_url_parameters(page)
    if not names:
        pytest.skip(f"{page} binds no URL parameter of its own")
    query: dict[str, str | list[str]] = dict.fromkeys(names, value)
    # a search box bound to the URL shows the typed value back: that is no leak
    typed = frozenset({value})
    at = _open(page, "hr-b", query)
    _assert_clean(at, ORG_A_MARKERS, f"{page}?{query} for hr of ORG-B", typed)
    # and one parameter at a time, so that an invalid neighbour does not mask it
    for name in names:
        at = _open(page, "hr-b", {name: value})
        _assert_clean(at, ORG_A_MARKERS, f"{page}?{name}={value} for hr of ORG-B", typed)


@pytest.mark.parametrize("page", PAGES)
def test_analysts_get_no_candidate_rows(page: str, store: Path, users_file: Path) -> None:
    _assert_clean(_open(page, "analyst"), CANDIDATES, f"{page} for an analyst")


@pytest.fixture(scope="module")
def con(small_store_file: Path) -> duckdb.DuckDBPyConnection:
    reader = open_reader(small_store_file)
    yield reader
    reader.close()


@pytest.mark.parametrize("table", sorted(EXPORT_TABLES))
def test_exports_with_org_b_scope_have_no_org_a_row(
    table: str, con: duckdb.DuckDBPyConnection
) -> None:
    for scope in (
        Scope(allowed=("ORG-B",)),
        Scope(allowed=("ORG-B",), orgs=("ORG-A",)),
        Scope(allowed=("ORG-B",), procs=("P-A1",)),
    ):
        frame = export_table(con, table, table_params(con, scope, as_of=date(2026, 11, 1)))
        cells = repr(frame.rows())  # nested columns (lists) too
        leaked = found(cells, ORG_A_MARKERS)
        assert leaked == [], f"export {table} with {scope} has {leaked}"


def test_exports_do_have_org_b_rows(con: duckdb.DuckDBPyConnection) -> None:
    """The check above means something: ORG-B's own rows are there."""
    params = table_params(con, Scope(allowed=("ORG-B",)), as_of=date(2026, 11, 1))
    assert set(export_table(con, "funnel", params)["procedure_code"]) == {"P-B1", "P-B2"}
    assert export_table(con, "laureates", params)["candidate_ref"].to_list() == ["B01"]
