"""The recruitment planner's backtest (selstats.planner.backtest): every finished procedure
of the demo's last full year (2025) is planned from the years before it alone (its level,
government, held steps with their top-N cuts, its list maximum, its actual applicants), and
the row reports how often its actual laureates fall inside the planner's 80 % interval (the
coverage; an honest interval is near 80 %), how many fell below and above it, and the same
for the 80 % range of the lead time. Seed 1 of the demo and of the planner's draws.

Not a speed figure: the time is reported for the whole backtest."""

from __future__ import annotations

import time
from datetime import date

from benchmarks.common import INFO, Context, Row
from benchmarks.page_compute import app_connection
from benchmarks.record import ORIGINAL_RUN
from benchmarks.stores import SEED, ensure_store
from selstats.planner.backtest import backtest
from selstats.tables import Scope, table_params

YEAR = 2025
PLANNER_SEED = 1
GOAL = "80 % interval holds ~80 %"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


def run(ctx: Context) -> None:
    for scale in dict.fromkeys(("M", ctx.big)):
        store = ensure_store(ctx, scale)
        con = app_connection(store.path)
        try:
            params = table_params(con, Scope(), as_of=date(2026, 11, 20))
            steps = ORIGINAL_RUN(con, "planner_steps", **params)
            procedures = ORIGINAL_RUN(con, "planner_procedures", **params)
        finally:
            con.close()
        started = time.perf_counter()
        result = backtest(steps, procedures, YEAR, seed=PLANNER_SEED)
        seconds = time.perf_counter() - started
        ctx.add(
            Row(
                "planner",
                scale,
                f"backtest {YEAR}: laureates inside the 80 % interval",
                samples=[seconds],
                text=f"{_pct(result.coverage)} ({result.inside}/{result.predicted})",
                goal=GOAL,
                verdict=INFO,
                note=(
                    f"{result.procedures} procedures of {YEAR}, {result.predicted} planned from "
                    f"{YEAR - 1} and before; below {result.below}, above {result.above}; lead "
                    f"time inside its 80 % range {_pct(result.lead_coverage)} "
                    f"({result.lead_inside}/{result.lead_predicted}); demo seed {SEED}, "
                    f"planner seed {PLANNER_SEED}; {seconds:.1f} s"
                ),
            )
        )
