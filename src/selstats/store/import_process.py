"""Imports started from the dashboard run in a child process with a memory and a time limit.

A file can make a parser take gigabytes or run for ever (a crafted workbook, a parser bug);
inside the dashboard's own process that would take the server down for every user. So the
page hands the saved files to `import_in_child`, which starts `python -m
selstats.store.import_process`, sends it the request as JSON on its standard input and reads
its progress and its result as JSON lines on its standard output: data, never pickles, so a
child that a hostile file subverted still cannot make the server run code.

The child limits itself before it touches a file: its address space to what the program
already maps plus `SELSTATS_IMPORT_MEMORY_MB` (default 4096; `resource.RLIMIT_AS`, which
counts reserved as well as used memory, so keep it generous) and its CPU time; the parent
stops it after `SELSTATS_IMPORT_TIMEOUT` seconds (default 1800, which includes waiting for
another import: `SELSTATS_LOCK_TIMEOUT`). A child that runs out of memory, crashes or runs
out of time becomes one `import_stopped` problem in the user's language; the store is as it
was (the import writes a copy, see `selstats.store.writer`), and a working copy the child
left is removed when no other writer is busy.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

from selstats.ingest.problems import Code, Problem
from selstats.ingest.pseudonym import mask_national_numbers
from selstats.settings import settings

log = logging.getLogger(__name__)

MB: Final = 1024 * 1024
_LOG_TAIL: Final = 4000  # characters of the child's log kept for the server log

# What the parent hears: ("reading", file name) and ("waiting", store path).
EventHandler = Callable[[str, str], None]

# Words a process leaves on standard error when an allocation fails under RLIMIT_AS:
# Python, Rust (polars, fastexcel), C++ (DuckDB), glibc.
_OUT_OF_MEMORY_WORDS = (
    "MemoryError",
    "memory allocation of",
    "bad_alloc",
    "Out of Memory",
    "OutOfMemory",
    "Cannot allocate memory",
    "failed to allocate",
)


@dataclass(frozen=True)
class Limits:
    """How much an import in a child process may take (defaults: `selstats.settings`)."""

    memory_mb: int  # on top of what the program itself maps
    seconds: float  # wall-clock time, waiting for another import included

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            memory_mb=settings().import_memory_mb,
            seconds=settings().import_timeout,
        )


@dataclass
class ChildImport:
    """What an import in a child process gave: its problems, warnings and rows per table,
    or, when the child did not finish (`stopped`), one problem saying why."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows_by_table: dict[str, int] = field(default_factory=dict)
    stopped: str | None = None  # "memory" | "timeout" | "crashed" | "error"

    @property
    def ok(self) -> bool:
        return not self.problems


# ---- the parent ---------------------------------------------------------------------------


def import_in_child(
    paths: Sequence[Path],
    db: Path,
    *,
    imported_by: str | None,
    limits: Limits | None = None,
    on_event: EventHandler | None = None,
) -> ChildImport:
    """Import `paths` into the store at `db` in a child process (see the module's text).

    `on_event(kind, value)` hears ("reading", file name) per file and ("waiting", store)
    when another import holds the store. Never raises for what the child does: every
    outcome is a `ChildImport`.
    """
    limits = limits or Limits.from_env()
    request = {
        "paths": [str(p) for p in paths],
        "db": str(db),
        "imported_by": imported_by,
        "memory_mb": limits.memory_mb,
        "cpu_seconds": int(limits.seconds * max(os.cpu_count() or 1, 1)) + 5,
    }
    argv = [sys.executable, "-m", "selstats.store.import_process"]
    names = ", ".join(p.name for p in paths) or str(db)
    with tempfile.TemporaryFile() as child_log:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=child_log,
            env=_child_env(),
            close_fds=True,
        )
        result, killed = _talk(process, request, limits.seconds, on_event)
        child_log.seek(0)
        tail = child_log.read()[-_LOG_TAIL * 4 :].decode("utf-8", "replace")[-_LOG_TAIL:]
    tail = mask_national_numbers(tail)
    code = process.returncode
    if result is not None and result.get("event") == "report" and code == 0:
        log.debug("import child log:\n%s", tail)
        return _report(result)
    reason, detail = _why_stopped(result, code, killed, tail)
    log.warning(
        "import of %s in a child process stopped (%s, %s, exit %s); its log ends:\n%s",
        names,
        reason,
        detail,
        code,
        tail,
    )
    from selstats.store.writer import clean_stale_copies

    if not clean_stale_copies(db):
        log.info("another writer holds %s; it will remove the stopped import's copy", db)
    params: dict[str, object] = {"variant": reason, "detail": detail}
    params["limit"] = f"{limits.seconds:g} s" if reason == "timeout" else f"{limits.memory_mb} MB"
    problem = Problem(file=names, code=Code.IMPORT_STOPPED, params=params)
    return ChildImport(problems=[problem], stopped=reason)


