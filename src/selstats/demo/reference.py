"""The four reference procedures (docs/DOMAIN.md#the-four-reference-procedures) in the demo:
real codes and rules, invented
candidates.

Their facts come from data/reference/ through `selstats.reference.load_reference()`; when
that is not available or does not hold all four, the same facts are defined here (typed in
from data/reference/{organisations,procedures,steps}.csv and docs/DOMAIN.md). How candidates fare
(dates, head counts, difficulty) is the demo's invention, fixed per procedure.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from selstats.demo.catalogue import (
    BELNET,
    LOCAL_SCALE_SOURCE,
    LOCAL_SCALES,
    MAASEIK,
    OPGROEIEN,
    POD_MI,
)
from selstats.demo.plan import PROCEDURE_FACTS, STEP_FACTS

log = logging.getLogger(__name__)

CODES = ("CNG23032", "CNG24004", "MAASEIK-DBK-2026", "req16131")


@dataclass(frozen=True)
class ReferenceRun:
    """How the demo's candidates go through one reference procedure."""

    applicants: int
    step_days: tuple[int, ...]  # days after the deadline (or after applying, when open)
    list_days: int | None  # days after the deadline to the list; None: permanently open
    pass_rates: tuple[float, ...]
    sessions: tuple[tuple[int, ...], ...] | None = None  # per step; None: one day each
    # A permanently open procedure: candidates apply between these days, each with own dates.
    open_from: date | None = None
    open_until: date | None = None


RUNS: dict[str, ReferenceRun] = {
    # Belnet: ~40 applicants; the written test is held (more than 6 remain after screening).
    "CNG23032": ReferenceRun(
        applicants=40,
        step_days=(6, 13, 27, 41),
        list_days=48,
        pass_rates=(0.85, 0.6, 0.65, 0.7),
        sessions=((0,), (0,), (0,), (0, 1, 2)),
    ),
    # POD MI: info sessions with the MCQ on 17, 24 and 26 June 2024 (deadline 4 June), the
    # experience form within 30 days, then the interviews.
    "CNG24004": ReferenceRun(
        applicants=400,
        step_days=(6, 13, 52, 77),
        list_days=98,
        pass_rates=(0.9, 0.6, 0.8, 0.7),
        sessions=((0,), (0, 7, 9), (0,), (0, 1, 2)),
    ),
    # Stad Maaseik: written test on 16 June 2026 (deadline 9 June), oral test two weeks later.
    "MAASEIK-DBK-2026": ReferenceRun(
        applicants=60,
        step_days=(3, 7, 21),
        list_days=28,
        pass_rates=(0.9, 0.65, 0.75),
        sessions=((0,), (0,), (0, 1)),
    ),
    # Opgroeien Regie: permanently open; each candidate is screened as they apply; rounds 2
    # and 3 (competency screening and jury interview) are held together.
    "req16131": ReferenceRun(
        applicants=80,
        step_days=(5, 14, 35, 35),
        list_days=None,
        pass_rates=(0.75, 0.65, 0.75, 0.8),
        open_from=date(2025, 1, 6),
        open_until=date(2026, 10, 31),
    ),
}

_ORGANISATIONS: list[dict[str, Any]] = [
    {"org_id": BELNET, "name": "Belnet", "government": "federal", "certification": "none"},
    {
        "org_id": POD_MI,
        "name": "POD Maatschappelijke Integratie",
        "government": "federal",
        "certification": "none",
    },
    {"org_id": MAASEIK, "name": "Stad Maaseik", "government": "local", "certification": "none"},
    {
        "org_id": OPGROEIEN,
        "name": "Opgroeien Regie",
        "government": "flemish",
        "certification": "none",
    },
]

