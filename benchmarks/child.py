"""One measured task in a fresh interpreter, so that its peak memory is its own:
`python -m benchmarks.child TASK '{"json": "kwargs"}'` prints one JSON line with the seconds
the task measured (its setup left out), its peak resident memory and its answer."""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

Task = Callable[..., dict[str, Any]]
TASKS: dict[str, Task] = {}

# What the DuckDB contender reads: the import file's Belgian dialect, declared by hand.
READ_CSV_OPTIONS = (
    "delim=';', header=true, decimal_separator=',', dateformat='%d/%m/%Y', "
    "columns={'procedure_code': 'VARCHAR', 'candidate_ref': 'VARCHAR', "
    "'step_no': 'INTEGER', 'score': 'DOUBLE', 'result_date': 'DATE'}"
)


def task(function: Task) -> Task:
    TASKS[function.__name__] = function
    return function


def _literal(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def _results_answer(con: duckdb.DuckDBPyConnection, table: str, where: str = "") -> dict[str, Any]:
    rows = con.sql(
        f"select count(*), sum(score), count(distinct candidate_ref) from {table} {where}"
    ).fetchall()
    count, total, candidates = rows[0]
    return {"rows": count, "score_sum": round(float(total or 0), 6), "candidates": candidates}


@task
def import_app(folder: str, base: str, work: str, procedure: str) -> dict[str, Any]:
    """`selstats.store.imports.import_paths` of the folder into a copy of the base store.
    Module imports (selstats, polars, pyarrow) come before the clock, as `duckdb`'s does
    for the contender; `import_seconds` says how long they took."""
    import selstats

    started = time.perf_counter()
    import pyarrow  # noqa: F401 - loaded by the writer's hand-over to DuckDB

    from selstats.store.imports import import_paths

    imports = time.perf_counter() - started
    shutil.copyfile(base, work)
    started = time.perf_counter()
    report = import_paths([Path(folder)], Path(work))
    seconds = time.perf_counter() - started
    answer: dict[str, Any] = {"ok": report.ok, "problems": [str(p) for p in report.problems[:3]]}
    con = duckdb.connect(work, read_only=True)
    try:
        answer.update(_results_answer(con, "results", f"where procedure_code = '{procedure}'"))
        answer["outcomes"] = dict(
            con.sql(
                "select step_no || ':' || outcome, count(*) from results "
                f"where procedure_code = '{procedure}' group by all order by 1"
            ).fetchall()
        )
    finally:
        con.close()
    return {
        "seconds": seconds,
        "answer": answer,
        "import_seconds": imports,
        "selstats": selstats.__file__,
    }


@task
def import_duckdb(csv: str, base: str, work: str) -> dict[str, Any]:
    """DuckDB's own `read_csv` of the same file into a table of a copy of the base store."""
    shutil.copyfile(base, work)
    con = duckdb.connect(work)
    started = time.perf_counter()
    con.execute(
        f"create table bench_results as select * from read_csv({_literal(csv)}, {READ_CSV_OPTIONS})"
    )
    con.close()  # checkpoint: the rows are in the file, as after the import
    seconds = time.perf_counter() - started
    con = duckdb.connect(work, read_only=True)
    try:
        answer = _results_answer(con, "bench_results")
    finally:
        con.close()
    return {"seconds": seconds, "answer": answer}


@task
def export_app(db: str, sql: str, fmt: str, out: str) -> dict[str, Any]:
    """`selstats.export.write_batches` of a relation on the store's reader connection,
    streamed in Arrow batches as `selstats export` does."""
    from selstats.export import write_batches
    from selstats.store.connection import open_reader

    con = open_reader(Path(db))
    started = time.perf_counter()
    relation = con.cursor().sql(sql)
    rows = write_batches(relation.to_arrow_reader(100_000), Path(out), fmt)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    con.close()
    return {"seconds": seconds, "answer": {"rows": rows, "bytes": Path(out).stat().st_size}}


@task
def export_copy(db: str, sql: str, out: str) -> dict[str, Any]:
    """DuckDB's `COPY (query) TO 'file.csv' (HEADER)`."""
    con = duckdb.connect(db, read_only=True)
    started = time.perf_counter()
    con.execute(f"copy ({sql}) to {_literal(out)} (format csv, header)")
    seconds = time.perf_counter() - started
    con.close()
    return {"seconds": seconds, "answer": {"bytes": Path(out).stat().st_size}}


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM, not getrusage: Linux keeps ru_maxrss
    across exec, so a child forked from the (large) benchmark process would report the
    parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    name, raw = sys.argv[1], sys.argv[2]
    result = TASKS[name](**json.loads(raw))
    result["peak_mb"] = _peak_mb()
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
