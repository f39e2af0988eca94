"""The overview page and its queries, against the hand-computed small store
(tests/fixtures/small_store.py), an empty store and a demo store.

Hand-derived figures of the small store (its docstring):
- P-A1 (2025): applicants 8, tested 5 (A01-A05 sat step 2), laureates 2 (A01, A03),
  lead time 2025-03-01 -> 2025-04-05 = 35 days.
- P-B1 (2026): applicants 5, tested 3 (B01-B03), laureates 1 (B01), lead time 30 days.
- P-B2 (2026): applicants 2, tested 0, laureates 0, no list date (no lead time).
- The four reference procedures have steps but no results: they are not counted.
Totals: 3 procedures, 8 + 5 + 2 = 15 applicants, 5 + 3 + 0 = 8 tested, 2 + 1 + 0 = 3
laureates, 3 / 15 = 20 %, median of (35, 30) = 32.5 days.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from selstats import query
from selstats.tables import Scope
from selstats.ui.charts.overview import (
    RatioLabels,
    VolumeLabels,
    ratio_chart,
    ratio_rows,
    volume_chart,
)
from selstats.ui.i18n import translate

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
    assert list(table["median_lead_days"]) == [35, 30]  # P-B2 has no list date
    # BOSA publishes nothing for 2025 and 2026
    assert table["national_applicants"].isna().all()
    # the comparison is explained, naming federal recruitment
    assert translate("nl", "overview.national_note") in [c.value for c in at.caption]


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
    assert metrics[translate(lang, "overview.metric.ratio")] == ratio
    assert metrics[translate(lang, "overview.metric.lead_time")] == lead


def test_overview_follows_the_filter(small_store: Path) -> None:
    at = _overview(orgs="ORG-B")
    assert not at.exception
    assert _metrics(at) == {
        "Sollicitanten": "7",  # P-B1 5 + P-B2 2
        "Procedures": "2",
        "Getest": "3",  # 3 + 0
        "Laureaten": "1",
        "Laureaten per sollicitant": "14,3 %",  # 1 / 7 = 0.142857...
        "Mediane doorlooptijd": "30,0 dagen",  # P-B1 only: 2026-06-09 -> 2026-07-09
    }


def test_an_analyst_sees_small_counts_hidden(small_store: Path) -> None:
    # analyst: figures across organisations with small cells (< 5) as "<5"
    at = _overview(role="analyst")
    assert not at.exception
    assert _metrics(at) == {
        "Sollicitanten": "15",
        "Procedures": "3",  # procedures are not people: never hidden
        "Getest": "8",
        "Laureaten": "<5",  # 3
        "Laureaten per sollicitant": "—",  # rests on the hidden 3
        "Mediane doorlooptijd": "32,5 dagen",
    }
    table = at.dataframe[0].value
    # 2025: 8 applicants, 5 tested, 2 laureates; 2026: 7, 3, 1
    assert list(table["applicants"]) == ["8", "7"]
    assert list(table["tested"]) == ["5", "<5"]
    assert list(table["laureates"]) == ["<5", "<5"]
    assert table["laureates_per_applicant"].isna().all()
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
    assert len(at.metric) == 6
    table = at.dataframe[0].value
    row_2024 = table[table["year"] == 2024]
    if not row_2024.empty:  # DOMAIN.md section 4: 2024 has 128,514 applicants and no more
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
        "laureates_per_applicant": pytest.approx(0.2),
        "median_lead_days": pytest.approx(32.5),
    }


def test_overview_totals_respect_the_access_scope(small_con: duckdb.DuckDBPyConnection) -> None:
    totals = query.run(small_con, "overview_totals", **Scope(allowed=("ORG-A",)).params())
    # P-A1 alone: 8 applicants, 5 tested, 2 laureates, 2 / 8, lead 35 days
    assert totals.row(0) == (1, 8, 5, 2, 0.25, 35.0)


def test_overview_totals_of_an_empty_selection(small_con: duckdb.DuckDBPyConnection) -> None:
    totals = query.run(small_con, "overview_totals", **Scope(orgs=("NOBODY",)).params())
    assert totals.row(0) == (0, 0, 0, 0, None, None)


def test_overview_query_joins_the_national_figures(small_con: duckdb.DuckDBPyConnection) -> None:
    per_year = query.run(small_con, "overview", **Scope(year_to=2025).params())
    # 2025: P-A1 only; no BOSA figure for 2025
    assert per_year.select("year", "applicants", "national_applicants").rows() == [(2025, 8, None)]
    national = small_con.sql(
        "select applicants, laureates from national_figures where year = 2022"
    ).fetchall()
    assert national == [(123_723, 19_723)]  # DOMAIN.md section 4, the reference data


# ---- the charts -------------------------------------------------------------------------

LABELS = RatioLabels(year="Jaar", ratio="L/S", source="Bron", selection="Sel", national="Nat")


def _per_year() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "year": [2022, 2024, None],
            "applicants": [8, 10, 5],
            "tested": [5, 6, 2],
            "laureates": [2, 1, 1],
            "laureates_per_applicant": [0.25, 0.1, 0.2],
            # 2022: 19,723 / 123,723 (DOMAIN.md); 2024: no national laureates
            "national_laureates_per_applicant": [19_723 / 123_723, None, None],
        }
    )


def test_ratio_rows_put_the_selection_next_to_the_national_figure() -> None:
    rows = ratio_rows(
        _per_year(), "laureates_per_applicant", "national_laureates_per_applicant", LABELS
    )
    # no row for the missing national 2024 figure, none for the year-less row
    assert sorted(rows.rows()) == [
        (2022, "Nat", pytest.approx(0.1594, abs=1e-4)),
        (2022, "Sel", 0.25),
        (2024, "Sel", 0.1),
    ]


def test_ratio_chart_has_tooltips_and_percent_axis() -> None:
    spec = ratio_chart(
        _per_year(), "laureates_per_applicant", "national_laureates_per_applicant", LABELS, "nl"
    ).to_dict()
    assert spec["encoding"]["y"]["axis"]["format"] == "%"
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == ["Jaar", "Bron", "L/S"]
    data = next(iter(spec["datasets"].values()))
    assert {row["value_text"] for row in data} == {"25,0 %", "15,9 %", "10,0 %"}


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
    dutch = volume_chart(_per_year(), labels, "nl").to_dict()["encoding"]["y"]["axis"]
    english = volume_chart(_per_year(), labels, "en").to_dict()["encoding"]["y"]["axis"]
    # whole people only; Vega writes "12,951": Dutch swaps the separators ("12.951")
    assert dutch["format"] == english["format"] == ",d"
    assert "labelExpr" not in english
    assert "regexp(',', 'g')" in dutch["labelExpr"]
    ratio = ratio_chart(
        _per_year(), "laureates_per_applicant", "national_laureates_per_applicant", LABELS, "fr"
    ).to_dict()["encoding"]["y"]["axis"]
    assert ratio["labelExpr"].endswith("'%', ' %')")  # "30 %" in French