_PROCEDURES: list[dict[str, Any]] = [
    {
        "procedure_code": "CNG23032",
        "org_id": BELNET,
        "title": "Klantenrelaties en administratie",
        "level": "A2",
        "salary_scale": "NA23",
        "language": "nl",
        "application_deadline": date(2023, 5, 30),
        "places": 1,
        "list_max": 6,
        "ranked": True,
        "validity_months": 12,
    },
    {
        "procedure_code": "CNG24004",
        "org_id": POD_MI,
        "title": "Ervaringsdeskundige in armoede en sociale uitsluiting",
        "level": "C",
        "salary_scale": "C1",
        "language": "nl",
        "application_deadline": date(2024, 6, 4),
        "places": 4,
        "list_max": 50,
        "ranked": True,
        "validity_months": 12,
    },
    {
        "procedure_code": "MAASEIK-DBK-2026",
        "org_id": MAASEIK,
        "title": "Dossierbeheerder klantencontact",
        "level": "C1",
        "salary_scale": "C1-C3",
        "language": "nl",
        "application_deadline": date(2026, 6, 9),
        "places": None,
        "list_max": None,
        "ranked": True,
        "validity_months": 24,
    },
    {
        "procedure_code": "req16131",
        "org_id": OPGROEIEN,
        "title": "Klantenbeheerder kinderopvang",
        "level": "B1",
        "salary_scale": "B111",
        "language": "nl",
        "application_deadline": None,
        "places": None,
        "list_max": None,
        "ranked": False,
        "validity_months": 12,
    },
]


def _step(code: str, step_no: int, name: str, kind: str, **rules: Any) -> dict[str, Any]:
    return {"procedure_code": code, "step_no": step_no, "name": name, "kind": kind, **rules}


_STEPS: list[dict[str, Any]] = [
    _step("CNG23032", 1, "Screening diploma", "screening"),
    _step("CNG23032", 2, "Screening ervaring", "screening"),
    _step(
        "CNG23032",
        3,
        "Schriftelijke test",
        "written",
        max_score=18.0,
        pass_mark=9.0,
        pass_unit="points",
        top_n=6,
        held_if_more_than=6,
    ),
    _step(
        "CNG23032",
        4,
        "Interview en pc-test",
        "interview",
        max_score=110.0,
        pass_mark=55.0,
        pass_unit="points",
    ),
    _step("CNG24004", 1, "Screening diploma", "screening"),
    _step(
        "CNG24004",
        2,
        "Infosessie en meerkeuzevragentest",
        "mcq",
        max_score=100.0,
        pass_mark=50.0,
        pass_unit="points",
    ),
    _step("CNG24004", 3, "Screening ervaring", "screening", top_n=50, rank_by_step=2),
    _step(
        "CNG24004",
        4,
        "Interview met case",
        "interview",
        max_score=100.0,
        pass_mark=50.0,
        pass_unit="points",
    ),
    _step("MAASEIK-DBK-2026", 1, "Controle kandidatuur", "screening"),
    _step(
        "MAASEIK-DBK-2026",
        2,
        "Schriftelijke proef",
        "written",
        max_score=100.0,
        pass_mark=50.0,
        pass_unit="percent",
    ),
    _step(
        "MAASEIK-DBK-2026",
        3,
        "Mondelinge proef",
        "oral",
        max_score=100.0,
        pass_mark=50.0,
        pass_unit="percent",
        total_of_steps="2,3",
        total_pass_percent=60.0,
    ),
    _step("req16131", 1, "Cv-screening", "screening"),
    _step(
        "req16131",
        2,
        "Telefonische voorselectie",
        "phone_screening",
        max_score=100.0,
        pass_mark=50.0,
        pass_unit="percent",
    ),
    _step("req16131", 3, "Screening competenties", "competency"),
    _step("req16131", 4, "Jurygesprek met case", "interview"),
]


@dataclass(frozen=True)
class ReferenceFacts:
    organisations: pl.DataFrame  # org_id, name, government, certification
    procedures: pl.DataFrame  # PROCEDURE_FACTS (list_date filled in by the simulation)
    steps: pl.DataFrame  # STEP_FACTS
    # The reference tables to write (salary_scales with the demo's own local scales,
    # salary_postings, index_coefficients, salary_rounding, diploma_levels,
    # national_figures), empty when selstats.reference could not be used.
    tables: dict[str, pl.DataFrame]


