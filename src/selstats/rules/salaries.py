"""Salary scales: from what a posting published back to the amount at 100 %.

Public-sector scales are fixed as annual gross amounts at 100 %; the amount paid is that
amount times the index coefficient the paying government applies on the day (each from its
own month, data/reference/index_coefficients.csv), and a monthly amount is the annual one / 12
(holiday pay and end-of-year bonus not included).

The amounts at a coefficient are computed in ONE place, `queries/salaries.sql` (the page and
the `salaries` export both run it; `queries/salary_postings.sql` applies it to each posting),
with the rounding rule of the government that pays them, which is kept in ONE place too,
data/reference/salary_rounding.csv (table `salary_rounding`):
- The arithmetic is decimal, not binary: 13,550 × 2.1647 is exactly 29,331.685, which a
  binary float holds as 29,331.68499… and would round down.
- Federal pay is truncated to the cent, as BOSA's own worked example does:
  (22,000 × 1.8845) / 12 = 3,454.916… → 3,454.91.
- Local pay (Stad Maaseik's posting) is rounded half-up: 13,550 × 2.1647 / 12 = 2,444.307…
  → 2,444.31. Flemish pay: no source found, half-up assumed.
- The monthly amount is computed from the *unrounded* annual product, so only one rounding
  ever applies.
- An amount that is not known stays null at every coefficient.

`amount_at_100` goes the other way, to derive the 100 % amounts of
data/reference/salary_scales.csv from the postings; it checks its answer with the rule of the
posting's government.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from selstats.reference.models import Rounding

_CENT = Decimal("0.01")
_MONTHS = Decimal(12)
_MODES = {Rounding.TRUNCATE: ROUND_DOWN, Rounding.HALF_UP: ROUND_HALF_UP}


def _dec(value: float) -> Decimal:
    # repr() of a float is the shortest decimal that reads back as it: 2.1647 stays 2.1647.
    return Decimal(repr(float(value)))


def to_cent(amount: Decimal, rounding: Rounding | str) -> Decimal:
    """`amount` (positive) to the cent by `rounding`: truncate drops what is below the cent
    (3,454.916 → 3,454.91), half_up rounds to the nearest cent, a half cent up."""
    return amount.quantize(_CENT, rounding=_MODES[Rounding(rounding)])


def amount_at_100(
    published: float,
    coefficient: float,
    *,
    monthly: bool = False,
    rounding: Rounding | str = Rounding.HALF_UP,
) -> float:
    """The annual amount at 100 % behind a published (indexed) amount.

    A published amount is rounded to the cent (by `rounding`, the rule of the government
    that pays it), so many 100 % amounts give it back; scales are set in round figures, so
    this returns the one with the fewest decimals (whole euros, then cents, then 4 decimals)
    that reproduces `published` exactly, e.g. 66,140.69 at 1.9999 → 33,072. `monthly=True`
    reads `published` as a monthly amount.
    """
    factor = _MONTHS if monthly else Decimal(1)
    target = _dec(published).quantize(_CENT, rounding=ROUND_HALF_UP)
    exact = _dec(published) * factor / _dec(coefficient)
    for places in (0, 2, 4):
        candidate = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        back = candidate * _dec(coefficient) / factor
        if to_cent(back, rounding) == target:
            return float(candidate)
    return float(exact)


# ---- what the scales table shows when most amounts are unknown --------------------------

# queries/salaries.sql `amounts_known`: a scale with no amount at 100 % at all.
NO_AMOUNTS = frozenset({"none", "not_in_reference"})


def mostly_unknown(amounts_known: Sequence[str | None]) -> bool:
    """Whether more than half of the scales have no amount at all (`amounts_known` none or
    not_in_reference): the Salary scales page then says in one sentence which scales have
    amounts and shows only those, instead of a column of "unknown"."""
    unknown = sum(1 for known in amounts_known if known in NO_AMOUNTS)
    return unknown * 2 > len(amounts_known)
