"""Each page's full compute: every query a rerun does (recorded, see record.py), replayed.

- "page compute, cold": through the app's query layer (`selstats.query.run` on a fresh
  read-only store connection, as `cached_query` does on a cache miss) against the same SQL
  text run by hand (`con.sql(text, params=...).pl()` on a fresh plain connection). Both
  start with a cold DuckDB buffer pool; goal: at most 1.3x.
- "growth": the query-layer median at S, M and L on one line per page.
- "page compute, warm": `selstats.ui.db.cached_query` with its cache filled, against
  the same calls right after `st.cache_data.clear()` (connection kept, as in the server);
  goal: warm at least 20x faster.
- "XL" (`--only xl`): the cold figure at L and at XL (ten times L: 20 M applications,
  ~78 M results; built once by `selstats demo --scale XL`, minutes and several GB), and how
  each page's compute grows from L to XL. The store stays one DuckDB file (issue 16).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import duckdb
import polars as pl

from benchmarks.common import (
    ERROR,
    FAIL,
    SKIP,
    Context,
    Row,
    alternate,
    fmt_ratio,
    fmt_seconds,
    frame_difference,
    ratio,
    same_frame,
    verdict,
)
from benchmarks.record import (
    ORIGINAL_RELATION,
    ORIGINAL_RUN,
    Call,
    PageRecord,
    record_pages,
    release_connections,
)
from benchmarks.stores import ensure_store
from selstats.query import bind, load_sql
from selstats.store.connection import open_reader

COLD_GOAL = 1.3
WARM_GOAL = 20.0
# Fast pages get more runs, up to this many, so that their medians are stable.
MAX_RUNS = 25
BUDGET_SECONDS = 3.0  # per page and contender, when choosing the number of runs


def recordings(ctx: Context, scale: str) -> list[PageRecord]:
    key = f"record:{scale}"
    if key not in ctx.cache:
        store = ensure_store(ctx, scale)
        ctx.cache[key] = record_pages(store.path)
    records: list[PageRecord] = ctx.cache[key]
    return records


def _app_call(con: duckdb.DuckDBPyConnection, call: Call) -> pl.DataFrame:
    if call.kind == "run":
        return ORIGINAL_RUN(con, call.name, **call.kwargs())
    return ORIGINAL_RELATION(con, call.name, **call.kwargs()).pl()


def app_connection(db: Path) -> duckdb.DuckDBPyConnection:
    """A fresh connection opened the way the app opens its store (`selstats.ui.db`)."""
    from selstats.ui import db as ui_db

    opener = getattr(ui_db, "open_snapshot", None)
    return opener(db) if opener is not None else open_reader(db)


def query_layer(db: Path, calls: list[Call]) -> tuple[float, list[pl.DataFrame]]:
    """The calls through `selstats.query` on a fresh connection opened as the app does."""
    con = app_connection(db)
    try:
        started = time.perf_counter()
        frames = [_app_call(con, call) for call in calls]
        return time.perf_counter() - started, frames
    finally:
        con.close()


def prepared_sql(calls: list[Call]) -> list[tuple[str, dict[str, object]]]:
    """The SQL text and its parameters, prepared before the clock starts."""
    return [(load_sql(c.name), bind(c.name, load_sql(c.name), c.kwargs())) for c in calls]


def hand_written(
    db: Path, prepared: list[tuple[str, dict[str, object]]]
) -> tuple[float, list[pl.DataFrame]]:
    """The same SQL straight on DuckDB: one plain connection, `con.sql(...).pl()`."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        started = time.perf_counter()
        frames = [con.sql(sql, params=args).pl() for sql, args in prepared]
        return time.perf_counter() - started, frames
    finally:
        con.close()


def _runs(ctx: Context, estimate: float) -> int:
    if estimate <= 0:
        return MAX_RUNS
    return max(ctx.runs, min(MAX_RUNS, int(BUDGET_SECONDS / estimate)))


