"""Validity of lists and reserves: Belnet and POD MI "1 jaar geldig", Maaseik "een
geldigheidsduur van twee jaar", Opgroeien "1 jaar geldig ... vanaf het einde van de
selectieprocedure. De reserve wordt verlengd als Opgroeien Regie dat vraagt."

Counting rule (validity.py): a list of day D valid N months can be used up to and including
the day before the same calendar day N months later.
"""

from __future__ import annotations

from datetime import date

import pytest

from selstats.rules.validity import ListValidity, valid_until, validity_on


def test_one_year_from_15_09_2023_ends_on_14_09_2024() -> None:
    # 15/09/2023 + 1 year = 15/09/2024; the day before = 14/09/2024.
    until = valid_until(date(2023, 9, 15), 12)
    assert until == date(2024, 9, 14)
    assert validity_on(until, date(2024, 9, 14)) is ListValidity.VALID
    assert validity_on(until, date(2024, 9, 15)) is ListValidity.EXPIRED
    # And on the list date itself it is of course valid.
    assert validity_on(until, date(2023, 9, 15)) is ListValidity.VALID


def test_two_years_for_maaseik() -> None:
    # Reserve of, say, 01/09/2026 valid two years: 01/09/2028 - 1 day = 31/08/2028.
    until = valid_until(date(2026, 9, 1), 24)
    assert until == date(2028, 8, 31)
    assert validity_on(until, date(2028, 8, 31)) is ListValidity.VALID
    assert validity_on(until, date(2028, 9, 1)) is ListValidity.EXPIRED


def test_one_year_across_a_year_boundary() -> None:
    # 01/01/2024 + 1 year = 01/01/2025; the day before = 31/12/2024.
    assert valid_until(date(2024, 1, 1), 12) == date(2024, 12, 31)


def test_extension_later_than_the_end_replaces_it() -> None:
    # One year from 15/09/2023 ends 14/09/2024; extended to 31/03/2025 -> 31/03/2025.
    until = valid_until(date(2023, 9, 15), 12, date(2025, 3, 31))
    assert until == date(2025, 3, 31)
    assert validity_on(until, date(2025, 1, 10)) is ListValidity.VALID
    assert validity_on(until, date(2025, 4, 1)) is ListValidity.EXPIRED


def test_extension_earlier_than_the_end_does_not_shorten_it() -> None:
    # An "extension" to 30/06/2024 is before 14/09/2024: the end stays 14/09/2024.
    assert valid_until(date(2023, 9, 15), 12, date(2024, 6, 30)) == date(2024, 9, 14)
    # Equal to the end: still 14/09/2024.
    assert valid_until(date(2023, 9, 15), 12, date(2024, 9, 14)) == date(2024, 9, 14)


def test_list_expiring_today_is_valid_today_and_expired_tomorrow() -> None:
    until = date(2025, 6, 30)
    assert validity_on(until, date(2025, 6, 30)) is ListValidity.VALID
    assert validity_on(until, date(2025, 7, 1)) is ListValidity.EXPIRED
    assert validity_on(until, date(2025, 6, 29)) is ListValidity.VALID


def test_leap_day_plus_twelve_months() -> None:
    # 29/02/2024 + 12 months: 29/02/2025 does not exist; the list runs through 28/02/2025
    # (as documented) and is expired on 01/03/2025.
    until = valid_until(date(2024, 2, 29), 12)
    assert until == date(2025, 2, 28)
    assert validity_on(until, date(2025, 2, 28)) is ListValidity.VALID
    assert validity_on(until, date(2025, 3, 1)) is ListValidity.EXPIRED


def test_first_of_march_into_a_common_year() -> None:
    # 01/03/2024 + 1 year = 01/03/2025; the day before is 28/02/2025 (2025 is no leap year).
    assert valid_until(date(2024, 3, 1), 12) == date(2025, 2, 28)


def test_first_of_march_into_a_leap_year() -> None:
    # The documented rule: usable through the day before the same calendar day N months
    # later. 01/03/2023 + 1 year = 01/03/2024; the day before is 29/02/2024 (leap year).
    assert valid_until(date(2023, 3, 1), 12) == date(2024, 2, 29)
    # Maaseik, two years: 01/03/2026 + 2 years = 01/03/2028; the day before = 29/02/2028.
    until = valid_until(date(2026, 3, 1), 24)
    assert until == date(2028, 2, 29)
    assert validity_on(until, date(2028, 2, 29)) is ListValidity.VALID


@pytest.mark.parametrize("as_of", [date(2000, 1, 1), date(2024, 9, 15), date(2100, 12, 31)])
def test_no_list_date_is_open(as_of: date) -> None:
    # Opgroeien is permanently open: no end of the procedure yet -> no end of the reserve.
    until = valid_until(None, 12)
    assert until is None
    assert validity_on(until, as_of) is ListValidity.OPEN


def test_validity_values_are_the_stored_words() -> None:
    assert [v.value for v in ListValidity] == ["valid", "expired", "open"]
