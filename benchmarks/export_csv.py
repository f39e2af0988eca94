"""Export a million rows: `selstats.export.write_batches` of a relation (streamed in Arrow
batches of 100,000, as `selstats export` does) to CSV and to XLSX, against DuckDB's
`COPY (query) TO 'file.csv'` for CSV. Goal: CSV at most 1.5x; XLSX is reported (DuckDB has
no XLSX writer without the excel extension). The rows are the first million of the L
store's results (insertion order: the same rows for both). Each run is a child process."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import duckdb

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

GOAL = 1.5
COLUMNS = "procedure_code, candidate_ref, step_no, score, outcome, result_date"
TYPES = (
    "{'procedure_code': 'VARCHAR', 'candidate_ref': 'VARCHAR', 'step_no': 'INTEGER', "
    "'score': 'DOUBLE', 'outcome': 'VARCHAR', 'result_date': 'DATE'}"
)


def source_sql(rows: int) -> str:
    return f"select {COLUMNS} from results limit {rows}"


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def same_csv(db: Path, sql: str, mine: Path, theirs: Path) -> str | None:
    """Both CSV files hold the query's rows, in its order (read back with the same types)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach {_literal(db)} as store (read_only)")
        con.execute("use store")
        read = "select * from read_csv(FILE, header=true, columns=" + TYPES + ")"
        checks = {
            "app": read.replace("FILE", _literal(mine)),
            "COPY": read.replace("FILE", _literal(theirs)),
        }
        source = sql
        for name, text in checks.items():
            rows = con.sql(
                f"select (select count(*) from ({text})) as n, "
                f"(select count(*) from (({source}) except all ({text}))) as missing, "
                f"(select count(*) from (({text}) except all ({source}))) as extra"
            ).fetchall()
            n, missing, extra = rows[0]
            if missing or extra:
                return f"{name} CSV: {n} rows, {missing} of the query's rows missing, {extra} extra"
    finally:
        con.close()
    return None


def same_xlsx(path: Path, rows: int) -> str | None:
    import polars as pl

    frame = pl.read_excel(path, engine="calamine")
    if frame.height != rows:
        return f"XLSX has {frame.height} rows, expected {rows}"
    return None


def run(ctx: Context) -> None:
    figure = "export 1M rows"
    rows = 100_000 if ctx.quick else 1_000_000
    runs = 2 if ctx.quick else 3
    label = f"{rows // 1000}k rows" if rows < 1_000_000 else "1M rows"
    scale = ctx.big
    out = OUT_DIR / "export"
    out.mkdir(parents=True, exist_ok=True)
    try:
        db = ensure_store(ctx, scale).path
        sql = source_sql(rows)

        def app(fmt: str) -> dict[str, Any]:
            return run_child(
                "export_app", db=str(db), sql=sql, fmt=fmt, out=str(out / f"app.{fmt}")
            )

        def copy() -> dict[str, Any]:
            return run_child("export_copy", db=str(db), sql=sql, out=str(out / "copy.csv"))

        mine, theirs = app("csv"), copy()
        wrong = same_csv(db, sql, out / "app.csv", out / "copy.csv")
        if mine["answer"]["rows"] != rows:
            wrong = f"write_batches wrote {mine['answer']['rows']} rows, expected {rows}"
    except Exception as error:
        ctx.add(Row(figure, f"{scale}, {label}", "CSV", verdict=ERROR, note=repr(error)[:300]))
        return
    where = f"{scale}, {label}"
    if wrong:
        ctx.add(Row(figure, where, "write_batches CSV vs COPY", verdict=FAIL, note=wrong))
    else:
        results_a: list[dict[str, Any]] = []
        results_b: list[dict[str, Any]] = []
        for _ in range(runs):
            results_a.append(app("csv"))
            results_b.append(copy())
        a = [r["seconds"] for r in results_a]
        b = [r["seconds"] for r in results_b]
        value = ratio(a, b)
        note = (
            f"first {rows:,} rows of results ({COLUMNS}); "
            f"CSV {mine['answer']['bytes'] / 1024**2:.0f} MB "
            f"(COPY {theirs['answer']['bytes'] / 1024**2:.0f} MB); peak RSS write_batches "
            f"{statistics.median(r['peak_mb'] for r in results_a):,.0f} MB, COPY "
            f"{statistics.median(r['peak_mb'] for r in results_b):,.0f} MB"
        )
        ctx.add(
            Row(
                figure,
                where,
                "write_batches → CSV",
                a,
                ratio=fmt_ratio(value),
                goal=f"≤ {GOAL}x",
                verdict=verdict(value <= GOAL),
                note=note,
            )
        )
        ctx.add(Row(figure, where, "DuckDB COPY TO csv", b))
    try:
        first = app("xlsx")
        wrong = None if first["answer"]["rows"] == rows else f"{first['answer']['rows']} rows"
        wrong = wrong or same_xlsx(out / "app.xlsx", rows)
        if wrong:
            ctx.add(Row(figure, where, "write_batches → XLSX", verdict=FAIL, note=wrong))
            return
        # XLSX is slow (a minute for a million rows): the checked run counts, plus one more
        results = [first, *(app("xlsx") for _ in range(runs - 2))]
    except Exception as error:
        ctx.add(Row(figure, where, "write_batches → XLSX", verdict=ERROR, note=repr(error)[:300]))
        return
    note = (
        f"XLSX {first['answer']['bytes'] / 1024**2:.0f} MB; peak RSS "
        f"{statistics.median(r['peak_mb'] for r in results):,.0f} MB; no contender"
    )
    ctx.add(Row(figure, where, "write_batches → XLSX", [r["seconds"] for r in results], note=note))
