"""The widgets of the per-column filters (`selstats.ui.table_filter`): the user picks
columns, and each gets the widget its type calls for. A widget left at its full range or
empty restricts nothing, so empty cells stay until the user narrows a filter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import cast

import polars as pl
import streamlit as st

from selstats.figures import catalogue
from selstats.figures.present import value_text
from selstats.i18n.format import UNKNOWN
from selstats.ui.i18n import current_lang, t
from selstats.ui.table_filter import (
    Between,
    ColumnFilter,
    Contains,
    FilterKind,
    ValueIn,
    bounds,
    choices,
    kind_for,
)


def filterable_columns(frame: pl.DataFrame) -> dict[str, FilterKind]:
    """The columns a filter can be put on, with the kind of filter each gets."""
    counts = frame.select(pl.all().n_unique()).row(0, named=True) if frame.width else {}
    kinds = {name: kind_for(dtype, counts[name]) for name, dtype in frame.schema.items()}
    return {name: kind for name, kind in kinds.items() if kind is not None}


def _label(column: str) -> str:
    """The column's label in the session's language (the figure catalogue)."""
    return catalogue().label(column, current_lang())


def _choice_label(column: str) -> Callable[[object], str]:
    """How one value of `column` is named in a widget: codes by their names, yes / no,
    numbers and dates in the language's format (the figure catalogue)."""

    def name(value: object) -> str:
        if value is None:
            return UNKNOWN
        return value_text(column, value, current_lang())

    return name


def _contains(frame: pl.DataFrame, column: str, key: str) -> ColumnFilter:
    text = st.text_input(
        t("explore.filter_contains", column=_label(column)),
        key=key,
        placeholder=t("explore.any"),
    )
    return Contains(column, text)


def _value_in(frame: pl.DataFrame, column: str, key: str) -> ColumnFilter:
    chosen = st.multiselect(
        t("explore.filter_in", column=_label(column)),
        choices(frame, column),
        format_func=_choice_label(column),
        key=key,
        placeholder=t("explore.any"),
    )
    return ValueIn(column, tuple(chosen))


def _between(frame: pl.DataFrame, column: str, key: str) -> ColumnFilter:
    low, high = bounds(frame, column)
    label = t("explore.filter_range", column=_label(column))
    if low is None or high is None or low == high:
        st.caption(f"{label}: {_choice_label(column)(low)}")
        return Between(column)
    start: object
    end: object
    if isinstance(low, date) and isinstance(high, date):
        picked = st.date_input(label, value=(low, high), min_value=low, max_value=high, key=key)
        ends = tuple(picked) if isinstance(picked, tuple | list) else (picked,)
        start = ends[0] if ends else None
        end = ends[1] if len(ends) > 1 else None
    else:
        number_low, number_high = cast("float", low), cast("float", high)
        start, end = st.slider(label, number_low, number_high, (number_low, number_high), key=key)
    # The full range restricts nothing: empty cells stay.
    return Between(
        column,
        None if start == low else start,
        None if end == high else end,
    )


_WIDGETS = {
    FilterKind.CONTAINS: _contains,
    FilterKind.IN: _value_in,
    FilterKind.RANGE: _between,
}


def column_filters(frame: pl.DataFrame, key: str) -> list[ColumnFilter]:
    """Draw the column picker and a filter widget per picked column; return the filters.
    `key` must differ per table, so that each table keeps its own filters."""
    kinds = filterable_columns(frame)
    picked = st.multiselect(
        t("explore.filter_columns"),
        list(kinds),
        format_func=_label,
        key=f"{key}_columns",
        placeholder=t("explore.filter_columns_placeholder"),
        help=t("explore.filter_columns_help"),
    )
    if not picked:
        return []
    filters: list[ColumnFilter] = []
    columns = st.columns(min(len(picked), 3))
    for i, column in enumerate(picked):
        with columns[i % len(columns)]:
            draw = _WIDGETS[kinds[column]]
            filters.append(draw(frame, column, f"{key}_filter_{column}"))
    return filters
