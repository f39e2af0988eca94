"""The planner's history: the past steps and procedures a plan is compared with.

The frames come from `queries/planner_steps.sql` and `queries/planner_procedures.sql`, as
the user may see them. A step's rate is qualified / reached: who met its mark among those
who reached it (cut by a top-N included, absent not). For each planned step the
comparable steps are those of the same kind, on the first basis that has at least
`min_procedures` past procedures:

1. `level_government`: the same diploma level and government (when the plan names one),
   or `level`: the same diploma level (when it does not);
2. `government`: the same government, any level (only when the plan names one);
3. `all`: any level and government.

Lead times are compared the same way, on the procedures. A frame whose small counts were
hidden (an analyst's: "<5") loses the rows with a hidden count; `usable` says how many.

A past step's rate is taken shrunk towards its pool's pooled rate (`shrunk_rates`): the
plan's binomial adds the sampling noise, so the past rates should carry only the spread
between procedures. Without it the 80 % intervals held 97 % of the demo's laureates in the
backtest; with it 82 % (README, "Recruitment planner").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

MIN_PROCEDURES: Final = 10
SPREAD_FLOOR: Final = 1e-6
MAX_PRIOR_WEIGHT: Final = 10_000.0

BASES: Final = ("level_government", "level", "government", "all")


@dataclass(frozen=True)
class Pool:
    """The comparable past observations of one planned step (or of the lead time): their
    `rates` (or lead times), the `basis` they were found on, and the number of distinct
    past procedures they come from."""

    basis: str
    values: tuple[float, ...]
    procedures: int
    reached: int = 0
    qualified: int = 0

    @property
    def pooled_rate(self) -> float | None:
        return self.qualified / self.reached if self.reached else None


def usable(frame: pl.DataFrame, counts: Sequence[str]) -> tuple[pl.DataFrame, int]:
    """`frame` without the rows whose counts small-cell suppression hid, the counts as
    integers again, and how many rows were left out."""
    text = [c for c in counts if c in frame.columns and frame.schema[c] == pl.String]
    if not text:
        return frame, 0
    shown = pl.all_horizontal([pl.col(c).str.contains(r"^\d+$") for c in text])
    kept = frame.filter(shown).with_columns(pl.col(c).cast(pl.Int64) for c in text)
    return kept, frame.height - kept.height


def _bases(government: str | None) -> tuple[str, ...]:
    return ("level_government", "government", "all") if government else ("level", "all")


def _narrow(frame: pl.DataFrame, basis: str, level: str, government: str | None) -> pl.DataFrame:
    if basis in ("level_government", "level"):
        frame = frame.filter(pl.col("diploma_level") == level)
    if basis in ("level_government", "government") and government:
        frame = frame.filter(pl.col("government") == government)
    return frame


def shrunk_rates(reached: pl.Series, qualified: pl.Series) -> list[float]:
    """Each past step's rate, shrunk towards the pool's pooled rate p as far as its own
    sampling noise goes (empirical Bayes, beta-binomial by the method of moments):

        spread of the true rates  t2 = var(q_j / r_j) - mean(p (1 - p) / r_j)
        prior weight              m  = p (1 - p) / t2 - 1   (candidates' worth; >= 0)
        rate_j                       = (q_j + m p) / (r_j + m)

    A step of 3 candidates who all passed is not a rate of 100 %: its noise is counted once,
    by the binomial of the plan (`selstats.planner.counts`), not twice. With fewer than two
    steps, or p 0 or 1, the rates are left as they are."""
    r, q = reached.cast(pl.Float64), qualified.cast(pl.Float64)
    rates = q / r
    pooled = float(q.sum()) / float(r.sum())
    if rates.len() < 2 or pooled in (0.0, 1.0):
        return rates.to_list()
    noise = float((pooled * (1 - pooled) / r).mean())  # type: ignore[arg-type]
    spread = max(float(rates.var()) - noise, SPREAD_FLOOR)  # type: ignore[arg-type]
    weight = min(max(pooled * (1 - pooled) / spread - 1, 0.0), MAX_PRIOR_WEIGHT)
    return ((q + weight * pooled) / (r + weight)).to_list()


def _rates(rows: pl.DataFrame, shrink: bool) -> list[float]:
    reached, qualified = rows.get_column("reached"), rows.get_column("qualified")
    if shrink:
        return shrunk_rates(reached, qualified)
    return (qualified / reached).to_list()


def step_pool(
    steps: pl.DataFrame,
    kind: str,
    level: str,
    government: str | None,
    min_procedures: int = MIN_PROCEDURES,
    shrink: bool = True,
) -> Pool:
    """The comparable steps of one planned step of `kind` (see the module's docstring).
    The basis is the first with `min_procedures` past procedures, else the widest that has
    any; an empty pool (`procedures` 0) when no past step is of this kind."""
    same_kind = steps.filter((pl.col("kind") == kind) & (pl.col("reached") > 0))
    found: Pool | None = None
    for basis in _bases(government):
        rows = _narrow(same_kind, basis, level, government)
        procedures = rows.get_column("procedure_code").n_unique() if rows.height else 0
        if procedures == 0:
            continue
        rates = _rates(rows, shrink)
        found = Pool(
            basis=basis,
            values=tuple(float(r) for r in rates),
            procedures=procedures,
            reached=int(rows.get_column("reached").sum()),
            qualified=int(rows.get_column("qualified").sum()),
        )
        if procedures >= min_procedures:
            return found
    return found or Pool(basis=_bases(government)[-1], values=(), procedures=0)


def lead_pool(
    procedures: pl.DataFrame,
    level: str,
    government: str | None,
    min_procedures: int = MIN_PROCEDURES,
) -> Pool:
    """The lead times (days from deadline to list) of the comparable past procedures."""
    dated = procedures.filter(pl.col("lead_days").is_not_null())
    found: Pool | None = None
    for basis in _bases(government):
        rows = _narrow(dated, basis, level, government)
        if rows.is_empty():
            continue
        found = Pool(
            basis=basis,
            values=tuple(float(d) for d in rows.get_column("lead_days").to_list()),
            procedures=rows.get_column("procedure_code").n_unique(),
        )
        if found.procedures >= min_procedures:
            return found
    return found or Pool(basis=_bases(government)[-1], values=(), procedures=0)
