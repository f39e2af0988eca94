"""Checks across the reference files: what one file's rows say about another's.

A procedure's organisation and salary scale exist, steps are numbered without gaps and
refer only to earlier steps, coefficients are published values that rise, every government
has a rounding rule, every level has exactly one diploma level, a posting matches its
organisation, scale and coefficient, a source names a file of the folder. A reference to a
row that was already rejected (or to a file that could not be read) is not reported again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

from pydantic import ValidationError

from selstats.domain.enums import Government
from selstats.domain.models import IndexCoefficient, Organisation, Procedure, SalaryScale, Step
from selstats.reference.csvfile import Row
from selstats.reference.models import (
    DiplomaLevelRule,
    NationalFigures,
    NationalValue,
    ReferenceSource,
    SalaryPosting,
    SalaryRounding,
    diploma_level_of,
)
from selstats.reference.reader import (
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
from selstats.rules.coefficients import is_published_step, nearest_step

# A scale's key: (scale, government, org_id); org_id None for a scale of a whole government.
ScaleKey = tuple[str, str, str | None]


def scale_key(scale: str, org: Organisation) -> ScaleKey:
    """The key of the scale `scale` as `org` uses it: its own scale when it is a local
    government, else the scale of its whole government."""
    own = org.org_id if org.government is Government.LOCAL else None
    return (scale, org.government.value, own)


def describe(key: ScaleKey) -> str:
    scale, government, org_id = key
    return f"{scale!r} ({government}{', ' + org_id if org_id else ''})"


def check_procedures(
    load: Loader,
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
                f"{describe(scale_key(p.salary_scale, org))} is not in {SALARY_SCALES}",
            )


def check_owners(
    load: Loader,
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


def check_steps(load: Loader, codes: dict[str, Row], steps: list[tuple[Row, Step]]) -> None:
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


def check_coefficients(load: Loader, coefficients: list[tuple[Row, IndexCoefficient]]) -> None:
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


def check_rounding(load: Loader, rules: list[tuple[Row, SalaryRounding]]) -> None:
    """Every government has its rule: an amount it pays cannot be computed without one."""
    if not load.checkable(SALARY_ROUNDING) or load.rejected.get(SALARY_ROUNDING):
        return
    present = {rule.government for _, rule in rules}
    for government in Government:
        if government not in present:
            load.add(SALARY_ROUNDING, None, "government", f"no rule for {government.value!r}")


def check_diploma_levels(
    load: Loader,
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


def check_postings(
    load: Loader,
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
            load.add(SALARY_POSTINGS, row, "scale", f"{describe(key)} is not in {SALARY_SCALES}")
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


def national_figures_by_year(
    load: Loader, values: list[tuple[Row, NationalValue]]
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


def check_sources(
    load: Loader, directory: Path, sources: list[tuple[Row, ReferenceSource]]
) -> None:
    """A source names a reference file of this folder."""
    for row, source in sources:
        if not (directory / source.file).is_file():
            load.add(SOURCES, row, "file", f"{source.file!r} is not a file of {directory.name}/")
