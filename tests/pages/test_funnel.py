"""The funnel page, its queries, words and charts, against the hand-computed small store
(tests/fixtures/small_store.py), an empty store and a demo store.

Hand-derived figures of the small store (its docstring):
- P-A1 (8 applicants): step 1 reached 8, passed 6, failed 1 (A07), withdrawn 1 (A08);
  step 2 (written /20, pass 10 points, top 3) reached 6, passed 3 (A01-A03), failed 1
  (A05: 9 < 10), absent 1 (A06), cut_off 1 (A04: 14 meets the mark, 4th by score);
  step 3 (interview /100, pass 50) reached 3, passed 2 (A01, A03), failed 1 (A02).
- P-B1 (5 applicants): step 1 reached 5, passed 4, failed 1; step 2 reached 4, passed 2,
  failed 1, absent 1; step 3 reached 2, passed 1, failed 1 (B02: 110/200 = 55 % < 60 %).
- P-B2 (2 applicants): step 1 reached 2, passed 2; step 2 pending (no results yet).
- Lost at a held step = reached - passed: P-A1 8-6 = 2, 6-3 = 3, 3-2 = 1 (of 8 applicants:
  25 %, 37,5 %, 12,5 %), largest at step 2; P-B1 5-4 = 1, 4-2 = 2, 2-1 = 1 (of 5: 20 %,
  40 %, 20 %), largest at step 2; P-B2 2-2 = 0 at step 1, none at the pending step 2.
- The four reference procedures (CNG23032, CNG24004, MAASEIK-DBK-2026, req16131) have steps
  but no results: every step pending.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from selstats import query
from selstats.access.suppression import suppress
from selstats.domain.enums import Outcome
from selstats.export import to_bytes
from selstats.i18n import translate
from selstats.tables import Scope
from selstats.ui.charts.funnel import FunnelLabels, ShareLabels, funnel_chart, share_chart
from selstats.ui.charts.theme import OUTCOME_COLOURS
from selstats.ui.funnel_text import (
    CONTRACT_COLUMNS,
    aggregate_chart_steps,
    chart_steps,
    funnel_table,
    guard_lost,
    rule_text,
    state_text,
)

APP = "../../app.py"  # AppTest resolves it against this file
TIMEOUT = 60
NOT_HELD_NL = "niet gehouden — te weinig kandidaten over"
PENDING_NL = "nog geen resultaten"


def _funnel_page(role: str = "bosa", **params: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    if role != "bosa":  # the demo role switcher
        at.sidebar.selectbox(key="_selstats_demo_role").select(role).run()
    return at.switch_page("pages/funnel.py").run()


def _rows(at: AppTest) -> list[dict[str, object]]:
    """The rows of the page's main table: the last one shown (in the single-procedure view,
    the steps' rules come first, then the funnel table)."""
    records: list[dict[str, object]] = at.dataframe[len(at.dataframe) - 1].value.to_dict("records")
    return records


def _step(rows: list[dict[str, object]], code: str, step_no: int) -> dict[str, object]:
    return next(r for r in rows if r["procedure_code"] == code and r["step_no"] == step_no)


COUNTS = ("reached", "passed", "failed", "absent", "withdrawn", "not_registered", "cut_off")


def _counts(row: dict[str, object]) -> tuple[object, ...]:
    return tuple(row[c] for c in COUNTS)


# ---- one procedure ----------------------------------------------------------------------


def test_the_default_procedure_is_the_newest_finished_one(small_store: Path) -> None:
    at = _funnel_page()
    assert not at.exception
    assert [title.value for title in at.title] == ["Selectietrechter"]
    # finished first (lists: P-B1 of 2026, P-A1 of 2025), then with results (P-B2), then
    # those without results
    assert at.selectbox(key="funnel_procedure").value == "P-B1"
    assert at.selectbox(key="funnel_procedure").options[:3] == [
        "P-B1 — Dossierbeheerder — Stad Beta",
        "P-A1 — Attaché — Dienst Alfa",
        "P-B2 — Medewerker — Stad Beta",
    ]
    rows = _rows(at)
    #                                 reached passed failed absent withdr. not_reg cut_off
    assert [_counts(r) for r in rows] == [
        (5, 4, 1, 0, 0, 0, 0),
        (4, 2, 1, 1, 0, 0, 0),
        (2, 1, 1, 0, 0, 0, 0),
    ]


