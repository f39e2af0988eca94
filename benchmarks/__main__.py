"""`python -m benchmarks` (`make bench`): build or reuse the demo stores, run every figure,
print one table. `--quick` for a smoke run (S and M only, fewer runs), `--only NAME` for
one figure (repeatable). See benchmarks/README.md."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable

# Wrap the query layer before anything imports the pages' modules (see record.py).
from benchmarks import record

record.install()

from benchmarks import (  # noqa: E402 - after the query layer is wrapped
    apptest_rerun,
    browser,
    export_csv,
    funnel_pandas,
    import_csv,
    load,
    page_compute,
    planner_backtest,
    rules_check,
    stores,
)
from benchmarks.common import (  # noqa: E402
    ERROR,
    REPO_ROOT,
    Context,
    Row,
    fmt_seconds,
    load_text,
    log,
    machine_lines,
    render_table,
    save_results,
)

DEMO_ENV = "SELSTATS_DEMO"  # selstats.settings: demo

Figure = Callable[[Context], None]

# name -> (what it measures, function); run in this order.
FIGURES: dict[str, tuple[str, Figure]] = {
    "demo": ("selstats demo: build time and peak memory of each store", stores.run),
    "pages": (
        "each page's queries, cold: query layer vs hand-written SQL; growth",
        page_compute.run_cold,
    ),
    "warm": ("each page's queries through cached_query: warm vs cold", page_compute.run_warm),
    "xl": ("each page's queries, cold, at L and XL (10x L): growth", page_compute.run_xl),
    "pandas": ("funnel + pass rates of a year vs pandas on Parquet", funnel_pandas.run),
    "apptest": ("page rerun through AppTest with a changed filter", apptest_rerun.run),
    "browser": ("first page in Chromium after the server starts", browser.run),
    "load": ("protocol-level sessions x workers: latency, errors, CPU, memory", load.run),
    "rules": ("rules engine: every derived table vs a baseline's, and its time", rules_check.run),
    "import": ("import 1M result rows vs DuckDB read_csv", import_csv.run),
    "export": ("export 1M rows to CSV/XLSX vs DuckDB COPY", export_csv.run),
    "planner": (
        "planner backtest: 2025 predicted from earlier years, interval coverage",
        planner_backtest.run,
    ),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="S and M only, fewer runs")
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(FIGURES),
        metavar="NAME",
        help=f"run only this figure (repeatable): {', '.join(FIGURES)}",
    )
    parser.add_argument("--runs", type=int, help="timed runs per contender (default 5, quick 3)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the demo stores")
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="browser, import, rules: also measure this commit's code, alternating with HEAD "
        "(rules: default e8972f9, the merge-base of issue 16 §4)",
    )
    load_group = parser.add_argument_group("load test (--only load)")
    load_group.add_argument(
        "--load-workers", type=_counts, help="worker counts, e.g. 1,2,4 (default 1, 2, cores)"
    )
    load_group.add_argument(
        "--load-sessions", type=_counts, help="session counts (default 1,10,50,100)"
    )
    load_group.add_argument(
        "--load-seconds", type=float, help="seconds per measurement (default 120; quick 10)"
    )
    return parser


def _counts(text: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"whole numbers separated by commas: {text!r}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"one or more counts of at least 1: {text!r}")
    return counts


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    log.setLevel(logging.INFO)
    os.chdir(REPO_ROOT)
    # The app in demo mode, default role (all organisations, no small-cell suppression):
    # no login form between the benchmark and the pages.
    os.environ[DEMO_ENV] = "1"
    ctx = Context(
        quick=args.quick,
        runs=args.runs or (3 if args.quick else 5),
        scales=("S", "M") if args.quick else ("S", "M", "L"),
        big="M" if args.quick else "L",
    )
    ctx.cache["baseline"] = args.baseline
    ctx.cache["load_options"] = {
        "workers": args.load_workers,
        "sessions": args.load_sessions,
        "seconds": args.load_seconds,
    }
    header = machine_lines()
    for line in header:
        log.info("%s", line)
    started = time.perf_counter()
    chosen = args.only or list(FIGURES)
    # The stores first: every figure needs one, and their build is a figure of its own.
    if "demo" in chosen or args.rebuild:
        stores.run(ctx, rebuild=args.rebuild)
    for name in chosen:
        if name == "demo":
            continue
        log.info("== %s: %s", name, FIGURES[name][0])
        figure_started = time.perf_counter()
        try:
            FIGURES[name][1](ctx)
        except Exception as error:
            log.exception("figure %s failed", name)
            ctx.add(Row(name, "", "", verdict=ERROR, note=repr(error)[:300]))
        finally:
            record.release_connections()
        log.info("== %s done in %s", name, fmt_seconds(time.perf_counter() - figure_started))
    total = time.perf_counter() - started
    mode = " (--quick: S and M only, scale-L figures at M)" if args.quick else ""
    header = [
        *header,
        f"run     : {fmt_seconds(total)}{mode}; runs per contender {ctx.runs}; "
        f"{load_text()} at the end",
    ]
    table = render_table(ctx.rows)
    path = save_results(ctx.rows, header, table, ctx.tables)
    print("\n".join(header))
    print()
    print(table)
    for extra in ctx.tables:
        print()
        print(extra)
    print(f"\n(also in {path.parent / 'results.txt'} and {path.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
