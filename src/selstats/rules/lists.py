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

import numpy as np
import polars as pl

from selstats.domain.enums import Outcome, StepState
from selstats.rules.outcomes import KEY, Candidates

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


def final_scores(
    passers: pl.DataFrame, results: pl.DataFrame, steps: pl.DataFrame, candidates: Candidates
) -> pl.DataFrame:
    """procedure_code, candidate_ref, final_score of each of `passers` (with its `cid`):
    the total of its procedure's last-step total rule, else its latest score (null when it
    has neither)."""
    last = steps.group_by("procedure_code").agg(
        pl.col("step_no").max().alias("last_step"),
        pl.col("total_of_steps").sort_by("step_no").last().alias("total_of_steps"),
    )
    rules = last.filter(pl.col("total_of_steps").is_not_null())
    totals = (
        rules.with_columns(pl.col("total_of_steps").str.split(",").alias("component"))
        .explode("component")
        .with_columns(pl.col("component").str.strip_chars().cast(pl.Int64))
        .join(
            results.filter(
                pl.col("procedure_code").is_in(rules.get_column("procedure_code").implode())
            ).select(*KEY, pl.col("step_no").alias("component"), "score"),
            on=["procedure_code", "component"],
        )
        .group_by(KEY)
        .agg(pl.col("score").sum().alias("total"))
    )
    cid = passers.get_column("cid").to_numpy()
    latest = pl.Series("latest", candidates.latest_score[cid], dtype=pl.Float64)
    # Sums of decimal scores in binary floats differ in the last bits (50 + 70.2 is not
    # 50.1 + 70.1): rounded far below any published precision, equal totals tie as they must.
    return (
        passers.select(KEY)
        .with_columns(pl.when(pl.Series(candidates.has_score[cid], dtype=pl.Boolean)).then(latest))
        .join(totals, on=KEY, how="left", maintain_order="left")
        .select(*KEY, pl.coalesce("total", "latest").round(6).alias("final_score"))
    )


def list_of_laureates(
    results: pl.DataFrame,
    step_states: pl.DataFrame,
    steps: pl.DataFrame,
    procedures: pl.DataFrame,
    candidates: Candidates,
) -> Lists:
    """Build each procedure's list from the derived step outcomes (`results` with each
    candidate's number `cid`, and what `candidates` holds for each).

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
    passers = results.filter(
        pl.col("step_no").is_in(finished.get_column("step_no").unique().implode())
        & (pl.col("outcome") == Outcome.PASSED.value)
        & pl.col("reachable")
    ).join(finished, on=["procedure_code", "step_no"], how="semi")
    rules = procedures.select(
        "procedure_code",
        pl.col("list_max").cast(pl.Int64),
        pl.col("ranked").cast(pl.Boolean),
    )
    placed = (
        passers.select(*KEY, "step_no", "cid")
        .with_columns(final_scores(passers, results, steps, candidates).get_column("final_score"))
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
    cut = placed.filter(~pl.col("on_list"))
    laureates = placed.filter(pl.col("on_list")).select(
        *KEY,
        "final_score",
        pl.when(pl.col("ranked")).then(pl.col("place")).alias("rank"),
    )
    if not cut.is_empty():
        # The step each cut candidate is cut at (their procedure's last), by number.
        cut_at = np.full(len(candidates.procedure) + 1, -1, dtype=np.int64)
        cut_at[cut.get_column("cid").to_numpy()] = cut.get_column("step_no").to_numpy()
        at = pl.Series(cut_at[results.get_column("cid").to_numpy()], dtype=pl.Int64)
        results = results.with_columns(
            outcome=pl.when(at == pl.col("step_no"))
            .then(pl.lit(Outcome.CUT_OFF.value))
            .otherwise(pl.col("outcome"))
        )
    return Lists(laureates=laureates.select(*LAUREATE_SCHEMA), results=results)
