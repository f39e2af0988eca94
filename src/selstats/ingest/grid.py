"""The raw grid every reader produces: text cells with the row numbers the user sees.

Readers differ (CSV text, XLSX cells, Parquet columns) but hand the same shape to the
layout and validation steps, so those are written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from selstats.ingest.problems import Code, Problem

ROW = "_row"  # the file row number column, header = 1


@dataclass(frozen=True)
class CellIssue:
    """A problem a reader saw in one cell before any column is known (an XLSX formula
    error); layout keeps it only if the cell is in a data row and a known column."""

    row: int
    col: int  # index into the grid's columns
    value: str | None
    variant: str  # "error" | "no_value"
    cell: str  # Excel reference such as "D4"


@dataclass
class RawGrid:
    """Text cells in columns `c0`, `c1`, ... plus `_row` (Int64).

    For CSV and XLSX the header is one of the grid's rows; for Parquet the column names
    are given in `names` and every grid row is data.
    `labels` name each column the way the user finds it: "A", "B" in a workbook,
    "1", "2" in a text file.
    """

    frame: pl.DataFrame
    labels: list[str]
    source: str  # "csv" | "xlsx" | "parquet"
    names: list[str] | None = None
    issues: list[CellIssue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # found while reading
    bad_types: dict[int, str] = field(default_factory=dict)  # Parquet: column -> dtype
    # No cell begins or ends with a blank and every empty cell is null: the reader saw no
    # blank (and no quote) in the whole file, so the layout need not trim a million cells
    # to find nothing to take off.
    trimmed: bool = False

    @property
    def data_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != ROW]


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how spreadsheets name columns."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class ReadError(Exception):
    """The file as a whole cannot be read; becomes one problem, naming the row (the line of
    a text file) where that is known."""

    def __init__(self, code: Code, *, row: int | None = None, **params: object) -> None:
        super().__init__(code.value)
        self.code = code
        self.row = row
        self.params = params