def test_p_a1_funnel_with_conversion_and_rules(small_store: Path) -> None:
    at = _funnel_page()
    at.selectbox(key="funnel_procedure").set_value("P-A1").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Sollicitanten": "8",
        "Laureaten": "2",
        "Laureaten per sollicitant": "25,0 %",  # 2 / 8
        "Stappen": "3",
    }
    rows = _rows(at)
    # the decisive figures first: visible without scrolling sideways at 1024 px
    assert list(rows[0])[: len(DECISIVE)] == list(DECISIVE)
    assert set(CONTRACT_COLUMNS) <= set(rows[0])
    step1, step2, step3 = rows
    assert _counts(step1) == (8, 6, 1, 0, 1, 0, 0)
    assert _counts(step2) == (6, 3, 1, 1, 0, 0, 1)
    assert _counts(step3) == (3, 2, 1, 0, 0, 0, 0)
    assert [r["held"] for r in rows] == [True, True, True]
    # advance rate = passed / reached of the step; conversion = passed / applicants (8)
    assert [r["advance_rate"] for r in rows] == pytest.approx([6 / 8, 3 / 6, 2 / 3])
    assert [r["conversion"] for r in rows] == pytest.approx([6 / 8, 3 / 8, 2 / 8])
    assert [r["share_reached"] for r in rows] == pytest.approx([8 / 8, 6 / 8, 3 / 8])
    # lost = reached - passed: 8-6, 6-3, 3-2; as a share of the 8 applicants
    assert [r["lost"] for r in rows] == [2, 3, 1]
    assert [r["lost_share"] for r in rows] == pytest.approx([2 / 8, 3 / 8, 1 / 8])
    assert [r["rule"] for r in rows] == [
        "geslaagd / niet geslaagd",
        "min. 10/20; de 3 besten gaan door (bij gelijke stand allemaal)",
        "min. 50/100",
    ]
    assert translate("nl", "funnel.topn_note") in [c.value for c in at.caption]
    # the rules again under the chart, beside each step's name and state
    rules = at.dataframe[0].value
    assert list(rules.columns) == ["step_no", "step_name", "state", "rule"]
    # the page says which ratio it shows: the advance rate, not the Pass rates page's
    assert translate("nl", "funnel.conversion_note") in [m.value for m in at.markdown]
    assert list(rules["rule"]) == [r["rule"] for r in rows]


def test_the_largest_loss_is_named_above_the_chart(small_store: Path) -> None:
    at = _funnel_page(procedure="P-A1")
    assert not at.exception
    markdown = [m.value for m in at.markdown]
    # P-A1 lost 2, 3 and 1: step 2 (Schriftelijk) lost most, 3 of 8 = 37,5 %
    assert (
        "**Grootste verlies: 2\\. Schriftelijk** — 3 van de 8 sollicitanten (37,5 %) gingen "
        "bij deze stap niet verder."
    ) in markdown
    # the chart's text alternative: every step's key figures in words
    assert (
        "In woorden: sollicitanten 8. 1. Screening: 8 bereikt, 6 geslaagd, 2 verloren; "
        "2. Schriftelijk: 6 bereikt, 3 geslaagd, 3 verloren; 3. Interview: 3 bereikt, "
        "2 geslaagd, 1 verloren."
    ) in [c.value for c in at.caption]


def test_the_largest_loss_in_french_for_p_b1(small_store: Path) -> None:
    at = _funnel_page(lang="fr")  # P-B1, the default
    assert not at.exception
    # P-B1 lost 1, 2 and 1 of 5 applicants: step 2 (Schriftelijk), 2 of 5 = 40 %
    assert (
        "**Plus grande perte : 2\\. Schriftelijk** — 2 des 5 candidats (40,0 %) ne sont pas "
        "allés plus loin à cette étape."
    ) in [m.value for m in at.markdown]