def _check(calls: list[Call], mine: list[pl.DataFrame], theirs: list[pl.DataFrame]) -> str | None:
    for call, a, b in zip(calls, mine, theirs, strict=True):
        if not same_frame(a, b):
            return f"{call.name}: {frame_difference(a, b)}"
    return None


def _page_label(record: PageRecord) -> str:
    names = ", ".join(sorted({c.name for c in record.page_calls}))
    sidebar = len(record.calls) - len(record.page_calls)
    return f"{len(record.calls)} queries: {sidebar} sidebar + {names}"


def cold_figure(ctx: Context, scale: str) -> dict[str, float]:
    """Rows for one scale; the query-layer medians by page (for the growth line)."""
    store = ensure_store(ctx, scale)
    medians: dict[str, float] = {}
    figure = "page compute, cold"
    release_connections()
    for record in recordings(ctx, scale):
        if record.error:
            ctx.add(
                Row(
                    figure, scale, record.name, verdict=ERROR, note=f"{record.page}: {record.error}"
                )
            )
            continue
        if record.placeholder:
            ctx.add(
                Row(
                    figure,
                    scale,
                    record.name,
                    verdict=SKIP,
                    note=f"{record.page}: no query of its own yet (placeholder)",
                )
            )
            continue
        try:
            median = _cold_page(ctx, scale, store.path, record)
        except Exception as error:
            # the app fails the same way: recorded calls are replayed as the page made them
            note = f"{record.page}: {type(error).__name__}: {error}"[:300]
            ctx.add(Row(figure, scale, record.name, verdict=ERROR, note=note))
            continue
        if median is not None:
            medians[record.name] = median
    return medians


def _cold_page(ctx: Context, scale: str, db: Path, record: PageRecord) -> float | None:
    """One page's rows; the query layer's median (None when the answers differ)."""
    figure = "page compute, cold"
    prepared = prepared_sql(record.calls)
    estimate, mine = query_layer(db, record.calls)
    _, theirs = hand_written(db, prepared)
    wrong = _check(record.calls, mine, theirs)
    if wrong:
        ctx.add(Row(figure, scale, f"{record.name}: hand-written SQL", verdict=FAIL, note=wrong))
        return None
    samples = alternate(
        [
            lambda calls=record.calls: query_layer(db, calls)[0],
            lambda prepared=prepared: hand_written(db, prepared)[0],
        ],
        _runs(ctx, estimate),
    )
    value = ratio(samples[0], samples[1])
    ctx.add(
        Row(
            figure,
            scale,
            f"{record.name}: query layer",
            samples[0],
            ratio=fmt_ratio(value),
            goal=f"≤ {COLD_GOAL}x",
            verdict=verdict(value <= COLD_GOAL),
            note=_page_label(record),
        )
    )
    ctx.add(Row(figure, scale, f"{record.name}: hand-written SQL", samples[1]))
    return statistics.median(samples[0])


def growth_rows(ctx: Context, by_scale: dict[str, dict[str, float]]) -> None:
    pages = list(dict.fromkeys(p for medians in by_scale.values() for p in medians))
    label = "→".join(by_scale)
    for page in pages:
        parts = [
            f"{scale} {fmt_seconds(medians[page])}" if page in medians else f"{scale} -"
            for scale, medians in by_scale.items()
        ]
        ctx.add(Row("growth (query layer)", label, page, text=" → ".join(parts)))


def warm_figure(ctx: Context) -> None:
    """Cache warm against cache cold, through `cached_query`, at the big scale."""
    scale = ctx.big
    store = ensure_store(ctx, scale)
    os.environ["SELSTATS_DB"] = str(store.path)
    figure = "page compute, warm"
    try:
        for record in recordings(ctx, scale):
            calls = [c for c in record.calls if c.kind == "run"]
            if record.error or record.placeholder or not calls:
                continue
            try:
                _warm_page(ctx, scale, record, calls)
            except Exception as error:
                ctx.add(Row(figure, scale, record.name, verdict=ERROR, note=repr(error)[:300]))
    finally:
        release_connections()


