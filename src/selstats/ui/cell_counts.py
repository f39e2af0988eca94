"""Counts as a page gets them: numbers, or text after small-cell suppression.

For a role with suppression (`selstats.access.suppression`), every count column a query
declares arrives as text: the exact number ("15") or "<5". These helpers let a page and its
charts take either: `count_text` writes a count for a metric, `as_numbers` gives charts
numbers (a hidden count becomes null and is not drawn), `count_column` configures a table
column for what it holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from selstats.i18n.format import UNKNOWN, fmt_int


def count_text(value: object, lang: str) -> str:
    """A count in the language's format; "<5" as it is; "—" when unknown."""
    if isinstance(value, str):
        stripped = value.strip()
        return fmt_int(int(stripped), lang) if stripped.isdigit() else (stripped or UNKNOWN)
    return fmt_int(value, lang)


def is_suppressed(frame: pl.DataFrame, columns: Iterable[str]) -> bool:
    """Whether the frame's counts came through small-cell suppression (held as text)."""
    return any(frame.schema.get(c) == pl.String for c in columns)


def as_numbers(frame: pl.DataFrame, columns: Iterable[str]) -> pl.DataFrame:
    """The count columns as integers; a hidden count ("<5") becomes null."""
    text = [c for c in columns if frame.schema.get(c) == pl.String]
    return frame.with_columns(pl.col(text).cast(pl.Int64, strict=False)) if text else frame


def count_column(
    frame: pl.DataFrame, name: str, label: str, fmt: str = "localized"
) -> ColumnConfig:
    """The st.dataframe column for a count: a number column, or a text column (right
    aligned) when suppression made it text."""
    if frame.schema.get(name) == pl.String:
        return st.column_config.TextColumn(label, alignment="right")
    return st.column_config.NumberColumn(label, format=fmt)


def count_columns(frame: pl.DataFrame, labels: Mapping[str, str]) -> dict[str, ColumnConfig]:
    """`count_column` for each of `labels` (column -> label) that the frame has."""
    return {
        name: count_column(frame, name, label)
        for name, label in labels.items()
        if name in frame.columns
    }
