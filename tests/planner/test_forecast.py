"""The planner's arithmetic on a hand-built history (selstats.planner), every expected
figure worked out by hand below.

History (diploma level A, federal unless said otherwise):
- P1: screening reached 10, qualified 5 (rate 0.5); written reached 10, qualified 5 (0.5)
- P2: screening reached 4, qualified 4 (rate 1.0)
- P3: interview reached 8, qualified 4 (0.5)
So screening draws 0.5 or 1.0 (equally likely), written 0.5, interview 0.5.

Plan "screening, written", 1 place, 4 applicants: the yield is 0.5 x 0.5 = 0.25 or
1.0 x 0.5 = 0.5, each with chance 1/2; with A applicants the laureates are
Binomial(A, 0.25) or Binomial(A, 0.5), so
  P(at least 1) = 1 - (0.75^A + 0.5^A) / 2
  A=1: 1 - (0.75 + 0.5)/2 = 0.375;     A=2: 1 - (0.5625 + 0.25)/2 = 0.59375 -> 50 %: 2
  A=3: 1 - (0.421875 + 0.125)/2 = 0.7265625; A=4: 1 - (0.31640625 + 0.0625)/2
       = 0.810546875 -> 80 %: 4
  A=8: 1 - (0.100112915 + 0.00390625)/2 = 0.947990...; A=9: 1 - (0.075084686 +
       0.001953125)/2 = 0.961481... -> 95 %: 9
  Expected laureates for 4 applicants: 4 x (0.25 + 0.5)/2 = 1.5.
  Their distribution: (Bin(4, .25) + Bin(4, .5)) / 2 over 0..4
    = ([.31640625 .421875 .2109375 .046875 .00390625] + [.0625 .25 .375 .25 .0625]) / 2
    = [.189453125 .3359375 .29296875 .1484375 .033203125];
  cumulative .189, .525, .818, .967, 1 -> 10th percentile 0, 90th percentile 3.

Plan "written top 2, interview", 1 place: after the written test at most 2 go on, so at
most 2 reach the interview and P(at least 1) <= 1 - 0.5^2 = 0.75: 80 % and 95 % are out of
reach (None). With 3 applicants: written Binomial(3, .5) = 0, 1, 2, 3 with 1/8, 3/8, 3/8,
1/8, capped at 2: 1 with 3/8, 2 with 4/8; at least one laureate: 3/8 x 0.5 + 4/8 x 0.75 =
0.5625 >= 0.5; with 2 applicants: 2/4 x 0.5 + 1/4 x 0.75 = 0.4375 < 0.5 -> 50 %: 3.

Lead times (days from deadline to list) 10, 20, 30, 40, 50: median 30; 10th percentile
(linear) at position 0.4 between 10 and 20: 14; 90th at 3.6 between 40 and 50: 46.
"""

from __future__ import annotations

import polars as pl
import pytest

from selstats.planner import Plan, PlanError, PlannedStep, forecast, parse_steps
from selstats.planner.counts import chance_at_least
from selstats.planner.forecast import rate_draws
from selstats.planner.history import Pool, shrunk_rates, step_pool, usable


def _steps(rows: list[tuple[str, str, str, str, int, int, int | None]]) -> pl.DataFrame:
    """(procedure, level, government, kind, reached, qualified, top_n)."""
    return pl.DataFrame(
        {
            "procedure_code": [r[0] for r in rows],
            "year": [2024] * len(rows),
            "diploma_level": [r[1] for r in rows],
            "government": [r[2] for r in rows],
            "step_no": list(range(1, len(rows) + 1)),
            "kind": [r[3] for r in rows],
            "reached": [r[4] for r in rows],
            "qualified": [r[5] for r in rows],
            "top_n": [r[6] for r in rows],
        },
        schema_overrides={"top_n": pl.Int32},
    )


