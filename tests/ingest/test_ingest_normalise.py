"""The text rules one by one: numbers, dates, booleans, enum words, levels, step lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl
import pytest

from selstats.ingest import normalise as nz
from selstats.ingest.columns import OUTCOME_CHOICES, choice_key, header_key, table_for


def _apply(expr_of: object, values: Sequence[str | None]) -> list[object]:
    frame = pl.DataFrame({"s": pl.Series(values, dtype=pl.String)})
    return frame.select(expr_of(pl.col("s")).alias("s"))["s"].to_list()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("-3", -3.0),
        (",5", 0.5),
        ("1.234", 1.234),  # one separator is always decimal
        ("1,234", 1.234),
        ("1.234.567", 1234567.0),  # thousands dots: unambiguous with two groups
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1 234,5", 1234.5),
        ("1\u00a0234", 1234.0),  # non-breaking space, as Excel writes it
        ("1,5E+03", 1500.0),
        ("afwezig", None),
        ("12,5,3", None),
        ("1.23.4", None),
        ("inf", None),
        ("NaN", None),
        ("12 5", None),
        (None, None),
    ],
)
def test_parse_number(text: str | None, value: float | None) -> None:
    assert _apply(nz.parse_number, [text]) == [value]


def test_parse_number_percent_sign_only_where_allowed() -> None:
    assert _apply(lambda e: nz.parse_number(e, percent=True), ["85 %", "85%"]) == [85.0, 85.0]
    assert _apply(nz.parse_number, ["85 %"]) == [None]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("05/03/2024", date(2024, 3, 5)),
        ("5/3/2024", date(2024, 3, 5)),
        ("05-03-2024", date(2024, 3, 5)),
        ("05.03.2024", date(2024, 3, 5)),
        ("2024-03-05", date(2024, 3, 5)),
        ("2024-3-5", date(2024, 3, 5)),
        ("2024-03-05 00:00:00", date(2024, 3, 5)),
        ("05/03/2024 14:30", date(2024, 3, 5)),
        ("2024-03-05T10:00:00.000000", date(2024, 3, 5)),
        ("29/02/2024", date(2024, 2, 29)),  # 2024 is a leap year
        ("29/02/2023", None),
        ("31/04/2024", None),
        ("05/03/24", None),  # two-digit years are not guessed
        ("03/15/2024", None),  # month-first does not exist here
        ("45356", None),  # a serial number only counts in a workbook
        ("gisteren", None),
    ],
)
def test_parse_date(text: str, value: date | None) -> None:
    assert _apply(nz.parse_date, [text]) == [value]


def test_parse_date_excel_serials_in_workbooks() -> None:
    # 1 = 1900-01-01; 61 = 1900-03-01 (Excel counts a 29/02/1900 that never was, which
    # an epoch of 1899-12-30 absorbs for every date from March 1900 on);
    # 45356 = 2024-03-05 (2024-01-01 is 45292, + 31 + 29 + 4)
    values = _apply(lambda e: nz.parse_date(e, serials=True), ["61", "45356", "45356.75", "0"])
    assert values == [date(1900, 3, 1), date(2024, 3, 5), date(2024, 3, 5), None]


@pytest.mark.parametrize(
    ("words", "value"),
    [
        (["TRUE", "true", "1", "ja", "Ja", "oui", "yes", "waar", "vrai", "1.0"], True),
        (["FALSE", "false", "0", "nee", "NEE", "non", "no", "onwaar", "faux", "0.0"], False),
        (["misschien", "x", "2"], None),
    ],
)
def test_parse_bool(words: list[str], value: bool | None) -> None:
    assert _apply(nz.parse_bool, words) == [value] * len(words)


@pytest.mark.parametrize(
    ("word", "outcome"),
    [
        ("passed", "passed"),
        ("Geslaagd", "passed"),
        ("réussi", "passed"),
        ("REUSSI", "passed"),
        ("failed", "failed"),
        ("niet geslaagd", "failed"),
        ("Niet  Geslaagd", "failed"),
        ("échoué", "failed"),
        ("absent", "absent"),
        ("afwezig", "absent"),
        ("withdrawn", "withdrawn"),
        ("teruggetrokken", "withdrawn"),
        ("désisté", "withdrawn"),
        ("not_registered", "not_registered"),
        ("not registered", "not_registered"),
        ("niet ingeschreven", "not_registered"),
        ("non inscrit", "not_registered"),
        ("non-inscrit", "not_registered"),
        ("cut_off", "cut_off"),
        ("Cut-off", "cut_off"),
        ("gebuisd", None),
    ],
)
def test_outcome_words_in_three_languages(word: str, outcome: str | None) -> None:
    assert _apply(lambda e: nz.parse_choice(e, OUTCOME_CHOICES), [word]) == [outcome]
    # the Python and polars spellings of the comparison key agree
    assert (choice_key(word) in OUTCOME_CHOICES) == (outcome is not None)


def test_levels_and_step_lists() -> None:
    assert _apply(nz.parse_level, ["A", "a2", "B1", "C1", "d", "E", "A2B", "AA", "1"]) == [
        "A",
        "A2",
        "B1",
        "C1",
        "D",
        None,
        None,
        None,
        None,
    ]
    assert _apply(nz.parse_step_list, ["2,3", "2; 3", "2 + 3 + 4", "3", "0,1", "2.3", "a"]) == [
        "2,3",
        "2,3",
        "2,3,4",
        "3",
        None,
        None,
        None,
    ]


def test_table_names_and_header_keys() -> None:
    from pathlib import Path

    assert table_for(Path("Results.CSV")) == "results"
    assert table_for(Path("x/list_entries.parquet")) == "list_entries"
    assert table_for(Path("resultaten.csv")) is None
    assert table_for(Path("results.xls")) is None
    assert header_key("\ufeff Procedure Code ") == "procedure_code"
    assert header_key("step-no") == "step_no"
