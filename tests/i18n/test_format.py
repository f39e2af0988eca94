"""Locale formatting without the system locale; expected strings written by hand."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import pytest

from selstats.i18n.format import UNKNOWN, fmt_date, fmt_eur, fmt_int, fmt_num, fmt_pct


@pytest.mark.parametrize(
    ("n", "lang", "expected"),
    [
        (1234, "nl", "1.234"),
        (1234, "fr", "1.234"),
        (1234, "en", "1,234"),
        (0, "nl", "0"),
        (999, "nl", "999"),
        (1234567, "nl", "1.234.567"),
        (1234567, "en", "1,234,567"),
        (-1234, "nl", "-1.234"),
        (1234.5, "nl", "1.235"),  # half up
        (Decimal("1234"), "en", "1,234"),
    ],
)
def test_fmt_int(n: object, lang: str, expected: str) -> None:
    assert fmt_int(n, lang) == expected


@pytest.mark.parametrize(
    ("x", "lang", "decimals", "expected"),
    [
        (1234.5, "nl", 1, "1.234,5"),
        (1234.5, "fr", 1, "1.234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (1234.5, "nl", 2, "1.234,50"),
        (0.05, "nl", 1, "0,1"),  # half up on the decimal value as written
        (28.45, "en", 1, "28.5"),  # the float is 28.4499…; written 28.45, so 28.5
        (-0.04, "nl", 1, "0,0"),  # no "-0,0"
        (1234.5, "nl", 0, "1.235"),
    ],
)
def test_fmt_num(x: float, lang: str, decimals: int, expected: str) -> None:
    assert fmt_num(x, lang, decimals) == expected


@pytest.mark.parametrize(
    ("x", "lang", "expected"),
    [
        (0.285, "nl", "28,5 %"),
        (0.285, "fr", "28,5 %"),
        (0.285, "en", "28.5%"),
        (1, "nl", "100,0 %"),
        (0.0125, "en", "1.3%"),  # 1.25 % half up
        (0, "fr", "0,0 %"),
        (12.345, "nl", "1.234,5 %"),
    ],
)
def test_fmt_pct(x: float, lang: str, expected: str) -> None:
    assert fmt_pct(x, lang) == expected


def test_fmt_pct_decimals() -> None:
    assert fmt_pct(0.285, "nl", decimals=0) == "29 %"  # 28.5 half up
    assert fmt_pct(2 / 3, "en", decimals=2) == "66.67%"


@pytest.mark.parametrize(
    ("x", "lang", "expected"),
    [
        (66140.69, "nl", "€ 66.140,69"),
        (66140.69, "fr", "66.140,69 €"),
        (66140.69, "en", "€66,140.69"),
        (0, "nl", "€ 0,00"),
        (-1500, "nl", "€ -1.500,00"),
        (-1500, "fr", "-1.500,00 €"),
        (-1500, "en", "-€1,500.00"),
        (1234.565, "en", "€1,234.57"),  # half up
    ],
)
def test_fmt_eur(x: float, lang: str, expected: str) -> None:
    assert fmt_eur(x, lang) == expected


@pytest.mark.parametrize(
    ("d", "lang", "expected"),
    [
        (date(2023, 5, 30), "nl", "30/05/2023"),
        (date(2023, 5, 30), "fr", "30/05/2023"),
        (date(2023, 5, 30), "en", "2023-05-30"),
        (datetime(2023, 5, 30, 14, 5), "nl", "30/05/2023"),
    ],
)
def test_fmt_date(d: date, lang: str, expected: str) -> None:
    assert fmt_date(d, lang) == expected


@pytest.mark.parametrize("unknown", [None, math.nan, math.inf, -math.inf, "abc", True])
@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_unknown_is_a_dash_never_zero(unknown: object, lang: str) -> None:
    assert UNKNOWN == "—"
    assert fmt_int(unknown, lang) == "—"
    assert fmt_num(unknown, lang) == "—"
    assert fmt_pct(unknown, lang) == "—"
    assert fmt_eur(unknown, lang) == "—"
    assert fmt_date(unknown, lang) == "—"


def test_numpy_scalars() -> None:
    np = pytest.importorskip("numpy")
    assert fmt_int(np.int64(1234), "nl") == "1.234"
    assert fmt_pct(np.float64(0.285), "en") == "28.5%"
    assert fmt_num(np.float64("nan"), "en") == "—"
