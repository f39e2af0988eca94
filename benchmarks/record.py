"""Which queries a page's rerun does, found by running the page, not by listing them.

Each page of app.py's PAGES (read from the file, so a page added there is picked up) runs
once through Streamlit's AppTest with a cold cache, while every call of
`selstats.query.run` and `selstats.query.relation` is logged with its parameters. The
benchmarks replay those calls."""

from __future__ import annotations

import ast
import gc
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

import selstats.query as query
from benchmarks.common import REPO_ROOT

APP = REPO_ROOT / "app.py"
# The sidebar's own queries: part of every rerun.
FRAME_PREFIX = "filter_options_"
# The typical filter: last full year of the demo, one government (deep-link parameters).
TYPICAL = {"year_from": "2025", "year_to": "2025", "govs": "federal"}
APPTEST_TIMEOUT = 300

ORIGINAL_RUN = query.run
ORIGINAL_RELATION = query.relation

_recording: list[Call] | None = None


@dataclass(frozen=True)
class Call:
    kind: str  # "run" or "relation"
    name: str
    params: tuple[tuple[str, Any], ...]

    def kwargs(self) -> dict[str, Any]:
        return dict(self.params)

    @property
    def frame(self) -> bool:
        return self.name.startswith(FRAME_PREFIX)


@dataclass
class PageRecord:
    page: str  # file, e.g. pages/funnel.py
    name: str  # catalogue key, e.g. funnel
    url_path: str
    calls: list[Call] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0  # the AppTest run (first run of a session, cache cold)

    @property
    def page_calls(self) -> list[Call]:
        return [c for c in self.calls if not c.frame]

    @property
    def placeholder(self) -> bool:
        """A page that runs no query of its own (still "coming soon")."""
        return self.error is None and not self.page_calls


def _recording_run(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pl.DataFrame:
    if _recording is not None:
        _recording.append(Call("run", name, tuple(sorted(params.items()))))
    return ORIGINAL_RUN(con, name, **params)


def _recording_relation(
    con: duckdb.DuckDBPyConnection, name: str, **params: object
) -> duckdb.DuckDBPyRelation:
    if _recording is not None:
        _recording.append(Call("relation", name, tuple(sorted(params.items()))))
    return ORIGINAL_RELATION(con, name, **params)


def install() -> None:
    """Wrap the query layer's entry points (before the pages import anything)."""
    query.run = _recording_run  # type: ignore[assignment]
    query.relation = _recording_relation  # type: ignore[assignment]


@contextmanager
def recording() -> Iterator[list[Call]]:
    global _recording
    calls: list[Call] = []
    _recording = calls
    try:
        yield calls
    finally:
        _recording = None


def discover_pages() -> list[tuple[str, str, str]]:
    """(file, url_path, key) of every page, from the PAGES list of app.py."""
    tree = ast.parse(APP.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "PAGES" for t in node.targets
        ):
            pages = ast.literal_eval(node.value)
            return [(str(f), str(u), str(k)) for f, u, k in pages]
    return [(f"pages/{p.name}", p.stem, p.stem) for p in sorted((REPO_ROOT / "pages").glob("*.py"))]


def quiet_streamlit() -> None:
    """Outside a server Streamlit warns on every cached call; the benchmark knows."""
    for name in ("streamlit", "selstats"):
        logging.getLogger(name).setLevel(logging.ERROR)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(("streamlit", "selstats")):
            logging.getLogger(name).setLevel(logging.ERROR)


def clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    release_connections()


def release_connections() -> None:
    """Drop the app's cached store connections and make sure they are closed.

    DuckDB keeps one database instance per file and process: while the app's connection is
    open, `open_reader` on the same file meets that instance and fails on
    `set lock_configuration` (and a plain connect would share its buffer pool, so a "cold"
    run would not be cold)."""
    import streamlit as st

    st.cache_resource.clear()
    gc.collect()


def app_test(db: Path, page: str, url_params: dict[str, str]) -> Any:
    """An AppTest of the app on `db`, opening `page` with `url_params` on its first run."""
    from streamlit.testing.v1 import AppTest

    os.environ["SELSTATS_DB"] = str(db)
    at = AppTest.from_file(str(APP), default_timeout=APPTEST_TIMEOUT)
    at.query_params.update(url_params)
    at.switch_page(page)
    return at


def exception_text(at: Any) -> str | None:
    if not at.exception:
        return None
    first = at.exception[0]
    # The message is redacted when the app hides error details: the trace's end says more.
    trace = [line for line in getattr(first, "stack_trace", []) or [] if line.strip()]
    text = trace[-1] if trace else str(getattr(first, "message", first))
    return text.strip()[:300]


def _unique(calls: list[Call]) -> list[Call]:
    seen: set[str] = set()
    unique = []
    for call in calls:
        if repr(call) not in seen:
            seen.add(repr(call))
            unique.append(call)
    return unique


def record_pages(db: Path, url_params: dict[str, str] = TYPICAL) -> list[PageRecord]:
    """Every page's rerun on `db` with a cold cache: the queries it ran."""
    quiet_streamlit()
    records: list[PageRecord] = []
    for page, url_path, key in discover_pages():
        record = PageRecord(page, key, url_path)
        clear_caches()
        with recording() as calls:
            try:
                at = app_test(db, page, url_params)
                started = time.perf_counter()
                at.run()
                record.seconds = time.perf_counter() - started
                record.error = exception_text(at)
            except Exception as error:
                record.error = f"{type(error).__name__}: {error}"[:300]
        record.calls = _unique(calls)
        records.append(record)
    clear_caches()
    return records