def test_an_analyst_sees_no_largest_loss_among_hidden_counts(small_store: Path) -> None:
    # P-A1's losses 2, 3 and 1 are all below 5: hidden, so no step can be named
    at = _funnel_page(role="analyst", procedure="P-A1")
    assert not at.exception
    assert not [m.value for m in at.markdown if "Grootste verlies" in m.value]
    # step 1: passed 6 is hidden as "x" (8 - 6 = 2 would say 2 did not go on); steps 2 and
    # 3: passed 3 and 2 are hidden "<5": lost is not shown at any step (reached - lost would
    # give passed back by subtraction)
    lost = [r["lost"] for r in _rows(at)]
    assert all(v is None or v != v for v in lost)  # null (NaN in the pandas frame)
    captions = " ".join(c.value for c in at.caption)
    assert "In woorden: sollicitanten 8. 1. Screening: 8 bereikt, x geslaagd" in captions


def test_lost_is_hidden_where_passed_is() -> None:
    # as an analyst gets it: reached 9 shown, passed 3 hidden ("<5"), lost 6 would give the
    # hidden 3 back (9 - 6); a step with both shown keeps its lost (8 - 6 = 2, "<5" itself)
    hidden = pl.DataFrame(
        {
            "reached": ["9", "8", "<5"],
            "passed": ["<5", "6", "<5"],
            "lost": ["6", "<5", "<5"],
            "lost_share": [6 / 20, 2 / 20, None],
        }
    )
    guarded = guard_lost(hidden)
    assert guarded["lost"].to_list() == [None, "<5", None]
    assert guarded["lost_share"].to_list() == [None, 2 / 20, None]
    exact = pl.DataFrame({"reached": [9], "passed": [3], "lost": [6], "lost_share": [0.3]})
    assert guard_lost(exact).equals(exact)  # no suppression: nothing to guard


def test_p_b2_step_2_says_it_has_no_results_yet(small_store: Path) -> None:
    at = _funnel_page()
    at.selectbox(key="funnel_procedure").set_value("P-B2").run()
    assert not at.exception
    step1, step2 = _rows(at)
    assert _counts(step1) == (2, 2, 0, 0, 0, 0, 0)
    assert step2["held"] is False
    assert step2["state"] == PENDING_NL  # the state's name, not the code "pending"
    assert _counts(step2) == (0, 0, 0, 0, 0, 0, 0)
    assert step2["conversion"] is None or step2["conversion"] != step2["conversion"]  # NaN


def test_a_deep_link_opens_the_procedure(small_store: Path) -> None:
    at = _funnel_page(procedure="P-A1", lang="en")
    assert not at.exception
    assert at.selectbox(key="funnel_procedure").value == "P-A1"
    assert _rows(at)[1]["rule"] == "at least 10/20; the best 3 go on (all of them when tied)"
    assert at.query_params["procedure"] == "P-A1"


def test_the_chosen_procedure_goes_into_the_url_by_its_code(small_store: Path) -> None:
    at = _funnel_page()
    assert "procedure" not in at.query_params  # the default is left out
    at.selectbox(key="funnel_procedure").set_value("P-B2").run()
    assert at.query_params["procedure"] == "P-B2"
    at.radio(key="funnel_view").set_value("compare").run()
    assert at.query_params["view"] == "compare"


def test_a_deep_link_to_a_comparison(small_store: Path) -> None:
    at = _funnel_page(view="compare", compare=["P-A1", "NOPE", "P-B2"])
    assert not at.exception
    assert at.radio(key="funnel_view").value == "compare"
    assert at.multiselect(key="funnel_compare").value == ["P-A1", "P-B2"]  # NOPE ignored


