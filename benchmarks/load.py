"""The load test: simulated browser sessions speaking Streamlit's websocket protocol
(`benchmarks/protocol.py`) against `selstats serve --workers W`, for sessions x workers.

A session, as a user: loads a deep link (a page with a period and maybe a government in its
URL), then every 5-15 s (uniform, seeded per session) does one thing: changes a sidebar
filter (toggles a government or picks another period: 75 %), switches to another page
(15 %) or downloads one of the page's files (10 %, fetched over HTTP from /media with the
session's sticky cookie). Sessions start spread over the first think time, so they do not
all arrive in the same second.

Measured per (workers, sessions), on a fresh server per worker count (the session counts in
increasing order on it, each after the previous one ended):

- latency: from sending the interaction to the end of the run it caused
  (`session_status_changed` "not running"), for deep links, filter changes and page
  switches; downloads apart (click to the file's last byte);
- errors: a run that did not finish successfully, showed an exception element, lacked the
  page's title, or (a deep link) did not show the figures a lone session saw for the same
  link on a quiet server before the test (`reference_figures`); a timeout; a failed
  download; a lost websocket. A session with an error is replaced by a fresh one;
- server CPU (all its processes: workers, supervisor, nginx) and the peak of their summed
  resident memory, sampled every 0.5 s; the load generator's own CPU beside it;
- throughput at saturation: `SATURATION_SESSIONS` sessions doing the same with no think
  time; finished runs per second.

Goals (issue 16): at 50 sessions with workers = cores, p95 <= 3x the single-session median
and no error; throughput with 2 workers >= 1.5x with 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import ERROR, INFO, MISS, OK, Context, Row, fmt_ratio, fmt_seconds, log
from benchmarks.protocol import DownloadError, ProtocolError, RunResult, Session
from benchmarks.record import discover_pages
from benchmarks.server import TreeSampler, start_server
from benchmarks.stores import ensure_store

LANG = "nl"
FIGURE = "load"
P95_GOAL = 3.0  # p95 at 50 sessions, workers = cores, over the single-session median
GOAL_SESSIONS = 50
THROUGHPUT_GOAL = 1.5  # 2 workers over 1, at saturation
SATURATION_SESSIONS = 16
DRAIN_S = 60.0  # a session's last run may take this long to end after the window
# Shares of the actions after the deep link (the rest: filter changes).
PAGE_SWITCH = 0.15
DOWNLOAD = 0.10


@dataclass(frozen=True)
class Plan:
    """What to run: worker counts, session counts, seconds per measurement, think time."""

    workers: tuple[int, ...]
    sessions: tuple[int, ...]
    seconds: float
    think: tuple[float, float]
    saturation_seconds: float
    scale: str
    links_per_page: int = 6
    # The lone session's figures on the first measured server (its caches cleared after)
    # instead of a server of their own: one server start less, for --quick.
    reference_on_first: bool = False

    @classmethod
    def for_context(cls, ctx: Context) -> Plan:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        options = ctx.cache.get("load_options", {})
        workers = options.get("workers") or tuple(sorted({1, 2, max(1, cores)}))
        if ctx.quick:
            # < 2 minutes at S: two worker counts, up to 50 sessions, think time / 3
            return cls(
                workers=tuple(options.get("workers") or (1, 2)),
                sessions=tuple(options.get("sessions") or (1, 10, 50)),
                seconds=float(options.get("seconds") or 8),
                think=(5 / 3, 15 / 3),
                saturation_seconds=5,
                scale="S",
                links_per_page=2,
                reference_on_first=True,
            )
        return cls(
            workers=tuple(workers),
            sessions=tuple(options.get("sessions") or (1, 10, 50, 100)),
            seconds=float(options.get("seconds") or 120),
            think=(5.0, 15.0),
            saturation_seconds=30,
            scale=ctx.big,
        )


# ---- the deep links and what a lone session sees on them -----------------------------------


@dataclass(frozen=True)
class Page:
    url_path: str
    key: str  # catalogue key: the title is t("page.<key>")

    @property
    def title(self) -> str:
        from selstats.i18n import translate

        return translate(LANG, f"page.{self.key}")


def pages() -> list[Page]:
    return [Page(url_path, key) for _, url_path, key in discover_pages()]


def deep_links(years: list[str]) -> list[str]:
    """Query strings: the last full year, the last three, everything; each for all
    governments and for the federal one."""
    full = years[:-1] or years  # the last option is the running year
    periods = [
        f"year_from={full[-1]}&year_to={full[-1]}",
        f"year_from={full[max(0, len(full) - 3)]}&year_to={full[-1]}",
        "",
    ]
    links = []
    for period in periods:
        for govs in ("", "govs=federal"):
            links.append("&".join(p for p in (period, govs) if p))
    return links


async def reference_figures(
    base_url: str, all_pages: list[Page], links_per_page: int
) -> dict[tuple[str, str], tuple]:
    """One session alone, each page on each deep link: the figures it shows."""
    probe = Session(base_url)
    await probe.connect("/")
    first = await probe.open("", "")
    period = first.widgets.get("filter_period")
    await probe.close()
    if period is None or not period.options:
        raise ProtocolError("no period slider on the default page")
    links = deep_links(list(period.options))[:links_per_page]
    found: dict[tuple[str, str], tuple] = {}
    for page in all_pages:
        for link in links:
            session = Session(base_url)
            await session.connect(f"/{page.url_path}?{link}")
            run = await session.open(page.url_path, link)
            await session.close()
            if not run.ok:
                raise ProtocolError(f"/{page.url_path}?{link} alone: {run.exceptions}")
            if run.figure_elements:
                found[(page.url_path, link)] = run.figures()
    return found


# ---- sessions ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the sessions of one measurement saw."""

    runs: dict[str, list[float]] = field(default_factory=dict)  # kind -> seconds
    downloads: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    workers_seen: Counter[str] = field(default_factory=Counter)
    finished_in_window: int = 0

    def add(self, kind: str, seconds: float, in_window: bool) -> None:
        self.runs.setdefault(kind, []).append(seconds)
        if in_window:
            self.finished_in_window += 1

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {detail}"[:300])

    @property
    def latencies(self) -> list[float]:
        return [s for kind in ("open", "filter", "page") for s in self.runs.get(kind, [])]


