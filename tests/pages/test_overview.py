"""The overview page and its queries, against the hand-computed small store
(tests/fixtures/small_store.py), an empty store and a demo store.

Hand-derived figures of the small store (its docstring):
- P-A1 (2025): applicants 8, tested 5 (A01-A05 sat step 2), laureates 2 (A01, A03),
  lead time 2025-03-01 -> 2025-04-05 = 35 days.
- P-B1 (2026): applicants 5, tested 3 (B01-B03), laureates 1 (B01), lead time 30 days.
- P-B2 (2026): applicants 2, tested 0, laureates 0, no list date (no lead time).
- The four reference procedures have steps but no results: they are not counted.
Totals: 3 procedures, 8 + 5 + 2 = 15 applicants, 5 + 3 + 0 = 8 tested, 2 + 1 + 0 = 3
laureates, 3 / 15 = 20 % per applicant, 3 / 8 = 37.5 % per tested (BOSA's own ratio), median
of (35, 30) = 32.5 days.

BOSA's figures (data/reference/national_figures.csv, each value with its source): 2021
18,011 laureates of 62,764 tested = 28.7 %; 2022 19,723 of 69,968 = 28.2 %; nothing
published for 2025 and 2026.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from selstats import query
from selstats.figures import catalogue
from selstats.i18n import translate
from selstats.tables import Scope
from selstats.ui.charts.overview import (
    RatioLabels,
    VolumeLabels,
    ratio_chart,
    ratio_rows,
    volume_chart,
)

APP = "../../app.py"  # AppTest resolves it against this file
TIMEOUT = 60


def _overview(lang: str = "nl", role: str = "bosa", **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(params)
    if lang != "nl":
        at.query_params["lang"] = lang
    at.run()
    if role != "bosa":  # the demo role switcher
        at.sidebar.selectbox(key="_selstats_demo_role").select(role).run()
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# ---- the page ---------------------------------------------------------------------------


def test_overview_shows_the_hand_computed_totals(small_store: Path) -> None:
    at = _overview()
    assert not at.exception
    assert [title.value for title in at.title] == ["Overzicht"]
    assert _metrics(at) == {
        "Sollicitanten": "15",  # 8 + 5 + 2
        "Procedures": "3",  # P-A1, P-B1, P-B2 (the reference procedures have no results)
        "Getest": "8",  # 5 + 3 + 0
        "Laureaten": "3",  # 2 + 1 + 0
        "Slaagkans na test": "37,5 %",  # 3 / 8: BOSA's ratio, laureates / tested
        "Laureaten per sollicitant": "20,0 %",  # 3 / 15
        "Mediane doorlooptijd": "32,5 dagen",  # median(35, 30)
    }


def test_overview_per_year_table(small_store: Path) -> None:
    at = _overview()
    table = at.dataframe[0].value
    assert list(table["year"]) == [2025, 2026]
    assert list(table["procedures"]) == [1, 2]  # P-A1 | P-B1, P-B2
    assert list(table["applicants"]) == [8, 7]  # 8 | 5 + 2
    assert list(table["tested"]) == [5, 3]  # 5 | 3 + 0
    assert list(table["laureates"]) == [2, 1]  # 2 | 1 + 0
    assert table["laureates_per_applicant"].tolist() == pytest.approx([2 / 8, 1 / 7])
    assert table["laureates_per_tested"].tolist() == pytest.approx([2 / 5, 1 / 3])
    assert list(table["median_lead_days"]) == [35, 30]  # P-B2 has no list date
    # BOSA publishes nothing for 2025 and 2026
    assert table["national_applicants"].isna().all()
    assert table["national_laureates_per_tested"].isna().all()
    # the comparison is explained, naming federal recruitment
    assert translate("nl", "overview.national_note") in [c.value for c in at.caption]
    # the charts in words: 2025 laureates per tested 2 / 5 = 40,0 %, 2026 1 / 3 = 33,3 %;
    # no BOSA figure for either year
    assert (
        "In woorden, per jaar: 2025: sollicitanten 8, getest 5, laureaten 2, laureaten per "
        "geteste 40,0 %; 2026: sollicitanten 7, getest 3, laureaten 1, laureaten per geteste "
        "33,3 %."
    ) in [c.value for c in at.caption]


@pytest.mark.parametrize(
    ("lang", "ratio", "lead"),
    [("fr", "20,0 %", "32,5 jours"), ("en", "20.0%", "32.5 days")],
)
def test_overview_in_french_and_english(
    small_store: Path, lang: str, ratio: str, lead: str
) -> None:
    at = _overview(lang)
    assert not at.exception
    metrics = _metrics(at)
    assert metrics[catalogue().label("laureates_per_applicant", lang)] == ratio
    assert metrics[catalogue().label("median_lead_days", lang)] == lead


def test_overview_follows_the_filter(small_store: Path) -> None:
    at = _overview(orgs="ORG-B")
    assert not at.exception
    assert _metrics(at) == {
        "Sollicitanten": "7",  # P-B1 5 + P-B2 2
        "Procedures": "2",
        "Getest": "3",  # 3 + 0
        "Laureaten": "1",
        "Slaagkans na test": "33,3 %",  # 1 / 3
        "Laureaten per sollicitant": "14,3 %",  # 1 / 7 = 0.142857...
        "Mediane doorlooptijd": "30,0 dagen",  # P-B1 only: 2026-06-09 -> 2026-07-09
    }


def test_an_analyst_sees_small_counts_hidden(small_store: Path) -> None:
    # analyst: figures across organisations with small cells (< 5) as "<5", and the cells
    # that would give a hidden one back by subtraction as "x" (README, "Small counts and
    # subtraction"): 2026's 7 applicants are P-B1's 5 + P-B2's 2, and P-B2's 2 is hidden
    # on the funnel's procedures, so 7 is hidden; then the total 15 = 8 + 7 too. Tested:
    # 8 = 5 (2025) + 3 (2026, hidden), so the total 8 is hidden as well.
    at = _overview(role="analyst")
    assert not at.exception
    assert _metrics(at) == {
        "Sollicitanten": "x",
        "Procedures": "3",  # procedures are not people: never hidden
        "Getest": "x",
        "Laureaten": "<5",  # 3
        "Slaagkans na test": "—",  # rests on the hidden 3
        "Laureaten per sollicitant": "—",  # rests on the hidden 3
        "Mediane doorlooptijd": "32,5 dagen",
    }
    table = at.dataframe[0].value
    # 2025: 8 applicants, 5 tested, 2 laureates; 2026: 7, 3, 1
    assert list(table["applicants"]) == ["8", "x"]
    assert list(table["tested"]) == ["5", "<5"]
    assert list(table["laureates"]) == ["<5", "<5"]
    assert table["laureates_per_applicant"].isna().all()
    assert table["laureates_per_tested"].isna().all()
    assert translate("nl", "access.suppressed_note", n=5) in [c.value for c in at.caption]


def test_overview_on_an_empty_store_says_so(empty_store: Path) -> None:
    at = _overview()
    assert not at.exception
    assert [i.value for i in at.info] == [translate("nl", "common.empty_selection")]
    assert not at.metric


@pytest.mark.parametrize("role", ["bosa", "analyst"])
def test_overview_on_the_demo_store(demo_store: Path, role: str) -> None:
    at = _overview(role=role)
    assert not at.exception
    assert len(at.metric) == 7
    table = at.dataframe[0].value
    # the demo has permanently open procedures: their row says so instead of a bare "—",
    # and the years around it are written as years
    assert "permanent open" in list(table["year"])
    row_2024 = table[table["year"].astype(str) == "2024"]
    # BOSA's release of 2025: 128,514 applicants in 2024, no tested or laureates published
    assert row_2024["national_applicants"].iloc[0] == 128_514
    assert row_2024["national_laureates"].isna().all()


# ---- the queries ------------------------------------------------------------------------


def test_overview_totals_query(small_con: duckdb.DuckDBPyConnection) -> None:
    totals = query.run(small_con, "overview_totals", **Scope().params()).row(0, named=True)
    assert totals == {
        "procedures": 3,
        "applicants": 15,
        "tested": 8,
        "laureates": 3,
        "laureates_per_tested": pytest.approx(3 / 8),
        "laureates_per_applicant": pytest.approx(0.2),
        "median_lead_days": pytest.approx(32.5),
    }


def test_overview_totals_respect_the_access_scope(small_con: duckdb.DuckDBPyConnection) -> None:
    totals = query.run(small_con, "overview_totals", **Scope(allowed=("ORG-A",)).params())
    # P-A1 alone: 8 applicants, 5 tested, 2 laureates, 2 / 5, 2 / 8, lead 35 days
    assert totals.row(0) == (1, 8, 5, 2, 0.4, 0.25, 35.0)


def test_overview_totals_of_an_empty_selection(small_con: duckdb.DuckDBPyConnection) -> None:
    totals = query.run(small_con, "overview_totals", **Scope(orgs=("NOBODY",)).params())
    assert totals.row(0) == (0, 0, 0, 0, None, None, None)


def test_overview_query_joins_the_national_figures(small_con: duckdb.DuckDBPyConnection) -> None:
    per_year = query.run(small_con, "overview", **Scope(year_to=2025).params())
    # 2025: P-A1 only; no BOSA figure for 2025
    assert per_year.select("year", "applicants", "national_applicants").rows() == [(2025, 8, None)]
    national = small_con.sql(
        "select applicants, laureates from national_figures where year = 2022"
    ).fetchall()
    # BOSA's release of 1 March 2023: 123,690 applicants (its text), 19,723 laureates
    assert national == [(123_690, 19_723)]


def test_national_figures_query_is_bosas_series(small_con: duckdb.DuckDBPyConnection) -> None:
    national = query.run(small_con, "national_figures", **Scope(year_from=2021).params())
    rows = {r["year"]: r for r in national.iter_rows(named=True)}
    assert sorted(rows) == [2021, 2022, 2023, 2024]
    # 2021 (Belga, 5 May 2022): 7,308 vacancies, 104,163 applicants, 62,764 tested,
    # 18,011 laureates; BOSA's headline ratio 18,011 / 62,764 = 0.28696...
    assert rows[2021]["national_vacancies"] == 7_308
    assert rows[2021]["national_laureates_per_tested"] == pytest.approx(18_011 / 62_764)
    assert rows[2021]["national_tested_per_applicant"] == pytest.approx(62_764 / 104_163)
    # 2023 and 2024: applicants only, the ratios stay unknown
    assert rows[2023]["national_laureates_per_tested"] is None
    assert rows[2024]["national_applicants"] == 128_514


# ---- the charts -------------------------------------------------------------------------

LABELS = RatioLabels(year="Jaar", ratio="L/S", source="Bron", selection="Sel", national="Nat")


def _per_year() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "year": [2022, 2024, None],
            "applicants": [8, 10, 5],
            "tested": [5, 6, 2],
            "laureates": [2, 1, 1],
            "laureates_per_tested": [0.4, 1 / 6, 0.5],
        }
    )


def _national() -> pl.DataFrame:
    # BOSA: 2021 18,011 / 62,764 = 28.7 %; 2022 19,723 / 69,968 = 28.2 %; 2024 not published
    return pl.DataFrame(
        {
            "year": [2021, 2022, 2024],
            "national_laureates_per_tested": [18_011 / 62_764, 19_723 / 69_968, None],
        }
    )


def test_ratio_rows_draw_each_series_where_it_exists() -> None:
    rows = ratio_rows(
        _per_year(), _national(), "laureates_per_tested", "national_laureates_per_tested", LABELS
    )
    # BOSA's 2021 has no selection beside it; the selection's 2024 no BOSA figure; the
    # year-less row (permanently open) has no place on the axis
    assert rows.rows() == [
        (2021, "Nat", pytest.approx(0.28696, abs=1e-5)),
        (2022, "Nat", pytest.approx(0.28188, abs=1e-5)),
        (2022, "Sel", 0.4),
        (2024, "Sel", pytest.approx(1 / 6)),
    ]


def test_ratio_chart_has_tooltips_and_percent_axis() -> None:
    spec = ratio_chart(
        _per_year(),
        _national(),
        "laureates_per_tested",
        "national_laureates_per_tested",
        LABELS,
        "nl",
    ).to_dict()
    assert spec["encoding"]["y"]["axis"]["format"] == "%"
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == ["Jaar", "Bron", "L/S"]
    data = next(iter(spec["datasets"].values()))
    # 28.696 -> 28,7; 28.188 -> 28,2; 0.4 -> 40,0; 1/6 = 16.67 -> 16,7
    assert {row["value_text"] for row in data} == {"28,7 %", "28,2 %", "40,0 %", "16,7 %"}


def test_volume_chart_leaves_out_rows_without_a_year() -> None:
    labels = VolumeLabels(
        year="Jaar",
        candidates="Kandidaten",
        measure="Aantal",
        measures={"applicants": "S", "tested": "G", "laureates": "L"},
    )
    spec = volume_chart(_per_year(), labels, "nl").to_dict()
    data = next(iter(spec["datasets"].values()))
    assert {row["year"] for row in data} == {2022, 2024}
    assert len(data) == 6  # 2 years x 3 measures
    assert spec["encoding"]["color"]["scale"]["domain"] == ["S", "G", "L"]


def test_axes_write_numbers_the_way_the_language_does() -> None:
    labels = VolumeLabels(
        year="Jaar",
        candidates="Kandidaten",
        measure="Aantal",
        measures={"applicants": "S", "tested": "G", "laureates": "L"},
    )
    dutch = volume_chart(_per_year(), labels, "nl").to_dict()
    english = volume_chart(_per_year(), labels, "en").to_dict()
    # whole people only, thousands grouped; how a language groups them is the chart's
    # locale (selstats.ui.charts.theme): "12.951" in Dutch, Vega's own "12,951" in English
    assert dutch["encoding"]["y"]["axis"]["format"] == ",d"
    assert english["encoding"]["y"]["axis"]["format"] == ",d"
    assert (dutch["config"]["locale"]["number"]["thousands"]) == "."
    assert "locale" not in english.get("config", {})
    ratio = ratio_chart(
        _per_year(),
        _national(),
        "laureates_per_tested",
        "national_laureates_per_tested",
        LABELS,
        "fr",
    ).to_dict()
    assert ratio["encoding"]["y"]["axis"]["format"] == "%"
    assert ratio["config"]["locale"]["number"]["percent"] == " %"  # "30 %" in French
