"""No person and no exact small count reaches an analyst, in any Explore table or column
(issue 13 item 2: the `certification` table carried consultant references such as
`CONS-0047` in `fragile_roles`, and exact small counts such as `az_fr 1`).

Every table of the Explore page (`selstats.tables.EXPORT_TABLES`, which the downloads and
`selstats export` use too) is read as the page reads it, through
`selstats.ui.db.cached_query`, on the demo store (scale S), once as an analyst and once as
bosa. The person references looked for are the store's own: every consultant and candidate
reference it holds. The bosa run shows that the check finds what it looks for (bosa sees
`fragile_roles` with consultant references, and exact small counts).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
import streamlit as st

from selstats.access.roles import Role
from selstats.access.scope import Access
from selstats.access.suppression import min_cell, query_policy
from selstats.figures import Privacy, catalogue
from selstats.figures.catalogue import Unit
from selstats.tables import EXPORT_TABLES, Scope, table_params
from selstats.ui import db
from selstats.ui.session import ACCESS_KEY

ANALYST = Access("analyst", (Role.ANALYST,))
BOSA = Access("bosa", (Role.BOSA,))
AS_OF = date(2026, 5, 1)
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

Reader = Callable[[Access], dict[str, pl.DataFrame]]


@pytest.fixture(scope="module")
def person_refs(demo_store_file: Path) -> frozenset[str]:
    """Every consultant and candidate reference in the store (CONS-0001..., R0000000...)."""
    con = duckdb.connect(str(demo_store_file), read_only=True)
    try:
        refs = con.sql(
            "select consultant_ref as ref from consultants"
            " union select consultant_ref from qchecks"
            " union select candidate_ref from results"
            " union select candidate_ref from laureates"
            " union select candidate_ref from list_entries"
        ).pl()["ref"]
    finally:
        con.close()
    return frozenset(refs.drop_nulls().to_list())


@pytest.fixture
def read_as(demo_store_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Reader]:
    monkeypatch.setenv("SELSTATS_DB", str(demo_store_file))
    monkeypatch.delenv("SELSTATS_MIN_CELL", raising=False)

    def read(access: Access) -> dict[str, pl.DataFrame]:
        """Every Explore table with the sidebar's default (all years, everything)."""
        st.session_state[ACCESS_KEY] = access
        params = table_params(None, Scope(), as_of=AS_OF)  # type: ignore[arg-type]
        return {t: db.cached_query(q, **params) for t, q in EXPORT_TABLES.items()}

    yield read
    st.session_state.pop(ACCESS_KEY, None)


def _people_named(frames: dict[str, pl.DataFrame], refs: frozenset[str]) -> list[str]:
    """Each (table, column) whose cells name one of `refs`, with an example."""
    found = []
    for table, frame in frames.items():
        for column in frame.columns:
            cells = [str(v) for v in frame[column].drop_nulls().to_list()]  # lists too
            named = {tok for cell in cells for tok in TOKEN.findall(cell) if tok in refs}
            if named:
                found.append(f"{table}.{column}: {sorted(named)[0]}")
    return sorted(found)


def _exact_small(frames: dict[str, pl.DataFrame], threshold: int) -> list[str]:
    """Each (table, column) of people counts (privacy count) that shows a count of 1 to
    threshold-1 as it is, and each column of exact detail (privacy exact) with a value."""
    figures = catalogue()
    found = []
    for table, frame in frames.items():
        for column in figures.with_privacy(frame.columns, Privacy.COUNT):
            values = frame[column].cast(pl.String).drop_nulls().to_list()
            small = [v for v in values if v.isdigit() and 1 <= int(v) <= threshold - 1]
            if small:
                found.append(f"{table}.{column} = {small[0]}")
        for column in figures.with_privacy(frame.columns, Privacy.EXACT):
            if frame[column].drop_nulls().len():
                found.append(f"{table}.{column} (exact) = {frame[column].drop_nulls()[0]}")
    return sorted(found)


