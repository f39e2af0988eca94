"""Per-column filters on a table the user explores, as polars expressions.

Three kinds, chosen by the column's type (`kind_for`):

- `Contains`: the value, as text, contains the given text, ignoring case (text columns with
  many distinct values); blank text filters nothing.
- `ValueIn`: the value is one of the chosen values (yes/no columns, text columns with few
  distinct values); `None` among them chooses the empty cells; no value chosen filters
  nothing, as the sidebar's "all".
- `Between`: low <= value <= high, both ends included (numbers and dates); a missing end
  is open. A date range on a date-time column compares the date part.

A filter that restricts drops the empty cells of its column (unless `ValueIn` names `None`).
A filter on a column the frame does not have is ignored (the user switched tables).
Nothing here loops over rows: `apply_filters` is one `DataFrame.filter`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final

import polars as pl

# A text column with at most this many distinct values gets a "value in" filter.
MAX_CHOICES: Final = 50


class FilterKind(StrEnum):
    CONTAINS = "contains"
    IN = "in"
    RANGE = "range"


@dataclass(frozen=True)
class Contains:
    column: str
    text: str


@dataclass(frozen=True)
class ValueIn:
    column: str
    values: tuple[object, ...]


@dataclass(frozen=True)
class Between:
    column: str
    low: float | int | date | None = None
    high: float | int | date | None = None


ColumnFilter = Contains | ValueIn | Between


def kind_for(dtype: pl.DataType, distinct: int) -> FilterKind | None:
    """The filter that suits a column of this type with `distinct` distinct values; None
    for a type no filter handles (lists, structs, binary)."""
    if dtype == pl.Boolean:
        return FilterKind.IN
    if dtype.is_numeric() or dtype in (pl.Date, pl.Datetime):
        return FilterKind.RANGE
    if dtype in (pl.String, pl.Categorical, pl.Enum):
        return FilterKind.IN if distinct <= MAX_CHOICES else FilterKind.CONTAINS
    return None


def _bound(column: pl.Expr, dtype: pl.DataType, value: object) -> tuple[pl.Expr, pl.Expr]:
    """The column and the bound as comparable expressions: a date bound on a date-time
    column compares the column's date part."""
    if dtype == pl.Datetime and isinstance(value, date) and not isinstance(value, datetime):
        return column.dt.date(), pl.lit(value)
    return column, pl.lit(value)


def expression(f: ColumnFilter, dtype: pl.DataType) -> pl.Expr | None:
    """The filter as a boolean expression over a column of type `dtype`; None when it
    restricts nothing (blank text, no value chosen, no bound)."""
    column = pl.col(f.column)
    if isinstance(f, Contains):
        text = f.text.strip().lower()
        if not text:
            return None
        return column.cast(pl.String).str.to_lowercase().str.contains(text, literal=True)
    if isinstance(f, ValueIn):
        if not f.values:
            return None
        present = [v for v in f.values if v is not None]
        matched = column.is_in(pl.Series(present, dtype=dtype).implode())
        return matched | column.is_null() if None in f.values else matched.fill_null(False)
    conditions = []
    if f.low is not None:
        lhs, low = _bound(column, dtype, f.low)
        conditions.append(lhs >= low)
    if f.high is not None:
        lhs, high = _bound(column, dtype, f.high)
        conditions.append(lhs <= high)
    if not conditions:
        return None
    return pl.all_horizontal(conditions).fill_null(False)


def apply_filters(frame: pl.DataFrame, filters: Sequence[ColumnFilter]) -> pl.DataFrame:
    """The rows of `frame` that pass every filter (all of them: AND), in their order."""
    schema = frame.schema
    expressions = [
        expr
        for f in filters
        if f.column in schema and (expr := expression(f, schema[f.column])) is not None
    ]
    return frame.filter(*expressions) if expressions else frame


def choices(frame: pl.DataFrame, column: str) -> list[object]:
    """The distinct values of a column, sorted, the empty value (None) last when present."""
    values = frame.get_column(column).unique().sort(nulls_last=True)
    return values.to_list()


def bounds(frame: pl.DataFrame, column: str) -> tuple[object, object]:
    """The smallest and largest value of a column (dates for a date-time column); (None,
    None) when it has no value."""
    series = frame.get_column(column)
    if series.dtype == pl.Datetime:
        series = series.dt.date()
    return series.min(), series.max()
