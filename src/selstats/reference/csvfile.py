"""Reading a human-edited reference CSV so that every problem can name its file, line and column.

The files are edited by hand, so the reader is strict about their shape and lenient about
layout: UTF-8 (a BOM is fine), comma-separated, one record per physical line, a header row,
full-line `#` comments and blank lines anywhere. Line numbers are those an editor shows,
comments included, because that is where the user will look.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Row:
    """One data record: its line in the file and its non-empty values by column name."""

    line: int
    values: Mapping[str, str]


@dataclass(frozen=True)
class Problem:
    """Something wrong in a reference file; `str()` gives the message shown to the user."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class Table:
    file: str
    header_line: int
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


def _records(path: Path, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, text in enumerate(handle, start=1):
            stripped = text.strip()
            if not stripped or stripped.startswith("#"):
                continue
            try:
                yield number, next(csv.reader([text], strict=True))
            except csv.Error as error:  # e.g. an unclosed quote
                problems.append(Problem(path.name, number, None, f"not readable as CSV ({error})"))


def read_table(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...], problems: list[Problem]
) -> Table | None:
    """The file's rows, or None (with problems added) when the file or its header is unusable.

    Column names are matched case-insensitively; an unknown column is reported rather than
    ignored, because in a hand-edited file it is almost always a typo of a known one.
    """
    name = path.name
    if not path.is_file():
        problems.append(Problem(name, None, None, "file is missing"))
        return None
    try:
        records = list(_records(path, problems))
    except UnicodeDecodeError as error:
        problems.append(Problem(name, None, None, f"not UTF-8 text ({error.reason})"))
        return None
    if not records:
        problems.append(Problem(name, None, None, "no header row"))
        return None

    header_line, header = records[0]
    columns = tuple(cell.strip().lower() for cell in header)
    known = set(required) | set(optional)
    usable = True
    for column in columns:
        if column not in known:
            problems.append(Problem(name, header_line, column, "unknown column"))
            usable = False
    for column in required:
        if column not in columns:
            problems.append(Problem(name, header_line, column, "required column is missing"))
            usable = False
    if len(set(columns)) != len(columns):
        problems.append(Problem(name, header_line, None, "a column appears twice"))
        usable = False
    if not usable:
        return None

    rows: list[Row] = []
    for line, cells in records[1:]:
        if len(cells) != len(columns):
            problems.append(
                Problem(name, line, None, f"{len(cells)} values for {len(columns)} columns")
            )
            continue
        values = {col: cell.strip() for col, cell in zip(columns, cells, strict=True)}
        rows.append(Row(line, {col: value for col, value in values.items() if value}))
    return Table(name, header_line, columns, tuple(rows))


_MESSAGES = {
    "float_parsing": "{value!r} is not a number",
    "float_type": "{value!r} is not a number",
    "int_parsing": "{value!r} is not a whole number",
    "int_from_float": "{value!r} is not a whole number",
    "bool_parsing": "{value!r} is not true or false",
    "date_parsing": "{value!r} is not a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "{value!r} is not a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "{value!r} is not a date (YYYY-MM-DD)",
    "missing": "a value is required",
    "string_too_short": "a value is required",
}


def _message(error: Mapping[str, object]) -> str:
    kind = str(error.get("type", ""))
    value = error.get("input")
    if kind in _MESSAGES:
        return _MESSAGES[kind].format(value=value)
    if kind == "enum":
        expected = (error.get("ctx") or {}).get("expected", "")  # type: ignore[attr-defined]
        return f"{value!r} is not one of {expected}"
    text = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    text = text[:1].lower() + text[1:]
    # A field error shows the offending value; a record-level one (empty loc) has no single value.
    return f"{value!r}: {text}" if error.get("loc") and isinstance(value, str) else text


def validate_rows(table: Table, model: type[M], problems: list[Problem]) -> list[tuple[Row, M]]:
    """Each row through `model`; a row that fails adds one problem per error and is dropped."""
    valid: list[tuple[Row, M]] = []
    for row in table.rows:
        try:
            valid.append((row, model.model_validate(dict(row.values))))
        except ValidationError as error:
            for detail in error.errors():
                loc = detail.get("loc") or ()
                column = str(loc[0]) if loc else None
                problems.append(Problem(table.file, row.line, column, _message(detail)))
    return valid