HISTORY = _steps(
    [
        ("P1", "A", "federal", "screening", 10, 5, None),
        ("P1", "A", "federal", "written", 10, 5, None),
        ("P2", "A", "federal", "screening", 4, 4, None),
        ("P3", "A", "federal", "interview", 8, 4, None),
    ]
)
PROCEDURES = pl.DataFrame(
    {
        "procedure_code": ["Q1", "Q2", "Q3", "Q4", "Q5"],
        "year": [2024] * 5,
        "diploma_level": ["A"] * 5,
        "government": ["federal"] * 5,
        "applicants": [10] * 5,
        "laureates": [2] * 5,
        "list_max": [None] * 5,
        "lead_days": [50, 10, 40, 20, 30],
    }
)


def _plan(steps: str, places: int = 1, applicants: int | None = None) -> Plan:
    return Plan("A", parse_steps(steps), places, None, applicants)


def test_applicants_needed_and_laureates_expected_by_hand() -> None:
    result = forecast(
        _plan("screening,written", 1, 4), HISTORY, PROCEDURES, min_procedures=1, shrink=False
    )
    assert result.exact and result.draws == 2  # 2 screening rates x 1 written rate
    assert result.needed_applicants == {0.5: 2, 0.8: 4, 0.95: 9}
    assert result.expected_laureates == pytest.approx(1.5)
    assert (result.laureates_low, result.laureates_high) == (0, 3)
    assert result.procedures == 2  # P1 and P2
    assert [(s.kind, s.pool.basis, s.pool.procedures) for s in result.steps] == [
        ("screening", "level", 2),
        ("written", "level", 1),
    ]


def test_the_chance_itself_by_hand() -> None:
    rates, exact = rate_draws([Pool("level", (0.5, 1.0), 2), Pool("level", (0.5,), 1)])
    assert exact
    assert chance_at_least(4, rates, [None, None], 1) == pytest.approx(0.810546875)
    assert chance_at_least(2, rates, [None, None], 1) == pytest.approx(0.59375)
    # two places with 2 applicants: both must pass: (0.25^2 + 0.5^2)/2 = 0.15625
    assert chance_at_least(2, rates, [None, None], 2) == pytest.approx(0.15625)


def test_a_top_n_cut_can_make_a_confidence_out_of_reach() -> None:
    result = forecast(
        _plan("written:2,interview"), HISTORY, PROCEDURES, min_procedures=1, shrink=False
    )
    assert result.needed_applicants == {0.5: 3, 0.8: None, 0.95: None}
    rates, _ = rate_draws([Pool("level", (0.5,), 1), Pool("level", (0.5,), 1)])
    assert chance_at_least(3, rates, [2, None], 1) == pytest.approx(0.5625)
    assert chance_at_least(10_000, rates, [2, None], 1) == pytest.approx(0.75)


def test_lead_time_median_and_80_percent_range() -> None:
    result = forecast(_plan("screening"), HISTORY, PROCEDURES, min_procedures=1, shrink=False)
    assert (result.lead.median, result.lead.low, result.lead.high) == (30.0, 14.0, 46.0)
    assert result.lead.pool.procedures == 5


def test_too_few_comparable_steps_widen_to_the_government_then_to_all() -> None:
    steps = _steps(
        [
            ("F1", "A", "federal", "written", 10, 5, None),
            ("F2", "A", "federal", "written", 10, 5, None),
            ("F3", "B", "federal", "written", 10, 8, None),
            ("L1", "A", "local", "written", 10, 2, None),
            ("L2", "C", "local", "written", 10, 2, None),
        ]
    )
    # level A + federal: F1, F2 (2 < 3) -> federal, any level: F1-F3 (3)
    pool = step_pool(steps, "written", "A", "federal", min_procedures=3, shrink=False)
    assert (pool.basis, pool.procedures, pool.values) == ("government", 3, (0.5, 0.5, 0.8))
    # with 4 needed nothing narrower will do: everything (5)
    assert step_pool(steps, "written", "A", "federal", min_procedures=4).basis == "all"
    # no government chosen: level A anywhere: F1, F2, L1 (3)
    pool = step_pool(steps, "written", "A", None, min_procedures=3)
    assert (pool.basis, pool.procedures) == ("level", 3)


