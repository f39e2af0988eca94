"""Tables and key figures as every page draws them, from the figure catalogue
(`selstats.figures`): headers, tooltips (the definition), formats and translated values come
from there, so no page configures a column or names a figure itself.

    from selstats.ui.table import metric, show_table

    metric(st, "applicants", totals["applicants"])          # label, value, definition
    show_table(frame, key="funnel", download="funnel", detail=filters.params())

A column without a catalogue entry raises `UnknownFigure`: the page tests run every page, so
a figure cannot reach a screen without its definition. Downloads hold exactly what the table
shows: the translated values under the labels of the chosen language, numbers typed and, in
XLSX, formatted per figure (`selstats.ui.download`).

Numbers and dates are written in the chosen language's format (1.234,5 / 27,5 % /
€ 33.072,00 / 30/05/2023), whatever the browser's locale: the table is handed over as a
pandas Styler whose display texts come from the catalogue (`figure_text`), while the values
underneath stay numbers and dates, so a click on a header still sorts by value. A Styler
costs per cell: a table above `STYLED_CELLS` cells (a long Explore table) falls back to the
grid's own formats, in the browser's locale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import polars as pl
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from selstats.access.suppression import min_cell
from selstats.figures import LIST_UNITS, Figure, Unit, catalogue
from selstats.figures.present import decimals, figure_text, translated, value_text
from selstats.i18n import translate
from selstats.i18n.format import DATE_PATTERNS, UNKNOWN
from selstats.ui.download import download_buttons
from selstats.ui.i18n import current_lang, t

STYLED_CELLS: Final = 20_000
# Units a Styler writes (numbers and dates); the others are shown as they are.
_STYLED_UNITS: Final = frozenset(
    {
        Unit.COUNT,
        Unit.RATE,
        Unit.PERCENT,
        Unit.DAYS,
        Unit.EURO,
        Unit.SCORE,
        Unit.COEFFICIENT,
        Unit.DATE,
        Unit.DATETIME,
        Unit.YEAR,
        Unit.NUMBER,
    }
)
# strftime directives -> the notation of Streamlit's date widgets and columns (moment.js)
_MOMENT: Final = {"%d": "DD", "%m": "MM", "%Y": "YYYY"}


def date_format(lang: str) -> str:
    """The date format of st.date_input and date columns in `lang` (30/05/2023, 2023-05-30):
    `selstats.i18n.format.DATE_PATTERNS` in Streamlit's notation (DD/MM/YYYY)."""
    pattern = DATE_PATTERNS.get(lang, DATE_PATTERNS["nl"])
    for directive, moment in _MOMENT.items():
        pattern = pattern.replace(directive, moment)
    return pattern


def _number_format(figure: Figure, lang: str) -> str:
    unit = figure.unit
    if unit is Unit.COUNT:
        return "localized"
    if unit is Unit.RATE:
        return "percent"
    if unit is Unit.EURO:
        return "euro"
    if unit in (Unit.NUMBER, Unit.YEAR):
        return "%d"
    if unit is Unit.PERCENT:
        return f"%.{decimals(figure)}f %%"
    if unit is Unit.DAYS:  # "32.5 dagen": the unit in the cell, as in the key figures
        return translate(lang, "common.days", days=f"%.{decimals(figure)}f")
    return f"%.{decimals(figure)}f"


def column(figure: Figure, dtype: pl.DataType, lang: str, styled: bool = False) -> ColumnConfig:
    """The st.dataframe column of one figure holding values of `dtype`. `styled`: the
    display texts come from a Styler (a format here would override them)."""
    label, help_text = figure.label(lang), figure.definition(lang)
    if figure.unit is Unit.FLAG:
        return st.column_config.CheckboxColumn(label, help=help_text)
    if figure.unit is Unit.DATE:
        date_text = None if styled else date_format(lang)
        return st.column_config.DateColumn(label, help=help_text, format=date_text)
    if figure.unit is Unit.DATETIME:
        time_text = None if styled else f"{date_format(lang)} HH:mm"
        return st.column_config.DatetimeColumn(label, help=help_text, format=time_text)
    if figure.unit is Unit.LINK:
        return st.column_config.LinkColumn(label, help=help_text)
    if dtype.is_numeric():
        number_format = None if styled else _number_format(figure, lang)
        return st.column_config.NumberColumn(label, help=help_text, format=number_format)
    if figure.unit in (Unit.COUNT, Unit.RATE):  # "<5" after small-cell suppression
        return st.column_config.TextColumn(label, help=help_text, alignment="right")
    return st.column_config.TextColumn(label, help=help_text)


