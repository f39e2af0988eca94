"""Pydantic models of the domain. Nothing here imports Streamlit or DuckDB.

The models describe one thing each and check what a single record can check on its own;
rules that need several records (top-N, lists, certification) live in `selstats.rules`.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from selstats.domain.enums import (
    Certification,
    Government,
    LanguageRole,
    ListStatus,
    Outcome,
    PassUnit,
    StepKind,
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Organisation(_Model):
    org_id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    government: Government = Government.FEDERAL
    certification: Certification = Certification.NONE
    review_date: date | None = None


class Step(_Model):
    """One step of a procedure: pass/fail when it has no maximum score, else scored."""

    procedure_code: str = Field(min_length=1)
    step_no: int = Field(ge=1)
    name: str = Field(min_length=1)
    kind: StepKind = StepKind.SCREENING
    max_score: float | None = Field(default=None, gt=0)
    pass_mark: float | None = Field(default=None, ge=0)
    pass_unit: PassUnit | None = None
    top_n: int | None = Field(default=None, ge=1)
    rank_by_step: int | None = Field(default=None, ge=1)
    held_if_more_than: int | None = Field(default=None, ge=0)
    total_of_steps: tuple[int, ...] | None = None
    total_pass_percent: float | None = Field(default=None, ge=0, le=100)
    eliminating: bool = True

    @field_validator("total_of_steps", mode="before")
    @classmethod
    def _parse_steps(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            return tuple(int(p) for p in parts) or None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Step:
        if self.pass_mark is not None and self.max_score is None:
            raise ValueError("a pass mark needs a maximum score")
        if self.pass_mark is not None and self.pass_unit is None:
            raise ValueError("a pass mark needs a unit (points or percent)")
        if self.pass_mark is not None and self.max_score is not None:
            limit = 100.0 if self.pass_unit is PassUnit.PERCENT else self.max_score
            if self.pass_mark > limit:
                raise ValueError(f"pass mark {self.pass_mark} is above {limit:g}")
        if (self.total_of_steps is None) != (self.total_pass_percent is None):
            raise ValueError("total_of_steps and total_pass_percent go together")
        if self.total_of_steps is not None and self.step_no not in self.total_of_steps:
            raise ValueError("a total rule must include its own step")
        return self

    @property
    def scored(self) -> bool:
        return self.max_score is not None

    @property
    def pass_points(self) -> float | None:
        """The pass mark in points, whatever unit it was given in."""
        if self.pass_mark is None or self.max_score is None:
            return None
        if self.pass_unit is PassUnit.PERCENT:
            return self.pass_mark / 100.0 * self.max_score
        return self.pass_mark


class Procedure(_Model):
    procedure_code: str = Field(min_length=1)
    org_id: str = Field(min_length=1)
    title: str | None = None
    level: str | None = None
    salary_scale: str | None = None
    language: str | None = None
    application_deadline: date | None = None
    places: int | None = Field(default=None, ge=0)
    list_max: int | None = Field(default=None, ge=1)
    ranked: bool = True
    validity_months: int | None = Field(default=None, ge=1)
    list_date: date | None = None


class CandidateResult(_Model):
    procedure_code: str = Field(min_length=1)
    candidate_ref: str = Field(min_length=1)
    step_no: int = Field(ge=1)
    score: float | None = Field(default=None, ge=0)
    outcome: Outcome | None = None
    result_date: date | None = None


class ListEntry(_Model):
    procedure_code: str = Field(min_length=1)
    candidate_ref: str = Field(min_length=1)
    status: ListStatus = ListStatus.AVAILABLE
    status_date: date | None = None
    extended_until: date | None = None


class Consultant(_Model):
    consultant_ref: str = Field(min_length=1)
    org_id: str = Field(min_length=1)
    language_role: LanguageRole
    az_certified: bool = False
    tests_certified: bool = False
    pro_partner: bool = False
    assessment_certified: bool = False
    chair_certified: bool = False  # certified interview chair ("interviews voorzitten")

    @property
    def certified(self) -> bool:
        """Counts (once, whatever they hold) towards the 4 certified staff: any PRO Academy
        certificate (AZ, selection tests, assessment techniques, interview chair). A PRO
        Partner needs no certificate and counts only when also certified."""
        return (
            self.az_certified
            or self.tests_certified
            or self.assessment_certified
            or self.chair_certified
        )


class QCheck(_Model):
    consultant_ref: str = Field(min_length=1)
    procedure_code: str = Field(min_length=1)
    check_date: date
    score_percent: float = Field(ge=0, le=100)


class SalaryScale(_Model):
    """A scale at 100 %; an amount that is not known stays None.

    A scale belongs to a whole government (federal, Flemish: `org_id` None) or to the one
    local government that set it (`org_id` required for `local`: since 2023 each Flemish
    local government sets its own scales, and Walloon and Brussels local governments use
    other systems, so there is no scale of "local" as a whole; the reference loader checks
    it). `source` says where the amounts come from, or that none were found."""

    scale: str = Field(min_length=1)
    level: str = Field(min_length=1)
    government: Government
    org_id: str | None = None
    annual_min_100: float | None = Field(default=None, gt=0)
    annual_max_100: float | None = Field(default=None, gt=0)
    source: str = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> SalaryScale:
        low, high = self.annual_min_100, self.annual_max_100
        if low is not None and high is not None and low > high:
            raise ValueError(f"minimum {low} is above maximum {high}")
        return self


class IndexCoefficient(_Model):
    """The index coefficient one government applies to its pay from `in_force_from` on
    (each government from its own month), with the publication that says so."""

    government: Government
    in_force_from: date
    coefficient: float = Field(gt=1)
    source: str = Field(min_length=1)
    note: str | None = None
