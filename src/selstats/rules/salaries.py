"""Salary scales: from what a posting published back to the amount at 100 %.

Public-sector scales are fixed as annual gross amounts at 100 %; the amount paid is that
amount times the index coefficient in force, and a monthly amount is the annual one / 12
(holiday pay and end-of-year bonus not included).

The amounts at a coefficient are computed in ONE place, `queries/salaries.sql` (the page and
the `salaries` export both run it), with this rounding rule:
- The arithmetic is decimal, not binary: 13,550 × 2.1647 is exactly 29,331.685, which a
  binary float holds as 29,331.68499… and would round down.
- Amounts are rounded half-up to the cent (29,331.685 → 29,331.69), as payslips do.
- The monthly amount is computed from the *unrounded* annual product (13,550 × 2.1647 / 12
  = 2,444.3070… → 2,444.31), so only one rounding ever applies. Rounding the annual amount
  first gives the same published figures here (29,331.69 / 12 = 2,444.3075 → 2,444.31), but
  double rounding can be a cent off elsewhere.
- An amount that is not known stays null at every coefficient, never 0.

`amount_at_100` goes the other way, to derive the 100 % amounts of
data/reference/salary_scales.csv from the postings; it checks its answer with the same rule.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")
_MONTHS = Decimal(12)


def _dec(value: float) -> Decimal:
    # repr() of a float is the shortest decimal that reads back as it: 2.1647 stays 2.1647.
    return Decimal(repr(float(value)))


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