# Text longer than this (typical value) gets a wide column: a definition, a source, a rule.
_LONG_TEXT: Final = 60


def column_config(frame: pl.DataFrame, lang: str, styled: bool = False) -> dict[str, ColumnConfig]:
    figures = catalogue()
    config = {
        name: column(figures[name], dtype, lang, styled) for name, dtype in frame.schema.items()
    }
    for name, dtype in frame.schema.items():
        if figures[name].unit in LIST_UNITS:
            # reasons, kinds, fragile roles: a list, never clipped. A short one keeps the
            # grid's own width (it fits its text, leaving room for the columns after it); a
            # long one is wrapped in a column that fits beside a name at 1024 px
            # (`row_height` gives the rows the lines it needs).
            if _longest(frame, name) > _WRAP_AT:
                config[name]["width"] = WRAP_WIDTH
        elif dtype == pl.String and figures[name].unit is Unit.TEXT and not frame.is_empty():
            typical = frame.get_column(name).str.len_chars().median()
            if isinstance(typical, int | float) and typical > _LONG_TEXT:
                config[name]["width"] = "large"
    return config


# A highlighted row (the Funnel's largest loss): bold on a light tint of the failed colour.
HIGHLIGHT: Final = "background-color: #FBE3D6; font-weight: bold"


# A list of categories (reasons) longer than this is wrapped; a shorter one keeps the grid's
# own width, which fits its text on one line.
_WRAP_AT: Final = 45
# A wrapped list's column, in pixels: beside an organisation's name it stays in view on a
# 1024 px screen with the sidebar open (about 565 px for the table, 250 for the name).
WRAP_WIDTH: Final = 300
# The grid (Streamlit 1.67) wraps text only in rows taller than 4rem (64 px); its text is
# 14 px Source Sans, about 19 px a line and 6 px a character (5.7 measured on French
# reasons), in a cell with 8.5 px padding on each side. A row holds at most this many lines:
# a longer list (every condition of an organisation without staff) is cut after them, its
# whole text in the cell's overlay and in the downloads.
_LINE_PX: Final = 19
_CHAR_PX: Final = 6
_CELL_PADDING_PX: Final = 17
_MAX_LINES: Final = 3
WRAPPING_ROW: Final = 66  # the lowest row height at which the grid wraps
_HEADER_PX: Final = 38  # the header row and the borders