def test_a_procedure_outside_the_filter_is_ignored(small_store: Path) -> None:
    at = _funnel_page(procedure="P-A1", orgs="ORG-B")
    assert not at.exception
    assert at.selectbox(key="funnel_procedure").value == "P-B1"  # P-A1 is ORG-A's


def test_the_shown_table_is_the_download(small_store: Path) -> None:
    at = _funnel_page()
    shown = at.dataframe[1].value
    header = to_bytes(pl.from_pandas(shown), "csv").decode().splitlines()[0]
    assert header.startswith(",".join(DECISIVE))


def test_an_analyst_sees_small_counts_hidden(small_store: Path) -> None:
    # analyst: figures across organisations with small cells (< 5, zero included) as "<5"
    at = _funnel_page(role="analyst", procedure="P-A1")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sollicitanten"] == "8"
    assert metrics["Laureaten"] == "<5"  # 2
    assert metrics["Laureaten per sollicitant"] == "—"  # rests on the hidden 2
    step1, step2, _ = _rows(at)
    # step 1: reached 8, passed 6, failed 1, withdrawn 1, the rest 0. Shown, 8 - 6 = 2 would
    # say that 2 people (fewer than 5) did not pass: passed is hidden as "x" (README,
    # "Small counts and subtraction"), and its rate with it
    assert _counts(step1) == ("8", "x", "<5", "<5", "<5", "<5", "<5")
    assert step1["advance_rate"] != step1["advance_rate"]  # NaN
    # step 2: reached 6, passed 3 (hidden): its pass rate and conversion are hidden
    assert _counts(step2) == ("6", "<5", "<5", "<5", "<5", "<5", "<5")
    assert step2["advance_rate"] != step2["advance_rate"]  # NaN
    assert step2["share_reached"] == pytest.approx(6 / 8)
    assert translate("nl", "access.suppressed_note", n=5) in [c.value for c in at.caption]


# ---- compare and aggregate --------------------------------------------------------------


def test_compare_procedures_side_by_side(small_store: Path) -> None:
    at = _funnel_page()
    at.radio(key="funnel_view").set_value("compare").run()
    assert not at.exception
    assert at.multiselect(key="funnel_compare").value == ["P-B1", "P-A1"]  # the first two
    at.multiselect(key="funnel_compare").set_value(["P-A1", "P-B1"]).run()
    assert not at.exception
    rows = _rows(at)
    assert {r["procedure_code"] for r in rows} == {"P-A1", "P-B1"}
    # share of the applicants reaching each step: P-A1 8/8, 6/8, 3/8; P-B1 5/5, 4/5, 2/5
    assert [_step(rows, "P-A1", n)["share_reached"] for n in (1, 2, 3)] == pytest.approx(
        [1, 0.75, 0.375]
    )
    assert [_step(rows, "P-B1", n)["share_reached"] for n in (1, 2, 3)] == pytest.approx(
        [1, 0.8, 0.4]
    )


def test_aggregate_over_the_filter(small_store: Path) -> None:
    at = _funnel_page(orgs="ORG-B")
    at.radio(key="funnel_view").set_value("aggregate").run()
    assert not at.exception
    rows = _rows(at)
    # ORG-B: P-B1 and P-B2, 5 + 2 = 7 applicants
    assert [r["procedures_with_step"] for r in rows] == [2, 2, 1]
    assert _counts(rows[0]) == (7, 6, 1, 0, 0, 0, 0)  # 5 + 2 reached, 4 + 2 passed, 1 failed
    assert _counts(rows[1]) == (4, 2, 1, 1, 0, 0, 0)  # P-B1 only: P-B2's step 2 is pending
    assert (rows[1]["held_in"], rows[1]["pending_in"]) == (1, 1)
    assert _counts(rows[2]) == (2, 1, 1, 0, 0, 0, 0)
    assert [r["conversion"] for r in rows] == pytest.approx([6 / 7, 2 / 7, 1 / 7])
    # lost = reached - passed: 7-6, 4-2, 2-1 of the 7 applicants; the largest is step 2
    assert [r["lost"] for r in rows] == [1, 2, 1]
    assert [r["lost_share"] for r in rows] == pytest.approx([1 / 7, 2 / 7, 1 / 7])
    assert (
        "**Grootste verlies: Stap 2 \\(2 proc\\.\\)** — 2 van de 7 sollicitanten (28,6 %) "
        "gingen bij deze stap niet verder."
    ) in [m.value for m in at.markdown]
    assert [r["kinds"] for r in rows] == ["screening", "schriftelijke proef", "mondelinge proef"]
    caveat = translate("nl", "funnel.aggregate.caveat", n="2")
    assert caveat in [c.value for c in at.caption]