def test_a_kind_never_seen_gives_no_figures() -> None:
    result = forecast(_plan("screening,case"), HISTORY, PROCEDURES, min_procedures=1, shrink=False)
    assert result.missing_kinds == ("case",)
    assert result.needed_applicants == {0.5: None, 0.8: None, 0.95: None}


def test_many_past_rates_are_drawn_seeded_and_the_same_every_time() -> None:
    rows = [(f"P{i}", "A", "federal", "written", 100, 20 + i % 60, None) for i in range(60)]
    rows += [(f"P{i}", "A", "federal", "interview", 50, 10 + i % 40, None) for i in range(60)]
    steps = _steps(rows)
    plan = _plan("written,interview", 2, 200)
    first = forecast(plan, steps, PROCEDURES, seed=7, shrink=False)
    again = forecast(plan, steps, PROCEDURES, seed=7, shrink=False)
    assert not first.exact and first.draws == 2000  # 60 x 60 = 3600 combinations > 2000
    assert first == again
    # the mean of the draws is near the exact mean: 200 x mean(written) x mean(interview)
    exact = (
        200
        * (sum(20 + i % 60 for i in range(60)) / 6000)
        * (sum(10 + i % 40 for i in range(60)) / 3000)
    )
    assert first.expected_laureates == pytest.approx(exact, rel=0.05)
    assert first.needed_applicants[0.5] <= first.needed_applicants[0.8]
    assert first.needed_applicants[0.8] <= first.needed_applicants[0.95]


def test_hidden_small_counts_leave_their_rows_out() -> None:
    shown = pl.DataFrame({"reached": ["12", "<5", "9"], "qualified": ["6", "3", "<5"]})
    kept, dropped = usable(shown, ["reached", "qualified"])
    assert dropped == 2 and kept["reached"].to_list() == [12]


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "no_steps"), ("screening,sauna", "unknown_kind"), ("written:0", "bad_top_n")],
)
def test_a_plan_that_cannot_be_read_says_why(text: str, code: str) -> None:
    with pytest.raises(PlanError) as raised:
        parse_steps(text)
    assert raised.value.code == code


def test_steps_are_read_with_their_cuts() -> None:
    assert parse_steps("screening, written:20 ,interview") == (
        PlannedStep("screening"),
        PlannedStep("written", 20),
        PlannedStep("interview"),
    )


def test_past_rates_are_shrunk_by_their_own_noise() -> None:
    """Rates 2/10, 5/10, 8/10: pooled p = 15/30 = 0.5; variance of the rates (n - 1)
    ((0.3)^2 + 0 + (0.3)^2) / 2 = 0.09; sampling noise 0.5 x 0.5 / 10 = 0.025; spread
    0.065; prior weight 0.25 / 0.065 - 1 = 2.846154; rates (2 + 1.423077) / 12.846154 =
    0.266467, 0.5, 0.733533."""
    rates = shrunk_rates(pl.Series([10, 10, 10]), pl.Series([2, 5, 8]))
    assert rates == pytest.approx([0.266467, 0.5, 0.733533], abs=1e-6)
    # as the forecast takes them by default
    steps = _steps(
        [(f"P{i}", "A", "federal", "written", 10, q, None) for i, q in enumerate([2, 5, 8])]
    )
    pool = step_pool(steps, "written", "A", None, min_procedures=1)
    assert pool.values == pytest.approx((0.266467, 0.5, 0.733533), abs=1e-6)
    # rates that differ no more than their noise collapse onto the pooled rate
    assert shrunk_rates(pl.Series([100, 100]), pl.Series([50, 51])) == pytest.approx(
        [0.505, 0.505], abs=1e-3
    )
