"""How good the planner's intervals are: each finished procedure of one year is planned
from the years before it alone (its diploma level, government, held steps in order with
their top-N cuts, its list maximum as a cut after the last step, its actual applicants),
and its actual laureates are compared with the 80 % interval. The coverage is the share of
procedures whose laureates fall inside; for an honest interval it is near 80 %. The same
for the lead time and its 80 % range.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from selstats.planner.forecast import DEFAULT_SEED, Plan, PlannedStep, forecast
from selstats.planner.history import MIN_PROCEDURES


@dataclass(frozen=True)
class Backtest:
    year: int
    procedures: int  # of that year, finished
    predicted: int  # with history for every kind of step they had
    inside: int  # actual laureates within the 80 % interval
    below: int
    above: int
    lead_predicted: int
    lead_inside: int

    @property
    def coverage(self) -> float | None:
        return self.inside / self.predicted if self.predicted else None

    @property
    def lead_coverage(self) -> float | None:
        return self.lead_inside / self.lead_predicted if self.lead_predicted else None


def _plan(steps: pl.DataFrame, row: dict[str, object]) -> Plan:
    planned = [
        PlannedStep(str(kind), int(top) if top is not None else None)
        for kind, top in zip(steps["kind"], steps["top_n"], strict=True)
    ]
    list_max = row.get("list_max")
    if isinstance(list_max, int) and planned:
        last = planned[-1]
        cut = list_max if last.top_n is None else min(last.top_n, list_max)
        planned[-1] = PlannedStep(last.kind, cut)
    applicants = row.get("applicants")
    return Plan(
        level=str(row["diploma_level"]),
        steps=tuple(planned),
        places=1,
        government=str(row["government"]) if row.get("government") else None,
        applicants=int(applicants) if isinstance(applicants, int) else 0,
    )


def last_full_year(procedures: pl.DataFrame, min_procedures: int = MIN_PROCEDURES) -> int:
    counts = procedures.group_by("year").len().filter(pl.col("len") >= min_procedures)
    years = counts if not counts.is_empty() else procedures.group_by("year").len()
    return int(years["year"].max())  # type: ignore[arg-type]


def backtest(
    steps: pl.DataFrame,
    procedures: pl.DataFrame,
    year: int | None = None,
    *,
    seed: int = DEFAULT_SEED,
    min_procedures: int = MIN_PROCEDURES,
) -> Backtest:
    """Plan every finished procedure of `year` from the years before it; count how often
    the actual figures fall within the 80 % intervals. Default year: the last with at
    least `min_procedures` finished procedures (the running year has few)."""
    dated = procedures.filter(pl.col("year").is_not_null() & pl.col("diploma_level").is_not_null())
    target = year if year is not None else last_full_year(dated, min_procedures)
    before_steps = steps.filter(pl.col("year") < target)
    before_procedures = procedures.filter(pl.col("year") < target)
    inside = below = above = predicted = lead_predicted = lead_inside = 0
    chosen = dated.filter(pl.col("year") == target)
    for row in chosen.iter_rows(named=True):
        own = steps.filter(pl.col("procedure_code") == row["procedure_code"]).sort("step_no")
        if own.is_empty() or not row.get("applicants"):
            continue
        result = forecast(
            _plan(own, row),
            before_steps,
            before_procedures,
            seed=seed,
            min_procedures=min_procedures,
            confidences=(),
        )
        if result.laureates_low is not None and result.laureates_high is not None:
            predicted += 1
            actual = int(row["laureates"])
            if actual < result.laureates_low:
                below += 1
            elif actual > result.laureates_high:
                above += 1
            else:
                inside += 1
        lead = result.lead
        if lead.low is not None and lead.high is not None and row.get("lead_days") is not None:
            lead_predicted += 1
            lead_inside += int(lead.low <= float(row["lead_days"]) <= lead.high)
    return Backtest(
        year=target,
        procedures=chosen.height,
        predicted=predicted,
        inside=inside,
        below=below,
        above=above,
        lead_predicted=lead_predicted,
        lead_inside=lead_inside,
    )