# ---- empty and demo stores --------------------------------------------------------------


def test_funnel_on_an_empty_store_says_so(empty_store: Path) -> None:
    at = _funnel_page()
    assert not at.exception
    assert [i.value for i in at.info] == [translate("nl", "funnel.no_procedures")]


@pytest.mark.parametrize("role", ["bosa", "analyst"])
@pytest.mark.parametrize("view", ["one", "compare", "aggregate"])
def test_funnel_on_the_demo_store(demo_store: Path, view: str, role: str) -> None:
    at = _funnel_page(role=role)
    at.radio(key="funnel_view").set_value(view).run()
    assert not at.exception
    assert at.dataframe


def test_a_step_not_held_says_so_on_the_demo_store(demo_store: Path) -> None:
    con = duckdb.connect(str(demo_store), read_only=True)
    try:
        found = con.sql(
            "select procedure_code from step_states where state = 'not_held'"
        ).fetchall()
    finally:
        con.close()
    if not found:
        pytest.skip("the demo has no step that was not held")
    at = _funnel_page()
    at.selectbox(key="funnel_procedure").set_value(found[0][0]).run()
    assert not at.exception
    # the state by its name: what "not held" means, not the code
    assert NOT_HELD_NL in [r["state"] for r in _rows(at)]


# ---- the queries ------------------------------------------------------------------------


def test_funnel_query_keeps_the_contract_and_adds_conversion(
    small_con: duckdb.DuckDBPyConnection,
) -> None:
    funnel = query.run(small_con, "funnel", **Scope(procs=("P-A1",)).params())
    assert funnel.columns[: len(CONTRACT_COLUMNS)] == list(CONTRACT_COLUMNS)
    assert funnel.select(COUNTS).rows() == [
        (8, 6, 1, 0, 1, 0, 0),
        (6, 3, 1, 1, 0, 0, 1),
        (3, 2, 1, 0, 0, 0, 0),
    ]
    # reached = passed + failed + absent + withdrawn + not_registered + cut_off
    for row in funnel.iter_rows(named=True):
        assert row["reached"] == sum(row[o.value] for o in Outcome)
    assert funnel["applicants"].to_list() == [8, 8, 8]
    assert funnel["conversion"].to_list() == pytest.approx([0.75, 0.375, 0.25])
    # lost = reached - passed: 8-6, 6-3, 3-2; lost_share = lost / 8 applicants
    assert funnel["lost"].to_list() == [2, 3, 1]
    assert funnel["lost_share"].to_list() == pytest.approx([0.25, 0.375, 0.125])


def test_funnel_query_pending_step(small_con: duckdb.DuckDBPyConnection) -> None:
    funnel = query.run(small_con, "funnel", **Scope(procs=("P-B2",)).params())
    columns = ("step_no", "held", "state", "advance_rate", "conversion", "lost", "lost_share")
    assert funnel.select(columns).rows() == [
        (1, True, "held", 1.0, 1.0, 0, 0.0),  # 2 of 2 passed: nobody lost
        (2, False, "pending", None, None, None, None),  # no results: no loss either
    ]