def test_the_checks_find_people_and_small_counts_where_they_are_allowed(
    read_as: Reader, person_refs: frozenset[str]
) -> None:
    """bosa sees everything: consultant references in `certification.fragile_roles`, small
    counts as they are (a check that finds nothing here could not fail below)."""
    frames = read_as(BOSA)
    named = _people_named(frames, person_refs)
    assert any(f.startswith("certification.fragile_roles: CONS-") for f in named), named
    assert any(f.startswith("certification_fragility.") for f in named), named
    assert any(f.startswith("laureates.") for f in named), named
    small = _exact_small(frames, min_cell())
    assert any(f.startswith("certification.az_fr = ") for f in small), small
    assert any(f.startswith("certification.gaps (exact)") for f in small), small


def test_no_analyst_table_names_a_person(read_as: Reader, person_refs: frozenset[str]) -> None:
    assert _people_named(read_as(ANALYST), person_refs) == []


def test_no_analyst_table_shows_an_exact_small_count(read_as: Reader) -> None:
    assert _exact_small(read_as(ANALYST), min_cell()) == []


def test_every_column_an_analyst_gets_has_a_privacy_class(read_as: Reader) -> None:
    """A column the catalogue does not know could carry anything: each Explore column is
    declared, and none of privacy 'person' reaches an analyst."""
    figures = catalogue()
    frames = read_as(ANALYST)
    undeclared = [f"{t}.{c}" for t, f in frames.items() for c in f.columns if c not in figures]
    assert undeclared == []
    personal = [
        f"{t}.{c}"
        for t, f in frames.items()
        for c in figures.with_privacy(f.columns, Privacy.PERSON)
    ]
    assert personal == []


def test_candidate_level_tables_are_empty_for_an_analyst(read_as: Reader) -> None:
    frames = read_as(ANALYST)
    candidate_level = [t for t, q in EXPORT_TABLES.items() if query_policy(q).candidate_level]
    # the laureates (one row per person) and the fragile conditions (one per consultant)
    assert {"laureates", "certification_fragility"} <= set(candidate_level)
    assert {t: frames[t].height for t in candidate_level} == dict.fromkeys(candidate_level, 0)


# Counts in the catalogue that are not of people, and so are shown as they are (privacy
# none): of organisations, procedures, steps, lists, Q-checks, days, imported rows, or
# BOSA's published national totals. A count of people declared privacy none would reach
# analysts exact; a new count figure must be classified here or as privacy count.
NOT_PEOPLE = {
    "organisations": {
        "organisations",
        "meeting_conditions",
        "failing_conditions",
        "qualifying",
        "organisations_at_risk",
        "organisations_fragile",
        "reviews_due",
    },
    "procedures and steps": {
        "procedures",
        "procedures_with_step",
        "held_in",
        "not_held_in",
        "pending_in",
        "procedures_in_funnel",
        "held_steps",
        "steps",
    },
    "lists": {"lists", "valid", "expired", "open", "expiring_30", "expiring_90", "not_started"},
    "Q-checks": {
        "qcheck_count",
        "checks_needed_at_recent",
        "checks_needed_at_100",
        "qchecks_counted",
        "qchecks_in_year",
    },
    "days": {"days_to_review", "days_left"},
    "imported rows": {"rows_imported"},
    # the planner's forecasts: modelled from past steps whose hidden counts were dropped
    # first (selstats.planner.history.usable), never an observed count of people
    "planner forecasts": {
        "needed_applicants",
        "laureates_low",
        "laureates_high",
        "past_procedures",
    },
    "BOSA's national totals": {
        "national_vacancies",
        "national_applicants",
        "national_tested",
        "national_laureates",
        "national_value",
    },
}


def test_every_count_shown_as_it_is_counts_no_people() -> None:
    exact_counts = {
        name
        for name, figure in catalogue().items()
        if figure.unit is Unit.COUNT and figure.privacy is Privacy.NONE
    }
    assert exact_counts == set().union(*NOT_PEOPLE.values())
    # the counts of people the issue found exact on Explore are suppressed
    people = {"certified_staff", "az_nl", "az_fr", "tests_nl", "tests_fr", "pro_partners"}
    assert people <= set(catalogue().with_privacy(sorted(people), Privacy.COUNT))
