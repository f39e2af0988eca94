"""Import a million result rows from CSV (`selstats.store.imports.import_paths`: reading,
validation, writing, derived outcomes, step states and list) against DuckDB's own
`read_csv` of the same file into a table. Goal: at most 4x.

The file is one generated procedure (BENCH1M of Belnet: 250,000 candidates x 4 scored
steps) in the Belgian dialect (`;`, decimal comma, dd/mm/yyyy), with its procedures and
steps files beside it. Every candidate passes steps 1-3 (scores 10-20 of 20, pass mark 10),
so all four results are reachable; step 4 scores 0-20. Each run imports into a fresh copy
of the small S store (the import copies its store before writing). Both run in a child
process: time without interpreter start, and peak memory."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from benchmarks.browser import baseline_tree
from benchmarks.common import (
    ERROR,
    FAIL,
    OUT_DIR,
    Context,
    Row,
    fmt_ratio,
    ratio,
    run_child,
    verdict,
)
from benchmarks.stores import ensure_store

GOAL = 4.0
PROCEDURE = "BENCH1M"
STEPS = 4
PASS_MARK = 10.0
MAX_SCORE = 20.0
GENERATOR_VERSION = "1"

PROCEDURES_CSV = (
    "procedure_code,org_id,title,level,salary_scale,language,application_deadline,places,"
    "list_max,ranked,validity_months,list_date\n"
    f"{PROCEDURE},BELNET,Benchmark procedure,A2,NA23,nl,2025-03-01,10,,true,12,2025-09-30\n"
)
STEPS_CSV = (
    "procedure_code,step_no,name,kind,max_score,pass_mark,pass_unit,top_n,rank_by_step,"
    "held_if_more_than,total_of_steps,total_pass_percent,eliminating\n"
    + "".join(
        f"{PROCEDURE},{no},{name},{kind},{MAX_SCORE:g},{PASS_MARK:g},points,,,,,,true\n"
        for no, (name, kind) in enumerate(
            [
                ("Schriftelijk", "written"),
                ("Pc-test", "pc_test"),
                ("Interview", "interview"),
                ("Mondeling", "oral"),
            ],
            start=1,
        )
    )
)


def generate(rows: int) -> tuple[Path, dict[str, Any]]:
    """The import folder for `rows` result rows, and the outcomes it must give."""
    candidates = rows // STEPS
    folder = OUT_DIR / "import" / f"{PROCEDURE}-{rows}-v{GENERATOR_VERSION}"
    rng = np.random.default_rng(20251)
    # tenths of a point: steps 1-3 from 10.0 to 20.0, step 4 from 0.0 to 20.0
    low = np.repeat(np.array([100, 100, 100, 0]), candidates).reshape(STEPS, candidates)
    tenths = rng.integers(low, 201)
    step4 = tenths[STEPS - 1]
    expected = {
        "rows": candidates * STEPS,
        "candidates": candidates,
        "score_sum": round(float(tenths.sum()) / 10, 6),
        "outcomes": {
            **{f"{s}:passed": candidates for s in range(1, STEPS)},
            f"{STEPS}:passed": int((step4 >= PASS_MARK * 10).sum()),
            f"{STEPS}:failed": int((step4 < PASS_MARK * 10).sum()),
        },
    }
    expected["outcomes"] = {k: v for k, v in sorted(expected["outcomes"].items()) if v}
    done = folder.with_name(folder.name + ".done")  # not in the folder: it is imported whole
    if done.exists():
        return folder, expected
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "procedures.csv").write_text(PROCEDURES_CSV, encoding="utf-8")
    (folder / "steps.csv").write_text(STEPS_CSV, encoding="utf-8")
    step = np.repeat(np.arange(1, STEPS + 1), candidates)
    who = np.tile(np.arange(1, candidates + 1), STEPS)
    flat = tenths.reshape(-1)
    frame = (
        pl.DataFrame({"step_no": step, "who": who, "tenths": flat})
        .sort("who", "step_no")
        .select(
            pl.lit(PROCEDURE).alias("procedure_code"),
            ("K" + pl.col("who").cast(pl.String).str.zfill(7)).alias("candidate_ref"),
            pl.col("step_no"),
            (
                (pl.col("tenths") // 10).cast(pl.String)
                + ","
                + (pl.col("tenths") % 10).cast(pl.String)
            ).alias("score"),
            (pl.col("step_no") * 7 + 1).cast(pl.String).str.zfill(2).alias("day"),
        )
        .with_columns((pl.col("day") + "/04/2025").alias("result_date"))
        .drop("day")
    )
    frame.write_csv(folder / "results.csv", separator=";")
    done.write_text("ok")
    return folder, expected


def run(ctx: Context) -> None:
    figure = "import 1M result rows (CSV)"
    rows = 100_000 if ctx.quick else 1_000_000
    runs = 2 if ctx.quick else 3
    scale = "1M rows" if rows == 1_000_000 else f"{rows // 1000}k rows"
    try:
        base = ensure_store(ctx, "S").path
        folder, expected = generate(rows)
        work = OUT_DIR / "import" / "work.duckdb"
        csv = folder / "results.csv"

        def app() -> dict[str, Any]:
            return run_child(
                "import_app",
                folder=str(folder),
                base=str(base),
                work=str(work),
                procedure=PROCEDURE,
            )

        def duck() -> dict[str, Any]:
            return run_child("import_duckdb", csv=str(csv), base=str(base), work=str(work))

        revision = ctx.cache.get("baseline")
        old_src = baseline_tree(revision) / "src" if revision else None

        def before() -> dict[str, Any]:
            return run_child(
                "import_app",
                src=old_src,
                folder=str(folder),
                base=str(base),
                work=str(work),
                procedure=PROCEDURE,
            )

        mine, theirs = app(), duck()
        if old_src is not None:
            old = before()
            if not Path(old["selstats"]).is_relative_to(old_src):
                raise RuntimeError(f"the baseline child ran {old['selstats']}, not {old_src}")
            if old["answer"] != mine["answer"]:
                raise RuntimeError(f"{revision}'s import stored something else than HEAD's")
    except Exception as error:
        ctx.add(
            Row(figure, scale, "import_paths vs read_csv", verdict=ERROR, note=repr(error)[:300])
        )
        return
    answer = mine["answer"]
    wrong = None
    if not answer.get("ok"):
        wrong = f"the import was rejected: {answer.get('problems')}"
    elif {k: answer[k] for k in ("rows", "candidates", "outcomes")} != {
        k: expected[k] for k in ("rows", "candidates", "outcomes")
    } or abs(answer["score_sum"] - expected["score_sum"]) > 1e-6 * expected["rows"]:
        wrong = f"import_paths stored {answer}, expected {expected}"
    elif {k: theirs["answer"][k] for k in ("rows", "candidates")} != {
        k: expected[k] for k in ("rows", "candidates")
    } or abs(theirs["answer"]["score_sum"] - expected["score_sum"]) > 1e-6 * expected["rows"]:
        wrong = f"read_csv read {theirs['answer']}, expected {expected}"
    if wrong:
        ctx.add(Row(figure, scale, "import_paths vs read_csv", verdict=FAIL, note=wrong[:400]))
        return
    results_a: list[dict[str, Any]] = []
    results_b: list[dict[str, Any]] = []
    results_old: list[dict[str, Any]] = []
    for _ in range(runs):
        results_a.append(app())
        results_b.append(duck())
        if old_src is not None:
            results_old.append(before())
    a = [r["seconds"] for r in results_a]
    b = [r["seconds"] for r in results_b]
    value = ratio(a, b)
    imports = statistics.median(r["import_seconds"] for r in results_a)
    note = (
        f"{PROCEDURE}: {expected['candidates']:,} candidates x {STEPS} steps; "
        f"peak RSS import_paths {statistics.median(r['peak_mb'] for r in results_a):,.0f} MB, "
        f"read_csv {statistics.median(r['peak_mb'] for r in results_b):,.0f} MB; "
        f"file {csv.stat().st_size / 1024**2:.0f} MB; module imports before the clock "
        f"(selstats' and pyarrow's, {imports:.2f} s) as duckdb's for read_csv"
    )
    ctx.add(
        Row(
            figure,
            scale,
            "selstats import_paths",
            a,
            ratio=fmt_ratio(value),
            goal=f"≤ {GOAL:.0f}x",
            verdict=verdict(value <= GOAL),
            note=note,
        )
    )
    ctx.add(Row(figure, scale, "DuckDB read_csv into a table", b))
    if results_old:
        c = [r["seconds"] for r in results_old]
        ctx.add(
            Row(
                figure,
                scale,
                f"import_paths at {revision}",
                c,
                ratio=fmt_ratio(ratio(c, b)),
                note=f"HEAD is {ratio(c, a):.2f}x faster than {revision}, same runs alternated",
            )
        )
    ctx.add(
        Row(figure, scale, "import_paths peak RSS", [r["peak_mb"] for r in results_a], unit="MB")
    )
