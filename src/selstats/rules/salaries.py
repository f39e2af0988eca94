"""Salary scales: from the amount at 100 % to what a posting shows, and back.

Public-sector scales are fixed as annual gross amounts at 100 %; the amount paid is that
amount times the index coefficient in force, and a monthly amount is the annual one / 12
(holiday pay and end-of-year bonus not included).

Rounding, chosen to give the published figures back exactly:
- The arithmetic is decimal, not binary: 13,550 × 2.1647 is exactly 29,331.685, which a
  binary float holds as 29,331.68499… and would round down.
- Amounts are rounded half-up to the cent (29,331.685 → 29,331.69), as payslips do.
- The monthly amount is computed from the *unrounded* annual product (13,550 × 2.1647 / 12
  = 2,444.3070… → 2,444.31), so only one rounding ever applies. Rounding the annual amount
  first gives the same published figures here (29,331.69 / 12 = 2,444.3075 → 2,444.31), but
  double rounding can be a cent off elsewhere.
- An amount that is not known stays null at every coefficient, never 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

import polars as pl

from selstats.domain.models import SalaryScale

SALARY_COLUMNS: dict[str, type[pl.DataType] | pl.DataType] = {
    "scale": pl.String,
    "level": pl.String,
    "government": pl.String,
    "annual_min_100": pl.Float64,
    "annual_max_100": pl.Float64,
    "coefficient": pl.Float64,
    "annual_min": pl.Float64,
    "annual_max": pl.Float64,
    "monthly_min": pl.Float64,
    "monthly_max": pl.Float64,
}

_CENT = Decimal("0.01")
_MONTHS = Decimal(12)


def _dec(value: float) -> Decimal:
    # repr() of a float is the shortest decimal that reads back as it: 2.1647 stays 2.1647.
    return Decimal(repr(float(value)))


def _cents(value: Decimal) -> float:
    return float(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def annual_amount(amount_100: float | None, coefficient: float) -> float | None:
    """Annual gross at `coefficient`, to the cent; None when the 100 % amount is unknown."""
    if amount_100 is None:
        return None
    return _cents(_dec(amount_100) * _dec(coefficient))


def monthly_amount(amount_100: float | None, coefficient: float) -> float | None:
    """Monthly gross (annual / 12) at `coefficient`, to the cent, from the unrounded annual."""
    if amount_100 is None:
        return None
    return _cents(_dec(amount_100) * _dec(coefficient) / _MONTHS)


def amount_at_100(published: float, coefficient: float, *, monthly: bool = False) -> float:
    """The annual amount at 100 % behind a published (indexed) amount.

    A published amount is rounded to the cent, so many 100 % amounts give it back; scales
    are set in round figures, so this returns the one with the fewest decimals (whole
    euros, then cents, then 4 decimals) that reproduces `published` exactly, e.g.
    66,140.69 at 1.9999 → 33,072. `monthly=True` reads `published` as a monthly amount.
    """
    factor = _MONTHS if monthly else Decimal(1)
    target = _dec(published).quantize(_CENT, rounding=ROUND_HALF_UP)
    exact = _dec(published) * factor / _dec(coefficient)
    for places in (0, 2, 4):
        candidate = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        back = candidate * _dec(coefficient) / factor
        if back.quantize(_CENT, rounding=ROUND_HALF_UP) == target:
            return float(candidate)
    return float(exact)


class _Scale(NamedTuple):
    scale: str
    level: str
    government: str
    annual_min_100: float | None
    annual_max_100: float | None


def _scales(scales: Iterable[SalaryScale] | pl.DataFrame) -> list[_Scale]:
    if isinstance(scales, pl.DataFrame):
        frame = scales.select(
            pl.col("scale", "level", "government").cast(pl.String),
            pl.col("annual_min_100", "annual_max_100").cast(pl.Float64),
        )
        return [_Scale(*row) for row in frame.iter_rows()]
    return [
        _Scale(s.scale, s.level, s.government.value, s.annual_min_100, s.annual_max_100)
        for s in scales
    ]


def salary_table(scales: Iterable[SalaryScale] | pl.DataFrame, coefficient: float) -> pl.DataFrame:
    """The CONTRACT `salaries` export: one row per scale, amounts at `coefficient`.

    `scales` are the models from the reference data or a frame with the same columns (the
    store's salary_scales table). Columns, in order: scale, level, government,
    annual_min_100, annual_max_100, coefficient, annual_min, annual_max, monthly_min,
    monthly_max. An unknown amount stays null.
    """
    rows = [
        (
            *scale,
            coefficient,
            annual_amount(scale.annual_min_100, coefficient),
            annual_amount(scale.annual_max_100, coefficient),
            monthly_amount(scale.annual_min_100, coefficient),
            monthly_amount(scale.annual_max_100, coefficient),
        )
        for scale in _scales(scales)
    ]
    return pl.DataFrame(rows, schema=SALARY_COLUMNS, orient="row")
