"""A score lies between 0 and its step's maximum.

A scored step (one with `max_score`) takes scores from 0 up to and including its maximum:
Belnet's written test is out of 18, so 19 is a typing error, not a result, and would make a
pass of what may be a fail. A pass/fail step (no `max_score`) takes its outcome as given; a
score there is kept as information (it may still rank: the latest score of a candidate orders
a list, a `rank_by_step` may point at it) and is bounded only below, by 0.

The import refuses such scores (`selstats.store.imports`), pointing at the file's row and
its `score` column; `selstats check` reports those an older store already holds
(`selstats.store.check`). Both ask this one function.
"""

from __future__ import annotations

import polars as pl

from selstats.rules.outcomes import EPSILON

STEP_KEY = ["procedure_code", "step_no"]


def format_score(value: float | None) -> str:
    """A score or maximum as people write it: 18 rather than 18.0, 17.5 as is."""
    return "" if value is None else f"{value:g}"


def scores_out_of_range(results: pl.DataFrame, steps: pl.DataFrame) -> pl.DataFrame:
    """The rows of `results` whose score lies outside its step's range, every column of
    `results` kept, plus the step's `max_score` (null for a pass/fail step, whose only
    bound is 0; `expected_range` words it).

    `results` needs procedure_code, step_no and score; `steps` procedure_code, step_no and
    max_score. A row whose step is not in `steps` is judged only against 0 (an unknown step
    is reported on its own, as `unknown_step`). The maximum itself is in range: the
    tolerance of `selstats.rules.outcomes.EPSILON` keeps a score of 27.3 stored as
    27.300000000000001 within a maximum of 27.3."""
    maxima = steps.select(
        pl.col("procedure_code").cast(pl.String),
        pl.col("step_no").cast(pl.Int64),
        pl.col("max_score").cast(pl.Float64),
    ).unique(subset=STEP_KEY, keep="last")
    score, maximum = pl.col("score"), pl.col("max_score")
    outside = score.is_not_null() & (
        (score < 0) | (maximum.is_not_null() & (score > maximum + EPSILON))
    )
    return (
        results.with_columns(pl.col("step_no").cast(pl.Int64))
        .join(maxima, on=STEP_KEY, how="left")
        .filter(outside)
    )


def expected_range(max_score: float | None) -> str:
    """A step's range of scores in signs every language reads: `0–18`, or `≥ 0` for a
    pass/fail step."""
    return "≥ 0" if max_score is None else f"0–{format_score(max_score)}"
