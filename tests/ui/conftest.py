"""Fixtures for the UI tests: clean Streamlit caches, and small stores built with the
store's own schema (`selstats.store.migrations.migrate`).

The small store, by hand (years: application deadline, else list date):

| procedure | org    | government | level | diploma level | deadline   | list date  | year |
|-----------|--------|------------|-------|---------------|------------|------------|------|
| BNG21001  | BELNET | federal    | A2    | A             | 2021-03-01 |            | 2021 |
| BNG23001  | BELNET | federal    | A2    | A             | 2023-05-30 |            | 2023 |
| MI24001   | POD-MI | federal    | A1    | A             |            | 2024-02-01 | 2024 |
| VDAB22    | VDAB   | flemish    | B     | B             | 2022-09-15 |            | 2022 |
| OPEN01    | GENT   | local      | C     | C             |            |            | none |

OPEN01 is permanently open: in every period. The diploma levels come from the shipped
data/reference/diploma_levels.csv, which the store holds as its table diploma_levels.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import streamlit as st

from selstats.reference import load_reference
from selstats.store.migrations import migrate


@pytest.fixture(autouse=True)
def _demo_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """The frame shows data only to a user with a role; these tests are about the frame, so
    they run in demo mode (BOSA role: every organisation, exact figures)."""
    monkeypatch.setenv("SELSTATS_DEMO", "1")


ORGANISATIONS = [
    ("BELNET", "Belnet", "federal", "none"),
    ("POD-MI", "POD Maatschappelijke Integratie", "federal", "client"),
    ("VDAB", "VDAB", "flemish", "client"),
    ("GENT", "Stad Gent", "local", "none"),
]
PROCEDURES = [
    ("BNG21001", "BELNET", "Netwerkbeheerder", "A2", "2021-03-01", None),
    ("BNG23001", "BELNET", "IT-expert", "A2", "2023-05-30", None),
    ("MI24001", "POD-MI", "Jurist", "A1", None, "2024-02-01"),
    ("VDAB22", "VDAB", "Consulent", "B", "2022-09-15", None),
    ("OPEN01", "GENT", "Poetshulp", "C", None, None),
]


def build_store(path: Path, *, with_data: bool) -> Path:
    con = duckdb.connect(str(path))
    try:
        migrate(con)
        rules = load_reference().frames()["diploma_levels"]
        con.register("incoming", rules.to_arrow())
        con.execute("insert into diploma_levels by name select * from incoming")
        con.unregister("incoming")
        if with_data:
            con.executemany(
                "insert into organisations (org_id, name, government, certification) "
                "values (?, ?, ?, ?)",
                ORGANISATIONS,
            )
            con.executemany(
                "insert into procedures (procedure_code, org_id, title, level, "
                "application_deadline, list_date) values (?, ?, ?, ?, ?, ?)",
                PROCEDURES,
            )
    finally:
        con.close()
    return path


@pytest.fixture(autouse=True)
def clear_streamlit_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = build_store(tmp_path / "empty.duckdb", with_data=False)
    monkeypatch.setenv("SELSTATS_DB", str(path))
    return path


@pytest.fixture
def small_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = build_store(tmp_path / "small.duckdb", with_data=True)
    monkeypatch.setenv("SELSTATS_DB", str(path))
    return path


@pytest.fixture
def small_con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    path = build_store(tmp_path / "small.duckdb", with_data=True)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


@pytest.fixture
def missing_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "nowhere" / "selstats.duckdb"
    monkeypatch.setenv("SELSTATS_DB", str(path))
    return path
