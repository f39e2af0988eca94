"""A page's rerun after the user changed a filter, through Streamlit's AppTest, at scale L:
the frame, the sidebar, the page's queries for a filter not seen before (so their cache is
cold, the sidebar's partly warm) and its drawing. Goal: median under 300 ms per page.

Each page gets its own AppTest session, opened on the page with the typical filter (not
timed); each timed rerun then asks for another year by the URL (as the browser's back
button or a deep link does), which the frame takes over."""

from __future__ import annotations

import time

from benchmarks.common import ERROR, FAIL, Context, Row, verdict
from benchmarks.page_compute import recordings
from benchmarks.record import (
    TYPICAL,
    app_test,
    clear_caches,
    exception_text,
    quiet_streamlit,
)
from benchmarks.stores import ensure_store

GOAL_SECONDS = 0.300
FILTER_KEY = "_selstats_filters"  # selstats.ui.frame: the Filters of this run
# Years asked for in turn (the typical filter is 2025): each one new to the page's cache.
YEARS = (2024, 2023, 2022, 2021, 2020, 2019, 2018, 2017, 2016)


def run(ctx: Context) -> None:
    quiet_streamlit()
    scale = ctx.big
    store = ensure_store(ctx, scale)
    figure = "page rerun (AppTest), filter changed"
    runs = min(len(YEARS), max(ctx.runs, 5))
    years = [y for y in YEARS if scale == "L" or y >= 2021][:runs]
    for record in recordings(ctx, scale):
        if record.error or record.placeholder:
            continue  # already reported by the page-compute figure
        clear_caches()
        try:
            at = app_test(store.path, record.page, TYPICAL)
            at.run()
            samples: list[float] = []
            problem = exception_text(at)
            for year in years:
                if problem:
                    break
                at.query_params.clear()
                at.query_params.update({**TYPICAL, "year_from": str(year), "year_to": str(year)})
                started = time.perf_counter()
                at.run()
                samples.append(time.perf_counter() - started)
                problem = exception_text(at)
                # AppTest's session state has `in` and `[]` but no `get`
                shown = at.session_state[FILTER_KEY] if FILTER_KEY in at.session_state else None  # noqa: SIM401
                if problem is None and getattr(shown, "year_from", year) != year:
                    problem = f"the rerun did not take the new filter (year {year}): {shown}"
        except Exception as error:
            ctx.add(Row(figure, scale, record.name, verdict=ERROR, note=repr(error)[:300]))
            continue
        if problem:
            ctx.add(Row(figure, scale, record.name, samples, verdict=FAIL, note=problem))
            continue
        row = Row(figure, scale, record.name, samples, goal=f"< {GOAL_SECONDS * 1000:.0f} ms")
        row.verdict = verdict(row.median is not None and row.median < GOAL_SECONDS)
        ctx.add(row)
    clear_caches()