def _check(run: RunResult, page: Page) -> str | None:
    """Why a run is wrong, or None."""
    if run.exceptions:
        return f"exception on /{page.url_path}: {run.exceptions[0]}"
    if not run.ok:
        return f"/{page.url_path}: run ended with status {run.finished}"
    if ("h1", page.title) not in run.headings:
        return f"/{page.url_path}: no title {page.title!r} (headings {run.headings[:2]})"
    return None


def _government_labels() -> list[str]:
    from selstats.domain.enums import Government
    from selstats.i18n import translate

    return [translate(LANG, f"government.{g.value}") for g in Government]


class User:
    """One simulated user: a session and what they chose so far."""

    def __init__(
        self,
        base_url: str,
        seed: int,
        all_pages: list[Page],
        references: dict[tuple[str, str], tuple],
        tally: Tally,
        think: tuple[float, float],
    ) -> None:
        self.base_url = base_url
        self.rng = random.Random(seed)
        self.pages = all_pages
        self.references = references
        self.tally = tally
        self.think = think
        self.session: Session | None = None
        self.page = all_pages[0]
        self.govs: list[str] = []

    async def _start(self, in_window: bool) -> RunResult:
        page_path, link = self.rng.choice(sorted(self.references))
        self.page = next(p for p in self.pages if p.url_path == page_path)
        self.govs = [_government_labels()[0]] if "govs=federal" in link else []
        self.session = Session(self.base_url)
        await self.session.connect(f"/{page_path}?{link}" if link else f"/{page_path}")
        run = await self.session.open(page_path, link)
        self._record("open", run, in_window)
        if self.session.worker:
            self.tally.workers_seen[self.session.worker] += 1
        if run.ok and run.figures() != self.references[(page_path, link)]:
            raise ProtocolError(
                f"/{page_path}?{link}: figures differ from a lone session's: "
                f"{run.figures()[:3]} vs {self.references[(page_path, link)][:3]}"
            )
        return run

    def _record(self, kind: str, run: RunResult, in_window: bool) -> None:
        problem = _check(run, self.page)
        if problem:
            raise ProtocolError(problem)
        self.tally.add(kind, run.seconds, in_window)

    async def _filter(self, run: RunResult, in_window: bool) -> None:
        assert self.session is not None
        govs = run.widgets.get("filter_govs")
        period = run.widgets.get("filter_period")
        if period is not None and period.options and (govs is None or self.rng.random() < 0.5):
            years = list(period.options)
            a, b = sorted(self.rng.sample(range(len(years)), 2)) if len(years) > 1 else (0, 0)
            widget, values = period, [years[a], years[b]]
        elif govs is not None:
            label = self.rng.choice(list(govs.options))  # toggled: added or removed
            if label in self.govs:
                self.govs.remove(label)
            else:
                self.govs.append(label)
            widget, values = govs, self.govs
        else:
            raise ProtocolError(f"/{self.page.url_path}: no sidebar filter to change")
        self._record("filter", await self.session.change(widget, values), in_window)

    async def act(self, run: RunResult, in_window: bool) -> RunResult:
        """One interaction after a think time; the run it caused (or `run` for a download)."""
        assert self.session is not None
        draw = self.rng.random()
        if draw < DOWNLOAD and run.downloads:
            try:
                seconds, _ = await self.session.download(self.rng.choice(run.downloads))
            except DownloadError as error:  # the user sees a failed download, and goes on
                self.tally.error("DownloadError", str(error))
            else:
                self.tally.downloads.append(seconds)
            return run
        if draw < DOWNLOAD + PAGE_SWITCH:
            self.page = self.rng.choice([p for p in self.pages if p != self.page])
            new = await self.session.switch_page(self.page.url_path)
            self._record("page", new, in_window)
            return new
        await self._filter(run, in_window)
        assert self.session.last is not None
        return self.session.last

    async def live(self, started: float, seconds: float, delay: float) -> None:
        """Be a user from `delay` after `started` until `seconds` after it."""
        await asyncio.sleep(delay)
        end = started + seconds
        run: RunResult | None = None
        while time.perf_counter() < end:
            try:
                if run is None:
                    run = await self._start(time.perf_counter() < end)
                else:
                    pause = self.rng.uniform(*self.think)
                    if time.perf_counter() + pause >= end:
                        break
                    await asyncio.sleep(pause)
                    run = await self.act(run, True)
            except Exception as error:  # noted, and the user starts a fresh session
                kind = type(error).__name__
                self.tally.error(kind, str(error) or kind)
                run = None
                await self._close()
                await asyncio.sleep(self.rng.uniform(*self.think))
        await self._close()

    async def _close(self) -> None:
        if self.session is not None:
            with contextlib.suppress(Exception):
                await self.session.close()
            self.session = None


