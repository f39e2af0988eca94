"""A table as its reader reads it: the figures' labels as headers, codes translated, and
for XLSX each column's cell format from the figure catalogue; plus the words for the
file's second sheet (the filter and when the file was made).

    from selstats.export import Presentation, to_bytes

    shown = Presentation("nl", about=about_lines(detail, "nl", made))
    to_bytes(frame, "xlsx", presentation=shown)   # frame with the catalogue's column names

The dashboard's downloads always use a presentation; `selstats export` only with `--labels`
(by default it keeps the contract's column names and values, which scripts rely on).

Per format (`Presentation.frame`):

- every format: category codes become their names in the language (`not_registered` ->
  "niet ingeschreven"), a list of category codes the names joined by ", ", headers the
  labels; a column the catalogue does not know keeps its name and values;
- CSV: a yes/no figure is written as the word ("ja" / "nee"), any other list as its
  elements joined by ", " (CSV has no lists);
- XLSX: yes/no stay boolean cells, lists are joined by ", ", and each column gets the number
  format of its unit (`excel_format`): a rate or a percent is a percent cell, an amount in
  euro a currency cell, a date a date cell, a count a whole number;
- Parquet: typed values are kept, lists stay lists (their codes translated one by one).

A count hidden by small-cell suppression arrives as text ("<5" beside "12"): it stays text
in CSV and Parquet; in XLSX the whole numbers among it are number cells and "<5" a text cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Final

import polars as pl

from selstats.export.formats import Format
from selstats.figures import Catalogue, Figure, Unit, catalogue
from selstats.figures.present import decimals, translated, value_name
from selstats.i18n import catalogue as texts_catalogue
from selstats.i18n import translate
from selstats.i18n.format import DATE_PATTERNS

LIST_SEPARATOR: Final = ", "

# Excel's number formats are independent of the reader's locale: "#,##0.00" shows as
# 1.234,50 in a Dutch Excel and 1,234.50 in an English one. Only the currency's place
# (and its locale id, which makes Excel list the cell as currency) differs per language,
# as selstats.i18n.format writes amounts: € 33.072,00 (nl), 33.072,00 € (fr), €33,072.00 (en).
_EURO: Final = {
    "nl": "[$€-813] #,##0.00",  # 0x813: Dutch (Belgium)
    "fr": "#,##0.00 [$€-80C]",  # 0x80C: French (Belgium)
    "en": "[$€-1809]#,##0.00",  # 0x1809: English (Ireland), the euro written before
}
# strftime directives -> Excel's date codes
_EXCEL_DATE: Final = {"%d": "dd", "%m": "mm", "%Y": "yyyy"}


def _decimal_places(n: int) -> str:
    return "0." + "0" * n if n > 0 else "0"


def excel_date_format(lang: str) -> str:
    """The date as the pages write it (30/05/2023 nl, fr; 2023-05-30 en), in Excel's codes."""
    pattern = DATE_PATTERNS.get(lang, DATE_PATTERNS["nl"])
    for directive, code in _EXCEL_DATE.items():
        pattern = pattern.replace(directive, code)
    return pattern


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "") + '"' if text else ""


def excel_format(figure: Figure, lang: str) -> str | None:
    """The XLSX number format of a figure's cells, None for text and yes/no.

    | unit | format | a cell shows (Dutch Excel) |
    |---|---|---|
    | count | `#,##0` | 1.234 |
    | rate (0.275, value kept) | `0.0%` (the figure's decimals) | 27,5% |
    | percent (78.53, written as 0.7853) | `0.00%` | 78,53% |
    | euro | `[$€-813] #,##0.00` (nl) | € 33.072,00 |
    | days | `0.0" dagen"` | 32,5 dagen |
    | score, coefficient | `0.00`, `0.0000` | 12,50 |
    | year, number | `0` | 2024 |
    | date | `dd/mm/yyyy` (nl, fr), `yyyy-mm-dd` (en) | 30/05/2023 |
    | datetime | the date and `hh:mm` | 30/05/2023 14:05 |
    """
    unit, places = figure.unit, decimals(figure)
    if unit is Unit.COUNT:
        return "#,##0"
    if unit in (Unit.RATE, Unit.PERCENT):
        return _decimal_places(places) + "%"
    if unit is Unit.EURO:
        return _EURO.get(lang, _EURO["nl"])
    if unit is Unit.DAYS:
        before, _, after = translate(lang, "common.days", days="\x00").partition("\x00")
        return _quoted(before) + _decimal_places(places) + _quoted(after)
    if unit in (Unit.SCORE, Unit.COEFFICIENT):
        return _decimal_places(places)
    if unit in (Unit.YEAR, Unit.NUMBER):
        return "0"
    if unit is Unit.DATE:
        return excel_date_format(lang)
    if unit is Unit.DATETIME:
        return excel_date_format(lang) + " hh:mm"
    return None


AboutValue = str | int | date | datetime


