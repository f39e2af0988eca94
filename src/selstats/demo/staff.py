"""Consultants of the certified organisations and the Q-checks DG R&O did on their selections.

Client organisations have AZ and selection-tests consultants in both language roles and a PRO
Partner; individual ones 1-2 AZ consultants and a PRO Partner. Interview chairs (source 004:
"interviews voorzitten" is a task of certified staff): in a client organisation about a third
of the AZ and selection-tests consultants also hold the interview-chair certificate, and half
of the client and individual organisations have one more person certified only as interview
chair. Each AZ consultant gets 2-8
Q-checks a year over the last three years, on closed procedures of their own organisation,
scored around the organisation's mean (normal, clipped to 40-100, rounded to 0.5).

A client organisation's mean is tuned so that its Q-check average (all checks of its
AZ consultants in the 12 months up to its last check, NL and FR together) lands on the
target in the catalogue: some below 80 %, some just above (80-82), others comfortably above.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from selstats.demo.catalogue import OrgSpec

QCHECK_YEARS = 3
# Interview chairs (see the module docstring).
CHAIR_SHARE_OF_CONSULTANTS = 0.35  # client organisations: AZ and tests consultants
CHAIR_ONLY_SHARE = 0.5  # client and individual organisations: one chair-only person
QCHECK_SD = 6.0
WINDOW_MONTHS = 12
# No Q-check within this many days of the edge of an organisation's 12-month window, so the
# average does not hang on whether the edge itself counts.
EDGE_MARGIN_DAYS = 7


@dataclass(frozen=True)
class Staff:
    consultants: pl.DataFrame
    qchecks: pl.DataFrame
    review_dates: dict[str, date]


def _consultant(
    ref: str,
    org: str,
    role: str,
    *,
    az: bool = False,
    tests: bool = False,
    pro: bool = False,
    assessment: bool = False,
    chair: bool = False,
) -> dict[str, object]:
    return {
        "consultant_ref": ref,
        "org_id": org,
        "language_role": role,
        "az_certified": az,
        "tests_certified": tests,
        "pro_partner": pro,
        "assessment_certified": assessment,
        "chair_certified": chair,
    }


def _main_language(org: OrgSpec, rng: np.random.Generator) -> str:
    if org.language is not None:
        return org.language
    if org.government == "flemish":
        return "nl"
    return "nl" if rng.random() < 0.55 else "fr"


def consultants(orgs: list[OrgSpec], rng: np.random.Generator) -> pl.DataFrame:
    # The interview chairs draw from a child stream of `rng` (spawning leaves `rng`'s own
    # state untouched), and chair-only people are added after everyone else: so the other
    # consultants keep their refs and every Q-check and figure drawn after them stays as
    # it was before chairs existed.
    chair_rng = rng.spawn(1)[0]
    rows: list[dict[str, object]] = []

    def ref() -> str:
        return f"CONS-{len(rows) + 1:04d}"

    for org in orgs:
        if org.certification == "client":
            az_nl = int(rng.integers(1, 4))
            if org.lacks == "tests_fr":
                az_nl = max(az_nl, 2)  # still 4 certified staff: only the FR tester is missing
            for role, count in (("nl", az_nl), ("fr", int(rng.integers(1, 4)))):
                for _ in range(count):
                    assessment = bool(rng.random() < 0.25)
                    rows.append(
                        _consultant(ref(), org.org_id, role, az=True, assessment=assessment)
                    )
            for role in ("nl", "fr"):
                count = 0 if (role == "fr" and org.lacks == "tests_fr") else int(rng.integers(1, 3))
                for _ in range(count):
                    rows.append(_consultant(ref(), org.org_id, role, tests=True))
            rows.append(_consultant(ref(), org.org_id, _main_language(org, rng), pro=True))
        elif org.certification == "individual":
            language = _main_language(org, rng)
            for _ in range(int(rng.integers(1, 3))):
                rows.append(_consultant(ref(), org.org_id, language, az=True))
            rows.append(_consultant(ref(), org.org_id, language, pro=True))
    _add_interview_chairs(orgs, rows, chair_rng)
    return pl.DataFrame(
        rows,
        schema={
            "consultant_ref": pl.String,
            "org_id": pl.String,
            "language_role": pl.String,
            "az_certified": pl.Boolean,
            "tests_certified": pl.Boolean,
            "pro_partner": pl.Boolean,
            "assessment_certified": pl.Boolean,
            "chair_certified": pl.Boolean,
        },
    )


def _add_interview_chairs(
    orgs: list[OrgSpec], rows: list[dict[str, object]], rng: np.random.Generator
) -> None:
    """Mark some certified consultants of client organisations as interview chairs too, and
    give some client and individual organisations a person certified only as chair."""
    client = {org.org_id for org in orgs if org.certification == "client"}
    for row in rows:
        certified = row["az_certified"] or row["tests_certified"]
        if row["org_id"] in client and certified:
            row["chair_certified"] = bool(rng.random() < CHAIR_SHARE_OF_CONSULTANTS)
    for org in orgs:
        if org.certification == "none" or rng.random() >= CHAIR_ONLY_SHARE:
            continue
        ref = f"CONS-{len(rows) + 1:04d}"
        rows.append(_consultant(ref, org.org_id, _main_language(org, rng), chair=True))


def _round_half(values: np.ndarray) -> np.ndarray:
    return np.round(values * 2.0) / 2.0


def qchecks(
    orgs: list[OrgSpec],
    staff: pl.DataFrame,
    closed: pl.DataFrame,
    rng: np.random.Generator,
    today: date,
) -> pl.DataFrame:
    """Q-checks of the AZ consultants; `closed`: procedure_code, org_id, list_date of the
    procedures that have a list."""
    schema = {
        "consultant_ref": pl.String,
        "procedure_code": pl.String,
        "check_date": pl.Date,
        "score_percent": pl.Float64,
    }
    frames: list[pl.DataFrame] = []
    for org in orgs:
        if org.certification == "none":
            continue
        mean = org.qcheck_target if org.qcheck_target is not None else float(rng.normal(85, 4))
        own = closed.filter(pl.col("org_id") == org.org_id).sort("list_date", "procedure_code")
        codes = own.get_column("procedure_code").to_numpy()
        closed_on = own.get_column("list_date").cast(pl.Int32).to_numpy().astype(np.int64)
        az = staff.filter((pl.col("org_id") == org.org_id) & pl.col("az_certified"))
        frame = _checks(
            az.get_column("consultant_ref").to_list(), codes, closed_on, mean, rng, today
        )
        if frame.is_empty():
            continue
        frame = _trim_edge(frame)
        if org.qcheck_target is not None:
            frame = _calibrate(frame, org.qcheck_target)
        frames.append(frame)
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames).select(
        "consultant_ref",
        "procedure_code",
        pl.col("check_date").cast(pl.Date),
        "score_percent",
    )


def _checks(
    refs: list[str],
    codes: np.ndarray,
    closed_on: np.ndarray,
    mean: float,
    rng: np.random.Generator,
    today: date,
) -> pl.DataFrame:
    today_n = (today - date(1970, 1, 1)).days
    parts: list[pl.DataFrame] = []
    for ref in refs:
        own_mean = mean + float(rng.normal(0, 2))
        for year in range(QCHECK_YEARS):
            count = int(rng.integers(2, 9))
            days = today_n - 365 * year - rng.integers(0, 365, size=count)
            # A Q-check looks at a procedure closed before it, preferably in the two years
            # before; a check with no closed procedure to look at is not made.
            upto = np.searchsorted(closed_on, days, side="right")
            since = np.searchsorted(closed_on, days - 730, side="left")
            since = np.where(since < upto, since, 0)
            pick = since + np.floor(rng.random(count) * (upto - since)).astype(np.int64)
            made = upto > 0
            scores = np.clip(_round_half(rng.normal(own_mean, QCHECK_SD, size=count)), 40, 100)
            if not made.any():
                continue
            parts.append(
                pl.DataFrame(
                    {
                        "consultant_ref": [ref] * int(made.sum()),
                        "procedure_code": codes[pick[made]].tolist(),
                        "check_date": days[made].astype(np.int32),
                        "score_percent": scores[made],
                    }
                )
            )
    if not parts:
        return pl.DataFrame()
    return (
        pl.concat(parts)
        .with_columns(pl.col("check_date").cast(pl.Date))
        .unique(
            ["consultant_ref", "procedure_code", "check_date"], keep="first", maintain_order=True
        )
    )


def add_months(day: date, months: int) -> date:
    """The same calendar day `months` later (or earlier), clamped to the end of the month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _window_start(frame: pl.DataFrame) -> date:
    last: date = frame.get_column("check_date").max()  # type: ignore[assignment]
    return add_months(last, -WINDOW_MONTHS)


