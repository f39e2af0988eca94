"""The demo switcher (issue 15): the HR role opens on an organisation that has data, an
admin is told that the role sees no figures (not "widen the filters"), and the chosen role
and organisation are kept in the URL, so that a reload shows the same role."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from selstats.i18n import translate
from selstats.ui.demo_role import URL_ORG, URL_ROLE, busiest

from .conftest import build_store

APP = "../../app.py"
TIMEOUT = 90
ROLE = "_selstats_demo_role"
ORG = "_selstats_demo_org"


@pytest.fixture
def store_with_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small store of conftest (Belnet, POD-MI, Stad Gent, VDAB; Belnet first by name)
    with results for two organisations: VDAB22 3 rows, MI24001 1 row, Belnet none."""
    path = build_store(tmp_path / "small.duckdb", with_data=True)
    con = duckdb.connect(str(path))
    rows = [
        ("VDAB22", "V1", 1, "passed"),
        ("VDAB22", "V2", 1, "failed"),
        ("VDAB22", "V3", 1, "passed"),
        ("MI24001", "M1", 1, "passed"),
    ]
    con.executemany(
        "insert into results (procedure_code, candidate_ref, step_no, outcome) values (?, ?, ?, ?)",
        rows,
    )
    con.close()
    monkeypatch.setenv("SELSTATS_DB", str(path))
    return path


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def test_busiest_is_the_organisation_with_the_most_results() -> None:
    frame = pl.DataFrame(
        {"org_id": ["A", "B", "C", "D"], "name": ["a", "b", "c", "d"], "results": [0, 5, 7, 7]}
    )
    # C and D both have 7, the most; C comes first in the (name) order
    assert busiest(frame) == "C"
    assert busiest(frame.with_columns(results=pl.lit(0))) is None


def test_the_hr_role_opens_on_an_organisation_with_data(store_with_results: Path) -> None:
    at = _app().run()
    at.sidebar.selectbox(key=ROLE).set_value("hr").run()
    assert not at.exception
    # VDAB: 3 results, more than POD-MI's 1; Belnet (first by name) has none
    assert at.sidebar.selectbox(key=ORG).value == "VDAB"
    assert at.sidebar.selectbox(key=ORG).options[0] == "Belnet"


def test_an_admin_is_told_the_role_sees_no_figures(store_with_results: Path) -> None:
    at = _app().run()
    at.sidebar.selectbox(key=ROLE).set_value("admin").run()
    assert not at.exception
    said = [i.value for i in at.main.info]
    expected = translate(
        "nl", "app.no_figures_page", roles="Beheerder", explore=translate("nl", "page.explore")
    )
    assert expected in said
    assert translate("nl", "common.empty_selection") not in said
    assert at.title == []  # the page itself did not run


def test_the_role_and_organisation_are_kept_in_the_url(store_with_results: Path) -> None:
    at = _app().run()
    at.sidebar.selectbox(key=ROLE).set_value("hr").run()
    at.sidebar.selectbox(key=ORG).set_value("POD-MI").run()
    assert at.query_params[URL_ROLE] == "hr"
    assert at.query_params[URL_ORG] == "POD-MI"
    # a reload is a new session that opens on that URL
    again = _app()
    again.query_params[URL_ROLE] = "hr"
    again.query_params[URL_ORG] = "POD-MI"
    again.run()
    assert not again.exception
    assert again.sidebar.selectbox(key=ROLE).value == "hr"
    assert again.sidebar.selectbox(key=ORG).value == "POD-MI"
    # the default role (BOSA) leaves the URL clean; an unknown role in it is ignored
    again.sidebar.selectbox(key=ROLE).set_value("bosa").run()
    assert URL_ROLE not in again.query_params and URL_ORG not in again.query_params
    odd = _app()
    odd.query_params[URL_ROLE] = "root"
    odd.run()
    assert odd.sidebar.selectbox(key=ROLE).value == "bosa"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from selstats.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path, scale="S", seed=1)
    return path


def test_on_the_demo_store_the_hr_overview_shows_figures(
    demo_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELSTATS_DB", str(demo_store))
    con = duckdb.connect(str(demo_store), read_only=True)
    per_org = dict(
        con.sql(
            "select o.org_id, count(r.candidate_ref) from organisations o "
            "left join procedures p using (org_id) left join results r using (procedure_code) "
            "group by o.org_id"
        ).fetchall()
    )
    first_by_name = con.sql(
        "select org_id from organisations order by lower(name), org_id limit 1"
    ).fetchall()[0][0]
    con.close()
    assert per_org[first_by_name] == 0  # the old default
    at = _app().run()
    at.sidebar.selectbox(key=ROLE).set_value("hr").run()
    assert not at.exception
    chosen = at.sidebar.selectbox(key=ORG).value
    assert per_org[chosen] == max(per_org.values()) > 0
    assert translate("nl", "common.empty_selection") not in [i.value for i in at.info]
    assert at.metric  # the overview's key figures are drawn