def test_funnel_procedures_query(small_con: duckdb.DuckDBPyConnection) -> None:
    procedures = query.run(small_con, "funnel_procedures", **Scope().params())
    # finished (with a list date) newest first, then with results, then without
    assert procedures["procedure_code"].to_list()[:3] == ["P-B1", "P-A1", "P-B2"]
    # the four reference procedures follow, without results
    assert procedures["applicants"].to_list()[3:] == [None] * 4
    restricted = query.run(small_con, "funnel_procedures", **Scope(allowed=("ORG-A",)).params())
    assert restricted.select("procedure_code", "steps", "applicants", "laureates").rows() == [
        ("P-A1", 3, 8, 2)
    ]


def test_funnel_aggregate_query(small_con: duckdb.DuckDBPyConnection) -> None:
    # diploma level A (both are class A2): P-A1 and the reference CNG23032 (4 steps, no
    # results)
    aggregate = query.run(small_con, "funnel_aggregate", **Scope(levels=("A",)).params())
    columns = ("step_no", "procedures_with_step", "held_in", "pending_in", *COUNTS)
    assert aggregate.select(columns).rows() == [
        (1, 2, 1, 1, 8, 6, 1, 0, 1, 0, 0),
        (2, 2, 1, 1, 6, 3, 1, 1, 0, 0, 1),
        (3, 2, 1, 1, 3, 2, 1, 0, 0, 0, 0),
        (4, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0),  # CNG23032's step 4 only, pending
    ]
    assert aggregate["applicants"].to_list() == [8] * 4
    # step 4 was held nowhere: no share, not 0 %
    assert aggregate["share_reached"].to_list()[3] is None
    # lost: 8-6, 6-3, 3-2 and none at step 4 (held nowhere)
    assert aggregate["lost"].to_list() == [2, 3, 1, None]


# ---- words ------------------------------------------------------------------------------


def test_rule_text_of_a_conditional_top_n_step() -> None:
    # Belnet CNG23032 step 3: 9/18, first 6 go on, held only above 6 candidates
    step = {
        "step_no": 3,
        "max_score": 18.0,
        "pass_mark": 9.0,
        "pass_unit": "points",
        "top_n": 6,
        "held_if_more_than": 6,
        "eliminating": True,
    }
    assert rule_text(step, "nl") == (
        "min. 9/18; de 6 besten gaan door (bij gelijke stand allemaal); "
        "alleen afgenomen als er meer dan 6 kandidaten over zijn"
    )
    assert rule_text(step, "fr").startswith("min. 9/18; les 6 meilleurs continuent")


def test_rule_text_of_a_total_rule_and_a_ranked_top_n() -> None:
    # Maaseik step 3: 50 % on the oral test and 60 % on the total of steps 2 + 3
    oral = {"step_no": 3, "max_score": 100.0, "pass_mark": 50.0, "pass_unit": "percent"}
    oral |= {"total_of_steps": "2,3", "total_pass_percent": 60.0}
    assert rule_text(oral, "nl") == "min. 50 %; en min. 60 % op het totaal van stap 2 + 3"
    assert rule_text(oral, "en") == "at least 50%; and at least 60% on the total of steps 2 + 3"
    # POD MI step 3: pass/fail screening, the 50 best step-2 scores go on
    screening = {"step_no": 3, "top_n": 50, "rank_by_step": 2, "max_score": None}
    assert rule_text(screening, "nl") == (
        "geslaagd / niet geslaagd; de 50 besten gaan door (bij gelijke stand allemaal); "
        "gerangschikt op stap 2"
    )
    assert rule_text({"step_no": 3, "eliminating": False}, "nl") == (
        "geslaagd / niet geslaagd; niet eliminerend"
    )
    assert rule_text({"pass_mark": 27.5, "pass_unit": "points"}, "nl") == "min. 27,5 punten"


def test_state_texts() -> None:
    assert state_text("not_held", "nl") == NOT_HELD_NL
    assert state_text("not_held", "fr") == "non organisée — trop peu de candidats restants"
    assert state_text("not_held", "en") == "not held — too few candidates left"
    assert state_text("pending", "nl") == PENDING_NL
    assert state_text("held", "nl") == "afgenomen"