@dataclass
class Measurement:
    workers: int
    sessions: int
    tally: Tally
    wall: float
    server_cpu: float
    client_cpu: float
    peak_mb: float
    processes: int
    saturation: bool = False

    @property
    def latencies(self) -> list[float]:
        return self.tally.latencies

    @property
    def errors(self) -> int:
        return sum(self.tally.errors.values())

    @property
    def throughput(self) -> float:
        return self.tally.finished_in_window / self.wall if self.wall else 0.0


async def measure(
    base_url: str,
    server_pid: int,
    workers: int,
    sessions: int,
    seconds: float,
    think: tuple[float, float],
    all_pages: list[Page],
    references: dict[tuple[str, str], tuple],
    seed: int,
    saturation: bool = False,
) -> Measurement:
    tally = Tally()
    users = [
        User(base_url, seed * 10_000 + i, all_pages, references, tally, think)
        for i in range(sessions)
    ]
    ramp = 0.0 if saturation or sessions == 1 else min(think[1], seconds / 3)
    sampler = TreeSampler(server_pid)
    sampler.start()
    started = time.perf_counter()
    tasks = [
        asyncio.create_task(u.live(started, seconds, ramp * i / max(1, sessions)))
        for i, u in enumerate(users)
    ]
    done, pending = await asyncio.wait(tasks, timeout=seconds + DRAIN_S)
    for task in pending:
        task.cancel()
        tally.error("TimeoutError", "a run did not end within the drain time")
    wall = min(time.perf_counter() - started, seconds)
    server_cpu, client_cpu = await sampler.stop()
    for task in done:
        if task.exception() is not None:
            tally.error("crash", repr(task.exception()))
    return Measurement(
        workers,
        sessions,
        tally,
        wall,
        server_cpu,
        client_cpu,
        sampler.peak_mb,
        sampler.processes,
        saturation,
    )


