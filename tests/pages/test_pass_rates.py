"""The step pass rates page, its queries and charts, against the hand-computed small store
(tests/fixtures/small_store.py), an empty store and a demo store.

The pass rate (queries/pass_rates_by_group.sql) = (passed + cut_off) / (passed + failed +
cut_off); the no-show rate = (absent + not_registered) / reached. Held steps of the small
store, from its docstring:

| step    | kind      | year | reached | passed | cut_off | failed | absent | withdrawn |
|---------|-----------|------|---------|--------|---------|--------|--------|-----------|
| P-A1 1  | screening | 2025 | 8       | 6      | 0       | 1      | 0      | 1         |
| P-A1 2  | written   | 2025 | 6       | 3      | 1       | 1      | 1      | 0         |
| P-A1 3  | interview | 2025 | 3       | 2      | 0       | 1      | 0      | 0         |
| P-B1 1  | screening | 2026 | 5       | 4      | 0       | 1      | 0      | 0         |
| P-B1 2  | written   | 2026 | 4       | 2      | 0       | 1      | 1      | 0         |
| P-B1 3  | oral      | 2026 | 2       | 1      | 0       | 1      | 0      | 0         |
| P-B2 1  | screening | 2026 | 2       | 2      | 0       | 0      | 0      | 0         |

(P-B2 step 2 is pending and the reference procedures have no results: not counted.)
- P-A1 step 2: (3 + 1) / (3 + 1 + 1) = 4/5 = 80 %; no-show 1/6.
- screening: met 6 + 4 + 2 = 12, sat 7 + 5 + 2 = 14 -> 12/14; no-show 0/15.
- written: met 4 + 2 = 6, sat 5 + 3 = 8 -> 75 %; no-show (1 + 1) / (6 + 4) = 20 %.
- interview 2/3; oral 1/2.
- all: met 12 + 6 + 2 + 1 = 21, sat 14 + 8 + 3 + 2 = 27 -> 21/27 = 77.8 %;
  no-show 2 / (15 + 10 + 3 + 2) = 2/30 = 6.7 %; 7 steps.
- 2025 (P-A1): met 6 + 4 + 2 = 12, sat 7 + 5 + 3 = 15 -> 80 %;
  2026 (P-B1, P-B2): met 4 + 2 + 1 + 2 = 9, sat 5 + 3 + 2 + 2 = 12 -> 75 %.
- ORG-A = P-A1 -> 80 %; ORG-B = P-B1 + P-B2 -> 75 %.
Score distribution of P-A1 step 2 (max 20: bins of 1 point): A05 9 failed, A04 14 cut off,
A03 15, A02 16, A01 18 passed; A06 absent has no score. Pass mark 10 points; top 3: the
third-best score is 15, so the cut-off score is 15 (14 is cut off).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from selstats import query
from selstats.i18n import translate
from selstats.store.writer import write_store
from selstats.ui.charts.pass_rates import (
    PassRateTexts,
    fmt_count,
    fmt_score,
    pass_rate_by_kind,
    pass_rate_by_organisation,
    pass_rate_over_time,
    score_histogram,
)
from tests.fixtures.small_store import build_small_store

APP = "../../app.py"  # AppTest resolves it against this file
TIMEOUT = 60
NO_FILTER: dict[str, Any] = {
    "year_from": None,
    "year_to": None,
    "govs": [],
    "orgs": [],
    "levels": [],
    "procs": [],
    "allowed": None,
}
TEXTS_NL = PassRateTexts.from_catalogue(lambda key, **params: translate("nl", key, **params), "nl")


@pytest.fixture(scope="module")
def small_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_store(tmp_path_factory.mktemp("small") / "s.duckdb")


@pytest.fixture
def small_store(small_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SELSTATS_DB", str(small_path))
    return small_path


@pytest.fixture
def small_con(small_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(small_path), read_only=True)
    yield con
    con.close()


def rates(con: duckdb.DuckDBPyConnection, **scope: Any) -> pl.DataFrame:
    return query.run(con, "pass_rates_by_group", **{**NO_FILTER, **scope})


def one(frame: pl.DataFrame, **match: object) -> dict[str, Any]:
    rows = frame.filter(*(pl.col(k) == v for k, v in match.items()))
    assert rows.height == 1, match
    return rows.row(0, named=True)


# ---- the pass rate, defined once in SQL -------------------------------------------------


def test_pass_rate_of_a_top_n_step(small_con: duckdb.DuckDBPyConnection) -> None:
    row = one(rates(small_con), grouping="step", procedure_code="P-A1", step_no=2)
    assert (row["sat"], row["met_mark"], row["passed"], row["cut_off"]) == (5, 4, 3, 1)
    assert row["pass_rate"] == pytest.approx(4 / 5)  # (3 + 1) / (3 + 1 + 1) = 80 %
    assert row["no_show_rate"] == pytest.approx(1 / 6)  # A06 absent of 6 who reached it
    assert row["kind"] == "written" and row["year"] == 2025 and row["org_name"] == "Dienst Alfa"


def test_withdrawn_is_not_in_the_denominator(small_con: duckdb.DuckDBPyConnection) -> None:
    row = one(rates(small_con), grouping="step", procedure_code="P-A1", step_no=1)
    # 6 passed, 1 failed, 1 withdrawn: 6 / (6 + 1), and withdrawn is no no-show either
    assert (row["sat"], row["withdrawn"]) == (7, 1)
    assert row["pass_rate"] == pytest.approx(6 / 7)
    assert row["no_show_rate"] == 0


def test_only_held_steps_count(small_con: duckdb.DuckDBPyConnection) -> None:
    steps = rates(small_con).filter(pl.col("grouping") == "step")
    assert steps.height == 7  # P-B2 step 2 is pending; reference procedures have no results
    assert ("P-B2", 2) not in steps.select("procedure_code", "step_no").rows()


def test_per_kind(small_con: duckdb.DuckDBPyConnection) -> None:
    by_kind = rates(small_con).filter(pl.col("grouping") == "kind")
    got = {
        r["kind"]: (r["met_mark"], r["sat"], r["pass_rate"]) for r in by_kind.iter_rows(named=True)
    }
    assert got == {
        "screening": (12, 14, pytest.approx(12 / 14)),
        "written": (6, 8, pytest.approx(0.75)),
        "interview": (2, 3, pytest.approx(2 / 3)),
        "oral": (1, 2, pytest.approx(0.5)),
    }
    assert one(by_kind, kind="written")["no_show_rate"] == pytest.approx(0.2)  # 2 / 10


def test_overall_per_year_and_per_organisation(small_con: duckdb.DuckDBPyConnection) -> None:
    frame = rates(small_con)
    overall = one(frame, grouping="all")
    assert (overall["met_mark"], overall["sat"], overall["held_steps"]) == (21, 27, 7)
    assert overall["pass_rate"] == pytest.approx(21 / 27)
    assert overall["no_show_rate"] == pytest.approx(2 / 30)
    assert one(frame, grouping="year", year=2025)["pass_rate"] == pytest.approx(12 / 15)
    assert one(frame, grouping="year", year=2026)["pass_rate"] == pytest.approx(9 / 12)
    assert one(frame, grouping="organisation", org_id="ORG-A")["pass_rate"] == pytest.approx(0.8)
    assert one(frame, grouping="organisation", org_id="ORG-B")["pass_rate"] == pytest.approx(0.75)
    # written per year: 2025 P-A1 4/5, 2026 P-B1 2/3
    assert one(frame, grouping="year_kind", year=2026, kind="written")["pass_rate"] == (
        pytest.approx(2 / 3)
    )
    assert one(frame, grouping="organisation_kind", org_id="ORG-A", kind="written")[
        "pass_rate"
    ] == pytest.approx(0.8)


def test_the_filter_and_the_access_scope_apply(small_con: duckdb.DuckDBPyConnection) -> None:
    assert one(rates(small_con, orgs=["ORG-B"]), grouping="all")["pass_rate"] == pytest.approx(
        9 / 12
    )
    seen = rates(small_con, allowed=["ORG-A"]).filter(pl.col("grouping") == "step")
    assert set(seen["procedure_code"]) == {"P-A1"}
    assert rates(small_con, year_from=2027, year_to=2027).is_empty()  # not an empty total


def test_an_empty_store_gives_no_rows(empty_store: Path) -> None:
    con = duckdb.connect(str(empty_store), read_only=True)
    try:
        assert rates(con).is_empty()
    finally:
        con.close()


# ---- the score distribution of one step -------------------------------------------------


def distribution(
    con: duckdb.DuckDBPyConnection, code: str, step: int, **scope: Any
) -> pl.DataFrame:
    params = {**NO_FILTER, **scope, "procedure_code": code, "step_no": step}
    return query.run(con, "score_distribution", **params)


def marks(con: duckdb.DuckDBPyConnection, code: str, step: int, **scope: Any) -> pl.DataFrame:
    params = {**NO_FILTER, **scope, "procedure_code": code, "step_no": step}
    return query.run(con, "pass_rates_step_marks", **params)


def test_score_bins_of_one_step(small_con: duckdb.DuckDBPyConnection) -> None:
    bins = distribution(small_con, "P-A1", 2)
    assert bins.rows() == [
        (9.0, 10.0, "failed", 1),
        (14.0, 15.0, "cut_off", 1),
        (15.0, 16.0, "passed", 1),
        (16.0, 17.0, "passed", 1),
        (18.0, 19.0, "passed", 1),
    ]
    # a test out of 100: bins of 100 / 20 = 5 points; B04 absent has no score
    assert distribution(small_con, "P-B1", 2).rows() == [
        (40.0, 45.0, "failed", 1),
        (50.0, 55.0, "passed", 1),
        (70.0, 75.0, "passed", 1),
    ]
    assert distribution(small_con, "P-A1", 1).is_empty()  # pass/fail: no scores
    assert distribution(small_con, "P-A1", 2, allowed=["ORG-B"]).is_empty()


def test_pass_mark_and_top_n_cut(small_con: duckdb.DuckDBPyConnection) -> None:
    row = marks(small_con, "P-A1", 2).row(0, named=True)
    assert row["pass_points"] == 10  # 10 points
    assert (row["top_n"], row["top_n_step_no"], row["cut_off"]) == (3, 2, 1)
    assert row["cut_score"] == 15  # the third-best score; 14 is cut off
    assert row["scored"] == 5


def test_a_pass_mark_in_percent_is_drawn_in_points(small_con: duckdb.DuckDBPyConnection) -> None:
    row = marks(small_con, "P-B1", 2).row(0, named=True)
    assert (row["pass_mark"], row["pass_unit"], row["max_score"]) == (50, "percent", 100)
    assert row["pass_points"] == 50  # 50 % of 100
    assert row["cut_score"] is None  # no top-N
    oral = marks(small_con, "P-B1", 3).row(0, named=True)
    assert (oral["total_of_steps"], oral["total_pass_percent"]) == ("2,3", 60)


def test_a_top_n_that_ranks_on_an_earlier_step(tmp_path: Path) -> None:
    # As CNG24004: step 2 (pass/fail) lets through the 2 best step-1 scores among those who
    # pass it. Step 1: C1 90, C2 80, C3 80, C4 70 pass (>= 50), C5 40 fails; all four pass
    # step 2's own rule; top 2 by step-1 score with ties: C1 (90), C2 and C3 (80, tied 2nd);
    # C4 is cut off. The cut-off score on step 1 is 80, drawn on step 1's distribution.
    path = tmp_path / "rank.duckdb"
    with write_store(path, fresh=True) as writer:
        writer.upsert(
            "organisations",
            pl.DataFrame({"org_id": ["O"], "name": ["Org"], "government": ["federal"]}),
        )
        writer.upsert(
            "procedures",
            pl.DataFrame(
                {
                    "procedure_code": ["X"],
                    "org_id": ["O"],
                    "level": ["C"],
                    "application_deadline": [date(2024, 6, 4)],
                }
            ),
        )
        writer.upsert(
            "steps",
            pl.DataFrame(
                {
                    "procedure_code": ["X", "X"],
                    "step_no": [1, 2],
                    "name": ["MCQ", "Ervaring"],
                    "kind": ["mcq", "screening"],
                    "max_score": [100.0, None],
                    "pass_mark": [50.0, None],
                    "pass_unit": ["points", None],
                    "top_n": [None, 2],
                    "rank_by_step": [None, 1],
                }
            ),
        )
        scores = [("C1", 90.0), ("C2", 80.0), ("C3", 80.0), ("C4", 70.0), ("C5", 40.0)]
        rows = [("X", c, 1, s, None) for c, s in scores]
        rows += [("X", c, 2, None, "passed") for c in ("C1", "C2", "C3", "C4")]
        writer.upsert_results(
            pl.DataFrame(
                rows,
                schema={
                    "procedure_code": pl.String,
                    "candidate_ref": pl.String,
                    "step_no": pl.Int64,
                    "score": pl.Float64,
                    "outcome_given": pl.String,
                },
                orient="row",
            )
        )
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = marks(con, "X", 1).row(0, named=True)
        assert (row["top_n"], row["top_n_step_no"], row["cut_off"]) == (2, 2, 1)
        assert row["cut_score"] == 80
        step2 = one(rates(con), grouping="step", step_no=2)
        assert step2["pass_rate"] == 1.0  # (3 passed + 1 cut off) / 4
    finally:
        con.close()


# ---- charts -----------------------------------------------------------------------------


def _datasets(chart: Any) -> list[dict[str, Any]]:
    spec = chart.to_dict()
    return [row for values in spec.get("datasets", {}).values() for row in values]


def _layers(chart: Any) -> list[dict[str, Any]]:
    return list(chart.to_dict()["layer"])


def test_histogram_draws_the_pass_mark_and_the_cut(small_con: duckdb.DuckDBPyConnection) -> None:
    bins = distribution(small_con, "P-A1", 2)
    mark = marks(small_con, "P-A1", 2).row(0, named=True)
    chart = score_histogram(bins, mark, TEXTS_NL, "nl")
    rules = [layer for layer in _layers(chart) if layer["mark"]["type"] == "rule"]
    assert len(rules) == 2
    rows = _datasets(chart)
    assert {"score": 10.0, "label": "Slaagdrempel", "score_text": "10"} in rows
    assert {"score": 15.0, "label": "top-3-grens", "score_text": "15"} in rows
    assert rules[1]["mark"]["strokeDash"] == [6, 4]  # the cut is dashed
    # the x axis runs over the whole test: 0 to 20 points
    assert chart.to_dict()["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 20.0]


def test_histogram_without_top_n_has_one_rule(small_con: duckdb.DuckDBPyConnection) -> None:
    bins = distribution(small_con, "P-B1", 2)
    mark = marks(small_con, "P-B1", 2).row(0, named=True)
    rules = [
        layer
        for layer in _layers(score_histogram(bins, mark, TEXTS_NL, "nl"))
        if layer["mark"]["type"] == "rule"
    ]
    assert len(rules) == 1


def test_histogram_leaves_out_suppressed_bins() -> None:
    bins = pl.DataFrame(
        {"bin_start": [0.0, 5.0], "bin_end": [5.0, 10.0], "outcome": ["failed", "passed"]}
    ).with_columns(pl.Series("candidates", ["<5", "12"]))
    chart = score_histogram(bins, {"max_score": 10.0}, TEXTS_NL, "nl")
    heights = {(r["bin_start"], r["height"], r["candidates_text"]) for r in _datasets(chart)}
    assert heights == {(0.0, None, "<5"), (5.0, 12.0, "12")}


def test_bars_per_kind_with_outcome_colours(small_con: duckdb.DuckDBPyConnection) -> None:
    by_kind = rates(small_con).filter(pl.col("grouping") == "kind")
    chart = pass_rate_by_kind(by_kind, TEXTS_NL, "nl")
    spec = chart.to_dict()
    assert spec["encoding"]["color"]["scale"]["range"] == ["#009E73", "#7F7F7F"]
    written = [r for r in _datasets(chart) if r["kind_name"] == "schriftelijke proef"]
    assert {(r["measure"], r["rate_text"]) for r in written} == {
        ("Slaagpercentage", "75,0 %"),
        ("Afwezigheidsgraad", "20,0 %"),
    }
    # the theme's Dutch number locale: "1.234,5" and "30 %"
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["config"]["locale"]["number"]["percent"] == " %"


def test_over_time_has_a_line_for_all_steps(small_con: duckdb.DuckDBPyConnection) -> None:
    frame = rates(small_con)
    chart = pass_rate_over_time(
        frame.filter(pl.col("grouping") == "year_kind"),
        frame.filter(pl.col("grouping") == "year"),
        TEXTS_NL,
        "nl",
    )
    overall = {
        r["year_text"]: r["rate_text"] for r in _datasets(chart) if r["kind_name"] == "alle stappen"
    }
    assert overall == {"2025": "80,0 %", "2026": "75,0 %"}


def test_over_time_leaves_out_procedures_without_a_year() -> None:
    rows = pl.DataFrame(
        {"year": [2024, None], "kind": ["mcq", "mcq"], "pass_rate": [0.5, 0.9], "sat": [10, 10]},
        schema_overrides={"year": pl.Int32},
    )
    chart = pass_rate_over_time(rows, rows.drop("kind"), TEXTS_NL, "en")
    assert {r["year_text"] for r in _datasets(chart)} == {"2024"}


def test_grid_per_organisation(small_con: duckdb.DuckDBPyConnection) -> None:
    cells = rates(small_con).filter(pl.col("grouping") == "organisation_kind")
    chart = pass_rate_by_organisation(cells, TEXTS_NL, "fr")
    found = {(r["org_name"], r["kind_name"], r["rate_text"]) for r in _datasets(chart)}
    assert ("Dienst Alfa", "schriftelijke proef", "80 %") in found
    assert ("Stad Beta", "mondelinge proef", "50 %") in found


def test_count_and_score_words() -> None:
    assert (fmt_count(1234, "nl"), fmt_count("<5", "nl"), fmt_count(None, "en")) == (
        "1.234",
        "<5",
        "—",
    )
    assert (fmt_score(10.0, "nl"), fmt_score(9.5, "nl"), fmt_score(9.5, "en")) == (
        "10",
        "9,5",
        "9.5",
    )


# ---- the page ---------------------------------------------------------------------------


def _page(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    return at.switch_page("pages/pass_rates.py").run()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _table(at: AppTest, first_column: str) -> list[dict[str, Any]]:
    for frame in at.dataframe:
        if frame.value.columns[0] == first_column:
            records: list[dict[str, Any]] = frame.value.to_dict("records")
            return records
    raise AssertionError(f"no table starting with {first_column}")


def test_page_shows_the_hand_computed_figures(small_store: Path) -> None:
    at = _page(pass_rates_procedure="P-A1")
    assert not at.exception
    assert [title.value for title in at.title] == ["Slaagpercentages"]
    assert "(geslaagd + afgevallen (top-N)) / (geslaagd + niet geslaagd" in at.markdown[0].value
    # 21/27 = 77.8 %, 2/30 = 6.7 %, 27 sittings of 7 steps
    assert _metrics(at) == {
        "Slaagpercentage": "77,8 %",
        "Afwezigheidsgraad": "6,7 %",
        "Deelnames": "27",
        "Afgenomen stappen": "7",
    }
    by_kind = {r["kind"]: r["pass_rate"] for r in _table(at, "kind")}
    assert by_kind["schriftelijke proef"] == pytest.approx(0.75)  # 6/8
    step = next(
        r
        for r in _table(at, "procedure_code")
        if (r["procedure_code"], r["step_no"]) == ("P-A1", 2)
    )
    assert step["pass_rate"] == pytest.approx(0.8)  # (3 + 1) / (3 + 1 + 1)
    assert (step["sat"], step["met_mark"], step["cut_off"]) == (5, 4, 1)
    organisations = {r["org_id"]: r["pass_rate"] for r in _table(at, "org_id")}
    assert organisations == {"ORG-A": pytest.approx(0.8), "ORG-B": pytest.approx(0.75)}
    # the chosen step: P-A1 step 2, its pass mark and its top-3 cut at 15
    assert at.selectbox(key="pass_rates_procedure").value == "P-A1"
    assert at.selectbox(key="pass_rates_step").value == 2
    captions = [c.value for c in at.caption]
    assert "Slaagdrempel: 10 punten op 20." in captions
    assert any(
        c.startswith("Top 3 (stap 2): wie doorging had minstens 15 punten") for c in captions
    )
    assert any(c.endswith("Haalden de drempel maar vielen af: 1.") for c in captions)


def test_a_percent_pass_mark_and_a_total_rule_are_said(small_store: Path) -> None:
    at = _page(pass_rates_procedure="P-B1")
    at.selectbox(key="pass_rates_step").set_value(3).run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert "Slaagdrempel: 50 % van 100 = 50 punten." in captions
    assert any("minstens 60 % op het totaal van de stappen 2 + 3" in c for c in captions)
    assert not any(c.startswith("Top ") for c in captions)  # no top-N at P-B1


def test_page_in_french_and_english(small_store: Path) -> None:
    at = _page(lang="fr")
    assert not at.exception
    assert _metrics(at)["Taux de réussite"] == "77,8 %"
    at = _page(lang="en")
    assert _metrics(at)["Pass rate"] == "77.8%"
    assert _metrics(at)["No-show rate"] == "6.7%"


def test_downloads_are_offered(small_store: Path) -> None:
    at = _page()
    keys = {button.key for button in at.get("download_button")}
    assert "pass_rates_by_step_download_csv" in keys
    assert "pass_rates_by_kind_download_parquet" in keys


def test_a_filter_without_steps_says_so(small_store: Path) -> None:
    at = _page(procs="CNG23032")  # a reference procedure without results
    assert not at.exception
    assert [i.value for i in at.info] == [translate("nl", "common.empty_selection")]
    assert not at.metric


def test_empty_store(empty_store: Path) -> None:
    at = _page()
    assert not at.exception
    assert [i.value for i in at.info] == [translate("nl", "common.empty_selection")]


def test_demo_store(demo_store: Path) -> None:
    at = _page()
    assert not at.exception
    assert _metrics(at)["Slaagpercentage"].endswith("%")


def test_demo_store_as_an_analyst(demo_store: Path) -> None:
    # small cells ("<5") for an analyst: counts arrive as text, rates from them are hidden
    at = _page()
    at.selectbox(key="_selstats_demo_role").set_value("analyst").run()
    assert not at.exception
    assert at.metric


# ---- tabs and the charts in words -------------------------------------------------------

TABS_NL = ["Per soort stap", "Per jaar", "Per organisatie", "Per stap", "Scoreverdeling"]


def test_the_page_opens_on_the_pass_rate_per_kind(small_store: Path) -> None:
    at = _page()
    assert not at.exception
    assert [tab.label for tab in at.tabs] == TABS_NL
    assert at.session_state["pass_rates_section"] == "Per soort stap"
    assert "section" not in at.query_params


def test_a_link_to_a_procedure_opens_the_score_distribution(small_store: Path) -> None:
    at = _page(pass_rates_procedure="P-A1")
    assert at.session_state["pass_rates_section"] == "Scoreverdeling"
    at = _page(section="by_step", lang="en")  # the tab's code, whatever the language
    assert at.session_state["pass_rates_section"] == "By step"
    assert at.query_params["section"] == "by_step"


def test_the_charts_in_words(small_store: Path) -> None:
    at = _page(pass_rates_procedure="P-A1")
    assert not at.exception
    captions = [c.value for c in at.caption]
    by_kind = next(c for c in captions if c.startswith("In woorden, slaagpercentage per soort"))
    # written 6/8 = 75,0 %, no-show 2/10 = 20,0 %; screening 12/14 = 85,7 %, 0/15 = 0,0 %;
    # interview 2/3 = 66,7 %; oral 1/2 = 50,0 %
    assert "schriftelijke proef 75,0 % (afwezig 20,0 %)" in by_kind
    assert "screening 85,7 % (afwezig 0,0 %)" in by_kind
    assert "mondelinge proef 50,0 % (afwezig 0,0 %)" in by_kind
    # 2025 (P-A1): 12/15 = 80,0 %, absent 1 of 8 + 6 + 3 = 17 reached = 5,9 %;
    # 2026: 9/12 = 75,0 %, absent 1 of 5 + 4 + 2 + 2 = 13 = 7,7 %
    assert (
        "In woorden, slaagpercentage per jaar over alle stappen: 2025 80,0 % (afwezig 5,9 %); "
        "2026 75,0 % (afwezig 7,7 %)."
    ) in captions
    assert any(
        c.startswith(
            "In woorden, organisaties met een slaagpercentage: 2; het hoogste: Dienst Alfa "
            "(80,0 %); het laagste: Stad Beta (75,0 %)"
        )
        for c in captions
    )
    # P-A1 step 2, bins of 1 point: 9 failed, 14 cut off, 15, 16, 18 passed
    assert (
        "In woorden: scores 5, tussen 9 en 19 punten; niet geslaagd 1, afgevallen (top-N) 1, "
        "geslaagd 3."
    ) in captions
