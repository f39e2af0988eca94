"""A frame as a reader sees it, from the catalogue: codes translated, headers labelled,
single values written in the language's format. No Streamlit here: the pages' tables and
downloads and the exports use the same functions.

- `translated(frame, lang)`: category columns hold the name of each code in `lang`
  ("passed" -> "geslaagd"); a list of codes (a list column, or codes joined by commas as
  the certification queries write them) becomes the names joined by ", "; codes paired
  with references ("qcheck_below_80:CA1,too_few_certified:CA1,too_few_certified:CA2")
  become each name once with its references ("Q-check-gemiddelde van 80 %: CA1;
  4 gecertificeerde medewerkers: CA1, CA2").
- `labelled(frame, lang)`: the same frame with the figures' labels as column names.
- `value_text(name, value, lang)`: one value as a metric shows it (1.234, 27,5 %, € 33.072,00,
  30/05/2023); a count hidden by small-cell suppression ("<5") stays as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

import polars as pl

from selstats.figures.catalogue import LIST_UNITS, Catalogue, Figure, Unit, catalogue
from selstats.i18n import translate
from selstats.i18n.format import UNKNOWN, fmt_date, fmt_eur, fmt_int, fmt_num, fmt_pct

Translate = Callable[..., str]

# Decimals per unit when the catalogue gives none.
_DECIMALS = {
    Unit.RATE: 1,
    Unit.PERCENT: 2,
    Unit.DAYS: 1,
    Unit.SCORE: 2,
    Unit.COEFFICIENT: 4,
}


def value_name(figure: Figure, code: str, lang: str) -> str:
    """The name of one code of a category figure; the code itself when it has none."""
    key = f"{figure.values}.{code}"
    text = translate(lang, key)
    return code if text == key else text


def _codes(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, Iterable):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def _names(figure: Figure, value: object, lang: str) -> str:
    return ", ".join(value_name(figure, code, lang) for code in _codes(value))


def refs_text(figure: Figure, value: object, lang: str) -> str:
    """A value of a `category_refs` figure in words: each code named once, in the order it
    first comes, with its references after it ("PRO Partner: CA5; 4 gecertificeerde
    medewerkers: CA1, CA2"). The names may hold commas, so the codes are set apart by
    "; "."""
    grouped: dict[str, list[str]] = {}
    for pair in _codes(value):
        code, _, ref = pair.partition(":")
        refs = grouped.setdefault(code.strip(), [])
        if ref.strip() and ref.strip() not in refs:
            refs.append(ref.strip())
    return "; ".join(
        translate(
            lang, "common.with_refs", name=value_name(figure, code, lang), refs=", ".join(refs)
        )
        if refs
        else value_name(figure, code, lang)
        for code, refs in grouped.items()
    )


def translated(frame: pl.DataFrame, lang: str, figures: Catalogue | None = None) -> pl.DataFrame:
    """`frame` with every category column's codes replaced by their names in `lang`.
    Columns the catalogue does not know are left as they are."""
    figures = figures or catalogue()
    exprs: list[pl.Expr | pl.Series] = []
    for column in frame.columns:
        figure = figures.get(column)
        if figure is None or figure.values is None:
            continue
        series = frame.get_column(column)
        if figure.unit is Unit.CATEGORY and series.dtype == pl.String:
            codes = series.drop_nulls().unique().to_list()
            names = {code: value_name(figure, code, lang) for code in codes}
            exprs.append(pl.col(column).replace_strict(names, default=None, return_dtype=pl.String))
        elif figure.unit in LIST_UNITS:
            words = refs_text if figure.unit is Unit.CATEGORY_REFS else _names
            texts = [
                None if value is None else words(figure, value, lang) for value in series.to_list()
            ]
            exprs.append(pl.Series(column, texts, dtype=pl.String))
    return frame.with_columns(exprs) if exprs else frame


def labelled(frame: pl.DataFrame, lang: str, figures: Catalogue | None = None) -> pl.DataFrame:
    """`frame` with the figures' labels in `lang` as column names (the catalogue keeps labels
    unique per language, so no two columns get the same header)."""
    figures = figures or catalogue()
    return frame.rename({c: figures[c].label(lang) for c in frame.columns})


def decimals(figure: Figure) -> int:
    return figure.decimals if figure.decimals is not None else _DECIMALS.get(figure.unit, 0)


def _number_text(figure: Figure, value: object, lang: str) -> str:
    unit = figure.unit
    if unit is Unit.RATE:
        return fmt_pct(value, lang, decimals(figure))
    if unit is Unit.PERCENT:
        number = fmt_num(value, lang, decimals(figure))
        if number == UNKNOWN:
            return number
        return f"{number}%" if lang == "en" else f"{number} %"
    if unit is Unit.EURO:
        return fmt_eur(value, lang)
    if unit is Unit.DAYS:
        return translate(lang, "common.days", days=fmt_num(value, lang, decimals(figure)))
    if unit in (Unit.COUNT, Unit.NUMBER) or isinstance(value, int):
        return fmt_int(value, lang) if unit is Unit.COUNT else str(value)
    return fmt_num(value, lang, decimals(figure))


def _whole(value: object) -> object:
    """A whole number that a table's float column holds (a count beside a null) as an int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _missing(value: object) -> bool:
    # None, NaN (pandas' null in a float column) and NaT / pd.NA (its nulls elsewhere)
    return value is None or value != value or str(value) in ("NaT", "<NA>")


def value_text(name: str, value: object, lang: str, figures: Catalogue | None = None) -> str:
    """One value of figure `name` as text in `lang`; unknown is "—", never 0."""
    return figure_text((figures or catalogue())[name], value, lang)


def figure_text(figure: Figure, value: object, lang: str) -> str:
    """`value_text` for a figure already looked up (a table formats many values of one)."""
    if _missing(value):
        # a procedure without a year is a permanently open one: said, not left as a dash
        return translate(lang, "common.no_year") if figure.name == "year" else UNKNOWN
    if figure.unit in (Unit.COUNT, Unit.NUMBER, Unit.YEAR):
        value = _whole(value)
    if isinstance(value, str) and figure.unit in (Unit.COUNT, Unit.RATE):
        stripped = value.strip()  # a suppressed count ("<5"), or one held as text
        return fmt_int(int(stripped), lang) if stripped.isdigit() else stripped or UNKNOWN
    if figure.unit is Unit.DATETIME and isinstance(value, datetime):
        return f"{fmt_date(value, lang)} {value:%H:%M}"
    if figure.unit is Unit.DATE and isinstance(value, date | datetime):
        return fmt_date(value, lang)
    if figure.unit is Unit.YEAR:
        return str(value)
    if figure.unit is Unit.FLAG:
        return translate(lang, "common.yes" if value else "common.no")
    if figure.unit is Unit.CATEGORY:
        return value_name(figure, str(value), lang)
    if figure.unit is Unit.CATEGORIES:
        return _names(figure, value, lang)
    if figure.unit is Unit.CATEGORY_REFS:
        return refs_text(figure, value, lang)
    if figure.unit in (Unit.CODE, Unit.TEXT, Unit.LINK):
        return str(value)
    return _number_text(figure, value, lang)
