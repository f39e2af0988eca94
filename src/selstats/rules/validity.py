"""How long a list of laureates / recruitment reserve stays valid.

A list drawn up on day D and valid for N months can be used up to and including the day
before its anniversary, the same calendar day N months later: a one-year list of 15/09/2023
is valid through 14/09/2024 and expired on 15/09/2024; one of 01/03/2023 through 29/02/2024.
When the anniversary day does not exist, it falls on the first day of the next month
(a one-year list of 29/02/2024 runs through 28/02/2025). An extension replaces the end date
when it is later. A list whose list date is not known yet (a permanently open procedure) is
"open": it has no end.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum


class ListValidity(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    OPEN = "open"  # no list date yet


def anniversary(day: date, months: int) -> date:
    """The same calendar day `months` later; a day the month lacks rolls into the next month."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if day.day <= last:
        return date(year, month, day.day)
    return date(year, month, last) + timedelta(days=1)


def valid_until(
    list_date: date | None, validity_months: int | None, extended_until: date | None = None
) -> date | None:
    """The last day on which the list may still be used, or None when it has no end yet."""
    if list_date is None or validity_months is None:
        return extended_until
    end = anniversary(list_date, validity_months) - timedelta(days=1)
    if extended_until is not None and extended_until > end:
        return extended_until
    return end


def validity_on(until: date | None, as_of: date) -> ListValidity:
    """Whether a list ending on `until` can still be used on `as_of` (valid on its last day)."""
    if until is None:
        return ListValidity.OPEN
    return ListValidity.VALID if as_of <= until else ListValidity.EXPIRED
