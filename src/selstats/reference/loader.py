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

from selstats.domain.enums import Government
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
    DiplomaLevelRule,
    NationalFigures,
    NationalValue,
    ReferenceSource,
    SalaryPosting,
    SalaryRounding,
    diploma_level_of,
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
SALARY_ROUNDING = "salary_rounding.csv"
DIPLOMA_LEVELS = "diploma_levels.csv"

# A scale's key: (scale, government, org_id); org_id None for a scale of a whole government.
ScaleKey = tuple[str, str, str | None]


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


def scale_key(scale: str, org: Organisation) -> ScaleKey:
    """The key of the scale `scale` as `org` uses it: its own scale when it is a local
    government, else the scale of its whole government."""
    own = org.org_id if org.government is Government.LOCAL else None
    return (scale, org.government.value, own)


def _describe(key: ScaleKey) -> str:
    scale, government, org_id = key
    return f"{scale!r} ({government}{', ' + org_id if org_id else ''})"


def _check_procedures(
    load: _Loader,
    orgs: dict[str, Organisation],
    procedures: list[tuple[Row, Procedure]],
    scales: set[ScaleKey],
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
            and scale_key(p.salary_scale, org) not in scales
            and p.salary_scale not in rejected_scales
            and load.checkable(SALARY_SCALES)
        ):
            load.add(
                PROCEDURES,
                row,
                "salary_scale",
                f"{_describe(scale_key(p.salary_scale, org))} is not in {SALARY_SCALES}",
            )


def _check_owners(
    load: _Loader,
    file: str,
    orgs: dict[str, Organisation],
    records: Sequence[tuple[Row, SalaryScale | DiplomaLevelRule]],
    *,
    local_needs_owner: bool,
) -> None:
    """org_id names an organisation of the row's government. For a salary scale: required
    for a local scale, empty for a federal or Flemish one (those hold for the whole
    government)."""
    rejected_orgs = load.rejected_values(ORGANISATIONS, "org_id")
    for row, record in records:
        government = record.government
        if record.org_id is None:
            if local_needs_owner and government is Government.LOCAL:
                load.add(
                    file,
                    row,
                    "org_id",
                    "a local scale belongs to the local government that set it: give its "
                    "org_id (since 2023 each local government sets its own scales)",
                )
            continue
        if local_needs_owner and government is not Government.LOCAL:
            load.add(
                file,
                row,
                "org_id",
                f"a {government.value} scale holds for the whole government: leave org_id empty",
            )
            continue
        org = orgs.get(record.org_id)
        if org is None:
            if record.org_id not in rejected_orgs and load.checkable(ORGANISATIONS):
                load.add(file, row, "org_id", f"{record.org_id!r} is not in {ORGANISATIONS}")
        elif org.government is not government:
            load.add(
                file,
                row,
                "org_id",
                f"{record.org_id} is {org.government.value} in {ORGANISATIONS}, "
                f"not {government.value}",
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
    """Each value is 1.02^n to 4 decimals, and within one government each coefficient
    exceeds the one before it (governments apply the same steps from their own months)."""
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
    by_government: dict[Government, list[tuple[Row, IndexCoefficient]]] = defaultdict(list)
    for row, c in coefficients:
        by_government[c.government].append((row, c))
    for government, rows in by_government.items():
        ordered = sorted(rows, key=lambda rc: rc[1].in_force_from)
        for (_, before), (row, after) in pairwise(ordered):
            if after.coefficient <= before.coefficient:
                load.add(
                    INDEX_COEFFICIENTS,
                    row,
                    "coefficient",
                    f"{after.coefficient:g} from {after.in_force_from} does not exceed "
                    f"{before.coefficient:g} from {before.in_force_from} ({government.value})",
                )


def _check_rounding(load: _Loader, rules: list[tuple[Row, SalaryRounding]]) -> None:
    """Every government has its rule: an amount it pays cannot be computed without one."""
    if not load.checkable(SALARY_ROUNDING) or load.rejected.get(SALARY_ROUNDING):
        return
    present = {rule.government for _, rule in rules}
    for government in Government:
        if government not in present:
            load.add(SALARY_ROUNDING, None, "government", f"no rule for {government.value!r}")


def _check_diploma_levels(
    load: _Loader,
    rules: list[tuple[Row, DiplomaLevelRule]],
    levels: list[tuple[str, Row, str, str | None, str]],
) -> None:
    """Every level of the shipped procedures and scales gets exactly one diploma level:
    none means a row is missing, two mean the patterns of a government overlap.
    `levels`: (file, row, government, org_id, level)."""
    if not load.checkable(DIPLOMA_LEVELS) or load.rejected.get(DIPLOMA_LEVELS):
        return
    records = [rule for _, rule in rules]
    for file, row, government, org_id, level in levels:
        found = diploma_level_of(records, government, org_id, level)
        if not found:
            load.add(
                file,
                row,
                "level",
                f"{level!r} ({government}) matches no pattern of {DIPLOMA_LEVELS}",
            )
        elif len(found) > 1:
            load.add(
                file,
                row,
                "level",
                f"{level!r} ({government}) matches patterns of {DIPLOMA_LEVELS} with different "
                f"diploma levels ({', '.join(sorted(d.value for d in found))})",
            )


def _check_postings(
    load: _Loader,
    orgs: dict[str, Organisation],
    scales: set[ScaleKey],
    coefficients: set[tuple[str, float]],
    postings: list[tuple[Row, SalaryPosting]],
) -> None:
    """A posting names a known organisation of its government, a scale that organisation
    uses (its own when local), and a coefficient of its government in
    index_coefficients.csv. References to a rejected or unreadable row are not reported
    again."""
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
        owner = p.org_id if p.government is Government.LOCAL else None
        key: ScaleKey = (p.scale, government, owner)
        if key not in scales and p.scale not in rejected_scales and load.checkable(SALARY_SCALES):
            load.add(SALARY_POSTINGS, row, "scale", f"{_describe(key)} is not in {SALARY_SCALES}")
        if (
            p.coefficient is not None
            and (government, p.coefficient) not in coefficients
            and row.values.get("coefficient") not in rejected_coefficients
            and load.checkable(INDEX_COEFFICIENTS)
        ):
            load.add(
                SALARY_POSTINGS,
                row,
                "coefficient",
                f"{p.coefficient:g} is not in {INDEX_COEFFICIENTS} for {government}",
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
    figures = _national_figures(load, national)
    tasks = load.read(CERTIFICATION_TASKS, CertificationTask, lambda t: t.task_id, "task_id")
    thresholds = load.thresholds()
    sources = load.read(SOURCES, ReferenceSource, lambda s: (s.file, s.item), "item")
    _check_sources(load, directory, sources)

    org_by_id = {o.org_id: o for _, o in orgs}
    scale_keys = {(s.scale, s.government.value, s.org_id) for _, s in scales}
    _check_procedures(load, org_by_id, procedures, scale_keys)
    _check_owners(load, SALARY_SCALES, org_by_id, scales, local_needs_owner=True)
    _check_owners(load, DIPLOMA_LEVELS, org_by_id, diploma_levels, local_needs_owner=False)
    _check_steps(load, {p.procedure_code: row for row, p in procedures}, steps)
    _check_coefficients(load, coefficients)
    _check_rounding(load, rounding)
    _check_postings(
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
    _check_diploma_levels(load, diploma_levels, levels)

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
