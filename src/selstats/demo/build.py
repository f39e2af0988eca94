"""`build_demo`: a fresh demo store, year by year, in bounded memory.

Each year of deadlines is planned, simulated and derived on its own (its own Generator seeded
from (seed, year)) and written through the store's writer before the next one is generated.
The store at `path` is replaced only when the whole build succeeds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import polars as pl

from selstats.demo.catalogue import DEMO_TODAY, ORGANISATIONS, OrgSpec
from selstats.demo.generate import (
    SCALES_BY_NAME,
    STREAM_LISTS,
    STREAM_STAFF,
    generator,
    plan_reference,
    plan_year,
)
from selstats.demo.list_entries import list_entries
from selstats.demo.plan import Plan
from selstats.demo.reference import ReferenceFacts, reference_facts
from selstats.demo.simulate import simulate
from selstats.demo.staff import consultants, qchecks, review_dates
from selstats.store.writer import StoreWriter, write_store

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoSummary:
    scale: str
    seed: int
    organisations: int
    procedures: int
    applications: int
    results: int
    laureates: int
    elapsed_seconds: float
    problems: int = 0  # problems the rules engine reported on the generated data (expect 0)


@dataclass
class _Counts:
    procedures: int = 0
    applications: int = 0
    results: int = 0
    laureates: int = 0
    problems: int = 0


def _organisations(facts: ReferenceFacts) -> list[OrgSpec]:
    """The catalogue, with the reference organisations' names and governments as the
    reference data gives them."""
    loaded = {row["org_id"]: row for row in facts.organisations.iter_rows(named=True)}
    orgs: list[OrgSpec] = []
    for spec in ORGANISATIONS:
        row = loaded.pop(spec.org_id, None)
        if row is not None:
            spec = replace(spec, name=row["name"], government=row["government"] or spec.government)
        orgs.append(spec)
    for row in loaded.values():  # a reference organisation the catalogue does not know
        orgs.append(
            OrgSpec(
                row["org_id"],
                row["name"],
                row["government"] or "federal",
                row["certification"] or "none",
                weight=0.0,
            )
        )
    return orgs


def build_demo(
    path: Path,
    scale: str = "S",
    seed: int = 1,
    progress: Progress | None = None,
) -> DemoSummary:
    """Write a fresh demo store at `path` (replaced only when the build succeeds)."""
    if scale not in SCALES_BY_NAME:
        raise ValueError(f"unknown scale {scale!r}: use one of {', '.join(SCALES_BY_NAME)}")
    started = time.perf_counter()
    size = SCALES_BY_NAME[scale]
    today = DEMO_TODAY
    facts = reference_facts()
    orgs = _organisations(facts)
    governments = {o.org_id: o.government for o in orgs}
    years = [*size.years, today.year]
    total = len(years) + 2  # the reference procedures, every year, the staff
    done = 0
    counts = _Counts()
    closed: list[pl.DataFrame] = []

    def advance() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    log.info("building the %s demo (seed %d) at %s", scale, seed, path)
    with write_store(Path(path), fresh=True) as writer:
        plan, rng = plan_reference(facts.procedures, facts.steps, seed)
        _simulate_and_write(writer, plan, rng, seed, 0, governments, counts, closed)
        advance()
        for year in years:
            plan, rng = plan_year(year, size, orgs, seed, today)
            _simulate_and_write(writer, plan, rng, seed, year, governments, counts, closed)
            _flush(writer)
            log.info(
                "demo year %d: %d procedures, %d results so far",
                year,
                plan.procedures.height,
                counts.results,
            )
            advance()

        staff_rng = generator(seed, STREAM_STAFF)
        staff = consultants(orgs, staff_rng)
        checks = qchecks(orgs, staff, pl.concat(closed), staff_rng, today)
        reviews = review_dates(orgs, staff_rng, today)
        organisations = pl.DataFrame(
            [
                {
                    "org_id": o.org_id,
                    "name": o.name,
                    "government": o.government,
                    "certification": o.certification,
                    "review_date": reviews.get(o.org_id),
                }
                for o in orgs
            ],
            schema={
                "org_id": pl.String,
                "name": pl.String,
                "government": pl.String,
                "certification": pl.String,
                "review_date": pl.Date,
            },
        )
        writer.upsert("organisations", organisations)
        writer.upsert("consultants", staff)
        writer.upsert("qchecks", checks)
        for table, frame in facts.tables.items():
            writer.upsert(table, frame)
        _derive_certification(writer)
        advance()

    elapsed = time.perf_counter() - started
    summary = DemoSummary(
        scale=scale,
        seed=seed,
        organisations=organisations.height,
        procedures=counts.procedures,
        applications=counts.applications,
        results=counts.results,
        laureates=counts.laureates,
        elapsed_seconds=round(elapsed, 3),
        problems=counts.problems,
    )
    log.info("demo built: %s", summary)
    return summary


def _derive_certification(writer: StoreWriter) -> None:
    """Organisations' certification status, when the store knows how to derive it."""
    try:
        from selstats.store.certification import rederive_certification
    except ImportError as error:
        log.warning("certification status not derived (%s)", error)
        return
    rederive_certification(writer)


def _flush(writer: StoreWriter) -> None:
    """Keep memory bounded while building L (see `StoreWriter.flush`)."""
    writer.flush()


def _simulate_and_write(
    writer: StoreWriter,
    plan: Plan,
    rng: np.random.Generator,
    seed: int,
    part: int,
    governments: dict[str, str],
    counts: _Counts,
    closed: list[pl.DataFrame],
) -> None:
    simulated = simulate(plan, rng, DEMO_TODAY)
    derivation = simulated.derivation
    codes = simulated.procedures.get_column("procedure_code").to_list()
    writer.upsert("procedures", simulated.procedures)
    writer.upsert("steps", simulated.steps)
    writer.replace_derived(codes, derivation)
    entries = list_entries(
        derivation,
        simulated.procedures,
        governments,
        generator(seed, STREAM_LISTS, part),
        DEMO_TODAY,
    )
    writer.append("list_entries", entries)
    closed.append(
        simulated.procedures.filter(pl.col("list_date").is_not_null()).select(
            "procedure_code", "org_id", "list_date"
        )
    )
    counts.procedures += len(codes)
    counts.applications += simulated.applications
    counts.results += derivation.results.height
    counts.laureates += derivation.laureates.height
    counts.problems += derivation.problems.height
