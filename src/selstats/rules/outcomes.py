"""Every candidate's outcome at every step, from the procedure's rules and the raw results.
Long because the step loop is one vectorised pass over per-candidate arrays (numbered once,
hashed keys): held/pending/not-held states, top-N ties and total rules share those arrays,
and handing them between modules would cost the speed the import is measured on.

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
  no results) is pending.
- A pass/fail step (no maximum score) takes the outcome as given.
- A step that does not eliminate (`eliminating = false`) lets those who fail it go on;
  absent, withdrawn and not registered still leave (Opgroeien's competency screening is held
  together with the eliminating jury interview, and only the latter is said to eliminate).

Everything is vectorised over all procedures at once: the store re-derives thousands of
procedures in one call, so there is no per-candidate Python loop.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import polars as pl

from selstats.domain.enums import Outcome, StepState
from selstats.domain.keys import key_hash

log = logging.getLogger(__name__)

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

    results: pl.DataFrame  # RESULT_SCHEMA + outcome, reachable (+ cid, see Candidates)
    step_states: pl.DataFrame  # procedure_code, step_no, state, reached, <one column per outcome>
    problems: pl.DataFrame  # PROBLEM_SCHEMA


@dataclass(frozen=True)
class Candidates:
    """What the rules engine learns about each candidate (a procedure_code and
    candidate_ref pair) on its way through the steps, by candidate number: the `cid`
    column of `step_outcomes_by_candidate`'s results. The list and the procedure statistics
    read these arrays instead of grouping a million result rows by two text keys again."""

    procedure: np.ndarray  # the procedure's number: an index into `codes`
    codes: pl.Series  # the procedure codes, sorted
    latest_score: np.ndarray  # the score of the candidate's latest step with a score
    has_score: np.ndarray  # whether the candidate has a score at all (else latest is NaN)
    sat_scored: np.ndarray  # sat a scored step: passed, failed or cut off there
    # and per procedure (procedure_code, applicants): its result rows at its first step
    applicants: pl.DataFrame


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
    """Apply the step rules to the raw results of the procedures in `steps` (see
    `step_outcomes_by_candidate`; the results without the candidate number)."""
    outcomes, _ = step_outcomes_by_candidate(steps, results)
    return StepOutcomes(
        results=outcomes.results.drop("cid"),
        step_states=outcomes.step_states,
        problems=outcomes.problems,
    )


def step_outcomes_by_candidate(
    steps: pl.DataFrame, results: pl.DataFrame
) -> tuple[StepOutcomes, Candidates]:
    """Apply the step rules to the raw results of the procedures in `steps`.

    `results.outcome_given` holds the outcome as imported (normalised values of `Outcome`,
    or null). Where a score exists on a scored step, the rules decide and a given outcome
    that disagrees is reported (`outcome_contradicts_rules`); otherwise the given outcome
    stands.

    Step numbers are taken in order, all procedures at once. Who is still in the race is
    one boolean per candidate (a procedure and candidate_ref pair, numbered once), so
    "may this row's candidate take this step" is an array look-up rather than a join on
    the two text keys; only the per-procedure step states are joined, on a few rows each.
    A candidate without a candidate_ref is never in the race (the store forbids them).
    """
    steps = (
        conform(steps, STEP_SCHEMA)
        .with_columns(pl.col("eliminating").fill_null(True))
        .sort("procedure_code", "step_no")
    )
    codes = steps.get_column("procedure_code").unique().sort()
    results = conform(results, RESULT_SCHEMA).filter(
        pl.col("procedure_code").is_in(codes.implode())
    )
    totals = _totals(results, steps)
    first_step = steps.group_by("procedure_code").agg(pl.col("step_no").min().alias("first"))
    last_rows = results.group_by("procedure_code").agg(pl.col("step_no").max().alias("last_row"))

    # Number the procedures (0..P-1, the order of `codes`) and the candidates (0..C-1);
    # rows without a candidate_ref get C, a number that is never in the race.
    procs = pl.DataFrame({"procedure_code": codes}).with_row_index("pid")
    cid, cand_pid, row_pid = _number_candidates(results, procs)
    nobody = len(cand_pid)
    # `__i`: each row's place, so that the outcomes, decided step by step, come back in the
    # rows' own order (a store compresses a file's candidate-by-candidate order far better).
    results = results.with_columns(cid=pl.Series(cid)).with_row_index("__i")
    step_rules = steps.join(procs, on="procedure_code", how="left", maintain_order="left")

    decided: list[pl.DataFrame] = []
    states: list[pl.DataFrame] = []
    problems: list[pl.DataFrame] = []
    alive = np.zeros(nobody + 1, dtype=bool)  # still in the race, by candidate number
    latest_score = np.full(nobody + 1, np.nan)
    has_score = np.zeros(nobody + 1, dtype=bool)
    sat_scored = np.zeros(nobody + 1, dtype=bool)
    applicants: list[pl.DataFrame] = []
    # Procedures with an earlier step still pending: who reaches their later steps is not
    # known yet, so a conditional step there cannot be judged "not held".
    waiting = pl.DataFrame(schema={"procedure_code": pl.String})

    for step_no in steps.get_column("step_no").unique().sort().to_list():
        here = steps.filter(pl.col("step_no") == step_no)
        # Each row with its step's rules, looked up by procedure number; rows of steps the
        # procedure does not have are left out.
        at_step = (results.get_column("step_no") == step_no).to_numpy()
        rule_of = np.full(len(codes), -1, dtype=np.int64)
        rule_of[step_rules.filter(pl.col("step_no") == step_no).get_column("pid")] = np.arange(
            here.height
        )
        rule = rule_of[row_pid[at_step]]
        taken = rule >= 0
        chosen = at_step.copy()  # the rows taken at this step: one filter, not two
        chosen[at_step] = taken
        rows = pl.concat(
            [
                results.filter(pl.Series(chosen)),
                here.drop("procedure_code", "step_no")[pl.Series(rule[taken])],
            ],
            how="horizontal",
        )
        row_cid = rows.get_column("cid").to_numpy()
        # Who may take this step: everyone with a row at a procedure's first step, else the
        # passers of its previous held step.
        starts = here.join(first_step, on="procedure_code").filter(
            pl.col("first") == pl.col("step_no")
        )
        has_step = _by_procedure(procs, here, cand_pid)
        starting = _by_procedure(procs, starts, cand_pid)
        has_row = np.zeros(nobody + 1, dtype=bool)
        has_row[row_cid] = True
        entrant = np.where(starting, has_row, alive & has_step)
        entrant[nobody] = False

        head_count = _count_by_procedure(procs, cand_pid[entrant[:nobody]], "entrants")
        has_rows = rows.group_by("procedure_code").agg(pl.len().alias("rows"))
        applicants.append(has_rows.join(starts, on="procedure_code", how="semi"))
        state = _states(here, starts, head_count, has_rows, last_rows, waiting)
        problems.append(_state_problems(state))
        waiting = pl.concat(
            [
                waiting.join(here.select("procedure_code"), on="procedure_code", how="anti"),
                state.filter(pl.col("state") == StepState.PENDING.value).select("procedure_code"),
            ]
        )

        # Rows of candidates who could not have reached this step: reported, and kept out
        # of the counts, the cuts and the list.
        rows = rows.with_columns(reachable=pl.Series(entrant[row_cid], dtype=pl.Boolean))
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
        decided.append(outcome_rows.select("__i", "outcome", "reachable"))
        # One row per candidate at a step, and the steps in order: the last score written
        # is the latest step's.
        scored = outcome_rows.filter(pl.col("score").is_not_null())
        scored_cid = scored.get_column("cid").to_numpy()
        latest_score[scored_cid] = scored.get_column("score").to_numpy()
        has_score[scored_cid] = True
        sat = outcome_rows.filter(
            pl.col("max_score").is_not_null() & pl.col("outcome").is_in(_SAT)
        ).get_column("cid")
        sat_scored[sat.to_numpy()] = True
        problems.append(_outcome_problems(outcome_rows))

        counts = _counts(outcome_rows.filter(pl.col("reachable")))
        states.append(
            state.select("procedure_code", "step_no", "state")
            .join(counts, on=["procedure_code", "step_no"], how="left")
            .with_columns(pl.col(["reached", *OUTCOME_COUNTS]).fill_null(0))
        )

        # Who goes on: the passers of a held step (and, past a step that does not eliminate,
        # those who failed it); everyone, past a step that was not held; nobody yet, past a
        # step still pending; in procedures without this step, whoever was in the race.
        goes_on = (pl.col("outcome") == Outcome.PASSED.value) | (
            ~pl.col("eliminating") & (pl.col("outcome") == Outcome.FAILED.value)
        )
        passers = outcome_rows.filter(pl.col("reachable") & goes_on).get_column("cid").to_numpy()
        not_held = state.filter(pl.col("state") == StepState.NOT_HELD.value)
        alive = (alive & ~has_step) | (entrant & _by_procedure(procs, not_held, cand_pid))
        alive[passers] = True
        alive[nobody] = False

    step_states = (pl.concat(states) if states else pl.DataFrame(schema=_state_schema())).select(
        *_state_schema()
    )
    outcomes = StepOutcomes(
        results=_in_row_order(results, decided),
        step_states=step_states,
        problems=pl.concat([conform(p, PROBLEM_SCHEMA) for p in problems])
        if problems
        else pl.DataFrame(schema=PROBLEM_SCHEMA),
    )
    candidates = Candidates(
        procedure=cand_pid,
        codes=codes,
        latest_score=latest_score[:nobody],
        has_score=has_score[:nobody],
        sat_scored=sat_scored[:nobody],
        applicants=pl.concat(applicants)
        if applicants
        else pl.DataFrame(schema={"procedure_code": pl.String, "rows": pl.UInt32}),
    )
    return outcomes, candidates


def _in_row_order(results: pl.DataFrame, decided: list[pl.DataFrame]) -> pl.DataFrame:
    """The rows that were decided (a step the procedure has), in `results`' order, with
    their outcome and reachability (`decided`: __i, outcome, reachable, per step)."""
    if not decided:
        return conform(pl.DataFrame(), RESULT_SCHEMA).with_columns(
            pl.lit(None, pl.String).alias("outcome"),
            pl.lit(None, pl.Boolean).alias("reachable"),
            pl.lit(None, pl.Int64).alias("cid"),
        )
    found = pl.concat(decided).sort("__i")
    # Usually every row was decided, in which case the places are 0..n-1 already.
    kept = results if found.height == results.height else results[found.get_column("__i")]
    return pl.concat(
        [kept.select(*RESULT_SCHEMA), found.select("outcome", "reachable"), kept.select("cid")],
        how="horizontal",
    )


# Outcomes of a candidate who actually sat a test (absent or not registered did not).
_SAT = (Outcome.PASSED.value, Outcome.FAILED.value, Outcome.CUT_OFF.value)


def _number_candidates(
    results: pl.DataFrame, procs: pl.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(each row's candidate number, each candidate's procedure number, each row's
    procedure number): the candidates (procedure_code, candidate_ref) numbered 0..C-1; a
    row without a candidate_ref gets C.

    Rows are numbered by a 64-bit hash of their key, far cheaper than grouping two text
    columns, and then every row's key is compared with that of a row of the same number:
    two keys sharing a hash would fail the comparison, and the rows are then numbered by
    the key columns themselves."""
    named = results.get_column("candidate_ref").is_not_null()
    keyed = results.filter(named).select(KEY)
    number, some_row = _dense(key_hash(keyed, KEY))
    if not all(
        bool((keyed.get_column(k) == keyed.get_column(k).gather(some_row[number])).all())
        for k in KEY
    ):
        log.warning("two candidate keys share a hash: numbering them by their keys")
        number, some_row = _dense(keyed.select(pl.struct(KEY).alias("key")).get_column("key"))
    count = len(some_row)
    cid = np.full(results.height, count, dtype=np.int64)
    cid[named.to_numpy()] = number
    cand_pid = (
        keyed.get_column("procedure_code")
        .gather(some_row)
        .to_frame()
        .join(procs, on="procedure_code", how="left", maintain_order="left")
        .get_column("pid")
        .to_numpy()
        .astype(np.int64)
    )
    row_pid = np.append(cand_pid, -1)[cid]
    if not bool(named.all()):  # rows without a candidate: their procedure looked up apart
        unnamed = results.filter(~named).select("procedure_code")
        row_pid[~named.to_numpy()] = (
            unnamed.join(procs, on="procedure_code", how="left", maintain_order="left")
            .get_column("pid")
            .to_numpy()
        )
    return cid, cand_pid, row_pid


