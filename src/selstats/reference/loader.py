"""Load data/reference/*.csv into domain models, checking everything a user could get wrong.

The reference data is edited by hand (a new scale amount, next year's coefficient), so a
mistake must be reported where the user can find it: file, line (as an editor counts it,
comment lines included) and column. All problems are collected before anything is raised,
so one run lists every fix to make.

This module puts the files together (`Reference`, `load_reference`, `check_reference`);
reading and validating each file is `selstats.reference.reader`, the checks across files
`selstats.reference.consistency`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar, get_args

import polars as pl
from pydantic import BaseModel

from selstats.domain.models import (
    IndexCoefficient,
    Organisation,
    Procedure,
    SalaryScale,
    Step,
)
from selstats.paths import REFERENCE_DIR
from selstats.reference.consistency import (
    check_coefficients,
    check_diploma_levels,
    check_owners,
    check_postings,
    check_procedures,
    check_rounding,
    check_sources,
    check_steps,
    national_figures_by_year,
)
from selstats.reference.csvfile import Problem, Row
from selstats.reference.models import (
    CertificationTask,
    DiplomaLevelRule,
    NationalFigures,
    NationalValue,
    ReferenceSource,
    SalaryPosting,
    SalaryRounding,
)
from selstats.reference.reader import (
    CERTIFICATION_TASKS,
    DIPLOMA_LEVELS,
    INDEX_COEFFICIENTS,
    NATIONAL_FIGURES,
    ORGANISATIONS,
    PROCEDURES,
    SALARY_POSTINGS,
    SALARY_ROUNDING,
    SALARY_SCALES,
    SOURCES,
    STEPS,
    Loader,
)
from selstats.rules.certification import CertificationThresholds

log = logging.getLogger(__name__)

T = TypeVar("T")


class ReferenceDataError(ValueError):
    """The reference data has problems; `.problems` holds one message per problem, each
    naming file, line and column."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        listing = "\n".join(f"- {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the reference data:\n{listing}")


# The name the rest of the project uses. It shadows the builtin ReferenceError (a weakref
# error) only where it is imported, which is where it is meant.
ReferenceError = ReferenceDataError


@dataclass(frozen=True)
class Reference:
    organisations: tuple[Organisation, ...]
    procedures: tuple[Procedure, ...]
    steps: tuple[Step, ...]
    salary_scales: tuple[SalaryScale, ...]
    coefficients: tuple[IndexCoefficient, ...]  # by government, then date, oldest first
    national_figures: tuple[NationalFigures, ...]
    tasks: tuple[CertificationTask, ...]
    thresholds: CertificationThresholds
    # Salary amounts as the postings published them (the unpublished ones with no amount).
    salary_postings: tuple[SalaryPosting, ...] = ()
    # Each national figure with its source (national_figures above holds them per year).
    national_values: tuple[NationalValue, ...] = ()
    # The sources of the files that have no source column of their own.
    sources: tuple[ReferenceSource, ...] = ()
    # How each government rounds the amounts it pays (salary_rounding.csv).
    rounding: tuple[SalaryRounding, ...] = ()
    # Which diploma level a level, class, rank or scale asks (diploma_levels.csv).
    diploma_levels: tuple[DiplomaLevelRule, ...] = ()

    def frames(self) -> dict[str, pl.DataFrame]:
        """The store's reference tables (named and shaped as in store/schema/), plus
        `certification_tasks`, ready to be written."""
        return {
            "organisations": _frame(self.organisations, Organisation),
            "procedures": _frame(self.procedures, Procedure),
            "steps": _frame(self.steps, Step),
            "salary_scales": _frame(self.salary_scales, SalaryScale),
            "salary_postings": _frame(self.salary_postings, SalaryPosting),
            "index_coefficients": _frame(self.coefficients, IndexCoefficient),
            "salary_rounding": _frame(self.rounding, SalaryRounding),
            "diploma_levels": _frame(self.diploma_levels, DiplomaLevelRule),
            "national_figures": _frame(self.national_figures, NationalFigures),
            "certification_tasks": _frame(self.tasks, CertificationTask),
        }


def _cell(value: object) -> object:
    if isinstance(value, tuple):  # Step.total_of_steps is stored as '2,3'
        return ",".join(str(v) for v in value)
    return value


def _dtype(annotation: object) -> pl.DataType:
    """The column type of a model field: its type without None; enums and tuples as text."""
    kinds = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
    kind = kinds[0]
    for python, polars in ((bool, pl.Boolean()), (int, pl.Int64()), (float, pl.Float64())):
        if kind is python:
            return polars
    return pl.Date() if kind is date else pl.String()


def _frame(records: Sequence[BaseModel], model: type[BaseModel]) -> pl.DataFrame:
    schema = {name: _dtype(f.annotation) for name, f in model.model_fields.items()}
    rows = [[_cell(getattr(r, c)) for c in schema] for r in records]
    return pl.DataFrame(rows, schema=schema, orient="row")


def _load(directory: Path) -> tuple[Reference, list[Problem]]:
    load = Loader(directory)
    orgs = load.read(ORGANISATIONS, Organisation, lambda o: o.org_id, "org_id")
    procedures = load.read(PROCEDURES, Procedure, lambda p: p.procedure_code, "procedure_code")
    steps = load.read(STEPS, Step, lambda s: (s.procedure_code, s.step_no), "step_no")
    scales = load.read(
        SALARY_SCALES, SalaryScale, lambda s: (s.scale, s.government.value, s.org_id), "scale"
    )
    coefficients = load.read(
        INDEX_COEFFICIENTS,
        IndexCoefficient,
        lambda c: (c.government.value, c.in_force_from),
        "in_force_from",
    )
    postings = load.read(
        SALARY_POSTINGS,
        SalaryPosting,
        lambda p: (p.posting, p.period, p.bound),
        "posting",
    )
    rounding = load.read(SALARY_ROUNDING, SalaryRounding, lambda r: r.government, "government")
    diploma_levels = load.read(
        DIPLOMA_LEVELS,
        DiplomaLevelRule,
        lambda r: (r.government.value, r.org_id, r.pattern),
        "pattern",
    )
    national = load.read(NATIONAL_FIGURES, NationalValue, lambda v: (v.year, v.figure), "figure")
    figures = national_figures_by_year(load, national)
    tasks = load.read(CERTIFICATION_TASKS, CertificationTask, lambda t: t.task_id, "task_id")
    thresholds = load.thresholds()
    sources = load.read(SOURCES, ReferenceSource, lambda s: (s.file, s.item), "item")
    check_sources(load, directory, sources)

    org_by_id = {o.org_id: o for _, o in orgs}
    scale_keys = {(s.scale, s.government.value, s.org_id) for _, s in scales}
    check_procedures(load, org_by_id, procedures, scale_keys)
    check_owners(load, SALARY_SCALES, org_by_id, scales, local_needs_owner=True)
    check_owners(load, DIPLOMA_LEVELS, org_by_id, diploma_levels, local_needs_owner=False)
    check_steps(load, {p.procedure_code: row for row, p in procedures}, steps)
    check_coefficients(load, coefficients)
    check_rounding(load, rounding)
    check_postings(
        load,
        org_by_id,
        scale_keys,
        {(c.government.value, c.coefficient) for _, c in coefficients},
        postings,
    )
    levels = [
        (PROCEDURES, row, org_by_id[p.org_id].government.value, p.org_id, p.level)
        for row, p in procedures
        if p.level is not None and p.org_id in org_by_id
    ] + [(SALARY_SCALES, row, s.government.value, s.org_id, s.level) for row, s in scales]
    check_diploma_levels(load, diploma_levels, levels)

    def records(pairs: list[tuple[Row, T]]) -> tuple[T, ...]:
        return tuple(record for _, record in pairs)

    reference = Reference(
        organisations=records(orgs),
        procedures=records(procedures),
        steps=tuple(sorted(records(steps), key=lambda s: (s.procedure_code, s.step_no))),
        salary_scales=records(scales),
        coefficients=tuple(
            sorted(records(coefficients), key=lambda c: (c.government.value, c.in_force_from))
        ),
        national_figures=figures,
        tasks=records(tasks),
        thresholds=thresholds,
        salary_postings=records(postings),
        national_values=tuple(sorted(records(national), key=lambda v: (v.year, v.figure))),
        sources=records(sources),
        rounding=records(rounding),
        diploma_levels=records(diploma_levels),
    )
    return reference, load.problems


def check_reference(directory: Path = REFERENCE_DIR) -> list[str]:
    """Every problem in the reference data, as messages; empty when it is clean."""
    return [str(p) for p in _load(directory)[1]]


def load_reference(directory: Path = REFERENCE_DIR) -> Reference:
    """The reference data, validated; raises ReferenceDataError listing every problem.

    Read once per version of the files: pages call this on every rerun, and an edited file
    (its size or modification time changes) is read again.
    """
    return _load_checked(directory, _fingerprint(directory))


def _fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (path.name, path.stat().st_mtime_ns, path.stat().st_size)
        for path in sorted(directory.glob("*.csv"))
    )


@functools.lru_cache(maxsize=8)
def _load_checked(directory: Path, _fingerprint: tuple[tuple[str, int, int], ...]) -> Reference:
    reference, problems = _load(directory)
    if problems:
        raise ReferenceDataError([str(p) for p in problems])
    log.info(
        "reference data from %s: %d organisations, %d procedures, %d steps, %d scales, "
        "%d coefficients, %d salary postings, %d diploma-level rules",
        directory,
        len(reference.organisations),
        len(reference.procedures),
        len(reference.steps),
        len(reference.salary_scales),
        len(reference.coefficients),
        len(reference.salary_postings),
        len(reference.diploma_levels),
    )
    return reference
