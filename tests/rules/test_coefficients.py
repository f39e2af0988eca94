"""Index coefficients: published values are 1.02^n to 4 decimals; the one in force on a day."""

from __future__ import annotations

from datetime import date

import pytest

from selstats.domain.enums import Government
from selstats.domain.models import IndexCoefficient
from selstats.rules.coefficients import coefficient_on, is_published_step, latest, step_of

# The coefficients of docs/DOMAIN.md#index-coefficients with the n worked out by hand:
# 1.02^29 = 1.775845 -> 1.7758, 1.02^35 = 1.999890 -> 1.9999, 1.02^39 = 2.164745 -> 2.1647.
PUBLISHED = [
    (1.7758, 29),
    (1.8114, 30),
    (1.8476, 31),
    (1.8845, 32),
    (1.9222, 33),
    (1.9607, 34),
    (1.9999, 35),
    (2.0399, 36),
    (2.0807, 37),
    (2.1223, 38),
    (2.1647, 39),
]


@pytest.mark.parametrize(("coefficient", "n"), PUBLISHED)
def test_published_values_are_steps_of_two_percent(coefficient: float, n: int) -> None:
    assert is_published_step(coefficient)
    assert step_of(coefficient) == n


@pytest.mark.parametrize("coefficient", [1.7759, 2.0, 2.08, 2.16475, 0.5, -1.0, 0.0])
def test_other_values_are_not(coefficient: float) -> None:
    # 2.0 is between 1.02^35 (1.9999) and 1.02^36 (2.0399); 2.16475 has a 5th decimal;
    # 0.5 is 1.02^-35 rounded, but a coefficient never falls below its base of 1.
    assert not is_published_step(coefficient)
    assert step_of(coefficient) is None


def test_one_is_the_zeroth_step() -> None:
    # 1.02^0 = 1: a power of 1.02, though no coefficient of the period is that low.
    assert step_of(1.0) == 0


def _c(government: str, day: date, value: float) -> IndexCoefficient:
    return IndexCoefficient(
        government=Government(government), in_force_from=day, coefficient=value, source="test"
    )


SERIES = [
    _c("federal", date(2023, 1, 1), 1.9999),
    _c("federal", date(2023, 12, 1), 2.0399),
    _c("federal", date(2024, 6, 1), 2.0807),
]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2023, 1, 1), 1.9999),  # the first day it applies
        (date(2023, 11, 30), 1.9999),  # the day before the next one
        (date(2023, 12, 1), 2.0399),
        (date(2024, 5, 31), 2.0399),
        (date(2030, 1, 1), 2.0807),  # the latest stays in force
    ],
)
def test_coefficient_on(day: date, expected: float) -> None:
    assert coefficient_on(day, SERIES, "federal") == expected
    # order does not matter
    assert coefficient_on(day, list(reversed(SERIES)), Government.FEDERAL) == expected


def test_no_coefficient_before_the_first() -> None:
    with pytest.raises(ValueError, match="2022-12-31"):
        coefficient_on(date(2022, 12, 31), SERIES, "federal")
    with pytest.raises(ValueError):
        coefficient_on(date(2024, 1, 1), [], "federal")
    with pytest.raises(ValueError, match="local"):  # another government's series is not its
        coefficient_on(date(2024, 1, 1), SERIES, "local")


def test_latest() -> None:
    assert latest(list(reversed(SERIES)), "federal") == SERIES[-1]
    with pytest.raises(ValueError):
        latest([], "federal")


# Each government from its own month: federal pay rose to 2.1647 on 1 March 2026 (the third
# month after the pivot index was exceeded in December 2025, programme law of 18 July 2025);
# a government whose raise came a month earlier (here: local, on 1 February 2026) pays
# 2.1647 in February while federal pay is still at 2.1223.
OWN_MONTHS = [
    _c("federal", date(2025, 3, 1), 2.1223),
    _c("federal", date(2026, 3, 1), 2.1647),
    _c("local", date(2025, 3, 1), 2.1223),
    _c("local", date(2026, 2, 1), 2.1647),
]


@pytest.mark.parametrize(
    ("day", "federal", "local"),
    [
        (date(2026, 1, 31), 2.1223, 2.1223),
        (date(2026, 2, 1), 2.1223, 2.1647),  # local raised, federal not yet
        (date(2026, 2, 28), 2.1223, 2.1647),
        (date(2026, 3, 1), 2.1647, 2.1647),
    ],
)
def test_each_government_from_its_own_month(day: date, federal: float, local: float) -> None:
    assert coefficient_on(day, OWN_MONTHS, "federal") == federal
    assert coefficient_on(day, OWN_MONTHS, "local") == local


def test_the_shipped_federal_raise_of_2026_is_in_march() -> None:
    from selstats.reference import load_reference

    federal = load_reference().coefficients
    # the programme law of 2025: December 2025 + 3 months = 1 March 2026, not 1 January
    assert coefficient_on(date(2026, 2, 28), federal, "federal") == 2.1223
    assert coefficient_on(date(2026, 3, 1), federal, "federal") == 2.1647
    assert latest(federal, "federal").in_force_from == date(2026, 3, 1)
