"""Whether a step was held: held, not held or pending, per procedure and step.

A step with results is held. A conditional step (`held_if_more_than`) is not held when no
more candidates reach it than its head count (Belnet's written test with 6 or fewer left), a
step nobody reached is not held either, and a step whose entrants are not known yet (an
earlier step of the procedure is still pending) is pending. The contradictions are
reported: a step held with too few candidates, a step missing with too many
(docs/DOMAIN.md#conditional-steps). `selstats.rules.outcomes.derive_step_outcomes` calls
this once per step number, for every procedure at once.
"""

from __future__ import annotations

import polars as pl

from selstats.domain.enums import StepState


def decide_step_states(
    here: pl.DataFrame,
    starts: pl.DataFrame,
    entrants: pl.DataFrame,
    rows: pl.DataFrame,
    last_rows: pl.DataFrame,
    waiting: pl.DataFrame,
) -> pl.DataFrame:
    """Held, not held or pending, per procedure having this step, with what decided it."""
    head_count = entrants.group_by("procedure_code").agg(pl.len().alias("entrants"))
    has_rows = rows.group_by("procedure_code").agg(pl.len().alias("rows"))
    conditional = pl.col("held_if_more_than").is_not_null()
    return (
        here.select("procedure_code", "step_no", "held_if_more_than")
        .join(head_count, on="procedure_code", how="left")
        .join(has_rows, on="procedure_code", how="left")
        .join(last_rows, on="procedure_code", how="left")
        .join(waiting.with_columns(pl.lit(True).alias("waiting")), on="procedure_code", how="left")
        .join(
            starts.select("procedure_code", pl.lit(True).alias("first_step")),
            on="procedure_code",
            how="left",
        )
        .with_columns(
            pl.col("entrants", "rows").fill_null(0),
            pl.col("waiting", "first_step").fill_null(False),
            later_rows=pl.col("last_row").fill_null(0) > pl.col("step_no"),
        )
        .with_columns(
            below_count=conditional
            & ~pl.col("waiting")
            & (pl.col("entrants") <= pl.col("held_if_more_than")),
            # Everyone left at an earlier step: there is nobody to hold this one for.
            nobody_left=~pl.col("first_step") & ~pl.col("waiting") & (pl.col("entrants") == 0),
        )
        .with_columns(
            state=pl.when(pl.col("rows") > 0)
            .then(pl.lit(StepState.HELD.value))
            .when(pl.col("below_count") | pl.col("nobody_left"))
            .then(pl.lit(StepState.NOT_HELD.value))
            .otherwise(pl.lit(StepState.PENDING.value)),
            # A conditional step whose head count was exceeded must be held: later results
            # without it are not a "not held" step but a missing one.
            missing=conditional
            & ~pl.col("waiting")
            & (pl.col("rows") == 0)
            & (pl.col("entrants") > pl.col("held_if_more_than"))
            & pl.col("later_rows"),
        )
    )


def state_problems(state: pl.DataFrame) -> pl.DataFrame:
    """A step held although too few candidates remained, and a conditional step missing
    although more remained than its head count (later steps have results), one row each
    in the problems' columns."""
    should_not = state.filter((pl.col("rows") > 0) & pl.col("below_count")).select(
        "procedure_code",
        pl.lit(None, pl.String).alias("candidate_ref"),
        "step_no",
        pl.lit("step_should_not_be_held").alias("code"),
        pl.format(
            "held only when more than {} candidates remain; {} remained",
            "held_if_more_than",
            "entrants",
        ).alias("detail"),
        pl.col("held_if_more_than").cast(pl.String).alias("expected"),
        pl.col("entrants").cast(pl.String).alias("found"),
    )
    missing = state.filter(pl.col("missing")).select(
        "procedure_code",
        pl.lit(None, pl.String).alias("candidate_ref"),
        "step_no",
        pl.lit("step_missing").alias("code"),
        pl.format(
            "must be held when more than {} candidates remain; {} remained",
            "held_if_more_than",
            "entrants",
        ).alias("detail"),
        pl.col("held_if_more_than").cast(pl.String).alias("expected"),
        pl.col("entrants").cast(pl.String).alias("found"),
    )
    return pl.concat([should_not, missing], how="diagonal_relaxed")
