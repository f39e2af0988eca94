"""Candidates going through the steps of a batch of procedures.

The generator invents only what a candidate does: whether they turn up, register or withdraw,
and the score they get (or the pass/fail verdict of a screening). Who goes on to the next step
is decided by the rules engine (`derive_step_outcomes`), called on the rows generated so far
for the whole batch at once; the final outcomes, step states and lists come from `derive`.
Everything per candidate is a numpy array operation: Python loops only run over steps. The
batch comes as a `selstats.demo.plan.Plan`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from selstats.demo.plan import NO_DAY, Plan, day_number
from selstats.domain.enums import Outcome
from selstats.rules.derive import Derivation, derive
from selstats.rules.outcomes import derive_step_outcomes

log = logging.getLogger(__name__)

# The rules engine runs on groups of procedures with about this many applicants together.
GROUP_APPLICANTS = 50_000

# outcome_given codes of the generated rows; 0 = none (a score decides)
_GIVEN = {
    1: Outcome.PASSED.value,
    2: Outcome.FAILED.value,
    3: Outcome.ABSENT.value,
    4: Outcome.WITHDRAWN.value,
    5: Outcome.NOT_REGISTERED.value,
}


@dataclass(frozen=True)
class Simulated:
    procedures: pl.DataFrame  # with list_date set for the procedures that ended
    steps: pl.DataFrame
    derivation: Derivation
    applications: int


def _rows(
    plan: Plan,
    k: int,
    idx: np.ndarray,
    ability: np.ndarray,
    rng: np.random.Generator,
    codes: pl.Series,
    today: int,
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    """The rows of step k for candidates `idx`: the frame, the candidates it holds (in its
    order) and the candidates whose date is still to come."""
    p = plan.cand_proc[idx]
    u_session = rng.random(idx.size)
    u_behaviour = rng.random(idx.size)
    luck = rng.standard_normal(idx.size)

    session = (u_session * plan.n_sessions[p, k]).astype(np.int64)
    day = plan.day[p, k] + plan.cand_offset[idx] + plan.sessions[p, k, session]
    due = day <= today
    later = idx[~due]
    idx, p, u_behaviour, luck, day = idx[due], p[due], u_behaviour[due], luck[due], day[due]

    nr = plan.not_registered[p, k]
    ab = nr + plan.absent[p, k]
    wd = ab + plan.withdrawn[p, k]
    given = np.select(
        [u_behaviour < nr, u_behaviour < ab, u_behaviour < wd], [5, 3, 4], default=0
    ).astype(np.int64)
    present = given == 0

    rho = plan.rho[p, k]
    z = rho * ability[idx] + np.sqrt(1.0 - rho * rho) * luck
    scored = plan.scored[p, k]
    raw = plan.pass_points[p, k] + plan.spread[p, k] * (z - plan.threshold[p, k])
    score = np.clip(np.round(raw * 2.0) / 2.0, 0.0, plan.max_score[p, k])
    score = np.where(present & scored, score, np.nan)
    verdict = np.where(z >= plan.threshold[p, k], 1, 2)
    given = np.where(present & ~scored, verdict, given)

    frame = pl.DataFrame(
        {
            "procedure_code": codes.gather(p),
            "i": idx,
            "step_no": np.full(idx.size, k + 1, dtype=np.int64),
            "score": score,
            "given": given,
            "day": day.astype(np.int32),
        }
    ).select(
        "procedure_code",
        pl.concat_str(pl.lit(plan.prefix), pl.col("i").cast(pl.String).str.zfill(7)).alias(
            "candidate_ref"
        ),
        "step_no",
        pl.col("score").fill_nan(None),
        pl.col("given")
        .replace_strict(_GIVEN, default=None, return_dtype=pl.String)
        .alias("outcome_given"),
        pl.col("day").cast(pl.Date).alias("result_date"),
    )
    return frame, idx, later


def _passers(plan: Plan, results: pl.DataFrame, step_no: int) -> np.ndarray:
    return (
        results.filter((pl.col("step_no") == step_no) & (pl.col("outcome") == Outcome.PASSED.value))
        .get_column("candidate_ref")
        .str.slice(len(plan.prefix))
        .cast(pl.Int64)
        .to_numpy()
    )


def _groups(plan: Plan, size: int) -> np.ndarray:
    """Procedures in consecutive groups of about `size` applicants each. The rules engine
    works per procedure, so deriving group by group gives the same outcomes as deriving the
    whole batch at once, with a fraction of the memory."""
    applicants = np.bincount(plan.cand_proc, minlength=plan.n_steps.size)
    before = np.cumsum(applicants) - applicants
    groups: np.ndarray = before // size
    return groups


def _combine(parts: list[Derivation]) -> Derivation:
    """One derivation from those of disjoint sets of procedures."""
    values: dict[str, Any] = {}
    for f in fields(Derivation):
        items = [getattr(part, f.name) for part in parts]
        values[f.name] = pl.concat(items, how="vertical_relaxed") if len(items) > 1 else items[0]
    return Derivation(**values)


def simulate(plan: Plan, rng: np.random.Generator, today: date) -> Simulated:
    """Generate every candidate's rows step by step; the rules engine says who goes on."""
    today_n = day_number(today)
    n_proc = plan.n_steps.size
    n_cand = plan.cand_proc.size
    codes = plan.procedures.get_column("procedure_code")
    group_of = _groups(plan, GROUP_APPLICANTS)
    n_groups = int(group_of.max()) + 1 if n_proc else 0
    group_codes = [codes.filter(pl.Series(group_of == g)) for g in range(n_groups)]
    group_steps = [
        plan.steps.filter(pl.col("procedure_code").is_in(c.implode())) for c in group_codes
    ]
    frames: list[list[pl.DataFrame]] = [[] for _ in range(n_groups)]

    ability = rng.standard_normal(n_cand)
    alive = np.ones(n_cand, dtype=bool)
    width = int(plan.n_steps.max()) if n_proc else 0
    for k in range(width):
        exists = plan.n_steps > k
        entrants = np.bincount(plan.cand_proc[alive], minlength=n_proc)
        threshold = plan.held_if_more_than[:, k]
        # A conditional step is held only when more candidates reach it than its threshold;
        # otherwise it gets no rows and everyone goes straight on.
        held = exists & ~((threshold >= 0) & (entrants <= threshold))
        idx = np.flatnonzero(alive & held[plan.cand_proc])
        frame, taking, later = _rows(plan, k, idx, ability, rng, codes, today_n)
        # Candidates whose step lies in the future stop here (the procedure is still running).
        alive[later] = False
        alive[idx] = False
        if frame.is_empty():
            continue
        in_group = group_of[plan.cand_proc[taking]]
        for g in np.unique(in_group):
            frames[g].append(frame.filter(pl.Series(in_group == g)))
            if k < width - 1:
                outcomes = derive_step_outcomes(group_steps[g], pl.concat(frames[g]))
                alive[_passers(plan, outcomes.results, k + 1)] = True

    # A procedure ends when its last step and its list date have passed.
    last = plan.n_steps - 1
    rows = np.arange(n_proc)
    last_day = plan.day[rows, last] + plan.sessions[rows, last].max(axis=1)
    ended = (last_day <= today_n) & (plan.list_day <= today_n)
    list_day = np.where(ended, plan.list_day, NO_DAY)
    procedures = plan.procedures.with_columns(
        pl.Series("list_date", list_day, dtype=pl.Int64)
    ).with_columns(
        pl.when(pl.col("list_date") == NO_DAY)
        .then(None)
        .otherwise(pl.col("list_date"))
        .cast(pl.Int32)
        .cast(pl.Date)
        .alias("list_date")
    )

    parts = []
    for g in range(n_groups):
        raw = pl.concat(frames[g]) if frames[g] else pl.DataFrame(schema=_raw_schema())
        frames[g] = []
        group_procedures = procedures.filter(
            pl.col("procedure_code").is_in(group_codes[g].implode())
        )
        parts.append(derive(group_steps[g], raw, group_procedures))
    derivation = _combine(parts)
    if not derivation.problems.is_empty():
        log.warning(
            "the rules engine reported %d problem(s) on generated data, e.g. %s",
            derivation.problems.height,
            derivation.problems.head(3).to_dicts(),
        )
    applications = int(derivation.results.filter(pl.col("step_no") == 1).height)
    return Simulated(procedures, plan.steps, derivation, applications)


def _raw_schema() -> dict[str, Any]:
    return {
        "procedure_code": pl.String,
        "candidate_ref": pl.String,
        "step_no": pl.Int64,
        "score": pl.Float64,
        "outcome_given": pl.String,
        "result_date": pl.Date,
    }
