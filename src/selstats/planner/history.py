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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

MIN_PROCEDURES: Final = 10

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


def step_pool(
    steps: pl.DataFrame,
    kind: str,
    level: str,
    government: str | None,
    min_procedures: int = MIN_PROCEDURES,
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
        rates = (rows.get_column("qualified") / rows.get_column("reached")).to_list()
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
