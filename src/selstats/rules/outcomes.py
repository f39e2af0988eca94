"""Every candidate's outcome at every step, from the procedure's rules and the raw results.

The rules, as the selection notices state them:
- A candidate who fails, is absent, withdraws or does not register leaves the procedure at
  that step; only passers go on to the next held step.
- A scored step is passed with a score at or above its pass mark (points, or a percentage of
  the maximum). A total rule adds a second condition: the sum of the named steps' scores must
  reach a percentage of their summed maxima (Maaseik: 50 % per test AND 60 % in total).
- A top-N step lets only the N best passers go on, ranked on the score of `rank_by_step`
  (default: the step itself); everyone tied with the N-th goes on as well. The others met
  the pass mark but are `cut_off`.
- A conditional step (`held_if_more_than`) is held only when more candidates reach it than
  that number; otherwise it has no rows and its candidates go straight on (Belnet's written
  test, which then becomes part of the interview step). A step that nobody reached (all left
  earlier) is not held either; a step whose entrants are not known yet (an earlier step has
  no results) is pending (`selstats.rules.step_states`).
- A pass/fail step (no maximum score) takes the outcome as given.
- A step that does not eliminate (`eliminating = false`) lets those who fail it go on;
  absent, withdrawn and not registered still leave (Opgroeien's competency screening is held
  together with the eliminating jury interview, and only the latter is said to eliminate).

Everything is vectorised over all procedures at once: the store re-derives thousands of
procedures in one call, so there is no per-candidate Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from selstats.domain.enums import Outcome, StepState
from selstats.rules.step_states import decide_step_states, state_problems

# Scores come from spreadsheets as binary floats: 27.3 may be stored as 27.299999999999997.
# A tolerance far below any published score precision keeps "exactly the pass mark" a pass.
EPSILON = 1e-9

KEY = ["procedure_code", "candidate_ref"]

RESULT_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "procedure_code": pl.String,
    "candidate_ref": pl.String,
    "step_no": pl.Int64,
    "score": pl.Float64,
    "outcome_given": pl.String,
    "result_date": pl.Date,
}

STEP_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "procedure_code": pl.String,
    "step_no": pl.Int64,
    "max_score": pl.Float64,
    "pass_mark": pl.Float64,
    "pass_unit": pl.String,
    "top_n": pl.Int64,
    "rank_by_step": pl.Int64,
    "held_if_more_than": pl.Int64,
    "total_of_steps": pl.String,
    "total_pass_percent": pl.Float64,
    "eliminating": pl.Boolean,
}

PROBLEM_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "procedure_code": pl.String,
    "candidate_ref": pl.String,
    "step_no": pl.Int64,
    "code": pl.String,
    "detail": pl.String,  # in English, for logs
    "expected": pl.String,  # what the rules expect: a head count limit, an outcome
    "found": pl.String,  # what the facts hold
}

# Problems that make an import invalid; the others are facts kept and reported by `check`.
BLOCKING_PROBLEMS = frozenset(
    {"unreachable_step", "no_outcome", "step_should_not_be_held", "step_missing"}
)

OUTCOME_COUNTS = [o.value for o in Outcome]


@dataclass(frozen=True)
class StepOutcomes:
    """What the step rules decide: each result row with its outcome, each step's state and
    counts, and the problems found on the way."""

    results: pl.DataFrame  # RESULT_SCHEMA + outcome
    step_states: pl.DataFrame  # procedure_code, step_no, state, reached, <one column per outcome>
    problems: pl.DataFrame  # PROBLEM_SCHEMA


def conform(
    frame: pl.DataFrame, schema: dict[str, type[pl.DataType] | pl.DataType]
) -> pl.DataFrame:
    """The frame with exactly these columns and types (missing optional columns as nulls)."""
    if frame.width == 0:  # selecting literals from no columns would make one row
        return pl.DataFrame(schema=schema)
    return frame.select(
        [
            pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
            for name, dtype in schema.items()
        ]
    )


def _pass_points() -> pl.Expr:
    """The pass mark in points, whatever unit it was given in."""
    return (
        pl.when(pl.col("pass_unit") == "percent")
        .then(pl.col("pass_mark") / 100.0 * pl.col("max_score"))
        .otherwise(pl.col("pass_mark"))
    )


def _totals(results: pl.DataFrame, steps: pl.DataFrame) -> pl.DataFrame:
    """Per candidate and step with a total rule: whether the total reaches its pass mark
    (null when a component score is missing)."""
    rules = (
        steps.filter(pl.col("total_of_steps").is_not_null())
        .select(
            "procedure_code",
            "step_no",
            "total_pass_percent",
            pl.col("total_of_steps").str.split(",").alias("component"),
        )
        .explode("component")
        .with_columns(pl.col("component").str.strip_chars().cast(pl.Int64))
    )
    if rules.is_empty():
        return pl.DataFrame(
            schema={
                "procedure_code": pl.String,
                "step_no": pl.Int64,
                "candidate_ref": pl.String,
                "total_score": pl.Float64,
                "total_ok": pl.Boolean,
            }
        )
    maxima = steps.select("procedure_code", pl.col("step_no").alias("component"), "max_score")
    components = rules.join(maxima, on=["procedure_code", "component"], how="left")
    n_components = components.group_by("procedure_code", "step_no").agg(
        pl.len().alias("n_components"),
        pl.col("max_score").sum().alias("total_max"),
        pl.col("total_pass_percent").first(),
    )
    scores = results.select(
        "procedure_code", "candidate_ref", pl.col("step_no").alias("component"), "score"
    ).filter(pl.col("score").is_not_null())
    sums = (
        rules.select("procedure_code", "step_no", "component")
        .join(scores, on=["procedure_code", "component"], how="inner")
        .group_by("procedure_code", "step_no", "candidate_ref")
        .agg(pl.col("score").sum().alias("total_score"), pl.len().alias("n_scores"))
        .join(n_components, on=["procedure_code", "step_no"], how="left")
    )
    return sums.select(
        "procedure_code",
        "step_no",
        "candidate_ref",
        "total_score",
        pl.when(pl.col("n_scores") < pl.col("n_components"))
        .then(None)
        .otherwise(
            pl.col("total_score")
            >= pl.col("total_pass_percent") / 100.0 * pl.col("total_max") - EPSILON
        )
        .alias("total_ok"),
    )


def derive_step_outcomes(steps: pl.DataFrame, results: pl.DataFrame) -> StepOutcomes:
    """Apply the step rules to the raw results of the procedures in `steps`.

    `results.outcome_given` holds the outcome as imported (normalised values of `Outcome`,
    or null). Where a score exists on a scored step, the rules decide and a given outcome
    that disagrees is reported (`outcome_contradicts_rules`); otherwise the given outcome
    stands.
    """
    steps = (
        conform(steps, STEP_SCHEMA)
        .with_columns(pl.col("eliminating").fill_null(True))
        .sort("procedure_code", "step_no")
    )
    results = conform(results, RESULT_SCHEMA).join(
        steps.select("procedure_code").unique(), on="procedure_code", how="semi"
    )
    totals = _totals(results, steps)
    first_step = steps.group_by("procedure_code").agg(pl.col("step_no").min().alias("first"))
    last_rows = results.group_by("procedure_code").agg(pl.col("step_no").max().alias("last_row"))

    decided: list[pl.DataFrame] = []
    states: list[pl.DataFrame] = []
    problems: list[pl.DataFrame] = []
    alive: pl.DataFrame | None = None  # procedure_code, candidate_ref still in the race
    # Procedures with an earlier step still pending: who reaches their later steps is not
    # known yet, so a conditional step there cannot be judged "not held".
    waiting = pl.DataFrame(schema={"procedure_code": pl.String})

    for step_no in steps.get_column("step_no").unique().sort().to_list():
        here = steps.filter(pl.col("step_no") == step_no)
        rows = results.filter(pl.col("step_no") == step_no).join(
            here, on=["procedure_code", "step_no"], how="inner"
        )
        # Who may take this step: everyone at a procedure's first step, else the passers
        # of its previous held step.
        starts = here.join(first_step, on="procedure_code").filter(
            pl.col("first") == pl.col("step_no")
        )
        entrants = rows.join(starts.select("procedure_code"), on="procedure_code", how="semi")
        entrants = entrants.select(KEY).unique()
        if alive is not None:
            carried = alive.join(starts.select("procedure_code"), on="procedure_code", how="anti")
            carried = carried.join(here.select("procedure_code"), on="procedure_code", how="semi")
            entrants = pl.concat([entrants, carried])

        state = decide_step_states(here, starts, entrants, rows, last_rows, waiting)
        problems.append(state_problems(state))
        waiting = pl.concat(
            [
                waiting.join(here.select("procedure_code"), on="procedure_code", how="anti"),
                state.filter(pl.col("state") == StepState.PENDING.value).select("procedure_code"),
            ]
        )

        # Rows of candidates who could not have reached this step: reported, and kept out
        # of the counts, the cuts and the list.
        rows = rows.join(
            entrants.with_columns(pl.lit(True).alias("reachable")), on=KEY, how="left"
        ).with_columns(pl.col("reachable").fill_null(False))
        problems.append(
            rows.filter(~pl.col("reachable")).select(
                "procedure_code",
                "candidate_ref",
                "step_no",
                pl.lit("unreachable_step").alias("code"),
                pl.lit("the candidate did not pass the previous step").alias("detail"),
            )
        )

        outcome_rows = _decide(rows, totals, results)
        decided.append(outcome_rows.select(*RESULT_SCHEMA, "outcome", "reachable"))
        problems.append(_outcome_problems(outcome_rows))

        counts = _counts(outcome_rows.filter(pl.col("reachable")))
        states.append(
            state.select("procedure_code", "step_no", "state")
            .join(counts, on=["procedure_code", "step_no"], how="left")
            .with_columns(pl.col(["reached", *OUTCOME_COUNTS]).fill_null(0))
        )

        # Who goes on: the passers of a held step (and, past a step that does not eliminate,
        # those who failed it); everyone, past a step that was not held; nobody yet, past a
        # step still pending.
        goes_on = (pl.col("outcome") == Outcome.PASSED.value) | (
            ~pl.col("eliminating") & (pl.col("outcome") == Outcome.FAILED.value)
        )
        passers = outcome_rows.filter(pl.col("reachable") & goes_on).select(KEY)
        not_held = state.filter(pl.col("state") == StepState.NOT_HELD.value)
        skipped = entrants.join(not_held.select("procedure_code"), on="procedure_code", how="semi")
        carried_on = (
            alive.join(here.select("procedure_code"), on="procedure_code", how="anti")
            if alive is not None
            else None
        )
        alive = pl.concat([f for f in (passers, skipped, carried_on) if f is not None])

    step_states = (pl.concat(states) if states else pl.DataFrame(schema=_state_schema())).select(
        *_state_schema()
    )
    return StepOutcomes(
        results=pl.concat(decided)
        if decided
        else conform(pl.DataFrame(), RESULT_SCHEMA).with_columns(
            pl.lit(None, pl.String).alias("outcome"), pl.lit(None, pl.Boolean).alias("reachable")
        ),
        step_states=step_states,
        problems=pl.concat([conform(p, PROBLEM_SCHEMA) for p in problems])
        if problems
        else pl.DataFrame(schema=PROBLEM_SCHEMA),
    )


def _state_schema() -> dict[str, type[pl.DataType] | pl.DataType]:
    return {
        "procedure_code": pl.String,
        "step_no": pl.Int64,
        "state": pl.String,
        "reached": pl.UInt32,
        **dict.fromkeys(OUTCOME_COUNTS, pl.UInt32),
    }


def _decide(rows: pl.DataFrame, totals: pl.DataFrame, results: pl.DataFrame) -> pl.DataFrame:
    """Outcome per row: pass mark and total rule where there is a score, then the top-N cut."""
    rows = rows.join(totals, on=["procedure_code", "step_no", "candidate_ref"], how="left")
    scored = pl.col("max_score").is_not_null() & pl.col("score").is_not_null()
    meets_mark = (pl.col("pass_mark").is_null()) | (pl.col("score") >= _pass_points() - EPSILON)
    meets_total = pl.col("total_of_steps").is_null() | pl.col("total_ok").fill_null(False)
    rows = rows.with_columns(
        by_rules=pl.when(scored & pl.col("pass_mark").is_not_null())
        .then(
            pl.when(meets_mark & meets_total)
            .then(pl.lit(Outcome.PASSED.value))
            .otherwise(pl.lit(Outcome.FAILED.value))
        )
        .otherwise(None)
    ).with_columns(
        outcome=pl.coalesce("by_rules", "outcome_given"),
    )

    # Top-N: rank the passers of capped steps on the score of their ranking step.
    capped = rows.filter(
        pl.col("top_n").is_not_null()
        & (pl.col("outcome") == Outcome.PASSED.value)
        & pl.col("reachable")
    )
    if capped.is_empty():
        return rows
    rank_scores = results.select(
        "procedure_code",
        "candidate_ref",
        pl.col("step_no").alias("rank_step"),
        pl.col("score").alias("rank_score"),
    )
    ranked = (
        capped.with_columns(rank_step=pl.coalesce("rank_by_step", "step_no"))
        .join(rank_scores, on=["procedure_code", "candidate_ref", "rank_step"], how="left")
        .with_columns(
            # Competition ranking ("1, 2, 2, 4"): everyone tied with the N-th has rank <= N.
            # Passers without a ranking score come after all scored ones.
            place=pl.col("rank_score")
            .fill_null(float("-inf"))
            .rank(method="min", descending=True)
            .over("procedure_code", "step_no")
        )
        .select([*KEY, "step_no", "place"])
    )
    return (
        rows.join(ranked, on=[*KEY, "step_no"], how="left")
        .with_columns(
            outcome=pl.when(pl.col("place").is_not_null() & (pl.col("place") > pl.col("top_n")))
            .then(pl.lit(Outcome.CUT_OFF.value))
            .otherwise(pl.col("outcome"))
        )
        .drop("place")
    )


def _outcome_problems(rows: pl.DataFrame) -> pl.DataFrame:
    missing = rows.filter(pl.col("outcome").is_null()).select(
        "procedure_code",
        "candidate_ref",
        "step_no",
        pl.lit("no_outcome").alias("code"),
        pl.lit("a result needs a score or an outcome").alias("detail"),
    )
    # "passed" for someone a top-N then cut is true (they met the mark): not a contradiction.
    cut_after_passing = (pl.col("outcome_given") == Outcome.PASSED.value) & (
        pl.col("outcome") == Outcome.CUT_OFF.value
    )
    contradicting = rows.filter(
        pl.col("outcome_given").is_not_null()
        & pl.col("outcome").is_not_null()
        & (pl.col("outcome_given") != pl.col("outcome"))
        & ~cut_after_passing
    ).select(
        "procedure_code",
        "candidate_ref",
        "step_no",
        pl.lit("outcome_contradicts_rules").alias("code"),
        pl.format("given {}, the rules give {}", "outcome_given", "outcome").alias("detail"),
        pl.col("outcome").alias("expected"),
        pl.col("outcome_given").alias("found"),
    )
    return pl.concat([missing, contradicting], how="diagonal_relaxed")


def _counts(rows: pl.DataFrame) -> pl.DataFrame:
    # A row without an outcome (blocked at import) has no place in the funnel identity.
    rows = rows.filter(pl.col("outcome").is_not_null())
    return rows.group_by("procedure_code", "step_no").agg(
        pl.len().alias("reached"),
        *[(pl.col("outcome") == o).sum().alias(o) for o in OUTCOME_COUNTS],
    )