def _trim_edge(frame: pl.DataFrame) -> pl.DataFrame:
    edge = _window_start(frame)
    margin = timedelta(days=EDGE_MARGIN_DAYS)
    return frame.filter(
        (pl.col("check_date") < pl.lit(edge - margin))
        | (pl.col("check_date") > pl.lit(edge + margin))
    )


def _calibrate(frame: pl.DataFrame, target: float) -> pl.DataFrame:
    """Shift the organisation's scores by whole half points until the window's average is
    within a quarter point of the target (clipping at 40 and 100 may take a few rounds)."""
    edge = _window_start(frame)
    scores = frame.get_column("score_percent").to_numpy().copy()
    in_window = (frame.get_column("check_date") > edge).to_numpy()
    for _ in range(10):
        gap = target - float(scores[in_window].mean())
        if abs(gap) <= 0.25:
            break
        scores = np.clip(scores + _round_half(np.array([gap]))[0], 40, 100)
    return frame.with_columns(pl.Series("score_percent", scores))


def review_dates(orgs: list[OrgSpec], rng: np.random.Generator, today: date) -> dict[str, date]:
    """The last yearly review of each certified organisation, within the last year."""
    return {
        org.org_id: today - timedelta(days=int(rng.integers(0, 365)))
        for org in orgs
        if org.certification != "none"
    }