def about_lines(
    detail: Mapping[str, object] | None,
    lang: str,
    made: datetime,
    *,
    file: str | None = None,
) -> tuple[tuple[str, AboutValue], ...]:
    """The rows of the file's second sheet, in words: the file, when it was made, and the
    page's filter (`Scope.params()` and what a page adds: the procedure shown, the
    procedures compared, the date, the Q-check mode, Explore's table); a filter left empty
    reads "all". The access scope (`allowed`) is not a filter the user set and is left out,
    as are the audit's own entries (rows, bytes, source)."""
    detail = dict(detail or {})
    words = _AboutWords(lang)
    lines: list[tuple[str, AboutValue]] = []
    if file:
        lines.append((words.text("download.about_file"), file))
    lines.append((words.text("download.about_made"), made.replace(microsecond=0)))
    year_from, year_to = detail.pop("year_from", None), detail.pop("year_to", None)
    lines.append((words.text("filter.period"), words.period(year_from, year_to)))
    for key, label_key in _FILTERS.items():
        lines.append((words.text(label_key), words.values(key, detail.pop(key, ()))))
    for key in _NOT_FILTERS:
        detail.pop(key, None)
    for key, value in detail.items():  # what a page adds: procedure, as_of, mode, ...
        lines.append((words.key(key), words.value(key, value)))
    return tuple(lines)


_FILTERS: Final = {
    "govs": "filter.government",
    "orgs": "filter.organisation",
    "levels": "filter.level",
    "procs": "filter.procedure",
}
_NOT_FILTERS: Final = ("allowed", "file", "rows", "source", "bytes", "format")


@dataclass(frozen=True)
class _AboutWords:
    lang: str

    def text(self, key: str) -> str:
        return translate(self.lang, key)

    def _known(self, key: str) -> str | None:
        return texts_catalogue(self.lang).get(key)

    def period(self, year_from: object, year_to: object) -> str:
        if year_from is None and year_to is None:
            return self.text("filter.all")
        first = "…" if year_from is None else str(year_from)
        last = "…" if year_to is None else str(year_to)
        return first if first == last else f"{first} – {last}"

    def values(self, key: str, value: object) -> str:
        items = _items(value)
        if not items:
            return self.text("filter.all")
        if key == "govs":
            items = [self.text(f"government.{g}") for g in items]
        return LIST_SEPARATOR.join(items)

    def key(self, key: str) -> str:
        known = self._known(f"download.about_{key}")
        if known is not None:
            return known
        figure = catalogue().get(key)
        return figure.label(self.lang) if figure is not None else key

    def value(self, key: str, value: object) -> AboutValue:
        if key == "table" and isinstance(value, str):
            return self._known(f"explore.tables.{value}") or value
        figure = catalogue().get(key)
        if figure is not None and figure.unit is Unit.CATEGORY and isinstance(value, str):
            return value_name(figure, value, self.lang)
        if isinstance(value, bool):
            return self.text("common.yes" if value else "common.no")
        if isinstance(value, date | datetime | int):
            return value
        if isinstance(value, list | tuple | set | frozenset):
            return LIST_SEPARATOR.join(_items(value)) or self.text("filter.all")
        return "" if value is None else str(value)


def _items(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, Sequence | set | frozenset):
        return [str(v) for v in value if v is not None]
    return [str(value)]


@dataclass(frozen=True)
class Presentation:
    """How a table is written for a reader in `lang`; `about` are the rows of the XLSX's
    second sheet (see `about_lines`); none: no second sheet."""

    lang: str
    about: tuple[tuple[str, AboutValue], ...] = ()
    figures: Catalogue = field(default_factory=catalogue, compare=False, repr=False)

    @cached_property
    def _by_label(self) -> dict[str, Figure]:
        return {figure.label(self.lang): figure for figure in self.figures.values()}

    def figure(self, header: str) -> Figure | None:
        """The figure a column of a presented frame holds (by its label)."""
        return self._by_label.get(header)

    def frame(self, frame: pl.DataFrame, fmt: Format) -> pl.DataFrame:
        """`frame` (the catalogue's column names, codes as stored) as `fmt` writes it for the
        reader: see the module's docstring."""
        lists = self._category_lists(frame) if fmt == "parquet" else []
        shown = translated(frame.drop(lists), self.lang, self.figures)
        if lists:
            shown = shown.with_columns(self._translate_lists(frame, lists)).select(frame.columns)
        if fmt == "csv":
            shown = self._flag_words(shown)
        return shown.rename(
            {c: self.figures[c].label(self.lang) for c in shown.columns if c in self.figures}
        )

    def _flag_words(self, frame: pl.DataFrame) -> pl.DataFrame:
        yes, no = translate(self.lang, "common.yes"), translate(self.lang, "common.no")
        exprs = [
            pl.when(pl.col(name).is_null())
            .then(None)
            .when(pl.col(name))
            .then(pl.lit(yes))
            .otherwise(pl.lit(no))
            .alias(name)
            for name, dtype in frame.schema.items()
            if dtype == pl.Boolean and name in self.figures
        ]
        return frame.with_columns(exprs) if exprs else frame

    def _category_lists(self, frame: pl.DataFrame) -> list[str]:
        return [
            name
            for name, dtype in frame.schema.items()
            if isinstance(dtype, pl.List)
            and name in self.figures
            and self.figures[name].unit is Unit.CATEGORIES
        ]

    def _translate_lists(self, frame: pl.DataFrame, columns: Sequence[str]) -> list[pl.Series]:
        """Parquet keeps a list of category codes a list: each code named."""
        exprs: list[pl.Series] = []
        for name in columns:
            figure = self.figures[name]
            codes = frame.get_column(name).explode().drop_nulls().unique().cast(pl.String)
            names = {code: value_name(figure, code, self.lang) for code in codes.to_list()}
            exprs.append(
                frame.select(
                    pl.col(name).list.eval(pl.element().cast(pl.String).replace(names))
                ).to_series()
            )
        return exprs
