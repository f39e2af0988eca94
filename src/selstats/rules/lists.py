"""The list of laureates (federal) or recruitment reserve (Flemish and local governments).

Who is on it: the passers of the procedure's last step. Its order: the final result, which is
the total of the last step's total rule when it has one (Maaseik ranks on written + oral),
else the candidate's latest score in the procedure (Belnet and POD MI: the interview; for
Opgroeien, whose last rounds are pass/fail, the telephone pre-screening). A list maximum keeps
the best `list_max` and everyone tied with the last of them ("ties for the last place extend
the list"); the passers beyond it are `cut_off` at the last step. A procedure whose list is
not ranked keeps everyone's place empty.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from selstats.domain.enums import Outcome, StepState
from selstats.rules.outcomes import KEY

LAUREATE_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "procedure_code": pl.String,
    "candidate_ref": pl.String,
    "final_score": pl.Float64,
    "rank": pl.Int64,
}


@dataclass(frozen=True)
class Lists:
    laureates: pl.DataFrame  # LAUREATE_SCHEMA
    results: pl.DataFrame  # the results with list-maximum cuts applied at the last step


def final_scores(results: pl.DataFrame, steps: pl.DataFrame) -> pl.DataFrame:
    """procedure_code, candidate_ref, final_score for every candidate with a score."""
    last = steps.group_by("procedure_code").agg(
        pl.col("step_no").max().alias("last_step"),
        pl.col("total_of_steps").sort_by("step_no").last().alias("total_of_steps"),
    )
    totals = (
        last.filter(pl.col("total_of_steps").is_not_null())
        .with_columns(pl.col("total_of_steps").str.split(",").alias("component"))
        .explode("component")
        .with_columns(pl.col("component").str.strip_chars().cast(pl.Int64))
        .join(
            results.select(*KEY, pl.col("step_no").alias("component"), "score"),
            on=["procedure_code", "component"],
        )
        .group_by(KEY)
        .agg(pl.col("score").sum().alias("total"))
    )
    latest = (
        results.filter(pl.col("score").is_not_null())
        .sort("step_no")
        .group_by(KEY)
        .agg(pl.col("score").last().alias("latest"))
    )
    # Sums of decimal scores in binary floats differ in the last bits (50 + 70.2 is not
    # 50.1 + 70.1): rounded far below any published precision, equal totals tie as they must.
    return latest.join(totals, on=KEY, how="full", coalesce=True).select(
        *KEY, pl.coalesce("total", "latest").round(6).alias("final_score")
    )


def list_of_laureates(
    results: pl.DataFrame,
    step_states: pl.DataFrame,
    steps: pl.DataFrame,
    procedures: pl.DataFrame,
) -> Lists:
    """Build each procedure's list from the derived step outcomes.

    `procedures` needs procedure_code, list_max and ranked. A procedure whose last step is
    not held yet has no list (the procedure is still running).
    """
    last = steps.group_by("procedure_code").agg(pl.col("step_no").max().alias("step_no"))
    finished = last.join(
        step_states.filter(pl.col("state") == StepState.HELD.value).select(
            "procedure_code", "step_no"
        ),
        on=["procedure_code", "step_no"],
        how="semi",
    )
    reachable = pl.col("reachable") if "reachable" in results.columns else pl.lit(True)
    passers = results.join(finished, on=["procedure_code", "step_no"], how="semi").filter(
        (pl.col("outcome") == Outcome.PASSED.value) & reachable
    )
    rules = procedures.select(
        "procedure_code",
        pl.col("list_max").cast(pl.Int64),
        pl.col("ranked").cast(pl.Boolean),
    )
    placed = (
        passers.select(*KEY, "step_no")
        .join(final_scores(results, steps), on=KEY, how="left")
        .join(rules, on="procedure_code", how="left")
        .with_columns(pl.col("ranked").fill_null(True))
        .with_columns(
            place=pl.when(pl.col("final_score").is_not_null())
            .then(pl.col("final_score").rank(method="min", descending=True).over("procedure_code"))
            .cast(pl.Int64)
        )
        .with_columns(
            # Without a final score nobody can be ranked, so nobody can be cut either.
            on_list=pl.col("list_max").is_null()
            | pl.col("place").is_null()
            | (pl.col("place") <= pl.col("list_max"))
        )
    )
    cut = placed.filter(~pl.col("on_list")).select(*KEY, "step_no", pl.lit(True).alias("cut"))
    laureates = placed.filter(pl.col("on_list")).select(
        *KEY,
        "final_score",
        pl.when(pl.col("ranked")).then(pl.col("place")).alias("rank"),
    )
    if not cut.is_empty():
        results = (
            results.join(cut, on=[*KEY, "step_no"], how="left")
            .with_columns(
                outcome=pl.when(pl.col("cut").fill_null(False))
                .then(pl.lit(Outcome.CUT_OFF.value))
                .otherwise(pl.col("outcome"))
            )
            .drop("cut")
        )
    return Lists(laureates=laureates.select(*LAUREATE_SCHEMA), results=results)
