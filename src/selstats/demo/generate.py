"""Plans of procedures: which organisation, level, template, dates and head counts.
Long because the planning model (head counts, behaviour per step, dates, codes) is tuned as
one whole against the demo's design targets (docs/DOMAIN.md#demo-data); the arrays it fills
are `selstats.demo.plan`, the candidates' run `selstats.demo.simulate`.

One plan per year of deadlines, drawn from a numpy Generator seeded from (seed, year) only,
so a year's procedures do not depend on the other years or on how the work is chunked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from selstats.demo.catalogue import (
    LEVELS,
    SCALES,
    TITLE_SUFFIX,
    TITLES,
    YEAR_WEIGHT,
    OrgSpec,
    StepSpec,
    Template,
    templates_for,
)
from selstats.demo.plan import (
    Plan,
    PlanBuilder,
    StepBehaviour,
    day_number,
    from_day_number,
)
from selstats.demo.reference import RUNS

# Lead time from the application deadline to the list: lognormal, median 35 days before the
# floor that long procedures need (MIN_STEP_GAP); over the finished procedures the median
# comes out at 34-35 days (BOSA 2023: 34).
LEAD_MEDIAN_DAYS = 35.0
LEAD_SIGMA = 0.5
# Days between two steps at least: a test's sessions span up to 3 days.
MIN_STEP_GAP = 3

# Head counts by government and level letter, relative to the scale's median.
SIZE_FACTOR_GOVERNMENT = {"federal": 1.25, "flemish": 0.8, "local": 0.55}
SIZE_FACTOR_LEVEL = {"A": 0.8, "B": 0.9, "C": 1.3, "D": 1.1}

# A share of procedures for specialist posts, with a handful of applicants each.
NICHE_SHARE = 0.3
NICHE_MEDIAN = 5.0

FEDERAL_DUTCH_SHARE = 0.55

# How much a test score owes to the candidate's ability (the rest is the luck of the day):
# strong candidates pass one test after another, so later steps have higher pass rates.
TEST_RHO = 0.85

# Streams of random numbers: each part of the demo draws from its own.
STREAM_YEAR = 1
STREAM_REFERENCE = 2
STREAM_STAFF = 3
STREAM_LISTS = 4


@dataclass(frozen=True)
class Scale:
    name: str
    years: tuple[int, ...]  # full years of deadlines
    applicants: int  # applicants over those years (the reference procedures come on top)
    size_median: float  # applicants per procedure
    size_sigma: float
    size_max: int
    running: int  # procedures with a deadline in the running year, most of them unfinished


SCALES_BY_NAME: dict[str, Scale] = {
    "S": Scale("S", (2024, 2025), 400, 8, 0.6, 40, 3),
    "M": Scale("M", tuple(range(2021, 2026)), 200_000, 80, 1.0, 4000, 8),
    "L": Scale("L", tuple(range(2016, 2026)), 2_000_000, 80, 1.0, 5000, 30),
    # Ten times L: all Belgian public recruitment over ten years is 10^7-10^8 result rows
    # (issue 16). The same procedure sizes, ten times as many procedures. For the page-query
    # benchmark only (`python -m benchmarks --only xl`); no test builds it.
    "XL": Scale("XL", tuple(range(2016, 2026)), 20_000_000, 80, 1.0, 5000, 300),
}


def generator(seed: int, stream: int, part: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, stream, part])


def _choose(rng: np.random.Generator, options: tuple[tuple[Any, float], ...]) -> Any:
    weights = np.array([w for _, w in options], dtype=float)
    i = int(rng.choice(len(options), p=weights / weights.sum()))
    return options[i][0]


def behaviour(
    spec_kind: str,
    position: str,
    day: int,
    sessions: tuple[int, ...],
    rng: np.random.Generator,
    pass_rate: float | None = None,
) -> StepBehaviour:
    """How candidates fare at a step. `position`: 'start' (a screening before any test),
    'first_test' (the first test: a third of those invited do not show up or register),
    'later' (a step after the first test)."""
    if spec_kind == "screening":
        return StepBehaviour(
            day=day,
            sessions=sessions,
            pass_rate=pass_rate if pass_rate is not None else float(rng.uniform(0.88, 0.99)),
            rho=0.3,
            # A screening after a test asks for a form: some never return it.
            not_registered=float(rng.uniform(0.03, 0.1)) if position == "later" else 0.0,
            withdrawn=float(rng.uniform(0.0, 0.02)),
        )
    if position == "first_test":
        no_show = float(rng.uniform(0.24, 0.42))
        share_not_registered = float(rng.uniform(0.3, 0.5))
        return StepBehaviour(
            day=day,
            sessions=sessions,
            pass_rate=pass_rate if pass_rate is not None else float(rng.uniform(0.45, 0.9)),
            rho=TEST_RHO,
            spread=float(rng.uniform(0.12, 0.2)),
            not_registered=no_show * share_not_registered,
            absent=no_show * (1 - share_not_registered),
            withdrawn=float(rng.uniform(0.01, 0.03)),
        )
    return StepBehaviour(
        day=day,
        sessions=sessions,
        pass_rate=pass_rate if pass_rate is not None else float(rng.uniform(0.65, 0.95)),
        rho=TEST_RHO,
        spread=float(rng.uniform(0.12, 0.2)),
        not_registered=float(rng.uniform(0.0, 0.01)),
        absent=float(rng.uniform(0.01, 0.04)),
        withdrawn=float(rng.uniform(0.005, 0.02)),
    )


def positions(kinds: list[str]) -> list[str]:
    first_test = next((i for i, k in enumerate(kinds) if k != "screening"), len(kinds))
    return [
        "start" if i < first_test else "first_test" if i == first_test else "later"
        for i in range(len(kinds))
    ]


def _step_facts(
    code: str, template: Template, language: str, applicants: int, rng: np.random.Generator
) -> list[dict[str, Any]]:
    facts: list[dict[str, Any]] = []
    last_scored: int | None = None
    for no, spec in enumerate(template.steps, start=1):
        facts.append(_fact(code, no, spec, language, applicants, last_scored, rng))
        if spec.max_score is not None:
            last_scored = no
    return facts


def _fact(
    code: str,
    no: int,
    spec: StepSpec,
    language: str,
    applicants: int,
    last_scored: int | None,
    rng: np.random.Generator,
) -> dict[str, Any]:
    fact: dict[str, Any] = {
        "procedure_code": code,
        "step_no": no,
        "name": spec.name_nl if language == "nl" else spec.name_fr,
        "kind": spec.kind,
        "max_score": spec.max_score,
        "pass_mark": None,
        "pass_unit": None,
        "top_n": None,
        "rank_by_step": None,
        "held_if_more_than": None,
        "total_of_steps": None,
        "total_pass_percent": None,
    }
    if spec.max_score is not None and spec.pass_percent is not None:
        fact["pass_unit"] = spec.pass_unit
        fact["pass_mark"] = (
            spec.pass_percent
            if spec.pass_unit == "percent"
            else spec.pass_percent / 100.0 * spec.max_score
        )
    if spec.capped:
        if spec.rank_by_previous_test:
            # POD MI: the N best MCQ scores among those who meet the experience rule.
            top = max(10, round(applicants * float(rng.uniform(0.2, 0.4))))
            fact["rank_by_step"] = last_scored
        else:
            # Belnet: only the first N passers of the written test go on.
            top = max(6, round(applicants * float(rng.uniform(0.25, 0.5))))
        fact["top_n"] = top
        if spec.conditional:
            fact["held_if_more_than"] = top
    if spec.total_of_steps is not None:
        fact["total_of_steps"] = ",".join(str(no + off) for off in spec.total_of_steps)
        fact["total_pass_percent"] = spec.total_pass_percent
    return fact


def _places(rng: np.random.Generator) -> int:
    weights = 1.0 / np.arange(1, 11) ** 1.3
    return int(rng.choice(10, p=weights / weights.sum())) + 1


def _year_targets(scale: Scale) -> dict[int, int]:
    total = sum(YEAR_WEIGHT.get(y, 1.0) for y in scale.years)
    return {y: round(scale.applicants * YEAR_WEIGHT.get(y, 1.0) / total) for y in scale.years}


def plan_year(
    year: int,
    scale: Scale,
    orgs: list[OrgSpec],
    seed: int,
    today: date,
) -> tuple[Plan, np.random.Generator]:
    """The procedures whose deadline falls in `year` (the running year when past `scale.years`)
    and the generator to simulate them with."""
    rng = generator(seed, STREAM_YEAR, year)
    running = year not in scale.years
    mean_size = scale.size_median * math.exp(scale.size_sigma**2 / 2)

    if running:
        count = scale.running
        deadline_days = day_number(today) - rng.integers(8, 46, size=count)
    else:
        target = _year_targets(scale)[year]
        count = int(target / mean_size * 1.5) + 40
        start = day_number(date(year, 1, 3))
        deadline_days = start + rng.integers(0, 360, size=count)

    # Certified organisations get the first procedures of every year, so each has
    # procedures to Q-check even in the smallest demo; the rest follow their weights.
    certified = [i for i, o in enumerate(orgs) if o.certification != "none"]
    weights = np.array([o.weight for o in orgs], dtype=float)
    org_index = rng.choice(len(orgs), size=count, p=weights / weights.sum())
    first = min(len(certified), count)
    org_index[:first] = rng.permutation(certified)[:first]
    size = np.exp(np.log(scale.size_median) + scale.size_sigma * rng.standard_normal(count))
    # Specialist posts draw only a handful of applicants: their conditional steps are often
    # not held, and some end without a laureate.
    niche = rng.random(count) < NICHE_SHARE
    size = np.where(niche, np.exp(np.log(NICHE_MEDIAN) + 0.5 * rng.standard_normal(count)), size)

    drafts: list[tuple[OrgSpec, str, str, Template]] = []
    factor = np.ones(count)
    for i in range(count):
        org = orgs[org_index[i]]
        level = _choose(rng, LEVELS[org.government])
        language = _language(org, rng)
        template: Template = _choose(rng, templates_for(org.government, level))
        drafts.append((org, level, language, template))
        if not niche[i]:
            factor[i] = (
                SIZE_FACTOR_GOVERNMENT[org.government]
                * SIZE_FACTOR_LEVEL[level[0]]
                * template.size_factor
            )
    applicants = np.clip(np.round(size * factor), 2, scale.size_max).astype(np.int64)
    if not running:
        # Just enough procedures to reach the year's applicants (and one per certified
        # organisation).
        enough = int(np.searchsorted(np.cumsum(applicants), target)) + 1
        count = min(max(enough, first), count)

    builder = PlanBuilder(prefix=f"K{year}-")
    counters: dict[str, int] = {}
    for i in range(count):
        org, level, language, template = drafts[i]
        _add_procedure(
            builder,
            rng,
            org,
            level,
            language,
            template,
            int(applicants[i]),
            int(deadline_days[i]),
            year,
            counters,
        )
    return builder.build(), rng


def _language(org: OrgSpec, rng: np.random.Generator) -> str:
    if org.language is not None:
        return org.language
    if org.government == "flemish":
        return "nl"
    return "nl" if rng.random() < FEDERAL_DUTCH_SHARE else "fr"


def _code(
    government: str, language: str, year: int, counters: dict[str, int], statutory: bool
) -> str:
    if government == "federal":
        prefix = ("A" if statutory else "C") + ("N" if language == "nl" else "F") + "G"
        key = f"{prefix}{year}"
        counters[key] = counters.get(key, 100) + 1
        return f"{prefix}{year % 100:02d}{counters[key]:03d}"
    prefix = "VO" if government == "flemish" else "LOK"
    key = f"{prefix}{year}"
    counters[key] = counters.get(key, 0) + 1
    return f"{prefix}-{year}-{counters[key]:04d}"


def _add_procedure(
    builder: PlanBuilder,
    rng: np.random.Generator,
    org: OrgSpec,
    level: str,
    language: str,
    template: Template,
    applicants: int,
    deadline: int,
    year: int,
    counters: dict[str, int],
) -> None:
    government = org.government
    code = _code(government, language, year, counters, statutory=bool(rng.random() < 0.4))
    titles = TITLES[level[0]]
    title_nl, title_fr = titles[int(rng.integers(len(titles)))]
    title = (title_nl if language == "nl" else title_fr) + TITLE_SUFFIX[language]
    scales = SCALES[(government, level)]
    salary_scale = scales[int(rng.integers(len(scales)))]
    places = _places(rng)
    list_max = None
    if government == "federal" and rng.random() < 0.25:
        list_max = max(places, round(applicants * float(rng.uniform(0.2, 0.4))))
    ranked = government != "flemish" or bool(rng.random() < 0.5)
    validity = 24 if government == "local" else 12

    steps = _step_facts(code, template, language, applicants, rng)
    n = len(steps)
    first = int(rng.integers(2, 7))  # first step a few days after the deadline
    last_gap = int(rng.integers(3, 10))  # the list a few days after the last step
    lead = round(math.exp(math.log(LEAD_MEDIAN_DAYS) + LEAD_SIGMA * rng.standard_normal()))
    lead = max(lead, first + last_gap + MIN_STEP_GAP * (n - 1))
    span = lead - first - last_gap
    days = [deadline + first + round(span * k / max(n - 1, 1)) for k in range(n)]
    kinds = [s.kind for s in template.steps]
    behaviours = [
        behaviour(
            spec.kind,
            position,
            day,
            tuple(range(spec.sessions)),
            rng,
        )
        for spec, position, day in zip(template.steps, positions(kinds), days, strict=True)
    ]
    builder.add(
        {
            "procedure_code": code,
            "org_id": org.org_id,
            "title": title,
            "level": level,
            "salary_scale": salary_scale,
            "language": language,
            "application_deadline": from_day_number(deadline),
            "places": places,
            "list_max": list_max,
            "ranked": ranked,
            "validity_months": validity,
            "list_date": None,
        },
        steps,
        behaviours,
        applicants,
        deadline + lead,
    )


def plan_reference(
    procedures: pl.DataFrame, steps: pl.DataFrame, seed: int
) -> tuple[Plan, np.random.Generator]:
    """The four reference procedures, with the demo's candidates."""
    rng = generator(seed, STREAM_REFERENCE)
    builder = PlanBuilder(prefix="R")
    for procedure in procedures.sort("procedure_code").iter_rows(named=True):
        code = procedure["procedure_code"]
        run = RUNS[code]
        facts = steps.filter(pl.col("procedure_code") == code).sort("step_no").to_dicts()
        kinds = [f["kind"] or "screening" for f in facts]
        offsets = None
        if run.open_from is not None and run.open_until is not None:
            base = day_number(run.open_from)
            length = (run.open_until - run.open_from).days
            offsets = np.sort(rng.integers(0, length + 1, size=run.applicants))
        else:
            deadline = procedure["application_deadline"]
            base = day_number(deadline)
        sessions = run.sessions or tuple((0,) for _ in facts)
        behaviours = [
            behaviour(kind, position, base + offset, session, rng, pass_rate=rate)
            for kind, position, offset, session, rate in zip(
                kinds,
                positions(kinds),
                run.step_days,
                sessions,
                run.pass_rates,
                strict=True,
            )
        ]
        list_day = None if run.list_days is None else base + run.list_days
        builder.add(procedure, facts, behaviours, run.applicants, list_day, offsets)
    return builder.build(), rng
