"""Numbers, money and dates written the way each language writes them, without the
system locale (the server's locale is not the reader's).

| lang | fmt_int | fmt_num     | fmt_pct  | fmt_eur       | fmt_date   |
|------|---------|-------------|----------|---------------|------------|
| nl   | 1.234   | 1.234,5     | 28,5 %   | € 66.140,69   | 30/05/2023 |
| fr   | 1.234   | 1.234,5     | 28,5 %   | 66.140,69 €   | 30/05/2023 |
| en   | 1,234   | 1,234.5     | 28.5%    | €66,140.69    | 2023-05-30 |

Choices:
- French uses "." for thousands like Dutch (Belgian administrative practice and what the
  users asked for: "1.234,5 in NL/FR"), not the narrow no-break space of French typography.
- The space before "%" and after "€" is a plain space, so that what is shown can be typed
  and searched; English dates are ISO (unambiguous for an international reader).
- Rounding is half up on the decimal value as written (28.45 → "28,5"), as a person
  rounds by hand, not on the binary float (where 28.45 is 28.4499…).
- Negative amounts: "€ -1.500,00" (nl), "-1.500,00 €" (fr), "-€1,500.00" (en).
- An unknown value (None, NaN, infinity, not a number) is "—", never 0.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

UNKNOWN: Final = "—"
_SPACE: Final = " "

# Thousands and decimal separators per language.
_SEPARATORS: Final = {"nl": (".", ","), "fr": (".", ","), "en": (",", ".")}
# How a date and a month are written, in strftime / d3-time-format notation: the one
# definition, used by `fmt_date`, the charts (`selstats.ui.charts.theme`) and the dashboard's
# date widgets and columns (`selstats.ui.table.date_format`).
DATE_PATTERNS: Final = {"nl": "%d/%m/%Y", "fr": "%d/%m/%Y", "en": "%Y-%m-%d"}
MONTH_PATTERNS: Final = {"nl": "%m/%Y", "fr": "%m/%Y", "en": "%Y-%m"}


def _decimal(x: object) -> Decimal | None:
    """The value as a Decimal, or None when it is unknown or not a number."""
    if x is None or isinstance(x, bool):
        return None
    if isinstance(x, Decimal):
        return x if x.is_finite() else None
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, float):  # numpy's float64 too: its repr is not a number, its float's is
        return None if math.isnan(x) or math.isinf(x) else Decimal(repr(float(x)))
    try:
        f = float(x)  # type: ignore[arg-type]  # numpy scalars and the like
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else Decimal(repr(f))


def _group(d: Decimal, lang: str, decimals: int) -> str:
    """Round half up to `decimals` and write with the language's separators."""
    thousands, point = _SEPARATORS.get(lang, _SEPARATORS["nl"])
    quantum = Decimal(1).scaleb(-decimals)
    rounded = d.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    text = f"{rounded:,.{decimals}f}"  # "1,234.5"
    return text.translate({ord(","): thousands, ord("."): point})


def fmt_int(n: object, lang: str) -> str:
    """A count: "1.234" (nl, fr), "1,234" (en)."""
    d = _decimal(n)
    return UNKNOWN if d is None else _group(d, lang, 0)


def fmt_num(x: object, lang: str, decimals: int = 1) -> str:
    """A number: "1.234,5" (nl, fr), "1,234.5" (en)."""
    d = _decimal(x)
    return UNKNOWN if d is None else _group(d, lang, decimals)


def fmt_pct(x: object, lang: str, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.285 → "28,5 %" (nl, fr), "28.5%" (en)."""
    d = _decimal(x)
    if d is None:
        return UNKNOWN
    number = _group(d * 100, lang, decimals)
    return f"{number}%" if lang == "en" else f"{number}{_SPACE}%"


def fmt_eur(x: object, lang: str) -> str:
    """An amount in euro: "€ 66.140,69" (nl), "66.140,69 €" (fr), "€66,140.69" (en)."""
    d = _decimal(x)
    if d is None:
        return UNKNOWN
    number = _group(d, lang, 2)  # "-1.500,00" when negative
    if lang == "fr":
        return f"{number}{_SPACE}€"
    if lang == "en":
        return f"-€{number[1:]}" if number.startswith("-") else f"€{number}"
    return f"€{_SPACE}{number}"


def fmt_date(d: object, lang: str) -> str:
    """A date: "30/05/2023" (nl, fr), "2023-05-30" (en). A datetime shows its date."""
    if isinstance(d, datetime):
        d = d.date()
    if not isinstance(d, date):
        return UNKNOWN
    return d.strftime(DATE_PATTERNS.get(lang, DATE_PATTERNS["nl"]))