def _conform(frame: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    return frame.select(
        pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c)
        for c, t in schema.items()
    )


def _inline() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    orgs = pl.DataFrame(_ORGANISATIONS)
    procedures = pl.DataFrame(
        [{**p, "list_date": None} for p in _PROCEDURES], schema=PROCEDURE_FACTS, orient="row"
    )
    steps = pl.DataFrame(
        [{c: s.get(c) for c in STEP_FACTS} for s in _STEPS], schema=STEP_FACTS, orient="row"
    )
    return orgs, procedures, steps


def _complete(procedures: pl.DataFrame, steps: pl.DataFrame) -> bool:
    """All four procedures are there, with as many steps as the demo's runs expect."""
    have = set(procedures.get_column("procedure_code").to_list())
    if not set(CODES) <= have:
        return False
    counts = dict(steps.group_by("procedure_code").len().iter_rows())
    return all(counts.get(code) == len(RUNS[code].step_days) for code in CODES)


def demo_local_scales(schema: pl.Schema | None = None) -> pl.DataFrame:
    """The demo's own local scales (catalogue.LOCAL_SCALES) as rows of salary_scales."""
    rows = [
        {
            "scale": spec.scale,
            "level": spec.level,
            "government": "local",
            "org_id": spec.org_id,
            "annual_min_100": spec.annual_min_100,
            "annual_max_100": spec.annual_max_100,
            "source": LOCAL_SCALE_SOURCE,
            "note": None,
        }
        for spec in LOCAL_SCALES
    ]
    frame = pl.DataFrame(
        rows,
        schema={
            "scale": pl.String,
            "level": pl.String,
            "government": pl.String,
            "org_id": pl.String,
            "annual_min_100": pl.Float64,
            "annual_max_100": pl.Float64,
            "source": pl.String,
            "note": pl.String,
        },
    )
    return frame if schema is None else _conform(frame, dict(schema))


def reference_facts() -> ReferenceFacts:
    """The reference procedures' facts, and the reference tables when they can be loaded."""
    orgs, procedures, steps = _inline()
    tables: dict[str, pl.DataFrame] = {}
    try:
        from selstats.reference import load_reference
    except ImportError as error:
        log.warning(
            "selstats.reference is not importable (%s): the demo uses its own copy of the "
            "reference procedures and writes no salary scales, coefficients or national figures",
            error,
        )
        return ReferenceFacts(orgs, procedures, steps, tables)
    try:
        frames = load_reference().frames()
    except Exception as error:  # invalid reference data must not stop the demo
        log.warning(
            "reference data could not be loaded (%s): the demo uses its own copy of the "
            "reference procedures and writes no reference tables",
            error,
        )
        return ReferenceFacts(orgs, procedures, steps, tables)
    names = (
        "salary_scales",
        "salary_postings",
        "index_coefficients",
        "salary_rounding",
        "diploma_levels",
        "national_figures",
    )
    tables = {name: frames[name] for name in names if name in frames}
    if "salary_scales" in tables:
        tables["salary_scales"] = pl.concat(
            [tables["salary_scales"], demo_local_scales(tables["salary_scales"].schema)]
        )
    loaded_procs = _conform(
        frames["procedures"].filter(pl.col("procedure_code").is_in(CODES)), PROCEDURE_FACTS
    ).with_columns(pl.lit(None, pl.Date).alias("list_date"))
    loaded_steps = _conform(
        frames["steps"].filter(pl.col("procedure_code").is_in(CODES)), STEP_FACTS
    )
    if _complete(loaded_procs, loaded_steps):
        procedures, steps = loaded_procs, loaded_steps
        wanted = procedures.get_column("org_id").unique().to_list()
        loaded_orgs = frames["organisations"].filter(pl.col("org_id").is_in(wanted))
        orgs = loaded_orgs.select("org_id", "name", "government", "certification")
    else:
        log.warning(
            "data/reference does not hold the four reference procedures with their steps: "
            "the demo uses its own copy"
        )
    return ReferenceFacts(
        orgs, procedures.sort("procedure_code"), steps.sort("procedure_code", "step_no"), tables
    )