def _child_env() -> dict[str, str]:
    """The server's environment (the pseudonym key, the lock timeout, ...), the package on
    the path, and glibc's arenas capped: each thread's arena reserves 64 MB of address
    space, which RLIMIT_AS counts."""
    import selstats

    env = dict(os.environ)
    package_root = str(Path(selstats.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    env.setdefault("MALLOC_ARENA_MAX", "2")
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _talk(
    process: subprocess.Popen[bytes],
    request: Mapping[str, object],
    seconds: float,
    on_event: EventHandler | None,
) -> tuple[dict[str, Any] | None, bool]:
    """Send the request, pass progress on, and return (the child's last word, killed for
    time). The child is always reaped when this returns."""
    deadline = time.monotonic() + seconds
    lines: queue.Queue[bytes | None] = queue.Queue()
    assert process.stdin is not None and process.stdout is not None
    reader = threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True)
    reader.start()
    try:
        process.stdin.write(json.dumps(request).encode("utf-8"))
        process.stdin.close()
    except OSError as exc:  # the child died before it read its request
        log.warning("could not send the import request: %s", exc)
    last: dict[str, Any] | None = None
    killed = False
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            killed = True
            break
        try:
            line = lines.get(timeout=min(remaining, 0.5))
        except queue.Empty:
            continue
        if line is None:  # the child closed its end: it has ended or is ending
            break
        event = _event(line)
        if event is None:
            continue
        kind = event.get("event")
        if kind in ("reading", "waiting") and on_event is not None:
            on_event(str(kind), str(event.get("value", "")))
        elif kind in ("report", "failed"):
            last = event
    if not killed:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 1.0))
        except subprocess.TimeoutExpired:
            killed = True
    if killed:
        process.kill()
        process.wait()
    reader.join(timeout=5)
    return last, killed


def _read_lines(stream: IO[bytes], lines: queue.Queue[bytes | None]) -> None:
    try:
        for line in stream:
            lines.put(line)
    finally:
        lines.put(None)


def _event(line: bytes) -> dict[str, Any] | None:
    try:
        event = json.loads(line)
    except ValueError:
        log.info("import child wrote a line that is not an event (%d bytes)", len(line))
        return None
    return event if isinstance(event, dict) else None


def _report(event: Mapping[str, Any]) -> ChildImport:
    rows = event.get("rows_by_table") or {}
    return ChildImport(
        problems=[_problem(p) for p in event.get("problems") or []],
        warnings=[_problem(p) for p in event.get("warnings") or []],
        rows_by_table={str(k): int(v) for k, v in rows.items()},
    )


def _why_stopped(
    last: Mapping[str, Any] | None, code: int | None, killed: bool, tail: str
) -> tuple[str, str]:
    """(memory | timeout | crashed | error, a detail for the message)."""
    if killed:
        return "timeout", "SIGKILL"
    if code is not None and code < 0:
        name = _signal_name(-code)
        if -code == signal.SIGXCPU:
            return "timeout", name
        if any(word in tail for word in _OUT_OF_MEMORY_WORDS):
            return "memory", name
        return "crashed", name
    if last is not None and last.get("event") == "failed":
        reason = str(last.get("reason", "error"))
        return (reason if reason in ("memory", "error") else "error"), str(last.get("detail", ""))
    if any(word in tail for word in _OUT_OF_MEMORY_WORDS):
        return "memory", f"exit {code}"
    return "crashed", f"exit {code}"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# ---- the child ----------------------------------------------------------------------------


def _plain(value: object) -> object:
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def problem_data(problem: Problem) -> dict[str, object]:
    """A problem as JSON data (parameters as plain values)."""
    return {
        "file": problem.file,
        "row": problem.row,
        "column": problem.column,
        "value": problem.value,
        "code": problem.code,
        "params": {str(k): _plain(v) for k, v in problem.params.items()},
    }


def _problem(data: Mapping[str, Any]) -> Problem:
    row = data.get("row")
    params = data.get("params")
    return Problem(
        file=str(data.get("file", "")),
        row=int(row) if isinstance(row, int) else None,
        column=str(data["column"]) if data.get("column") is not None else None,
        value=str(data["value"]) if data.get("value") is not None else None,
        code=str(data.get("code", "")),
        params={str(k): _plain(v) for k, v in params.items()} if isinstance(params, dict) else {},
    )


def _address_space() -> int:
    """Bytes of address space this process maps now (0 where /proc is not available)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def limit_self(memory_mb: int, cpu_seconds: int) -> None:
    """Cap this process: address space at what it maps now plus `memory_mb`, CPU time at
    `cpu_seconds` (SIGXCPU, then SIGKILL 5 s later)."""
    import resource

    memory = _address_space() + memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def _warm_up() -> None:
    """Start the thread pools the import uses before the address space is capped, so that
    the cap is about the files, not about how many cores the machine has."""
    import duckdb
    import polars as pl

    pl.thread_pool_size()
    pl.DataFrame({"a": [1, 2]}).select(pl.col("a").sum())
    duckdb.connect().close()


def main() -> int:
    """The child: read the request, limit itself, import, say what happened."""
    # The event channel is the original standard output; anything a library prints goes
    # to the log (standard error) instead of into the channel.
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    def send(event: str, **data: object) -> None:
        channel.write(json.dumps({"event": event, **data}) + "\n")
        channel.flush()

    request = json.loads(sys.stdin.read())
    from selstats.store.imports import import_paths

    _warm_up()
    limit_self(int(request["memory_mb"]), int(request["cpu_seconds"]))
    try:
        report = import_paths(
            [Path(p) for p in request["paths"]],
            Path(request["db"]),
            imported_by=request.get("imported_by"),
            progress=lambda name: send("reading", value=name),
            on_wait=lambda store: send("waiting", value=str(store)),
        )
        warnings = [w for read in report.files for w in read.warnings]
        send(
            "report",
            problems=[problem_data(p) for p in report.problems],
            warnings=[problem_data(w) for w in warnings],
            rows_by_table=report.rows_by_table if report.ok else {},
        )
    except MemoryError:
        send("failed", reason="memory", detail="MemoryError")
        return 3
    except Exception as exc:
        name = type(exc).__name__
        if "OutOfMemory" in name:
            send("failed", reason="memory", detail=name)
            return 3
        trace = mask_national_numbers("".join(traceback.format_exception(exc)))
        logging.getLogger(__name__).error("import failed\n%s", trace)
        send("failed", reason="error", detail=name)
        return 4
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
