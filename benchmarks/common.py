"""What every figure shares: the result rows, side-by-side timing, answer checks, the machine,
peak memory of child processes, and the one table printed at the end."""

from __future__ import annotations

import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

REPO_ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = REPO_ROOT / "benchmarks" / "out"
PYTHON = sys.executable

log = logging.getLogger("benchmarks")

# Verdicts, as printed in the last column.
OK = "ok"
MISS = "MISS"  # right answer, goal not met
FAIL = "FAIL"  # wrong answer: the contender's result differs from the app's
ERROR = "ERROR"  # the figure could not be measured (exception, timeout)
INFO = "-"  # no goal: reported only
SKIP = "skip"


@dataclass
class Row:
    """One line of the table. `samples` are seconds (unit "s") or megabytes (unit "MB");
    `text` replaces median and spread for a row that is a sentence (growth, notes)."""

    figure: str
    scale: str
    what: str
    samples: list[float] = field(default_factory=list)
    unit: str = "s"
    ratio: str = ""
    goal: str = ""
    verdict: str = INFO
    note: str = ""
    text: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None


@dataclass
class Context:
    """What the figures are given: options, the stores, and where their rows go."""

    quick: bool
    runs: int  # timed runs per contender for the fast figures
    scales: tuple[str, ...]  # stores the scale-dependent figures run on
    big: str  # the scale of the "scale L" figures (M with --quick)
    rows: list[Row] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)  # shared work (stores, recordings)
    tables: list[str] = field(default_factory=list)  # a figure's own table, printed after

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        log.info("%s", _progress_line(row))
        return row


def _progress_line(row: Row) -> str:
    value = row.text or (_fmt_value(row.median, row.unit) if row.samples else "")
    spread = _spread(row)
    parts = [row.figure, row.scale, row.what, value, spread, row.ratio, row.verdict, row.note]
    return " | ".join(p for p in parts if p)


# ---- timing -----------------------------------------------------------------------------


def alternate(contenders: Sequence[Callable[[], float]], runs: int) -> list[list[float]]:
    """Run the contenders A B A B ... `runs` times each; every call returns the seconds it
    measured itself (so that setup such as opening a fresh connection stays outside)."""
    samples: list[list[float]] = [[] for _ in contenders]
    for _ in range(runs):
        for i, contender in enumerate(contenders):
            samples[i].append(contender())
    return samples


def ratio(numerator: list[float], denominator: list[float]) -> float:
    """Ratio of the medians."""
    return statistics.median(numerator) / statistics.median(denominator)


def fmt_ratio(value: float) -> str:
    return f"{value:.2f}x" if value < 100 else f"{value:.0f}x"


def verdict(met: bool) -> str:
    return OK if met else MISS


# ---- answers ------------------------------------------------------------------------------


def same_frame(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    """Equal values, columns and types; rows in the same order, or, for a query without a
    total order, the same rows once both are sorted on every column."""
    if a.schema != b.schema or a.shape != b.shape:
        return False
    if a.equals(b, null_equal=True):
        return True
    try:
        keys = a.columns
        return a.sort(keys, nulls_last=True).equals(b.sort(keys, nulls_last=True), null_equal=True)
    except Exception:  # columns that cannot be sorted (lists, structs)
        return False


def frame_difference(a: pl.DataFrame, b: pl.DataFrame) -> str:
    """A short description of how two frames differ, for a FAIL note."""
    if a.columns != b.columns:
        return f"columns {a.columns} vs {b.columns}"
    if a.schema != b.schema:
        diff = {
            c: (str(a.schema[c]), str(b.schema[c])) for c in a.columns if a[c].dtype != b[c].dtype
        }
        return f"types differ {diff}"
    if a.height != b.height:
        return f"{a.height} rows vs {b.height}"
    return "values differ"


# ---- the machine ----------------------------------------------------------------------------


def _meminfo_kb(key: str) -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return done.stdout.strip() or "?"


def load_text() -> str:
    """The load average: other work on the machine shows in every timing."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 min)"


def machine_lines() -> list[str]:
    import duckdb
    import streamlit

    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    total = _meminfo_kb("MemTotal")
    available = _meminfo_kb("MemAvailable")
    memory = (
        f"{total / 1024**2:.1f} GiB total, {available / 1024**2:.1f} GiB available"
        if total and available
        else "unknown"
    )
    dirty = " (uncommitted changes)" if _git("status", "--porcelain") not in ("", "?") else ""
    return [
        f"machine : {cores} cores ({usable} usable), {_cpu_model()}; {load_text()} at start",
        f"memory  : {memory}",
        f"software: Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
        f"polars {pl.__version__}, Streamlit {streamlit.__version__}, {platform.system()} "
        f"{platform.release()}",
        f"code    : {_git('rev-parse', '--short', 'HEAD')}{dirty}, "
        f"{time.strftime('%Y-%m-%d %H:%M:%S')}",
    ]


# ---- child processes ---------------------------------------------------------------------------

# A wrapper process whose only child is the command: RUSAGE_CHILDREN is then the command's own
# peak RSS (ru_maxrss is a maximum over the children waited for, not a sum).
_WRAPPER = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    started = time.perf_counter()
    code = subprocess.call(sys.argv[2:])
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(sys.argv[1], "w") as out:
        json.dump({"code": code, "seconds": seconds, "peak_kb": peak_kb}, out)
    """
)


