"""Candidates going through the steps of a batch of procedures.

The generator invents only what a candidate does: whether they turn up, register or withdraw,
and the score they get (or the pass/fail verdict of a screening). Who goes on to the next step
is decided by the rules engine (`derive_step_outcomes`), called on the rows generated so far
for the whole batch at once; the final outcomes, step states and lists come from `derive`.
Everything per candidate is a numpy array operation: Python loops only run over steps.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from statistics import NormalDist
from typing import Any

import numpy as np
import polars as pl

from selstats.domain.enums import Outcome
from selstats.rules.derive import Derivation, derive
from selstats.rules.outcomes import derive_step_outcomes

log = logging.getLogger(__name__)

EPOCH = date(1970, 1, 1)
MAX_SESSIONS = 3
NO_DAY = np.iinfo(np.int32).max  # a step that never takes place
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

STEP_FACTS: dict[str, Any] = {
    "procedure_code": pl.String,
    "step_no": pl.Int64,
    "name": pl.String,
    "kind": pl.String,
    "max_score": pl.Float64,
    "pass_mark": pl.Float64,
    "pass_unit": pl.String,
    "top_n": pl.Int64,
    "rank_by_step": pl.Int64,
    "held_if_more_than": pl.Int64,
    "total_of_steps": pl.String,
    "total_pass_percent": pl.Float64,
}

PROCEDURE_FACTS: dict[str, Any] = {
    "procedure_code": pl.String,
    "org_id": pl.String,
    "title": pl.String,
    "level": pl.String,
    "salary_scale": pl.String,
    "language": pl.String,
    "application_deadline": pl.Date,
    "places": pl.Int64,
    "list_max": pl.Int64,
    "ranked": pl.Boolean,
    "validity_months": pl.Int64,
    "list_date": pl.Date,
}


def day_number(day: date) -> int:
    return (day - EPOCH).days


def from_day_number(number: int) -> date:
    return EPOCH + timedelta(days=int(number))


def quantile(p: float) -> float:
    """The standard normal quantile: the ability a candidate needs to pass with rate 1 - p."""
    return NormalDist().inv_cdf(min(max(p, 1e-6), 1 - 1e-6))


@dataclass(frozen=True)
class StepBehaviour:
    """How candidates fare at one step of one procedure."""

    day: int  # day number of the step (the first session)
    sessions: tuple[int, ...] = (0,)  # day offsets of the sessions
    pass_rate: float = 0.7  # share of a random present candidate who passes
    rho: float = 0.6  # weight of the candidate's ability (the rest is luck of the day)
    spread: float = 0.15  # standard deviation of the score, as a share of the maximum
    not_registered: float = 0.0
    absent: float = 0.0
    withdrawn: float = 0.0


@dataclass
class PlanBuilder:
    """Collects procedures, their steps and how candidates behave there."""

    prefix: str  # candidate_ref prefix, unique to the batch
    procedures: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    behaviour: list[list[StepBehaviour]] = field(default_factory=list)
    applicants: list[int] = field(default_factory=list)
    offsets: list[np.ndarray | None] = field(default_factory=list)
    list_days: list[int | None] = field(default_factory=list)

    def add(
        self,
        procedure: dict[str, Any],
        steps: list[dict[str, Any]],
        behaviour: list[StepBehaviour],
        applicants: int,
        list_day: int | None,
        offsets: np.ndarray | None = None,
    ) -> None:
        """`offsets`: per applicant, days added to every step date (a permanently open
        procedure, where each candidate has their own dates)."""
        assert len(steps) == len(behaviour)
        self.procedures.append(procedure)
        self.steps.extend(steps)
        self.behaviour.append(behaviour)
        self.applicants.append(applicants)
        self.offsets.append(offsets)
        self.list_days.append(list_day)

    def build(self) -> Plan:
        n = len(self.procedures)
        width = max((len(b) for b in self.behaviour), default=0)
        shape = (n, width)
        plan = Plan(
            prefix=self.prefix,
            procedures=pl.DataFrame(self.procedures, schema=PROCEDURE_FACTS)
            if n
            else pl.DataFrame(schema=PROCEDURE_FACTS),
            steps=pl.DataFrame(self.steps, schema=STEP_FACTS)
            if self.steps
            else pl.DataFrame(schema=STEP_FACTS),
            n_steps=np.array([len(b) for b in self.behaviour], dtype=np.int64),
            day=np.full(shape, NO_DAY, dtype=np.int64),
            sessions=np.zeros((n, width, MAX_SESSIONS), dtype=np.int64),
            n_sessions=np.ones(shape, dtype=np.int64),
            scored=np.zeros(shape, dtype=bool),
            max_score=np.zeros(shape),
            pass_points=np.zeros(shape),
            spread=np.zeros(shape),
            threshold=np.zeros(shape),
            rho=np.zeros(shape),
            not_registered=np.zeros(shape),
            absent=np.zeros(shape),
            withdrawn=np.zeros(shape),
            held_if_more_than=np.full(shape, -1, dtype=np.int64),
            cand_proc=np.repeat(np.arange(n, dtype=np.int64), self.applicants),
            cand_offset=np.concatenate(
                [
                    np.zeros(a, dtype=np.int64) if o is None else o.astype(np.int64)
                    for a, o in zip(self.applicants, self.offsets, strict=True)
                ]
            )
            if n
            else np.zeros(0, dtype=np.int64),
            list_day=np.array([NO_DAY if d is None else d for d in self.list_days], dtype=np.int64),
        )
        row = 0
        for p, behaviours in enumerate(self.behaviour):
            for k, b in enumerate(behaviours):
                fact = self.steps[row]
                row += 1
                plan.day[p, k] = b.day
                plan.n_sessions[p, k] = len(b.sessions)
                plan.sessions[p, k, : len(b.sessions)] = b.sessions
                plan.threshold[p, k] = quantile(1.0 - b.pass_rate)
                plan.rho[p, k] = b.rho
                plan.not_registered[p, k] = b.not_registered
                plan.absent[p, k] = b.absent
                plan.withdrawn[p, k] = b.withdrawn
                if fact.get("held_if_more_than") is not None:
                    plan.held_if_more_than[p, k] = fact["held_if_more_than"]
                if fact.get("max_score") is not None:
                    top = float(fact["max_score"])
                    plan.scored[p, k] = True
                    plan.max_score[p, k] = top
                    plan.spread[p, k] = b.spread * top
                    mark = fact.get("pass_mark")
                    if mark is None:
                        plan.pass_points[p, k] = 0.5 * top
                    elif fact.get("pass_unit") == "percent":
                        plan.pass_points[p, k] = float(mark) / 100.0 * top
                    else:
                        plan.pass_points[p, k] = float(mark)
        return plan


@dataclass
class Plan:
    """A batch of procedures as arrays: [procedure] or [procedure, step] or [candidate]."""

    prefix: str
    procedures: pl.DataFrame
    steps: pl.DataFrame
    n_steps: np.ndarray
    day: np.ndarray
    sessions: np.ndarray
    n_sessions: np.ndarray
    scored: np.ndarray
    max_score: np.ndarray
    pass_points: np.ndarray
    spread: np.ndarray
    threshold: np.ndarray
    rho: np.ndarray
    not_registered: np.ndarray
    absent: np.ndarray
    withdrawn: np.ndarray
    held_if_more_than: np.ndarray
    cand_proc: np.ndarray
    cand_offset: np.ndarray
    list_day: np.ndarray


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
