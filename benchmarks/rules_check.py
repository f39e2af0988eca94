"""The rules engine before and after a change, on a demo store: every derived table must be
identical, and the time each takes is reported.

Both run in a child process each (`benchmarks/rules_child.py`): the baseline's code from
`git archive` of the baseline revision (`--baseline REV`, default `BASELINE`: the commit
before the engine was rewritten as set operations), this tree's code from `src/`. Each
derives every procedure of the store from its stored facts (steps, procedures and the raw
results: score, outcome as given, date) and writes the six tables of the `Derivation`
(results with outcomes, step states, laureates, lists, procedure statistics, problems) as
Parquet; the tables are compared sorted on all their columns. A table that differs makes
the row FAIL and the note says which and how many rows differ."""

from __future__ import annotations

import json
import statistics
import subprocess
from pathlib import Path
from typing import Any

import polars as pl

from benchmarks.browser import baseline_tree
from benchmarks.common import (
    ERROR,
    FAIL,
    OK,
    OUT_DIR,
    PYTHON,
    REPO_ROOT,
    Context,
    Row,
    fmt_ratio,
    ratio,
)
from benchmarks.stores import ensure_store

# The last commit whose rules engine joined step by step (before issue 16 §4).
BASELINE = "e8972f9"
TABLES = ("results", "step_states", "laureates", "lists", "procedure_stats", "problems")


def _derive(src: Path, db: Path, out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    command = [PYTHON, str(REPO_ROOT / "benchmarks" / "rules_child.py"), str(db), str(out)]
    done = subprocess.run(
        command,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"rules child failed ({done.returncode}): {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    if not Path(result["selstats"]).is_relative_to(src):
        raise RuntimeError(f"the child ran {result['selstats']}, not the code in {src}")
    return result


def differences(before: Path, after: Path) -> dict[str, str]:
    """Table -> what differs, for every derived table that is not identical."""
    found: dict[str, str] = {}
    for table in TABLES:
        a = pl.read_parquet(before / f"{table}.parquet")
        b = pl.read_parquet(after / f"{table}.parquet")
        if a.schema != b.schema:
            found[table] = f"schema {dict(a.schema)} vs {dict(b.schema)}"
            continue
        a, b = a.sort(a.columns, nulls_last=True), b.sort(b.columns, nulls_last=True)
        if not a.equals(b):
            only_a = a.join(b, on=a.columns, how="anti", nulls_equal=True).height
            only_b = b.join(a, on=b.columns, how="anti", nulls_equal=True).height
            found[table] = (
                f"{a.height} vs {b.height} rows, {only_a} only before, {only_b} only after"
            )
    return found


def run(ctx: Context, scale: str = "M") -> None:
    figure = "rules engine, every derived table"
    revision = ctx.cache.get("baseline") or BASELINE
    try:
        store = ensure_store(ctx, scale)
        old_src = baseline_tree(revision) / "src"
        new_src = REPO_ROOT / "src"
        work = OUT_DIR / "rules-check"
        samples: dict[str, list[float]] = {"before": [], "after": []}
        for _ in range(max(1, ctx.runs // 2)):
            for name, src in (("before", old_src), ("after", new_src)):
                samples[name].append(_derive(src, store.path, work / name)["seconds"])
        wrong = differences(work / "before", work / "after")
    except Exception as error:
        ctx.add(Row(figure, scale, f"{revision} vs HEAD", verdict=ERROR, note=repr(error)[:300]))
        return
    if wrong:
        note = "; ".join(f"{t}: {w}" for t, w in wrong.items())
        ctx.add(Row(figure, scale, f"{revision} vs HEAD", verdict=FAIL, note=note[:400]))
        return
    value = ratio(samples["before"], samples["after"])
    rows = pl.read_parquet(work / "after" / "results.parquet").height
    ctx.add(
        Row(
            figure,
            scale,
            f"derive, HEAD (identical to {revision})",
            samples["after"],
            ratio=fmt_ratio(value),
            verdict=OK,
            note=f"all {len(TABLES)} tables identical; {rows:,} results; ratio = before / "
            f"after (how many times faster); before {statistics.median(samples['before']):.2f} s",
        )
    )
    ctx.add(Row(figure, scale, f"derive, {revision}", samples["before"]))