# ---- the charts -------------------------------------------------------------------------

LABELS = FunnelLabels(
    outcomes={o.value: translate("nl", f"outcome.{o.value}") for o in Outcome},
    step="Stap",
    candidates="Kandidaten",
    outcome="Uitkomst",
    share="Aandeel",
    top_n="Top-N",
    rule="Regel",
    lost="Verloren",
    lost_share="Verloren (%)",
)
DECISIVE = (
    "step_no",
    "step_name",
    "reached",
    "passed",
    "advance_rate",
    "conversion",
    "lost",
    "lost_share",
)


def _layers(spec: dict[str, object]) -> dict[str, dict[str, object]]:
    """The layers by mark, with their data rows; nested layers flattened; the text layers
    as 'text' (the totals), 'note' (italic), 'loss' and 'largest_loss' (bold)."""
    datasets: dict[str, list[dict[str, object]]] = spec["datasets"]  # type: ignore[assignment]
    found: dict[str, dict[str, object]] = {}
    pending = list(spec["layer"])  # type: ignore[call-overload]
    while pending:
        layer = pending.pop(0)
        if "layer" in layer:
            pending = list(layer["layer"]) + pending
            continue
        mark = layer["mark"]
        name = mark["type"]
        if name == "text" and mark.get("fontStyle"):
            name = "note"
        elif name == "text" and "dx" in mark and mark["dx"] > 4:
            name = "largest_loss" if mark.get("fontWeight") == "bold" else "loss"
        found[name] = {**layer, "rows": datasets[layer["data"]["name"]]}
    return found


def test_funnel_chart_draws_the_top_n_cut_and_fixed_colours(
    small_con: duckdb.DuckDBPyConnection,
) -> None:
    funnel = query.run(small_con, "funnel", **Scope(procs=("P-A1",)).params())
    layers = _layers(funnel_chart(chart_steps(funnel, "nl"), LABELS, "nl").to_dict())
    # the top-N cut of step 2 at 3 candidates, as a tick on that step's bar
    assert [(r["step_label"], r["top_n"]) for r in layers["tick"]["rows"]] == [
        ("2. Schriftelijk", 3)
    ]
    colour = layers["bar"]["encoding"]["color"]["scale"]  # type: ignore[index]
    assert (
        dict(zip(colour["domain"], colour["range"], strict=True))["geslaagd"]
        == (OUTCOME_COLOURS["passed"])
    )
    step2 = {
        r["outcome"]: r["count"]
        for r in layers["bar"]["rows"]
        if r["step_label"] == "2. Schriftelijk"
    }
    assert step2 == {"passed": 3, "failed": 1, "absent": 1, "cut_off": 1}
    assert layers["note"]["rows"] == []
    # lost 2, 3, 1 after each bar: step 2's 3 (3/8 = 37,5 %), the largest, in bold
    assert [r["loss_text"] for r in layers["largest_loss"]["rows"]] == ["−3 · 37,5 %"]
    assert [r["loss_text"] for r in layers["loss"]["rows"]] == ["−2 · 25,0 %", "−1 · 12,5 %"]
    assert layers["largest_loss"]["mark"]["color"] == OUTCOME_COLOURS["failed"]  # type: ignore[index]
    # the tick shares the bars' band scale (a point scale would flatten the bars), and the
    # steps keep their order
    y_scale = layers["tick"]["encoding"]["y"]["scale"]  # type: ignore[index]
    assert y_scale == {
        "type": "band",
        "domain": ["1. Screening", "2. Schriftelijk", "3. Interview"],
    }


def test_funnel_chart_notes_a_pending_step(small_con: duckdb.DuckDBPyConnection) -> None:
    funnel = query.run(small_con, "funnel", **Scope(procs=("P-B2",)).params())
    layers = _layers(funnel_chart(chart_steps(funnel, "nl"), LABELS, "nl").to_dict())
    assert [(r["step_label"], r["note"]) for r in layers["note"]["rows"]] == [
        ("2. Schriftelijk", PENDING_NL)
    ]


