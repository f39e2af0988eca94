"""What a planned selection needs, from the history (`selstats.planner.history`).

The uncertainty is the spread of past procedures: each planned step's rate is drawn from
the rates its comparable past steps had (a bootstrap over past procedures, each step drawn
independently of the others), and for each draw the number of laureates follows exactly
from it (`selstats.planner.counts`: binomial steps, top-N cuts). When the draws can be
listed (at most `MAX_EXACT` combinations of past rates) every combination counts once and
the figures are exact; otherwise `DRAWS` combinations are drawn with a seeded generator,
so the same plan on the same store always gives the same figures.

- `needed_applicants[c]`: the fewest applicants with a chance of at least `c` of as many
  laureates as places (None when no number of applicants will do: a cut lets too few
  through, or the rates are zero);
- `expected_laureates`, `laureates_low`, `laureates_high` for the given applicants: the
  mean, and the 10th and 90th percentiles (an interval holding at least 80 %);
- the lead time from deadline to list: median, 10th and 90th percentiles (linear
  interpolation) of the comparable past procedures.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl

from selstats.domain.enums import StepKind
from selstats.planner.counts import Floats, chance_at_least, mixture
from selstats.planner.history import MIN_PROCEDURES, Pool, lead_pool, step_pool

CONFIDENCES: Final = (0.5, 0.8, 0.95)
DRAWS: Final = 2000
MAX_EXACT: Final = 2000
MAX_APPLICANTS: Final = 1_000_000
DEFAULT_SEED: Final = 1
LEVELS: Final = ("A", "B", "C", "D")


class PlanError(ValueError):
    """A plan that cannot be read; `code` names the problem for the catalogue
    (`planner.error.<code>`), `params` fill its text."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


@dataclass(frozen=True)
class PlannedStep:
    kind: str
    top_n: int | None = None


@dataclass(frozen=True)
class Plan:
    level: str
    steps: tuple[PlannedStep, ...]
    places: int
    government: str | None = None
    applicants: int | None = None


def parse_steps(text: str) -> tuple[PlannedStep, ...]:
    """`screening,written:20,interview`: the kinds of steps in order, a top-N after a
    colon."""
    kinds = {k.value for k in StepKind}
    steps = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        kind, _, cut = part.partition(":")
        kind = kind.strip()
        if kind not in kinds:
            raise PlanError("unknown_kind", kind=kind, kinds=", ".join(sorted(kinds)))
        top_n = None
        if cut.strip():
            if not cut.strip().isdigit() or int(cut) < 1:
                raise PlanError("bad_top_n", step=part)
            top_n = int(cut)
        steps.append(PlannedStep(kind, top_n))
    if not steps:
        raise PlanError("no_steps")
    return tuple(steps)


def check_plan(plan: Plan) -> None:
    if plan.level not in LEVELS:
        raise PlanError("bad_level", level=plan.level)
    if not plan.steps:
        raise PlanError("no_steps")
    if plan.places < 1:
        raise PlanError("bad_places", places=plan.places)
    if plan.applicants is not None and plan.applicants < 0:
        raise PlanError("bad_applicants", applicants=plan.applicants)


@dataclass(frozen=True)
class StepBasis:
    """What one planned step rests on."""

    step_no: int
    kind: str
    top_n: int | None
    pool: Pool


@dataclass(frozen=True)
class LeadTime:
    median: float | None
    low: float | None
    high: float | None
    pool: Pool


@dataclass(frozen=True)
class Forecast:
    plan: Plan
    steps: tuple[StepBasis, ...]
    needed_applicants: dict[float, int | None]
    expected_laureates: float | None
    laureates_low: int | None
    laureates_high: int | None
    lead: LeadTime
    procedures: int  # distinct past procedures behind the step rates
    draws: int
    exact: bool
    seed: int

    @property
    def missing_kinds(self) -> tuple[str, ...]:
        return tuple(s.kind for s in self.steps if s.pool.procedures == 0)