def row_height(frame: pl.DataFrame) -> int | None:
    """The height of `frame`'s rows (shown: codes in words) that shows its longest list of
    categories in full, wrapped in `WRAP_WIDTH` (at word ends, so a line holds a few
    characters fewer than fit); None when every list fits on one line (the grid's own
    height). From 2 lines up, at least `WRAPPING_ROW`."""
    figures = catalogue()
    longest = max(
        (_longest(frame, name) for name in frame.columns if figures[name].unit in LIST_UNITS),
        default=0,
    )
    if longest <= _WRAP_AT:
        return None
    per_line = (WRAP_WIDTH - _CELL_PADDING_PX) // _CHAR_PX - 4  # 43 characters
    lines = min(_MAX_LINES, -(-longest // per_line))
    return max(WRAPPING_ROW, lines * _LINE_PX + 14) if lines > 1 else None


def _longest(frame: pl.DataFrame, name: str) -> int:
    """The length of the longest text in column `name` (0 when it holds no text)."""
    if frame.schema[name] != pl.String or frame.is_empty():
        return 0
    found = frame.get_column(name).str.len_chars().max()
    return found if isinstance(found, int) else 0


def open_years(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """A year column with an empty year (a permanently open procedure) as text, every year
    written by the catalogue ("2024", "permanent open"): the grid draws an empty cell as its
    placeholder "—" whatever the Styler says, and "—" alone does not say what the row is."""
    figures = catalogue()
    open_ones = [
        name
        for name, dtype in frame.schema.items()
        if figures[name].unit is Unit.YEAR and dtype.is_numeric() and frame[name].null_count()
    ]
    return frame.with_columns(
        pl.Series(name, [figure_text(figures[name], v, lang) for v in frame[name]], pl.String)
        for name in open_ones
    )


def styled(frame: pl.DataFrame, lang: str, highlight: Sequence[bool] = ()) -> Any:
    """`frame` as a pandas Styler whose numbers and dates read as `lang` writes them; the
    values underneath are unchanged (sorting stays by value). `highlight`: one flag per
    row, the rows to stand out."""
    figures = catalogue()
    formatters = {
        name: _formatter(figures[name], lang)
        for name in frame.columns
        if figures[name].unit in _STYLED_UNITS
    }
    # figure_text writes the missing values of its columns ("permanent open" for a year);
    # the others' read "—", never "None"
    style = frame.to_pandas().style.format(formatters)
    plain = [name for name in frame.columns if name not in formatters]
    if plain:
        style = style.format(na_rep=UNKNOWN, subset=plain)
    marked = {i for i, flag in enumerate(highlight) if flag}
    if marked:
        style = style.apply(
            lambda row: [HIGHLIGHT if row.name in marked else "" for _ in row], axis=1
        )
    return style


def needs_styler(frame: pl.DataFrame, highlight: Sequence[bool] = ()) -> bool:
    """Whether `frame` is shown through `styled`: when it has a number or a date to write
    the language's way, or rows to highlight, and is small enough. A table of text alone
    is shown as it is (the grid's placeholder writes its missing cells "—"): a Styler costs
    per cell, whether it changes the cell or not (a fifth of a rerun's CPU under load)."""
    if frame.height * max(frame.width, 1) > STYLED_CELLS:
        return False
    figures = catalogue()
    return any(highlight) or any(figures[name].unit in _STYLED_UNITS for name in frame.columns)


def _formatter(figure: Figure, lang: str) -> Any:
    return lambda value: figure_text(figure, value, lang)


def suppressed(frame: pl.DataFrame) -> bool:
    """Whether small-cell suppression turned some count of `frame` into text."""
    figures = catalogue()
    return any(
        dtype == pl.String and name in figures and figures[name].unit is Unit.COUNT
        for name, dtype in frame.schema.items()
    )


def show_table(
    frame: pl.DataFrame,
    *,
    key: str,
    download: str | None = None,
    detail: Mapping[str, object] | None = None,
    height: int | None = None,
    highlight: Sequence[bool] = (),
) -> None:
    """`frame` as a table: translated values, the catalogue's labels and definitions, formats
    by unit; a sentence when small counts were hidden; with `download`, the four download
    buttons (`download` is the file's base name, `key` their widget keys' prefix) holding the
    same table under its labels. `highlight`: one flag per row, the rows shown in bold on a
    tint (the Funnel's largest loss; the download is unchanged)."""
    lang = current_lang()
    shown = open_years(translated(frame, lang), lang)
    options: dict[str, Any] = {"height": height} if height is not None else {}
    rows = row_height(shown)
    if rows is not None:
        options["row_height"] = rows
        if height is None:  # as many rows in view as the grid's own height shows (10)
            options["height"] = _HEADER_PX + min(max(shown.height, 1), 10) * rows
    use_styler = needs_styler(shown, highlight)
    st.dataframe(
        styled(shown, lang, highlight) if use_styler else shown,
        hide_index=True,
        column_config=column_config(shown, lang, styled=use_styler),
        placeholder=UNKNOWN,
        **options,
    )
    if suppressed(frame):
        st.caption(t("access.suppressed_note", n=min_cell()))
    if download is not None:
        download_buttons(frame, download, key=key, detail=detail)


def metric(
    container: Any,
    name: str,
    value: object,
    *,
    label: str | None = None,
    help: str | None = None,
    width: str = "stretch",
) -> None:
    """`st.metric` of figure `name`: its label (or `label`, e.g. with a date in it), the value
    in the language's format, its definition as the tooltip (or `help`). `width="content"`:
    as wide as its text, for a row that wraps (`st.container(horizontal=True)`) rather than
    cut a long value."""
    lang = current_lang()
    figure = catalogue()[name]
    container.metric(
        label or figure.label(lang),
        value_text(name, value, lang),
        help=help or figure.definition(lang),
        width=width,
    )