# ---- the whole figure -------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


async def clear_caches(base_url: str) -> None:
    """Empty the server process's caches (`BackMsg.clear_cache`, what Streamlit's "Clear
    cache" menu item sends; with one process, all of the server's)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    session = Session(base_url)
    await session.connect("/")
    await session.ws.send(BackMsg(clear_cache=True).SerializeToString())
    await session.open("", "")  # answered after the clear: it is done
    await session.close()


async def run_plan(db: Path, plan: Plan) -> tuple[dict, list[Measurement]]:
    all_pages = pages()
    references: dict[tuple[str, str], tuple] = {}
    if not plan.reference_on_first:
        server = start_server(db, "load-reference")
        try:
            await server.wait_ready()
            references = await reference_figures(server.url, all_pages, plan.links_per_page)
        finally:
            server.stop()
    results: list[Measurement] = []
    for workers in plan.workers:
        server = start_server(db, f"load-{workers}w", workers=workers)
        try:
            await server.wait_ready()
            if not references:  # --quick, one server start less: on the first server
                references = await reference_figures(server.url, all_pages, plan.links_per_page)
                await clear_caches(server.url)
            log.info("  load: %d deep links, figures from a lone session", len(references))
            for sessions in plan.sessions:
                m = await measure(
                    server.url,
                    server.process.pid,
                    workers,
                    sessions,
                    plan.seconds,
                    plan.think,
                    all_pages,
                    references,
                    seed=sessions,
                )
                results.append(m)
                log.info("  load: %s", _line(m))
            saturated = await measure(
                server.url,
                server.process.pid,
                workers,
                SATURATION_SESSIONS,
                plan.saturation_seconds,
                (0.0, 0.0),
                all_pages,
                references,
                seed=999,
                saturation=True,
            )
            results.append(saturated)
            log.info("  load: %s", _line(saturated))
        finally:
            server.stop()
    return references, results


def _line(m: Measurement) -> str:
    lat = m.latencies
    what = "saturation" if m.saturation else f"{m.sessions} sessions"
    if not lat:
        return f"{m.workers} workers, {what}: no run finished; errors {dict(m.tally.errors)}"
    return (
        f"{m.workers} workers, {what}: {len(lat)} runs, "
        f"median {fmt_seconds(statistics.median(lat))}, p95 {fmt_seconds(p95(lat))}, "
        f"errors {m.errors}, {m.throughput:.2f} runs/s, "
        f"server CPU {m.server_cpu:.1f} s, peak {m.peak_mb:,.0f} MB"
    )


def load_table(results: list[Measurement], plan: Plan, cores: int) -> tuple[str, list[Row]]:
    """The sessions x workers table (text) and the goal rows for the main table."""
    single = {
        m.workers: statistics.median(m.latencies)
        for m in results
        if m.sessions == 1 and not m.saturation and m.latencies
    }
    header = (
        "workers", "sessions", "runs", "median", "p95", "p95/1-session median", "errors",
        "runs/s", "server CPU", "peak RSS", "client CPU", "downloads (median)",
        "sessions per worker",
    )  # fmt: skip
    lines = []
    for m in results:
        lat = m.latencies
        base = single.get(m.workers)
        cpu_share = m.server_cpu / (m.wall * cores) * 100 if m.wall else 0.0
        downloads = m.tally.downloads
        lines.append(
            (
                str(m.workers),
                f"{m.sessions}{' (no think time)' if m.saturation else ''}",
                str(len(lat)),
                fmt_seconds(statistics.median(lat)) if lat else "-",
                fmt_seconds(p95(lat)) if lat else "-",
                fmt_ratio(p95(lat) / base) if lat and base else "-",
                str(m.errors),
                f"{m.throughput:.2f}",
                f"{m.server_cpu:.1f} s ({cpu_share:.0f} % of {cores} cores)",
                f"{m.peak_mb:,.0f} MB ({m.processes} proc)",
                f"{m.client_cpu:.1f} s",
                f"{len(downloads)} ({fmt_seconds(statistics.median(downloads))})"
                if downloads
                else "0",
                " ".join(f"{w}:{n}" for w, n in sorted(m.tally.workers_seen.items())) or "-",
            )
        )
    widths = [max(len(h), *(len(r[i]) for r in lines)) for i, h in enumerate(header)]
    text = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    text.append("-+-".join("-" * w for w in widths))
    text += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in lines]

    rows: list[Row] = []
    goal_workers = max(plan.workers) if cores not in plan.workers else cores
    target = next(
        (m for m in results
         if m.workers == goal_workers and m.sessions == GOAL_SESSIONS and not m.saturation),
        None,
    )  # fmt: skip
    base = single.get(goal_workers)
    if target is not None and target.latencies and base:
        ratio = p95(target.latencies) / base
        met = ratio <= P95_GOAL and target.errors == 0
        rows.append(
            Row(
                FIGURE,
                plan.scale,
                f"{GOAL_SESSIONS} sessions, {goal_workers} workers: p95 "
                f"{fmt_seconds(p95(target.latencies))}",
                target.latencies,
                ratio=f"p95/1-session {fmt_ratio(ratio)}",
                goal=f"≤ {P95_GOAL:.0f}x, 0 errors",
                verdict=OK if met else MISS,
                note=f"{target.errors} errors; single-session median {fmt_seconds(base)} "
                f"({goal_workers} workers); {_errors_text(target)}",
            )
        )
    else:
        rows.append(
            Row(FIGURE, plan.scale, f"{GOAL_SESSIONS} sessions, workers = cores", verdict=INFO,
                note="not measured in this plan")
        )  # fmt: skip
    saturated = {m.workers: m.throughput for m in results if m.saturation}
    if 1 in saturated and 2 in saturated and saturated[1]:
        ratio = saturated[2] / saturated[1]
        rows.append(
            Row(
                FIGURE,
                plan.scale,
                f"throughput at saturation: {saturated[2]:.2f} vs {saturated[1]:.2f} runs/s",
                ratio=f"2 workers / 1: {fmt_ratio(ratio)}",
                goal=f"≥ {THROUGHPUT_GOAL}x",
                verdict=OK if ratio >= THROUGHPUT_GOAL else MISS,
                note=f"{SATURATION_SESSIONS} sessions acting with no think time for "
                f"{plan.saturation_seconds:.0f} s; finished runs per second",
            )
        )
    errors = sum(m.errors for m in results)
    if errors:
        rows.append(
            Row(FIGURE, plan.scale, f"errors in all measurements: {errors}", verdict=ERROR,
                note="; ".join(e for m in results for e in m.tally.examples)[:600])
        )  # fmt: skip
    text.append("")
    text += [f"goal: {r.what}: {r.ratio} (goal {r.goal}): {r.verdict}" for r in rows if r.goal]
    return "\n".join(text), rows


def _errors_text(m: Measurement) -> str:
    if not m.errors:
        return "no error"
    return "errors: " + ", ".join(f"{k} {v}" for k, v in m.tally.errors.items())


def run(ctx: Context) -> None:
    plan = Plan.for_context(ctx)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    store = ensure_store(ctx, plan.scale)
    logging.getLogger("websockets").setLevel(logging.ERROR)
    started = time.perf_counter()
    load_before = os.getloadavg()
    references, results = asyncio.run(run_plan(store.path, plan))
    load_after = os.getloadavg()
    table, rows = load_table(results, plan, cores)
    title = (
        f"Load test, scale {plan.scale} ({store.path.name}): protocol-level sessions "
        f"(benchmarks/protocol.py) x `selstats serve --workers W`; {plan.seconds:.0f} s per "
        f"measurement, think time {plan.think[0]:.1f}-{plan.think[1]:.1f} s, "
        f"{len(references)} deep links checked against a lone session's figures; "
        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after; "
        f"{fmt_seconds(time.perf_counter() - started)} in all"
    )
    ctx.tables.append(f"{title}\n{table}")
    for row in rows:
        ctx.add(row)