def _warm_page(ctx: Context, scale: str, record: PageRecord, calls: list[Call]) -> None:
    import streamlit as st

    from selstats.ui import db as ui_db

    figure = "page compute, warm"

    def replay() -> tuple[float, list[pl.DataFrame]]:
        started = time.perf_counter()
        frames = [ui_db.cached_query(c.name, **c.kwargs()) for c in calls]
        return time.perf_counter() - started, frames

    def cold() -> float:
        st.cache_data.clear()
        return replay()[0]

    def warm() -> float:
        return replay()[0]

    st.cache_data.clear()
    estimate, cached = replay()
    # The app's own connection: a second reader on the same file in this process would
    # meet DuckDB's instance cache (see release_connections).
    con = ui_db.get_connection()
    direct = [ORIGINAL_RUN(con, c.name, **c.kwargs()) for c in calls]
    wrong = _check(calls, cached, direct)
    if wrong:
        ctx.add(
            Row(figure, scale, record.name, verdict=FAIL, note=f"cached_query differs: {wrong}")
        )
        return
    samples = alternate([cold, warm], _runs(ctx, estimate))
    value = ratio(samples[0], samples[1])
    ctx.add(
        Row(
            figure,
            scale,
            f"{record.name}: warm (cache filled)",
            samples[1],
            ratio=f"{fmt_ratio(value)} faster",
            goal=f"≥ {WARM_GOAL:.0f}x faster",
            verdict=verdict(value >= WARM_GOAL),
        )
    )
    ctx.add(Row(figure, scale, f"{record.name}: cold (cache cleared)", samples[0]))


def run_cold(ctx: Context) -> None:
    by_scale: dict[str, dict[str, float]] = {}
    for scale in ctx.scales:
        try:
            by_scale[scale] = cold_figure(ctx, scale)
        except Exception as error:
            ctx.add(
                Row("page compute, cold", scale, "all pages", verdict=ERROR, note=repr(error)[:300])
            )
    growth_rows(ctx, by_scale)


def run_warm(ctx: Context) -> None:
    try:
        warm_figure(ctx)
    except Exception as error:
        ctx.add(
            Row("page compute, warm", ctx.big, "all pages", verdict=ERROR, note=repr(error)[:300])
        )


def run_xl(ctx: Context) -> None:
    """Page compute cold at L and XL, and its growth from one to the other."""
    by_scale: dict[str, dict[str, float]] = {}
    for scale in ("L", "XL"):
        try:
            store = ensure_store(ctx, scale)
            by_scale[scale] = cold_figure(ctx, scale)
        except Exception as error:
            ctx.add(
                Row("page compute, cold", scale, "all pages", verdict=ERROR, note=repr(error)[:300])
            )
            continue
        if scale == "XL":
            ctx.add(
                Row(
                    "demo build",
                    scale,
                    "selstats demo --scale XL (wall)",
                    [store.seconds],
                    note=f"store {store.size_mb:,.0f} MB, peak RSS {store.peak_mb:,.0f} MB, "
                    f"built {store.built_at}; {store.summary.split(': ', 1)[-1]}",
                )
            )
    growth_rows(ctx, by_scale)
    if len(by_scale) == 2:
        low, high = by_scale["L"], by_scale["XL"]
        factors = {page: high[page] / low[page] for page in low if page in high and low[page]}
        if factors:
            ctx.add(
                Row(
                    "growth (query layer)",
                    "L→XL",
                    "XL over L, per page",
                    text=", ".join(f"{page} {f:.1f}x" for page, f in factors.items()),
                    note="ten times the rows; a page whose queries read the summaries "
                    "(step_facts, list_states) or one year grows far less than 10x",
                )
            )
