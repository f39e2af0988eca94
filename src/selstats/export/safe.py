"""The spreadsheet-safe rule for text cells (OWASP "CSV injection").

A text value that starts with `=`, `+`, `-`, `@`, a tab or a carriage return could be taken
for a formula by Excel or LibreOffice. In CSV such a value is written with a leading single
quote (`'=1+1`): the quote is then part of the exported text, and a program reading the CSV
back sees it. The rule only touches text (string, categorical and enum columns, and the
header); numbers, dates and booleans are never changed, so `-2.5` stays a number.
XLSX needs no prefix: its writer stores every text as a string cell that is never evaluated.
"""

from __future__ import annotations

import polars as pl

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
TEXT_GUARD = "'"
_TRIGGER_PATTERN = r"^[=+\-@\t\r]"


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def guard_text(text: str) -> str:
    """`text`, prefixed with `'` if a spreadsheet could evaluate it."""
    return TEXT_GUARD + text if is_formula_like(text) else text


def guard_text_expr(expr: pl.Expr) -> pl.Expr:
    """The same rule as `guard_text`, vectorised over a string expression (nulls stay null)."""
    return (
        pl.when(expr.str.contains(_TRIGGER_PATTERN)).then(pl.lit(TEXT_GUARD) + expr).otherwise(expr)
    )


def is_text(dtype: pl.DataType) -> bool:
    return isinstance(dtype, (pl.String, pl.Categorical, pl.Enum))


def guard_text_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with its text columns as guarded strings; other columns untouched."""
    exprs = [
        guard_text_expr(pl.col(name).cast(pl.String)).alias(name)
        for name, dtype in frame.schema.items()
        if is_text(dtype)
    ]
    return frame.with_columns(exprs) if exprs else frame