def rate_draws(pools: Sequence[Pool], seed: int = DEFAULT_SEED) -> tuple[Floats, bool]:
    """Rows of step rates, one per draw: every combination of past rates when there are at
    most `MAX_EXACT` (exact), else `DRAWS` seeded draws, each step's rate drawn from its
    pool independently."""
    sizes = [len(pool.values) for pool in pools]
    if math.prod(sizes) <= MAX_EXACT:
        combos = list(itertools.product(*(pool.values for pool in pools)))
        return np.array(combos, dtype=np.float64).reshape(len(combos), len(pools)), True
    rng = np.random.default_rng(seed)
    columns = [np.asarray(pool.values)[rng.integers(0, len(pool.values), DRAWS)] for pool in pools]
    return np.column_stack(columns), False


def needed_applicants(
    rates: Floats, cuts: Sequence[int | None], places: int, confidence: float
) -> int | None:
    """The fewest applicants with a chance of at least `confidence` of `places` laureates
    (the chance only grows with the applicants: a binary search), or None."""

    def enough(applicants: int) -> bool:
        return chance_at_least(applicants, rates, cuts, places) >= confidence - 1e-12

    if enough(places):
        return places
    low, high = places, places * 2  # low is not enough
    while not enough(high):
        if high >= MAX_APPLICANTS:
            return None
        low, high = high, min(high * 2, MAX_APPLICANTS)
    while high - low > 1:  # low is not enough, high is
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle
    return high


def _quantile(distribution: Floats, q: float) -> int:
    """The smallest count whose cumulative chance reaches q."""
    cumulative = np.cumsum(distribution)
    return int(np.searchsorted(cumulative, q - 1e-12))


def lead_time(pool: Pool) -> LeadTime:
    if not pool.values:
        return LeadTime(None, None, None, pool)
    values = pl.Series(pool.values)
    return LeadTime(
        median=float(values.median()),  # type: ignore[arg-type]
        low=float(values.quantile(0.1, interpolation="linear")),  # type: ignore[arg-type]
        high=float(values.quantile(0.9, interpolation="linear")),  # type: ignore[arg-type]
        pool=pool,
    )


def forecast(
    plan: Plan,
    steps: pl.DataFrame,
    procedures: pl.DataFrame,
    *,
    seed: int = DEFAULT_SEED,
    min_procedures: int = MIN_PROCEDURES,
    confidences: Sequence[float] = CONFIDENCES,
    shrink: bool = True,
) -> Forecast:
    """The figures of `plan` from the history frames (`planner_steps`,
    `planner_procedures`)."""
    check_plan(plan)
    bases = tuple(
        StepBasis(
            i,
            step.kind,
            step.top_n,
            step_pool(steps, step.kind, plan.level, plan.government, min_procedures, shrink),
        )
        for i, step in enumerate(plan.steps, start=1)
    )
    lead = lead_time(lead_pool(procedures, plan.level, plan.government, min_procedures))
    if any(b.pool.procedures == 0 for b in bases):
        return Forecast(
            plan, bases, dict.fromkeys(confidences), None, None, None, lead, 0, 0, False, seed
        )
    rates, exact = rate_draws([b.pool for b in bases], seed)
    cuts = [b.top_n for b in bases]
    needed = {c: needed_applicants(rates, cuts, plan.places, c) for c in confidences}
    expected = low = high = None
    if plan.applicants is not None:
        distribution = mixture(plan.applicants, rates, cuts)
        expected = float(np.dot(np.arange(distribution.shape[0]), distribution))
        low, high = _quantile(distribution, 0.1), _quantile(distribution, 0.9)
    procedures_used = _procedures_behind(steps, bases, plan)
    return Forecast(
        plan=plan,
        steps=bases,
        needed_applicants=needed,
        expected_laureates=expected,
        laureates_low=low,
        laureates_high=high,
        lead=lead,
        procedures=procedures_used,
        draws=rates.shape[0],
        exact=exact,
        seed=seed,
    )


def _procedures_behind(steps: pl.DataFrame, bases: Sequence[StepBasis], plan: Plan) -> int:
    """The distinct past procedures whose steps the rates were drawn from."""
    codes: set[str] = set()
    for basis in bases:
        rows = steps.filter((pl.col("kind") == basis.kind) & (pl.col("reached") > 0))
        if basis.pool.basis in ("level_government", "level"):
            rows = rows.filter(pl.col("diploma_level") == plan.level)
        if basis.pool.basis in ("level_government", "government") and plan.government:
            rows = rows.filter(pl.col("government") == plan.government)
        codes.update(rows.get_column("procedure_code").to_list())
    return len(codes)
