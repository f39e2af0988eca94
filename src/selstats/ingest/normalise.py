"""How text cells become typed values: numbers with decimal commas, Belgian dates,
ja/nee, enum words in three languages.

Each parser is a polars expression over a column of trimmed text (null = empty) that
gives the typed value or null when the text does not fit; the validator compares the
two to find bad cells. Expressions run column-wise in Rust, so a million rows take
moments, and no cell is ever looked at in a Python loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

from selstats.ingest.columns import FALSE_WORDS, TRUE_WORDS

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, past Excel's 1900 leap-year bug
MAX_EXCEL_SERIAL = 2_958_465  # 9999-12-31
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2099, 12, 31)

_SIGN = r"[+-]?"
_PLAIN_INT = rf"^{_SIGN}\d+$"
_ONE_SEPARATOR = rf"^{_SIGN}\d*[.,]\d+$"  # 12,5  12.5  ,5  (1.234 and 1,234 read as decimals)
_DOT_THOUSANDS = rf"^{_SIGN}\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?$"  # 1.234.567  1.234,5
_COMMA_THOUSANDS = rf"^{_SIGN}\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?$"  # 1,234,567  1,234.5
_SPACE_THOUSANDS = r"^[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$"  # 1 234,5
_EXPONENT = rf"^{_SIGN}\d+(?:[.,]\d+)?[eE][+-]?\d+$"  # 1,5E+03, as Excel may export


def parse_number(text: pl.Expr, *, percent: bool = False) -> pl.Expr:
    """Float64 from `12,5`, `12.5`, `1.234,5`, `1 234,5`, `1,5E+03`; else null.

    One separator is always the decimal one (Belgian files write 12,5; Parquet and
    English files 12.5), so `1.234` is 1.234; thousands separators are recognised only
    where the grouping makes them unambiguous (`1.234.567`, `1.234,5`).
    """
    s = text
    if percent:
        s = s.str.replace(r"\s*%$", "")
    s = pl.when(s.str.contains(_SPACE_THOUSANDS)).then(s.str.replace_all(r"\s", "")).otherwise(s)
    canonical = (
        pl.when(s.str.contains(_PLAIN_INT))
        .then(s)
        .when(s.str.contains(_ONE_SEPARATOR) | s.str.contains(_EXPONENT))
        .then(s.str.replace(",", ".", literal=True))
        .when(s.str.contains(_DOT_THOUSANDS))
        .then(s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(s.str.contains(_COMMA_THOUSANDS))
        .then(s.str.replace_all(",", "", literal=True))
        .otherwise(None)
    )
    return canonical.cast(pl.Float64, strict=False)


_TIME_SUFFIX = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)$"
_ISO = r"^(?<y>\d{4})[-/.](?<m>\d{1,2})[-/.](?<d>\d{1,2})$"
_DAY_FIRST = r"^(?<d>\d{1,2})[-/.](?<m>\d{1,2})[-/.](?<y>\d{4})$"
_SERIAL = r"^\d+(?:\.\d+)?$"


def _from_parts(parts: pl.Expr) -> pl.Expr:
    iso = pl.concat_str(
        [
            parts.struct.field("y"),
            parts.struct.field("m").str.zfill(2),
            parts.struct.field("d").str.zfill(2),
        ],
        separator="-",
    )
    return iso.str.to_date("%Y-%m-%d", strict=False)


def parse_date(text: pl.Expr, *, serials: bool = False) -> pl.Expr:
    """Date from `05/03/2024`, `5/3/2024`, `05-03-2024`, `05.03.2024`, `2024-03-05`
    (a time part is ignored); with `serials`, also Excel day numbers (45356 = 2024-03-05),
    which is how a date looks in a workbook cell formatted as a number.

    Day first always: Belgian dates are never month-first. Two-digit years are refused
    rather than guessed.
    """
    s = text.str.replace(_TIME_SUFFIX, "")
    parsed = pl.coalesce(
        _from_parts(s.str.extract_groups(_ISO)),
        _from_parts(s.str.extract_groups(_DAY_FIRST)),
    )
    if serials:
        days = s.cast(pl.Float64, strict=False).floor()
        usable = s.str.contains(_SERIAL) & days.is_between(1, MAX_EXCEL_SERIAL)
        serial = pl.when(usable).then(
            pl.lit(EXCEL_EPOCH) + pl.duration(days=days.cast(pl.Int64, strict=False))
        )
        parsed = pl.coalesce(parsed, serial.cast(pl.Date))
    return parsed


def date_in_range(value: pl.Expr) -> pl.Expr:
    """Dates outside 1900-2099 are typing errors (0224 for 2024), not history."""
    return value.is_between(pl.lit(FIRST_DATE), pl.lit(LAST_DATE))


_BOOLS = {**{w: True for w in TRUE_WORDS}, **{w: False for w in FALSE_WORDS}}


def parse_bool(text: pl.Expr) -> pl.Expr:
    """Boolean from ja/nee, oui/non, yes/no, waar/onwaar, vrai/faux, true/false, 1/0."""
    return text.str.to_lowercase().replace_strict(_BOOLS, default=None, return_dtype=pl.Boolean)


def choice_key_expr(text: pl.Expr) -> pl.Expr:
    """`selstats.ingest.columns.choice_key` as an expression: lower case, accents off,
    `_`, `-` and spaces as one space."""
    return (
        text.str.to_lowercase()
        .str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.replace_all(r"[\s_\-]+", " ")
        .str.strip_chars()
    )


def parse_choice(text: pl.Expr, choices: Mapping[str, str]) -> pl.Expr:
    """The canonical enum value of a word in any of its accepted spellings, else null."""
    return choice_key_expr(text).replace_strict(dict(choices), default=None, return_dtype=pl.String)


_LEVEL = r"^[A-Da-d][1-5]?$"


def parse_level(text: pl.Expr) -> pl.Expr:
    """`A`..`D` or a class such as `A2`, `B1`, `c1` (upper-cased: C1); else null."""
    return pl.when(text.str.contains(_LEVEL)).then(text.str.to_uppercase())


_STEP_LIST = r"^\d+(?:\s*[,;+]\s*\d+)*$"


def parse_step_list(text: pl.Expr) -> pl.Expr:
    """`2,3`, `2;3`, `2 + 3` as the canonical `2,3`; step numbers start at 1."""
    numbers = text.str.extract_all(r"\d+").list.eval(pl.element().cast(pl.Int64, strict=False))
    ok = text.str.contains(_STEP_LIST) & numbers.list.min().ge(1)
    return pl.when(ok).then(numbers.list.eval(pl.element().cast(pl.String)).list.join(","))