def _dense(values: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(each value's number, 0..N-1 with equal values equal; some row of each number)."""
    number = values.rank("dense").to_numpy().astype(np.int64) - 1
    some_row = np.zeros(int(number.max()) + 1 if len(number) else 0, dtype=np.int64)
    some_row[number] = np.arange(len(number))  # of a number's rows, any one will do
    return number, some_row


def _by_procedure(procs: pl.DataFrame, chosen: pl.DataFrame, cand_pid: np.ndarray) -> np.ndarray:
    """One boolean per candidate number (and False for the last, "nobody"): whether the
    candidate's procedure is among `chosen`'s procedure codes."""
    flags = procs.get_column("procedure_code").is_in(chosen.get_column("procedure_code").implode())
    return np.append(flags.to_numpy()[cand_pid], False)


def _count_by_procedure(procs: pl.DataFrame, pids: np.ndarray, name: str) -> pl.DataFrame:
    """procedure_code, `name`: how many of `pids` are each procedure's (procedures with
    none left out)."""
    counts = np.bincount(pids, minlength=procs.height)
    return procs.select("procedure_code", pl.Series(name, counts, dtype=pl.UInt32)).filter(
        pl.col(name) > 0
    )


def _states(
    here: pl.DataFrame,
    starts: pl.DataFrame,
    head_count: pl.DataFrame,
    has_rows: pl.DataFrame,
    last_rows: pl.DataFrame,
    waiting: pl.DataFrame,
) -> pl.DataFrame:
    """Held, not held or pending, per procedure having this step, with what decided it.
    `head_count`: procedure_code, entrants (how many may take the step); `has_rows`:
    procedure_code, rows (its result rows at the step)."""
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


def _state_problems(state: pl.DataFrame) -> pl.DataFrame:
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
    if totals.is_empty():  # no total rule anywhere: nothing to look up per row
        rows = rows.with_columns(
            pl.lit(None, pl.Float64).alias("total_score"),
            pl.lit(None, pl.Boolean).alias("total_ok"),
        )
    else:
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
    rank_scores = results.filter(
        pl.col("procedure_code").is_in(capped.get_column("procedure_code").unique().implode())
    ).select(
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
