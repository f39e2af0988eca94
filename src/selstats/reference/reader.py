"""Reading data/reference/*.csv file by file: each row validated against its model, a key
repeated within a file reported, and every problem kept with file, line and column.

What one file's rows say about another's is `selstats.reference.consistency`; putting the
files together into a `Reference` is `selstats.reference.loader`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from selstats.reference.csvfile import Problem, Row, read_table, validate_rows
from selstats.rules.certification import CertificationThresholds

M = TypeVar("M", bound=BaseModel)

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


def _columns(model: type[BaseModel]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    fields = model.model_fields
    required = tuple(name for name, f in fields.items() if f.is_required())
    return required, tuple(name for name in fields if name not in required)


class Loader:
    """Reads the files of one folder, collecting every problem in `problems`."""

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
