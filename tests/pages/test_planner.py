"""The Plan page on the hand-computed store (tests/fixtures/small_store.py).

Finished procedures there: P-A1 (level A2 -> A, deadline 2025-03-01, list 2025-04-05:
35 days) and P-B1 (C1 -> C, 2026-06-09 -> 2026-07-09: 30 days); P-B2 has no list yet.
The only interview is P-A1's step 3: reached 3, passed 2 (A01, A03): rate 2/3.

Plan "level A, one step: interview, 1 place, 3 applicants":
- the interview pool: level A has 1 procedure (< 10), widened to all: still P-A1 alone
  ("same kind, anywhere"); one rate, 2/3, nothing to shrink.
- laureates for 3 applicants: Binomial(3, 2/3): 1/27, 6/27, 12/27, 8/27 for 0..3;
  expected 3 x 2/3 = 2.0; cumulative 0.037, 0.259, 0.704, 1: 10th percentile 1, 90th 3.
- P(at least 1 of A) = 1 - (1/3)^A: A=1 0.667 (50 %: 1), A=2 0.889 (80 %: 2),
  A=3 0.963 (95 %: 3).
- lead time: level A has P-A1 alone (< 10), so every procedure: 35 and 30 days; median
  32.5 (written "33" with no decimals, half up), 10th percentile 30 + 0.1 x 5 = 30.5
  ("31"), 90th 30 + 0.9 x 5 = 34.5 ("35").
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = "../../app.py"
TIMEOUT = 60


def _plan_page(lang: str = "nl") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(
        {
            "lang": lang,
            "plan_level": "A",
            "plan_steps": "1",
            "plan_kind_1": "interview",
            "plan_places": "1",
            "plan_applicants": "3",
        }
    )
    at.run()
    at.switch_page("pages/planner.py").run()
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_plan_page_shows_the_hand_derived_figures(small_store: Path) -> None:
    at = _plan_page()
    assert not at.exception
    assert [e.value for e in at.title] == ["Plannen"]
    needed = at.dataframe[0].value
    assert needed["needed_applicants"].tolist() == [1, 2, 3]
    metrics = _metrics(at)
    assert metrics["Verwachte laureaten"] == "2,0"
    assert metrics["Laureaten, ondergrens (80 %)"] == "1"
    assert metrics["Laureaten, bovengrens (80 %)"] == "3"
    assert metrics["Verwachte doorlooptijd (mediaan)"] == "33 dagen"
    assert metrics["Doorlooptijd, ondergrens (80 %)"] == "31 dagen"
    assert metrics["Doorlooptijd, bovengrens (80 %)"] == "35 dagen"
    basis = at.dataframe[1].value
    assert basis["basis"].tolist() == ["zelfde soort, overal"]
    assert basis["past_procedures"].tolist() == [1]
    captions = " ".join(c.value for c in at.caption)
    assert "Steunt op 1 vroegere procedures; 1 combinaties" in captions


def test_the_plan_page_in_french(small_store: Path) -> None:
    at = _plan_page("fr")
    assert not at.exception
    assert [e.value for e in at.title] == ["Planifier"]
    assert _metrics(at)["Lauréats attendus"] == "2,0"


def test_a_kind_without_history_is_said(small_store: Path) -> None:
    at = _plan_page()
    at.selectbox(key="plan_kind_1").set_value("case").run()
    assert not at.exception
    assert "case" in at.warning[0].value.lower()


def test_the_default_plan_runs_on_the_demo_store(demo_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/planner.py").run()
    assert not at.exception
    # screening, written test, interview; 3 places: applicants needed grow with confidence
    needed = at.dataframe[0].value["needed_applicants"].tolist()
    assert len(needed) == 3 and needed[0] <= needed[1] <= needed[2]
