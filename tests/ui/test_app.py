"""The frame with AppTest: it runs on an empty store, says so when there is none, opens deep
links with their filters and keeps them (and the language) across page switches."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selstats.i18n import translate

APP = "../../app.py"  # AppTest resolves it against this file
TIMEOUT = 60
PAGES = [
    "overview",
    "funnel",
    "pass_rates",
    "salaries",
    "certification",
    "reserve_lists",
    "planner",
    "explore",
    "definitions",
]


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def _titles(at: AppTest) -> list[str]:
    return [element.value for element in at.title]


def test_app_runs_on_an_empty_store(empty_store: Path) -> None:
    at = _app().run()
    assert not at.exception
    assert _titles(at) == ["Overzicht"]
    assert "Geen gegevens voor deze selectie. Verruim de filters." in [i.value for i in at.info]
    assert not at.error
    # no procedures: no period, nothing to choose but the governments
    assert len(at.sidebar.select_slider) == 0
    assert at.sidebar.multiselect(key="filter_govs").options == ["Federaal", "Vlaams", "Lokaal"]
    assert at.sidebar.multiselect(key="filter_orgs").options == []


def test_a_missing_store_is_said_in_the_users_language(missing_store: Path) -> None:
    at = _app()
    at.query_params["lang"] = "fr"
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        translate("fr", "error.db_missing", path=str(missing_store))
    ]
    assert not at.title  # the page did not run


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_the_frame(small_store: Path, page: str) -> None:
    at = _app().run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    assert _titles(at) == [translate("nl", f"page.{page}")]
    assert len(at.sidebar.multiselect) == 4  # the frame drew the filters


def test_deep_link_opens_with_its_filters(small_store: Path) -> None:
    at = _app()
    at.query_params.update({"orgs": "BELNET", "lang": "fr", "year_from": "2022"})
    at.run()
    assert not at.exception
    assert _titles(at) == ["Vue d'ensemble"]
    assert at.sidebar.multiselect(key="filter_orgs").value == ["BELNET"]
    assert at.sidebar.select_slider(key="filter_period").value == (2022, 2024)
    # Belnet's procedures from 2022 on: BNG23001 (2023); OPEN01 has no year but is Gent's
    assert at.sidebar.multiselect(key="filter_procs").options == ["BNG23001 — IT-expert"]
    assert at.session_state["_selstats_filters"].params() == {
        "year_from": 2022,
        "year_to": 2024,
        "govs": (),
        "orgs": ("BELNET",),
        "levels": (),
        "procs": (),
        "allowed": None,
    }
    assert at.query_params == {"orgs": "BELNET", "lang": "fr", "year_from": "2022"}


def test_the_period_stays_when_another_filter_changes(small_store: Path) -> None:
    at = _app()
    at.query_params.update({"year_from": "2022", "year_to": "2023"})
    at.run()
    at.sidebar.multiselect(key="filter_govs").select("federal").run()
    assert not at.exception
    assert at.sidebar.select_slider(key="filter_period").value == (2022, 2023)
    assert at.session_state["_selstats_filters"].params()["year_from"] == 2022
    assert at.query_params == {"year_from": "2022", "year_to": "2023", "govs": "federal"}
    # and the slider still moves both ends
    at.sidebar.select_slider(key="filter_period").set_range(2023, 2024).run()
    assert at.sidebar.select_slider(key="filter_period").value == (2023, 2024)
    assert at.query_params == {"year_from": "2023", "govs": "federal"}  # 2024: the last year


def test_switching_pages_keeps_filters_and_language(small_store: Path) -> None:
    at = _app()
    at.query_params.update({"orgs": "BELNET", "lang": "fr"})
    at.run()
    at.sidebar.multiselect(key="filter_govs").select("federal").run()
    # a page switch in the browser clears the query string: the frame writes it back
    at.query_params.clear()
    at.switch_page("pages/funnel.py").run()
    assert not at.exception
    assert _titles(at) == ["Entonnoir de sélection"]
    assert at.sidebar.multiselect(key="filter_govs").value == ["federal"]
    assert at.sidebar.multiselect(key="filter_orgs").value == ["BELNET"]
    assert at.query_params == {"lang": "fr", "govs": "federal", "orgs": "BELNET"}


def test_changing_the_language(small_store: Path) -> None:
    at = _app().run()
    at.sidebar.selectbox(key="lang_select").select("en").run()
    assert _titles(at) == ["Overview"]
    assert at.sidebar.multiselect(key="filter_govs").options == ["Federal", "Flemish", "Local"]
    assert at.query_params == {"lang": "en"}
    at.sidebar.selectbox(key="lang_select").select("nl").run()
    assert _titles(at) == ["Overzicht"]
    assert at.query_params == {}  # Dutch is the default: left out


def test_options_follow_the_filters_above_and_drop_what_they_lose(small_store: Path) -> None:
    at = _app().run()
    at.sidebar.multiselect(key="filter_orgs").select("VDAB").run()
    # VDAB has one procedure, VDAB22 (level B); OPEN01 (no year) is Gent's
    assert at.sidebar.multiselect(key="filter_levels").options == ["B"]
    at.sidebar.multiselect(key="filter_govs").select("federal").run()
    assert not at.exception
    assert at.sidebar.multiselect(key="filter_orgs").options == [
        "Belnet",
        "POD Maatschappelijke Integratie",
    ]
    assert at.sidebar.multiselect(key="filter_orgs").value == []  # VDAB is Flemish
    assert at.query_params == {"govs": "federal"}


def test_invalid_url_values_are_ignored(small_store: Path) -> None:
    at = _app()
    at.query_params.update(
        {
            "lang": "xx",
            "year_from": "abc",
            "year_to": "2030",
            "govs": ["federal", "bogus"],
            "orgs": ["NOPE", "VDAB"],
            "levels": "Z",
            "procs": "zz",
        }
    )
    at.run()
    assert not at.exception
    assert _titles(at) == ["Overzicht"]
    assert at.sidebar.select_slider(key="filter_period").value == (2021, 2024)
    assert at.sidebar.multiselect(key="filter_govs").value == ["federal"]
    # VDAB is Flemish, so the federal filter drops it too
    assert at.sidebar.multiselect(key="filter_orgs").value == []
    assert at.query_params == {"govs": "federal"}


def test_a_link_with_other_filters_takes_over(small_store: Path) -> None:
    at = _app()
    at.query_params["orgs"] = "BELNET"
    at.run()
    # e.g. the browser's back button, or st.page_link(..., query_params={"orgs": "VDAB"})
    at.query_params["orgs"] = "VDAB"
    at.run()
    assert at.sidebar.multiselect(key="filter_orgs").value == ["VDAB"]


def test_a_store_of_one_year_shows_that_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    from .conftest import build_store

    path = build_store(tmp_path / "one.duckdb", with_data=True)
    con = duckdb.connect(str(path))
    con.execute("delete from procedures where procedure_code <> 'BNG23001'")
    con.close()
    monkeypatch.setenv("SELSTATS_DB", str(path))
    at = _app().run()
    assert not at.exception
    assert len(at.sidebar.select_slider) == 0
    assert [c.value for c in at.sidebar.caption] == ["Periode: 2023"]
    assert at.session_state["_selstats_filters"].year_from == 2023


def test_an_unreadable_store_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "not-a-store.duckdb"
    path.write_text("this is not a DuckDB file", encoding="utf-8")
    monkeypatch.setenv("SELSTATS_DB", str(path))
    at = _app().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        translate("nl", "error.db_unreadable", path=str(path.resolve()))
    ]


def test_a_page_run_on_its_own_draws_the_filters(small_store: Path) -> None:
    at = AppTest.from_file("../../pages/funnel.py", default_timeout=TIMEOUT).run()
    assert not at.exception
    assert _titles(at) == ["Selectietrechter"]
    assert len(at.sidebar.multiselect) == 4