def test_funnel_chart_keeps_a_step_whose_counts_are_hidden(
    small_con: duckdb.DuckDBPyConnection,
) -> None:
    funnel = query.run(small_con, "funnel", **Scope(procs=("P-B2",)).params())
    # as an analyst gets it: P-B2's 2 candidates at step 1 are below 5
    hidden = suppress(funnel, ("reached", *(o.value for o in Outcome)), threshold=5)
    steps = chart_steps(hidden, "nl")
    assert steps["reached"].to_list() == [None, None]  # "<5" (and 0 < 5) are not drawn
    assert steps["note"].to_list() == ["kleine aantallen verborgen", PENDING_NL]
    layers = _layers(funnel_chart(steps, LABELS, "nl").to_dict())
    assert layers["bar"]["rows"] == []
    assert layers["note"]["encoding"]["y"]["scale"]["domain"] == [  # type: ignore[index]
        "1. Screening",
        "2. Schriftelijk",
    ]


def test_funnel_chart_notes_a_step_not_held() -> None:
    steps = pl.DataFrame(
        {
            "step_no": [1, 2],
            "step_name": ["Screening", "Schriftelijk"],
            "state": ["held", "not_held"],
            "reached": [4, 0],
            **{o.value: [4 if o == Outcome.PASSED else 0, 0] for o in Outcome},
            "top_n": [None, 6],
            "lost": [0, None],
            "lost_share": [0.0, None],
        }
    )
    layers = _layers(funnel_chart(chart_steps(steps, "nl"), LABELS, "nl").to_dict())
    assert [r["note"] for r in layers["note"]["rows"]] == [NOT_HELD_NL]
    # no top-N cut on a step that was not held: nobody was ranked there
    assert layers["tick"]["rows"] == []


def test_aggregate_chart_steps_are_labelled_with_their_procedures(
    small_con: duckdb.DuckDBPyConnection,
) -> None:
    aggregate = query.run(small_con, "funnel_aggregate", **Scope(levels=("A",)).params())
    steps = aggregate_chart_steps(aggregate, "nl")
    assert steps["step_label"].to_list() == [
        "Stap 1 (2 proc.)",
        "Stap 2 (2 proc.)",
        "Stap 3 (2 proc.)",
        "Stap 4 (1 proc.)",
    ]
    assert steps["note"].to_list() == [None, None, None, PENDING_NL]


def test_share_chart_leaves_out_steps_not_held(small_con: duckdb.DuckDBPyConnection) -> None:
    funnel = query.run(small_con, "funnel", **Scope(procs=("P-A1", "P-B2")).params())
    labels = ShareLabels("Procedure", "Stap", "Naam", "Bereikt", "Aandeel")
    spec = share_chart(funnel, labels, "nl").to_dict()
    data = next(iter(spec["datasets"].values()))
    # P-B2's pending step 2 has no share; P-A1: 8/8, 6/8, 3/8; P-B2 step 1: 2/2
    assert sorted((r["procedure_code"], r["step_no"], r["share_reached"]) for r in data) == [
        ("P-A1", 1, 1.0),
        ("P-A1", 2, 0.75),
        ("P-A1", 3, 0.375),
        ("P-B2", 1, 1.0),
    ]
    assert spec["encoding"]["y"]["axis"]["format"] == "%"


def test_funnel_table_of_the_query(small_con: duckdb.DuckDBPyConnection) -> None:
    funnel = query.run(small_con, "funnel", **Scope(procs=("P-B1",)).params())
    table = funnel_table(funnel, "fr")
    assert table.columns[: len(DECISIVE)] == list(DECISIVE)
    assert set(CONTRACT_COLUMNS) <= set(table.columns)  # the download keeps them all
    # P-B1 step 3: 50 % on the oral test and 60 % on the total of steps 2 + 3
    assert table["rule"].to_list()[2] == "min. 50 %; et min. 60 % sur le total des étapes 2 + 3"
