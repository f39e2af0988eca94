"""The plan of a batch of demo procedures: what the generator decided, as arrays.

`PlanBuilder` collects procedures, their steps and how candidates behave at each step
(`StepBehaviour`); `build` lays them out as numpy arrays indexed [procedure],
[procedure, step] or [candidate] (`Plan`), which `selstats.demo.simulate` runs. Days are
day numbers (days since 1970-01-01), so that dates are array arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import NormalDist
from typing import Any

import numpy as np
import polars as pl

EPOCH = date(1970, 1, 1)
MAX_SESSIONS = 3
NO_DAY = np.iinfo(np.int32).max  # a step that never takes place

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
