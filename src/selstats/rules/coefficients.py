"""The index coefficient (verhogingscoëfficiënt) of Belgian public-sector pay.

Pay moves in steps of 2 %: each time the pivot index is exceeded the coefficient is
multiplied by 1.02, and the published value is 1.02^n rounded to 4 decimals (1.7758 is
1.02^29, 2.1647 is 1.02^39). That makes a typo in the reference data detectable: a value
that is no such power was not published.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from selstats.domain.enums import Government
from selstats.domain.models import IndexCoefficient

STEP = 1.02
DECIMALS = 4
# A coefficient read from a file is a binary float; equal to 4 decimals within this.
_TOLERANCE = 1e-9


def step_of(coefficient: float) -> int | None:
    """The n ≥ 0 for which `coefficient` is 1.02^n rounded to 4 decimals, or None."""
    if coefficient <= 0:
        return None
    nearest = round(math.log(coefficient) / math.log(STEP))
    # n ≥ 0: a coefficient only ever rises from its base of 1 (and 0.5 is 1.02^-35 rounded).
    for n in (n for n in (nearest - 1, nearest, nearest + 1) if n >= 0):
        if abs(round(STEP**n, DECIMALS) - coefficient) < _TOLERANCE:
            return n
    return None


def is_published_step(coefficient: float) -> bool:
    """True when the value is 1.02^n rounded to 4 decimals for some integer n."""
    return step_of(coefficient) is not None


def nearest_step(coefficient: float) -> tuple[int, float]:
    """The closest published value (n, 1.02^n rounded), to suggest in an error message."""
    n = round(math.log(coefficient) / math.log(STEP)) if coefficient > 0 else 0
    return n, round(STEP**n, DECIMALS)


def coefficient_on(
    day: date, coefficients: Sequence[IndexCoefficient], government: Government | str
) -> float:
    """The coefficient `government` applies on `day`: of its coefficients, the one with the
    latest start on or before it.

    Raises ValueError when `day` is before that government's first known coefficient: pay on
    that date cannot be computed from the reference data, and guessing would invent an
    amount.
    """
    own = [c for c in coefficients if c.government == Government(government)]
    in_force = [c for c in own if c.in_force_from <= day]
    if not in_force:
        first = min((c.in_force_from for c in own), default=None)
        known = f"the first known is in force from {first}" if first else "none is known"
        raise ValueError(f"no index coefficient of {government} in force on {day}: {known}")
    return max(in_force, key=lambda c: c.in_force_from).coefficient


def latest(
    coefficients: Sequence[IndexCoefficient], government: Government | str
) -> IndexCoefficient:
    """The most recent coefficient of `government` (by start date). Raises ValueError when
    there is none."""
    own = [c for c in coefficients if c.government == Government(government)]
    if not own:
        raise ValueError(f"no index coefficients of {government}")
    return max(own, key=lambda c: c.in_force_from)
