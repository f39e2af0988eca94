"""`selstats.ui.db.cached_query`'s own cache: a hit runs no query and hands out a frame of
its own; `st.cache_data.clear()` and a replaced store file are noticed; one user's scope,
suppression or candidate rows never reach another user through the cache.

Run outside a Streamlit script (bare mode): the session state is then one process-wide
mock, where each test puts the `Access` it needs."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
import streamlit as st

from selstats import query
from selstats.access.roles import Role
from selstats.access.scope import Access
from selstats.ui import db
from selstats.ui.session import ACCESS_KEY
from tests.fixtures.small_store import build_small_store
from tests.ui.conftest import build_store

BOSA = Access("bosa", (Role.BOSA,))
HR_B = Access("hr-b", (Role.HR,), ("ORG-B",))
ANALYST = Access("analyst", (Role.ANALYST,))
EVERYTHING: dict[str, Any] = {
    "year_from": None,
    "year_to": None,
    "govs": (),
    "orgs": (),
    "levels": (),
    "procs": (),
    "allowed": None,
    "as_of": date(2026, 1, 1),
}


@pytest.fixture(autouse=True)
def _nobody_logged_in() -> Iterator[None]:
    st.session_state.pop(ACCESS_KEY, None)
    yield
    st.session_state.pop(ACCESS_KEY, None)


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The queries that really ran (cache misses), by name."""
    ran: list[str] = []
    original = query.run

    def counting(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pl.DataFrame:
        ran.append(name)
        return original(con, name, **params)

    monkeypatch.setattr(query, "run", counting)
    return ran


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The hand-computed small store: ORG-A (P-A1, laureates A01, A03) and ORG-B (P-B1,
    P-B2, laureate B01)."""
    path = build_small_store(tmp_path / "small.duckdb", with_reference=False)
    monkeypatch.setenv("SELSTATS_DB", str(path))
    return path


def as_user(access: Access) -> None:
    st.session_state[ACCESS_KEY] = access


def orgs(frame: pl.DataFrame) -> list[str]:
    return sorted(frame["org_id"].to_list())


def test_a_hit_runs_no_query_and_gives_a_frame_of_its_own(store: Path, runs: list[str]) -> None:
    as_user(BOSA)
    first = db.cached_query("filter_options_organisations", **EVERYTHING)
    assert orgs(first) == ["ORG-A", "ORG-B"]
    first.columns = ["a", "b", "c"]  # in place: must not reach the cache
    first.insert_column(0, pl.Series("extra", [1, 2]))
    again = db.cached_query("filter_options_organisations", **EVERYTHING)
    assert again.columns == ["org_id", "name", "government"]
    assert orgs(again) == ["ORG-A", "ORG-B"]
    assert again is not first
    assert runs == ["filter_options_organisations"]


def test_parameters_the_query_does_not_use_share_an_entry(store: Path, runs: list[str]) -> None:
    as_user(BOSA)
    db.cached_query("filter_options_organisations", govs=(), allowed=None)
    db.cached_query("filter_options_organisations", **EVERYTHING, unused="x")
    db.cached_query("filter_options_organisations", govs=("local",), allowed=None)
    db.cached_query("filter_options_organisations", govs=["local"], allowed=None)
    assert runs == ["filter_options_organisations"] * 2


def test_values_equal_in_python_are_still_different_keys(store: Path, runs: list[str]) -> None:
    """1 == True == 1.0 in Python; DuckDB binds them as different values."""
    as_user(BOSA)
    for year in (2025, 2025.0, True):
        db.cached_query("overview_totals", **{**EVERYTHING, "year_from": year})
    assert runs == ["overview_totals"] * 3


def test_clearing_streamlits_data_cache_empties_it(store: Path, runs: list[str]) -> None:
    as_user(BOSA)
    db.cached_query("filter_options_organisations", **EVERYTHING)
    st.cache_data.clear()
    db.cached_query("filter_options_organisations", **EVERYTHING)
    db.cached_query("filter_options_organisations", **EVERYTHING)
    assert runs == ["filter_options_organisations"] * 2


def test_clearing_streamlits_resource_cache_drops_the_connection(store: Path) -> None:
    as_user(BOSA)
    first = db.get_connection()
    assert db.get_connection() is first
    st.cache_resource.clear()
    assert db.get_connection() is not first
    # cached results survive (they were read from the same file)
    assert orgs(db.cached_query("filter_options_organisations", **EVERYTHING)) == [
        "ORG-A",
        "ORG-B",
    ]


def test_a_replaced_store_is_read_on_the_next_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runs: list[str]
) -> None:
    """The writer's way: a new file moved over the served one (a new inode). No cache is
    cleared: the store's identity is part of every key."""
    served = build_store(tmp_path / "served.duckdb", with_data=False)
    monkeypatch.setenv("SELSTATS_DB", str(served))
    as_user(BOSA)
    assert db.cached_query("filter_options_organisations", **EVERYTHING).height == 0
    assert db.cached_query("filter_options_organisations", **EVERYTHING).height == 0
    os.replace(build_store(tmp_path / "new.duckdb", with_data=True), served)
    assert orgs(db.cached_query("filter_options_organisations", **EVERYTHING)) == [
        "BELNET",
        "GENT",
        "POD-MI",
        "VDAB",
    ]
    assert runs == ["filter_options_organisations"] * 2


def test_another_store_file_is_another_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(BOSA)
    empty = build_store(tmp_path / "empty.duckdb", with_data=False)
    full = build_store(tmp_path / "full.duckdb", with_data=True)
    for path, rows in ((empty, 0), (full, 4), (empty, 0)):
        monkeypatch.setenv("SELSTATS_DB", str(path))
        assert db.cached_query("filter_options_organisations", **EVERYTHING).height == rows


class Stopped(Exception):
    """What `st.stop()` does in a script run (outside one it does nothing)."""


@pytest.fixture
def stops(monkeypatch: pytest.MonkeyPatch) -> None:
    def stop_with(message: str) -> None:
        raise Stopped(message)

    monkeypatch.setattr(db, "_stop_with", stop_with)


@pytest.mark.usefixtures("stops")
def test_a_missing_store_stops_even_when_its_results_are_cached(store: Path) -> None:
    as_user(BOSA)
    db.cached_query("filter_options_organisations", **EVERYTHING)
    store.unlink()
    with pytest.raises(Stopped, match=r"small\.duckdb"):
        db.cached_query("filter_options_organisations", **EVERYTHING)


@pytest.mark.usefixtures("stops")
def test_a_directory_is_no_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELSTATS_DB", str(tmp_path))
    as_user(BOSA)
    with pytest.raises(Stopped):
        db.cached_query("filter_options_organisations", **EVERYTHING)


@pytest.mark.usefixtures("stops")
def test_an_unreadable_store_stops_on_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "junk.duckdb"
    path.write_bytes(b"not a database" * 100)
    monkeypatch.setenv("SELSTATS_DB", str(path))
    as_user(BOSA)
    with pytest.raises(Stopped, match=r"junk\.duckdb"):
        db.cached_query("filter_options_organisations", **EVERYTHING)


def test_the_scope_is_each_users_own_whatever_the_cache_holds(store: Path, runs: list[str]) -> None:
    as_user(BOSA)
    assert orgs(db.cached_query("filter_options_organisations", **EVERYTHING)) == [
        "ORG-A",
        "ORG-B",
    ]
    as_user(HR_B)
    assert orgs(db.cached_query("filter_options_organisations", **EVERYTHING)) == ["ORG-B"]
    # asking for ORG-A by hand gives nothing, even with bosa's ORG-A rows cached
    as_user(BOSA)
    db.cached_query("filter_options_organisations", **{**EVERYTHING, "allowed": ("ORG-A",)})
    as_user(HR_B)
    wider = {**EVERYTHING, "allowed": ("ORG-A", "ORG-B")}
    assert orgs(db.cached_query("filter_options_organisations", **wider)) == ["ORG-B"]
    narrower = {**EVERYTHING, "allowed": ("ORG-A",)}
    assert db.cached_query("filter_options_organisations", **narrower).height == 0
    as_user(BOSA)
    assert orgs(db.cached_query("filter_options_organisations", **EVERYTHING)) == [
        "ORG-A",
        "ORG-B",
    ]


def test_candidate_rows_are_per_user_whatever_the_cache_holds(store: Path) -> None:
    as_user(BOSA)
    assert sorted(db.cached_query("laureates", **EVERYTHING)["candidate_ref"]) == [
        "A01",
        "A03",
        "B01",
    ]
    as_user(HR_B)
    assert db.cached_query("laureates", **EVERYTHING)["candidate_ref"].to_list() == ["B01"]
    as_user(ANALYST)
    assert db.cached_query("laureates", **EVERYTHING).height == 0
    as_user(BOSA)
    assert db.cached_query("laureates", **EVERYTHING).height == 3


def test_suppression_is_per_user_whatever_the_cache_holds(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The small store's totals: 15 applicants, 8 tested, 3 laureates."""
    exact = {"applicants": 15, "tested": 8, "laureates": 3}
    as_user(BOSA)
    totals = db.cached_query("overview_totals", **EVERYTHING)
    assert {k: totals[k][0] for k in exact} == exact
    as_user(ANALYST)
    suppressed = db.cached_query("overview_totals", **EVERYTHING)
    # Per year the analyst sees 2025 (P-A1): 8 applicants, 5 tested; 2026 (P-B1, P-B2):
    # tested 3 -> "<5", and applicants 7 hidden too ("x"), since P-B1's 5 shown on the
    # funnel page would give P-B2's 2 back (7 - 5). The totals would undo both:
    # tested 8 - 5 = 3, applicants 15 - 8 = 7, so they are hidden as well.
    assert {k: suppressed[k][0] for k in exact} == {
        "applicants": "x",
        "tested": "x",
        "laureates": "<5",
    }
    assert suppressed["laureates_per_applicant"][0] is None
    monkeypatch.setenv("SELSTATS_MIN_CELL", "10")
    stricter = db.cached_query("overview_totals", **EVERYTHING)
    # every year and procedure below 10 now: the total of 15 applicants rests on hidden
    # parts only (8 + 7, and 8 + 5 + 2) and gives none of them away
    assert {k: stricter[k][0] for k in exact} == {
        "applicants": "15",
        "tested": "<10",
        "laureates": "<10",
    }
    as_user(BOSA)
    again = db.cached_query("overview_totals", **EVERYTHING)
    assert {k: again[k][0] for k in exact} == exact
    assert again["laureates_per_applicant"][0] == pytest.approx(0.2)


# ---- the frame cache itself --------------------------------------------------------------


def frame(value: int) -> pl.DataFrame:
    return pl.DataFrame({"x": [value]})


def test_frames_keep_the_most_recently_used() -> None:
    frames = db._Frames(max_entries=2)
    for key in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" comes
        frames.get(1, key, lambda: frame(0))
    computed: list[str] = []

    def compute(key: str) -> pl.DataFrame:
        computed.append(key)
        return frame(1)

    for key in ("a", "c", "b"):
        frames.get(1, key, partial(compute, key))
    assert computed == ["b"]
    assert len(frames) == 2


def test_frames_of_an_older_generation_are_neither_served_nor_kept() -> None:
    frames = db._Frames(max_entries=10)
    frames.get(1, "k", lambda: frame(1))
    assert frames.get(2, "k", lambda: frame(2))["x"][0] == 2  # cleared since
    # a caller that read generation 1 just before the clear: computes, keeps nothing
    assert frames.get(1, "k", lambda: frame(3))["x"][0] == 3
    assert frames.get(2, "k", lambda: frame(4))["x"][0] == 2


def test_a_computation_holds_up_no_other_key() -> None:
    frames = db._Frames(max_entries=10)
    frames.get(2, "hit", lambda: frame(1))
    served: list[int] = []

    def compute() -> pl.DataFrame:
        other = threading.Thread(
            target=lambda: served.append(frames.get(2, "hit", lambda: frame(9))["x"][0])
        )
        other.start()
        other.join(timeout=5)
        return frame(0)

    frames.get(2, "miss", compute)  # the current generation
    frames.get(1, "old", compute)  # an older one: computed uncached
    assert served == [1, 1]


def test_one_computation_per_key_at_a_time() -> None:
    frames = db._Frames(max_entries=10)
    calls: list[int] = []

    def slow() -> pl.DataFrame:
        calls.append(1)
        time.sleep(0.2)
        return frame(len(calls))

    results: list[pl.DataFrame] = []
    threads = [
        threading.Thread(target=lambda: results.append(frames.get(1, "k", slow))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert [r["x"][0] for r in results] == [1, 1, 1, 1]


def test_a_failed_computation_is_not_kept() -> None:
    frames = db._Frames(max_entries=10)

    def failing() -> pl.DataFrame:
        raise duckdb.Error("boom")

    with pytest.raises(duckdb.Error):
        frames.get(1, "k", failing)
    assert frames.get(1, "k", lambda: frame(5))["x"][0] == 5