@dataclass(frozen=True)
class Measured:
    code: int
    seconds: float
    peak_mb: float
    output: str


def run_measured(
    command: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 1800
) -> Measured:
    """Run `command` (wall time and peak resident memory); its output is kept for errors."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as report:
        done = subprocess.run(
            [PYTHON, "-c", _WRAPPER, report.name, *command],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        data = json.loads(Path(report.name).read_text() or "{}")
    return Measured(
        code=int(data.get("code", done.returncode)),
        seconds=float(data.get("seconds", 0.0)),
        peak_mb=float(data.get("peak_kb", 0)) / 1024,
        output=(done.stdout + done.stderr)[-3000:],
    )


def run_child(
    task: str, timeout: float = 1200, src: Path | None = None, **kwargs: Any
) -> dict[str, Any]:
    """Run `benchmarks.child.<task>(**kwargs)` in a fresh interpreter; its JSON answer
    (seconds it measured, its peak memory, what it computed). `src`: a folder whose
    `selstats` the child imports instead of this tree's (a baseline's src/)."""
    command = [PYTHON, "-m", "benchmarks.child", task, json.dumps(kwargs, default=str)]
    env = None
    if src is not None:
        env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, env=env
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"child {task} failed ({done.returncode}): {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def vm_peak_mb(pid: int) -> float | None:
    """The peak resident memory (VmHWM) of a running process, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def file_mb(*paths: Path) -> float:
    return sum(p.stat().st_size for p in paths if p.exists()) / 1024**2


# ---- the table ----------------------------------------------------------------------------------


def _fmt_seconds(seconds: float) -> str:
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 0.01:
        return f"{seconds * 1e3:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1e3:.0f} ms"
    if seconds < 120:
        return f"{seconds:.2f} s"
    return f"{seconds / 60:.1f} min"


def _fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "s":
        return _fmt_seconds(value)
    if unit == "MB":
        return f"{value:,.0f} MB" if value >= 10 else f"{value:.1f} MB"
    return f"{value:g} {unit}"


def fmt_seconds(seconds: float) -> str:
    return _fmt_seconds(seconds)


def _spread(row: Row) -> str:
    if len(row.samples) < 2:
        return ""
    return f"{_fmt_value(min(row.samples), row.unit)} – {_fmt_value(max(row.samples), row.unit)}"


HEADERS = ("figure", "scale", "contender", "median", "spread (min – max)", "n", "ratio", "goal")


def render_table(rows: Sequence[Row]) -> str:
    """The table, notes numbered below it."""
    notes: list[str] = []
    body: list[list[str]] = []
    for row in rows:
        mark = ""
        if row.note:
            notes.append(row.note)
            mark = f" [{len(notes)}]"
        value = row.text or _fmt_value(row.median, row.unit)
        body.append(
            [
                row.figure,
                row.scale,
                row.what,
                value,
                _spread(row),
                str(len(row.samples)) if row.samples else "",
                row.ratio,
                row.goal,
                row.verdict + mark,
            ]
        )
    headers = [*HEADERS, "result"]
    widths = [
        max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(headers)
    ]
    # A long sentence (the growth rows) may not widen its column for everybody.
    widths[3] = min(widths[3], 12)

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            out.append(cell.rjust(widths[i]) if i in (3, 5, 6) else cell.ljust(widths[i]))
        return " | ".join(out).rstrip()

    lines = [line(headers), "-+-".join("-" * w for w in widths)]
    lines += [line(r) for r in body]
    if notes:
        lines.append("")
        lines += [f"[{i}] {note}" for i, note in enumerate(notes, 1)]
    return "\n".join(lines)


def save_results(
    rows: Sequence[Row], header: Sequence[str], table: str, tables: Sequence[str] = ()
) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    text = "\n".join([*header, "", table, *(f"\n{t}" for t in tables), ""])
    (OUT_DIR / "results.txt").write_text(text, encoding="utf-8")
    # kept per run too: an `--only` run must not overwrite the last full table
    (OUT_DIR / f"results-{time.strftime('%Y%m%d-%H%M%S')}.txt").write_text(text, encoding="utf-8")
    data = [{**row.__dict__, "median": row.median} for row in rows]
    path = OUT_DIR / "results.json"
    document = {"machine": list(header), "rows": data, "tables": list(tables)}
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path
