"""Validity of lists and reserves: Belnet and POD MI "1 jaar geldig", Maaseik "een
geldigheidsduur van twee jaar", Opgroeien "1 jaar geldig ... vanaf het einde van de
selectieprocedure. De reserve wordt verlengd als Opgroeien Regie dat vraagt."

Counting rule (validity.py): a list of day D valid N months can be used up to and including
the day before the same calendar day N months later. A permanently open procedure (no
application deadline, no list date) has no day D of its own: each laureate's reserve runs
from the end of their own procedure, the date of their latest result (README, "Choices").
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from selstats.rules.derive import derive
from selstats.rules.validity import ListValidity, laureate_reserves, valid_until, validity_on
from tests.rules.conftest import OPGROEIEN, opgroeien_steps


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
    # No list date (not drawn up yet, or a laureate without a result date): no end yet.
    until = valid_until(None, 12)
    assert until is None
    assert validity_on(until, as_of) is ListValidity.OPEN


def test_validity_values_are_the_stored_words() -> None:
    assert [v.value for v in ListValidity] == ["valid", "expired", "open", "not_started"]


def test_a_list_is_not_valid_before_its_first_day() -> None:
    # A list of 15/09/2023 (through 14/09/2024) did not exist yet on 14/09/2023.
    until = valid_until(date(2023, 9, 15), 12)
    assert validity_on(until, date(2023, 9, 14), date(2023, 9, 15)) is ListValidity.NOT_STARTED
    assert validity_on(until, date(2023, 9, 15), date(2023, 9, 15)) is ListValidity.VALID
    assert validity_on(until, date(2024, 9, 15), date(2023, 9, 15)) is ListValidity.EXPIRED
    # without an end it stays open whatever the start
    assert validity_on(None, date(2023, 9, 14), date(2023, 9, 15)) is ListValidity.OPEN


# --- each laureate's own reserve ----------------------------------------------------------

OPEN_CODE = "OPEN"  # permanently open: no application deadline, no list date
LISTED = "LISTED"  # an ordinary procedure: deadline 01/03/2025, list of 05/04/2025
PENDING = "PENDING"  # an ordinary procedure whose list is not drawn up yet
NO_DEADLINE_LISTED = "NODL"  # no deadline, but a list date was given: the list date counts


def _procedures() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "procedure_code": [OPEN_CODE, LISTED, PENDING, NO_DEADLINE_LISTED],
            "application_deadline": [None, date(2025, 3, 1), date(2026, 6, 1), None],
            "list_date": [None, date(2025, 4, 5), None, date(2024, 1, 31)],
            "validity_months": [12, 12, 24, 12],
        },
        schema_overrides={"application_deadline": pl.Date, "list_date": pl.Date},
    )


def _result_dates(rows: list[tuple[str, str, date | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"procedure_code": pl.String, "candidate_ref": pl.String, "result_date": pl.Date},
        orient="row",
    )


def _own_reserves() -> dict[tuple[str, str], tuple[Any, Any]]:
    laureates = pl.DataFrame(
        {
            "procedure_code": [OPEN_CODE] * 4 + [LISTED] * 2 + [PENDING, NO_DEADLINE_LISTED],
            "candidate_ref": ["O1", "O2", "O3", "O4", "L1", "L2", "P1", "N1"],
            "final_score": [1.0] * 8,
            "rank": [None] * 8,
        },
        schema_overrides={"rank": pl.Int64},
    )
    results = _result_dates(
        [
            # O1: CV screening 01/08/2023, jury interview 15/09/2023 -> the latest counts
            (OPEN_CODE, "O1", date(2023, 8, 1)),
            (OPEN_CODE, "O1", date(2023, 9, 15)),
            (OPEN_CODE, "O2", date(2024, 2, 29)),
            (OPEN_CODE, "O3", date(2023, 3, 1)),
            (OPEN_CODE, "O4", None),  # no date imported
            # an ordinary list: the result dates do not matter
            (LISTED, "L1", date(2025, 3, 20)),
            (LISTED, "L2", date(2025, 3, 28)),
            (PENDING, "P1", date(2026, 6, 20)),
            (NO_DEADLINE_LISTED, "N1", date(2024, 1, 10)),
        ]
    )
    frame = laureate_reserves(laureates, results, _procedures())
    assert frame.columns == [
        "procedure_code",
        "candidate_ref",
        "final_score",
        "rank",
        "list_date",
        "valid_until",
    ]
    return {
        (r["procedure_code"], r["candidate_ref"]): (r["list_date"], r["valid_until"])
        for r in frame.iter_rows(named=True)
    }


def test_a_permanently_open_reserve_runs_one_year_from_each_laureates_last_result() -> None:
    own = _own_reserves()
    # O1: last result 15/09/2023; + 1 year = 15/09/2024; the day before = 14/09/2024.
    assert own[(OPEN_CODE, "O1")] == (date(2023, 9, 15), date(2024, 9, 14))
    # O2: last result 29/02/2024; 29/02/2025 does not exist -> anniversary 01/03/2025;
    # the day before = 28/02/2025.
    assert own[(OPEN_CODE, "O2")] == (date(2024, 2, 29), date(2025, 2, 28))
    # O3: last result 01/03/2023; + 1 year = 01/03/2024; the day before = 29/02/2024 (leap).
    assert own[(OPEN_CODE, "O3")] == (date(2023, 3, 1), date(2024, 2, 29))
    # O4: no result date: no start, no end (open).
    assert own[(OPEN_CODE, "O4")] == (None, None)


def test_an_ordinary_list_gives_every_laureate_its_dates() -> None:
    own = _own_reserves()
    # list of 05/04/2025, 12 months: through 04/04/2026 for both, whatever their results' dates
    assert own[(LISTED, "L1")] == own[(LISTED, "L2")] == (date(2025, 4, 5), date(2026, 4, 4))
    # no list drawn up yet (the procedure had a deadline): no start, no end
    assert own[(PENDING, "P1")] == (None, None)
    # no deadline but a list date: the list date; 31/01/2024 + 1 year = 31/01/2025 -> 30/01/2025
    assert own[(NO_DEADLINE_LISTED, "N1")] == (date(2024, 1, 31), date(2025, 1, 30))


def test_a_laureates_reserve_lapses_or_is_extended_on_its_own() -> None:
    # O1 (through 14/09/2024) extended to 14/09/2025 at the organisation's request; O2
    # (through 28/02/2025) not extended.
    own = _own_reserves()
    o1_start, o1_end = own[(OPEN_CODE, "O1")]
    o2_start, o2_end = own[(OPEN_CODE, "O2")]
    o1 = valid_until(o1_start, 12, date(2025, 9, 14))
    assert (o1_end, o1) == (date(2024, 9, 14), date(2025, 9, 14))  # the later end replaces it
    assert validity_on(o1, date(2025, 3, 1), o1_start) is ListValidity.VALID
    assert validity_on(o2_end, date(2025, 3, 1), o2_start) is ListValidity.EXPIRED
    # 28/02/2025, O2's last day: both valid
    assert validity_on(o2_end, date(2025, 2, 28), o2_start) is ListValidity.VALID
    # before O2 entered the reserve (29/02/2024), on 28/02/2024: not in force yet
    assert validity_on(o2_end, date(2024, 2, 28), o2_start) is ListValidity.NOT_STARTED


def test_derive_gives_an_open_procedures_list_the_last_laureates_end() -> None:
    """Opgroeien through the whole engine. O1 applies in August 2023: CV 01/08, phone 60 on
    10/08, competency and jury 15/09/2023 (passed). O2: CV 01/02/2024, phone 70 on 10/02,
    competency and jury 29/02/2024 (passed). O3: phone 40 < 50 % on 10/03/2024 (failed).
    Reserve: O1 15/09/2023 -> 14/09/2024, O2 29/02/2024 -> 28/02/2025 (no 29/02/2025:
    the anniversary is 01/03/2025). The list's own last day: the later, 28/02/2025."""

    def row(cand: str, step_no: int, day: date, score: float | None = None) -> dict[str, Any]:
        outcome = None if score is not None else "passed"
        return {
            "procedure_code": OPGROEIEN,
            "candidate_ref": cand,
            "step_no": step_no,
            "score": score,
            "outcome_given": outcome,
            "result_date": day,
        }

    rows = [
        row("O1", 1, date(2023, 8, 1)),
        row("O1", 2, date(2023, 8, 10), 60.0),
        row("O1", 3, date(2023, 9, 15)),
        row("O1", 4, date(2023, 9, 15)),
        row("O2", 1, date(2024, 2, 1)),
        row("O2", 2, date(2024, 2, 10), 70.0),
        row("O2", 3, date(2024, 2, 29)),
        row("O2", 4, date(2024, 2, 29)),
        row("O3", 1, date(2024, 3, 1)),
        row("O3", 2, date(2024, 3, 10), 40.0),
    ]
    procedures = pl.DataFrame(
        {
            "procedure_code": [OPGROEIEN],
            "list_max": [None],
            "ranked": [False],
            "application_deadline": [None],
            "list_date": [None],
            "validity_months": [12],
        },
        schema_overrides={
            "list_max": pl.Int64,
            "application_deadline": pl.Date,
            "list_date": pl.Date,
        },
    )
    d = derive(opgroeien_steps(), pl.DataFrame(rows), procedures)
    own = {
        r["candidate_ref"]: (r["list_date"], r["valid_until"])
        for r in d.laureates.iter_rows(named=True)
    }
    assert own == {
        "O1": (date(2023, 9, 15), date(2024, 9, 14)),
        "O2": (date(2024, 2, 29), date(2025, 2, 28)),
    }
    assert d.lists.select(
        "procedure_code", "list_date", "valid_until", "size", "permanently_open"
    ).rows() == [(OPGROEIEN, None, date(2025, 2, 28), 2, True)]
