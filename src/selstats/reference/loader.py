"""Load data/reference/*.csv into domain models, checking everything a user could get wrong.

The reference data is edited by hand (a new scale amount, next year's coefficient), so a
mistake must be reported where the user can find it: file, line (as an editor counts it,
comment lines included) and column. All problems are collected before anything is raised,
so one run lists every fix to make.
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import TypeVar, get_args

import polars as pl
from pydantic import BaseModel, ValidationError

from selstats.domain.models import (
    IndexCoefficient,
    Organisation,
    Procedure,
    SalaryScale,
    Step,
)
from selstats.paths import REFERENCE_DIR
from selstats.reference.csvfile import Problem, Row, read_table, validate_rows
from selstats.reference.models import (
    CertificationTask,
    NationalFigures,
    NationalValue,
    ReferenceSource,
    SalaryPosting,
)
from selstats.rules.certification import CertificationThresholds
from selstats.rules.coefficients import is_published_step, nearest_step

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

ORGANISATIONS = "organisations.csv"
PROCEDURES = "procedures.csv"
STEPS = "steps.csv"
SALARY_SCALES = "salary_scales.csv"
SALARY_POSTINGS = "salary_postings.csv"
INDEX_COEFFICIENTS = "index_coefficients.csv"
NATIONAL_FIGURES = "national_figures.csv"
CERTIFICATION_TASKS = "certification_tasks.csv"
CERTIFICATION_RULES = "certification_rules.csv"
SOURCES = "sources.csv"


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
    coefficients: tuple[IndexCoefficient, ...]  # by date, oldest first
    national_figures: tuple[NationalFigures, ...]
    tasks: tuple[CertificationTask, ...]
    thresholds: CertificationThresholds
    # Salary amounts as the postings published them (the unpublished ones with no amount).
    salary_postings: tuple[SalaryPosting, ...] = ()
    # Each national figure with its source (national_figures above holds them per year).
    national_values: tuple[NationalValue, ...] = ()
    # The sources of the files that have no source column of their own.
    sources: tuple[ReferenceSource, ...] = ()

    def frames(self) -> dict[str, pl.DataFrame]:
        """The store's reference tables (named and shaped as in schema.sql), plus
        `certification_tasks`, ready to be written."""
        return {
            "organisations": _frame(self.organisations, Organisation),
            "procedures": _frame(self.procedures, Procedure),
            "steps": _frame(self.steps, Step),
            "salary_scales": _frame(self.salary_scales, SalaryScale),
            "salary_postings": _frame(self.salary_postings, SalaryPosting),
            "index_coefficients": _frame(self.coefficients, IndexCoefficient),
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


def _columns(model: type[BaseModel]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    fields = model.model_fields
    required = tuple(name for name, f in fields.items() if f.is_required())
    return required, tuple(name for name in fields if name not in required)


class _Loader:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[Problem] = []
        # Values of rows that failed validation, by file: a reference to one of them is not
        # reported again as "not found", which would only repeat the first problem.
        self.rejected: dict[str, list[Mapping[str, str]]] = {}

        # Files that could not be read at all: nothing is checked against them.
        self.unreadable: set[str] = set()

    def rejected_values(self, file: str, column: str) -> set[str]:
        return {values[column] for values in self.rejected.get(file, ()) if column in values}

    def checkable(self, file: str) -> bool:
        return file not in self.unreadable

    def add(self, file: str, row: Row | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(file, row.line if row else None, column, message))

    def read(
        self, file: str, model: type[M], key: Callable[[M], Hashable], key_column: str
    ) -> list[tuple[Row, M]]:
        required, optional = _columns(model)
        table = read_table(self.directory / file, required, optional, self.problems)
        if table is None:
            self.unreadable.add(file)
            return []
        rows = validate_rows(table, model, self.problems)
        valid = {row.line for row, _ in rows}
        self.rejected[file] = [row.values for row in table.rows if row.line not in valid]
        seen: dict[Hashable, int] = {}
        unique = []
        for row, record in rows:
            k = key(record)
            if k in seen:
                self.add(file, row, key_column, f"{k!r} already appears on line {seen[k]}")
                continue
            seen[k] = row.line
            unique.append((row, record))
        return unique

    def thresholds(self) -> CertificationThresholds:
        file = CERTIFICATION_RULES
        table = read_table(self.directory / file, ("rule", "value"), ("note",), self.problems)
        if table is None:
            return CertificationThresholds()
        known = CertificationThresholds.model_fields
        values: dict[str, str] = {}
        lines: dict[str, Row] = {}
        for row in table.rows:
            rule = row.values.get("rule", "")
            if rule not in known:
                self.add(file, row, "rule", f"{rule!r} is not one of {', '.join(known)}")
            elif rule in lines:
                self.add(file, row, "rule", f"{rule!r} already appears on line {lines[rule].line}")
            elif "value" not in row.values:
                self.add(file, row, "value", "a value is required")
            else:
                values[rule], lines[rule] = row.values["value"], row
        try:
            return CertificationThresholds.model_validate(values)
        except ValidationError as error:
            for detail in error.errors():
                rule = str(detail["loc"][0])
                message = f"{detail['input']!r}: {detail['msg'][:1].lower()}{detail['msg'][1:]}"
                self.add(file, lines.get(rule), "value", message)
            return CertificationThresholds()


def _check_procedures(
    load: _Loader,
    orgs: dict[str, Organisation],
    procedures: list[tuple[Row, Procedure]],
    scales: set[tuple[str, str]],
) -> None:
    rejected_orgs = load.rejected_values(ORGANISATIONS, "org_id")
    rejected_scales = load.rejected_values(SALARY_SCALES, "scale")
    for row, p in procedures:
        org = orgs.get(p.org_id)
        if org is None:
            if p.org_id not in rejected_orgs and load.checkable(ORGANISATIONS):
                load.add(PROCEDURES, row, "org_id", f"{p.org_id!r} is not in {ORGANISATIONS}")
        elif (
            p.salary_scale
            and (p.salary_scale, org.government.value) not in scales
            and p.salary_scale not in rejected_scales
            and load.checkable(SALARY_SCALES)
        ):
            load.add(
                PROCEDURES,
                row,
                "salary_scale",
                f"{p.salary_scale!r} ({org.government.value}) is not in {SALARY_SCALES}",
            )


def _check_steps(load: _Loader, codes: dict[str, Row], steps: list[tuple[Row, Step]]) -> None:
    # A procedure with a rejected step row would show a false gap: its numbering is skipped.
    incomplete = load.rejected_values(STEPS, "procedure_code")
    rejected_codes = load.rejected_values(PROCEDURES, "procedure_code")
    by_procedure: dict[str, list[tuple[Row, Step]]] = defaultdict(list)
    for row, step in steps:
        if step.procedure_code in rejected_codes or not load.checkable(PROCEDURES):
            continue
        if step.procedure_code not in codes:
            load.add(
                STEPS, row, "procedure_code", f"{step.procedure_code!r} is not in {PROCEDURES}"
            )
        else:
            by_procedure[step.procedure_code].append((row, step))
    for code, proc_row in codes.items():
        if code not in by_procedure and code not in incomplete and load.checkable(STEPS):
            load.add(PROCEDURES, proc_row, "procedure_code", f"{code!r} has no steps in {STEPS}")

    for code, rows in by_procedure.items():
        numbers = {step.step_no for _, step in rows}
        if code not in incomplete:
            for expected, (row, step) in enumerate(sorted(rows, key=lambda r: r[1].step_no), 1):
                if step.step_no != expected:
                    load.add(
                        STEPS,
                        row,
                        "step_no",
                        f"{code} has no step {expected}: steps are numbered 1, 2, 3... "
                        "without gaps",
                    )
                    break
        for row, step in rows:
            if step.rank_by_step is not None and (
                step.rank_by_step > step.step_no or step.rank_by_step not in numbers
            ):
                load.add(
                    STEPS,
                    row,
                    "rank_by_step",
                    f"{step.rank_by_step} is not this step or an earlier step of {code}",
                )
            for n in step.total_of_steps or ():
                if n > step.step_no or n not in numbers:
                    load.add(
                        STEPS,
                        row,
                        "total_of_steps",
                        f"{n} is not this step or an earlier step of {code}",
                    )


def _check_coefficients(load: _Loader, coefficients: list[tuple[Row, IndexCoefficient]]) -> None:
    for row, c in coefficients:
        if not is_published_step(c.coefficient):
            n, value = nearest_step(c.coefficient)
            load.add(
                INDEX_COEFFICIENTS,
                row,
                "coefficient",
                f"{c.coefficient:g} is not 1.02^n rounded to 4 decimals "
                f"(the nearest is 1.02^{n} = {value:.4f})",
            )
    ordered = sorted(coefficients, key=lambda rc: rc[1].in_force_from)
    for (_, before), (row, after) in pairwise(ordered):
        if after.coefficient <= before.coefficient:
            load.add(
                INDEX_COEFFICIENTS,
                row,
                "coefficient",
                f"{after.coefficient:g} from {after.in_force_from} does not exceed "
                f"{before.coefficient:g} from {before.in_force_from}",
            )


def _check_postings(
    load: _Loader,
    orgs: dict[str, Organisation],
    scales: set[tuple[str, str]],
    coefficients: set[float],
    postings: list[tuple[Row, SalaryPosting]],
) -> None:
    """A posting names a known organisation of its government, a known scale, and a
    coefficient of index_coefficients.csv. References to a rejected or unreadable row are
    not reported again."""
    rejected_orgs = load.rejected_values(ORGANISATIONS, "org_id")
    rejected_scales = load.rejected_values(SALARY_SCALES, "scale")
    rejected_coefficients = load.rejected_values(INDEX_COEFFICIENTS, "coefficient")
    for row, p in postings:
        government = p.government.value
        org = orgs.get(p.org_id)
        if org is None:
            if p.org_id not in rejected_orgs and load.checkable(ORGANISATIONS):
                load.add(SALARY_POSTINGS, row, "org_id", f"{p.org_id!r} is not in {ORGANISATIONS}")
        elif org.government.value != government:
            load.add(
                SALARY_POSTINGS,
                row,
                "government",
                f"{government!r} is not the government of {p.org_id} "
                f"({org.government.value} in {ORGANISATIONS})",
            )
        if (
            (p.scale, government) not in scales
            and p.scale not in rejected_scales
            and load.checkable(SALARY_SCALES)
        ):
            load.add(
                SALARY_POSTINGS,
                row,
                "scale",
                f"{p.scale!r} ({government}) is not in {SALARY_SCALES}",
            )
        if (
            p.coefficient is not None
            and p.coefficient not in coefficients
            and row.values.get("coefficient") not in rejected_coefficients
            and load.checkable(INDEX_COEFFICIENTS)
        ):
            load.add(
                SALARY_POSTINGS,
                row,
                "coefficient",
                f"{p.coefficient:g} is not in {INDEX_COEFFICIENTS}",
            )


def _national_figures(
    load: _Loader, values: list[tuple[Row, NationalValue]]
) -> tuple[NationalFigures, ...]:
    """The values of each year side by side; a year whose figures do not narrow (more
    laureates than tested, ...) is reported at its last line and left out."""
    by_year: dict[int, list[tuple[Row, NationalValue]]] = defaultdict(list)
    for row, value in values:
        by_year[value.year].append((row, value))
    figures = []
    for year, rows in sorted(by_year.items()):
        known = {value.figure.value: value.value for _, value in rows}
        try:
            figures.append(NationalFigures(year=year, **known))
        except ValidationError as error:
            row = max((r for r, _ in rows), key=lambda r: r.line)
            message = error.errors()[0]["msg"].removeprefix("Value error, ")
            load.add(NATIONAL_FIGURES, row, None, f"{year}: {message}")
    return tuple(figures)


def _check_sources(
    load: _Loader, directory: Path, sources: list[tuple[Row, ReferenceSource]]
) -> None:
    """A source names a reference file of this folder."""
    for row, source in sources:
        if not (directory / source.file).is_file():
            load.add(SOURCES, row, "file", f"{source.file!r} is not a file of {directory.name}/")


def _load(directory: Path) -> tuple[Reference, list[Problem]]:
    load = _Loader(directory)
    orgs = load.read(ORGANISATIONS, Organisation, lambda o: o.org_id, "org_id")
    procedures = load.read(PROCEDURES, Procedure, lambda p: p.procedure_code, "procedure_code")
    steps = load.read(STEPS, Step, lambda s: (s.procedure_code, s.step_no), "step_no")
    scales = load.read(SALARY_SCALES, SalaryScale, lambda s: (s.scale, s.government.value), "scale")
    coefficients = load.read(
        INDEX_COEFFICIENTS, IndexCoefficient, lambda c: c.in_force_from, "in_force_from"
    )
    postings = load.read(
        SALARY_POSTINGS,
        SalaryPosting,
        lambda p: (p.posting, p.period, p.bound),
        "posting",
    )
    national = load.read(NATIONAL_FIGURES, NationalValue, lambda v: (v.year, v.figure), "figure")
    figures = _national_figures(load, national)
    tasks = load.read(CERTIFICATION_TASKS, CertificationTask, lambda t: t.task_id, "task_id")
    thresholds = load.thresholds()
    sources = load.read(SOURCES, ReferenceSource, lambda s: (s.file, s.item), "item")
    _check_sources(load, directory, sources)

    _check_procedures(
        load,
        {o.org_id: o for _, o in orgs},
        procedures,
        {(s.scale, s.government.value) for _, s in scales},
    )
    _check_steps(load, {p.procedure_code: row for row, p in procedures}, steps)
    _check_coefficients(load, coefficients)
    _check_postings(
        load,
        {o.org_id: o for _, o in orgs},
        {(s.scale, s.government.value) for _, s in scales},
        {c.coefficient for _, c in coefficients},
        postings,
    )

    def records(pairs: list[tuple[Row, T]]) -> tuple[T, ...]:
        return tuple(record for _, record in pairs)

    reference = Reference(
        organisations=records(orgs),
        procedures=records(procedures),
        steps=tuple(sorted(records(steps), key=lambda s: (s.procedure_code, s.step_no))),
        salary_scales=records(scales),
        coefficients=tuple(sorted(records(coefficients), key=lambda c: c.in_force_from)),
        national_figures=figures,
        tasks=records(tasks),
        thresholds=thresholds,
        salary_postings=records(postings),
        national_values=tuple(sorted(records(national), key=lambda v: (v.year, v.figure))),
        sources=records(sources),
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
        "%d coefficients, %d salary postings",
        directory,
        len(reference.organisations),
        len(reference.procedures),
        len(reference.steps),
        len(reference.salary_scales),
        len(reference.coefficients),
        len(reference.salary_postings),
    )
    return reference
