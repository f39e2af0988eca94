"""How long a list of laureates / recruitment reserve stays valid.

A list drawn up on day D and valid for N months can be used up to and including the day
before its anniversary, the same calendar day N months later: a one-year list of 15/09/2023
is valid through 14/09/2024 and expired on 15/09/2024; one of 01/03/2023 through 29/02/2024.
When the anniversary day does not exist, it falls on the first day of the next month
(a one-year list of 29/02/2024 runs through 28/02/2025). An extension replaces the end date
when it is later. A list is not valid before its list date.

Each laureate's reserve runs from the list date. A permanently open procedure (no
application deadline and no list date: Opgroeien req16131 "staat permanent open") screens
candidates as they apply, so it has no single end: the source's reserve "1 jaar geldig ...
vanaf het einde van de selectieprocedure" then runs, for each laureate, from the end of
their own procedure, taken to be the date of their latest result (their last step). Such a
reserve expires laureate by laureate and is extended per laureate (list_entries'
extended_until), like any other. A laureate of an ordinary procedure whose list date is not
known yet, or of a permanently open one without a result date, has no end: "open".
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum

import polars as pl

KEY = ["procedure_code", "candidate_ref"]


class ListValidity(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    OPEN = "open"  # no end date yet (no list date, or no result date for an open procedure)
    NOT_STARTED = "not_started"  # the date lies before the list date / entry in the reserve


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


def validity_on(until: date | None, as_of: date, start: date | None = None) -> ListValidity:
    """Whether a list (or one laureate's reserve) running from `start` through `until` can be
    used on `as_of`: valid from its first through its last day."""
    if until is None:
        return ListValidity.OPEN
    if start is not None and as_of < start:
        return ListValidity.NOT_STARTED
    return ListValidity.VALID if as_of <= until else ListValidity.EXPIRED


# A permanently open procedure, on a frame with application_deadline and list_date: it has no
# application deadline and no list date, and takes candidates as they apply.
PERMANENTLY_OPEN = pl.col("application_deadline").is_null() & pl.col("list_date").is_null()


def laureate_reserves(
    laureates: pl.DataFrame, results: pl.DataFrame, procedures: pl.DataFrame
) -> pl.DataFrame:
    """`laureates` with each one's own reserve: `list_date`, the day it starts (the
    procedure's list date; in a permanently open procedure the end of the laureate's own
    procedure, the date of their latest result), and `valid_until`, its last day before any
    extension (`valid_until` of that start; None while it has no start).

    `results`: procedure_code, candidate_ref, result_date (the laureate's rows).
    `procedures`: procedure_code, application_deadline, list_date, validity_months."""
    columns = laureates.columns
    last = (
        results.filter(pl.col("result_date").is_not_null())
        .group_by(KEY)
        .agg(pl.col("result_date").max().alias("last_result"))
    )
    rules = procedures.select(
        "procedure_code",
        pl.col("list_date").alias("procedure_list_date"),
        pl.col("validity_months").cast(pl.Int64),
        PERMANENTLY_OPEN.alias("permanently_open"),
    )
    frame = (
        laureates.drop("list_date", "valid_until", strict=False)
        .join(rules, on="procedure_code", how="left", maintain_order="left")
        .join(last, on=KEY, how="left", maintain_order="left")
        .with_columns(
            list_date=pl.when(pl.col("permanently_open").fill_null(False))
            .then(pl.col("last_result"))
            .otherwise(pl.col("procedure_list_date"))
        )
    )
    # The rule per distinct (start, validity): a handful of dates, not one call per laureate.
    pairs = frame.select("list_date", "validity_months").unique().drop_nulls()
    ends = pairs.with_columns(
        pl.Series(
            "valid_until",
            [valid_until(day, months) for day, months in pairs.iter_rows()],
            dtype=pl.Date,
        )
    )
    frame = frame.join(ends, on=["list_date", "validity_months"], how="left", maintain_order="left")
    kept = [c for c in columns if c not in ("list_date", "valid_until")]
    return frame.select(*kept, "list_date", "valid_until")
