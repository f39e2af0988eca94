"""Fixtures shared by the page tests: demo login, clean Streamlit caches, and the stores a
page is run on (the hand-computed small store, an empty store, a demo store)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import streamlit as st

from selstats.store.writer import write_store
from tests.fixtures.small_store import build_small_store


@pytest.fixture(autouse=True)
def demo_login(monkeypatch: pytest.MonkeyPatch) -> None:
    """The frame needs someone logged in: demo mode logs in with the default role (bosa:
    exact figures, no small-cell suppression, downloads allowed)."""
    monkeypatch.setenv("SELSTATS_DEMO", "1")


@pytest.fixture(autouse=True)
def clear_streamlit_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def small_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = build_small_store(tmp_path / "s.duckdb")
    monkeypatch.setenv("SELSTATS_DB", str(path))
    return path


@pytest.fixture
def empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "empty.duckdb"
    with write_store(path, fresh=True):
        pass  # the schema only
    monkeypatch.setenv("SELSTATS_DB", str(path))
    return path


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from selstats.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path, scale="S", seed=1)
    return path


@pytest.fixture
def demo_store(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SELSTATS_DB", str(demo_path))
    return demo_path


@pytest.fixture
def small_con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(build_small_store(tmp_path / "q.duckdb")), read_only=True)
    yield con
    con.close()
