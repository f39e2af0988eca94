"""Certification levels of an organisation (BOSA DG R&O) and the 80 % Q-check rule.

The rules, as DG R&O states them:
- Individual certification: at least 1 certified "Consultant A tot Z" (AZ) and a named
  PRO Partner.
- Client certification: at least 4 certified staff, among them at least 1 AZ consultant and
  1 selection-tests consultant per language role (NL and FR), at least 1 PRO Partner (a
  role, no certificate), AND 80 % or more on the Q-checks: the average Q-check score of all
  the organisation's AZ-certified consultants, NL and FR together.

Choices where the source leaves room (they are also in data/reference/README.md):
- "Certified staff" are consultants with any PRO Academy certificate: AZ, selection tests,
  assessment techniques or interview chair ("interviews voorzitten" is a task of an
  individually certified organisation's own certified staff, source 004). Each person counts
  once, whatever they hold (`CERTIFICATES`). A PRO Partner needs no certificate and so counts
  only when also certified.
- Only Q-checks of consultants who are AZ-certified now count; the others are ignored, also
  for finding the last check.
- The Q-checks counted are those in the 12 months up to the organisation's last counted
  check: check_date > last − 12 months and check_date ≤ last (a check exactly 12 months
  before the last is out). DG R&O reviews yearly, so a year of checks is what a review sees.
  `window_start` (= last − 12 months) is kept with the status, so that a reader can tell
  which checks counted without re-deriving the window.
- The average is over all those checks (QcheckMode.ALL_CHECKS, the literal reading and the
  default) or over each consultant's own average (QcheckMode.PER_CONSULTANT). Both figures
  are always computed; the mode decides which one the 80 % test uses (`qcheck_figure`).
- No counted Q-check: the average is unknown and the Q-check condition is not met, with its
  own reason (`no_qchecks`), never treated as 0 %.
- The next yearly review is one review interval (12 months) after `organisations.review_date`.

One implementation: `certification_table`, in polars, derives any number of organisations
at once (the store writes it for thousands). Callers holding domain models rather than
frames use `selstats.rules.certification_models` (`certification_status`), which converts
and calls this table. The rules in words: docs/DOMAIN.md#certification-and-q-checks.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from selstats.domain.enums import Certification, LanguageRole, QcheckMode

# Averages of binary floats: 80 must stay 80 even when it comes out as 79.99999999999999.
EPSILON = 1e-9

# Stable reason codes, in the order they are reported.
MISSING_AZ = {LanguageRole.NL: "missing_az_nl", LanguageRole.FR: "missing_az_fr"}
MISSING_TESTS = {LanguageRole.NL: "missing_tests_nl", LanguageRole.FR: "missing_tests_fr"}
TOO_FEW_CERTIFIED = "too_few_certified"
NO_PRO_PARTNER = "no_pro_partner"
QCHECK_BELOW = "qcheck_below_80"  # the code keeps its name if the threshold is edited
NO_QCHECKS = "no_qchecks"
# A yearly review is "due" from this many days before it (overdue ones included): the one
# horizon of the certification page, its queries ($review_horizon_days) and the advice.
REVIEW_HORIZON_DAYS = 90
REASON_CODES: tuple[str, ...] = (
    *MISSING_AZ.values(),
    *MISSING_TESTS.values(),
    TOO_FEW_CERTIFIED,
    NO_PRO_PARTNER,
    QCHECK_BELOW,
    NO_QCHECKS,
)

# Levels from low to high.
LEVEL_RANK: dict[Certification, int] = {
    Certification.NONE: 0,
    Certification.INDIVIDUAL: 1,
    Certification.CLIENT: 2,
}

# How many of an organisation's consultants hold each role the rules count.
STAFF_COLUMNS: tuple[str, ...] = (
    "certified_staff",
    "az_nl",
    "az_fr",
    "tests_nl",
    "tests_fr",
    "pro_partners",
)

TABLE_COLUMNS: tuple[str, ...] = (
    # the `certification` export's promised columns, in order (docs/CLI.md#export-tables)
    "org_id",
    "certification",
    "qualifies_client",
    "qcheck_average",
    "qcheck_average_per_consultant",
    "qcheck_count",
    "at_risk",
    "reasons",
    # more, after them
    "qualifies_for",
    "qcheck_mode",
    "qcheck_figure",  # the average the 80 % test used, per qcheck_mode
    "last_qcheck_date",
    "window_start",  # counted checks: window_start < check_date <= last_qcheck_date
    "review_date",
    "next_review",
    "would_fail_review",  # holds a level it does not qualify for today
    *STAFF_COLUMNS,
)


class CertificationThresholds(BaseModel):
    """The numbers in the rules; DG R&O may change them, so they live in the reference data
    (data/reference/certification_rules.csv). The defaults are the published values."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    individual_min_az: int = Field(default=1, ge=0)
    individual_min_pro_partners: int = Field(default=1, ge=0)
    min_certified_staff: int = Field(default=4, ge=0)
    min_az_per_language_role: int = Field(default=1, ge=0)
    min_tests_per_language_role: int = Field(default=1, ge=0)
    min_pro_partners: int = Field(default=1, ge=0)
    qcheck_threshold_percent: float = Field(default=80.0, ge=0, le=100)
    qcheck_window_months: int = Field(default=12, ge=1)
    review_interval_months: int = Field(default=12, ge=1)


DEFAULT_THRESHOLDS = CertificationThresholds()


def level_above(level: Certification | str) -> Certification | None:
    """The next level up (none -> individual -> client); None above client."""
    rank = LEVEL_RANK[Certification(level)] + 1
    return next((lvl for lvl, r in LEVEL_RANK.items() if r == rank), None)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the month's last day (29 Feb → 28 Feb)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def meets_qcheck(average: float | None, thresholds: CertificationThresholds) -> bool:
    return average is not None and average >= thresholds.qcheck_threshold_percent - EPSILON


# --- frames in, frames out ------------------------------------------------------------

ORG_SCHEMA: dict[str, pl.DataType] = {
    "org_id": pl.String(),
    "certification": pl.String(),
    "review_date": pl.Date(),
}
CONSULTANT_SCHEMA: dict[str, pl.DataType] = {
    "consultant_ref": pl.String(),
    "org_id": pl.String(),
    "language_role": pl.String(),
    "az_certified": pl.Boolean(),
    "tests_certified": pl.Boolean(),
    "pro_partner": pl.Boolean(),
    "assessment_certified": pl.Boolean(),
    "chair_certified": pl.Boolean(),
}
QCHECK_SCHEMA: dict[str, pl.DataType] = {
    "consultant_ref": pl.String(),
    "check_date": pl.Date(),
    "score_percent": pl.Float64(),
}
_REQUIRED = {"org_id", "consultant_ref", "language_role", "check_date", "score_percent"}
# The certificates that make a consultant one of the certified staff (a person counts once).
CERTIFICATES: tuple[str, ...] = (
    "az_certified",
    "tests_certified",
    "assessment_certified",
    "chair_certified",
)
_FLAGS = [*CERTIFICATES, "pro_partner"]


def _conform(frame: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """The schema's columns, cast; an optional column that is absent is added as null."""
    missing = [c for c in schema if c not in frame.columns and c in _REQUIRED]
    if missing:
        raise ValueError(f"missing column(s): {', '.join(missing)}")
    return frame.select(
        pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
        for name, dtype in schema.items()
    )


def conform_organisations(orgs: pl.DataFrame) -> pl.DataFrame:
    return _conform(orgs, ORG_SCHEMA).with_columns(
        pl.col("certification").fill_null(Certification.NONE.value)
    )


def conform_consultants(consultants: pl.DataFrame) -> pl.DataFrame:
    return _conform(consultants, CONSULTANT_SCHEMA).with_columns(pl.col(_FLAGS).fill_null(False))


def conform_qchecks(qchecks: pl.DataFrame) -> pl.DataFrame:
    return _conform(qchecks, QCHECK_SCHEMA)


def counted_qchecks(
    consultants: pl.DataFrame,
    qchecks: pl.DataFrame,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> pl.DataFrame:
    """The Q-checks that count, one row each: org_id, consultant_ref, check_date,
    score_percent, last_qcheck_date, window_start. A check counts when its consultant is
    AZ-certified and it lies in the window ending on the organisation's last such check.

    A consultant_ref may appear under several org_ids (the advisor's what-if scenarios):
    each of its checks then counts for each of them."""
    cons = conform_consultants(consultants)
    last = pl.col("last_qcheck_date")
    return (
        conform_qchecks(qchecks)
        .join(
            cons.filter(pl.col("az_certified")).select("consultant_ref", "org_id"),
            on="consultant_ref",
        )
        .with_columns(last_qcheck_date=pl.col("check_date").max().over("org_id"))
        .with_columns(window_start=last.dt.offset_by(f"-{thresholds.qcheck_window_months}mo"))
        .filter(pl.col("check_date") > pl.col("window_start"), pl.col("check_date") <= last)
        .select(
            "org_id",
            "consultant_ref",
            "check_date",
            "score_percent",
            "last_qcheck_date",
            "window_start",
        )
    )


def _staff_counts(cons: pl.DataFrame) -> pl.DataFrame:
    az, tests = pl.col("az_certified"), pl.col("tests_certified")
    nl, fr = (pl.col("language_role") == r.value for r in (LanguageRole.NL, LanguageRole.FR))
    return cons.group_by("org_id").agg(
        certified_staff=pl.any_horizontal(CERTIFICATES).sum(),
        az=az.sum(),
        az_nl=(az & nl).sum(),
        az_fr=(az & fr).sum(),
        tests_nl=(tests & nl).sum(),
        tests_fr=(tests & fr).sum(),
        pro_partners=pl.col("pro_partner").sum(),
    )


def certification_table(
    orgs: pl.DataFrame,
    consultants: pl.DataFrame,
    qchecks: pl.DataFrame,
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> pl.DataFrame:
    """One row per organisation of `orgs`: THE implementation of the rules.

    Inputs are frames with the store's columns (orgs: org_id, certification, review_date;
    consultants: consultant_ref, org_id, language_role, az_certified, tests_certified,
    pro_partner, assessment_certified, chair_certified; qchecks: consultant_ref, check_date,
    score_percent); optional columns may be absent. Output columns: TABLE_COLUMNS, the
    export's promised columns first (docs/CLI.md#export-tables); `reasons` is a
    comma-separated string of codes, "" when the organisation qualifies.
    """
    t = thresholds
    orgs = conform_organisations(orgs)
    cons = conform_consultants(consultants)
    staff = _staff_counts(cons)
    counts = ["az", *STAFF_COLUMNS]

    checks = counted_qchecks(cons, qchecks, t)
    score = pl.col("score_percent")
    overall = checks.group_by("org_id").agg(
        qcheck_average=score.mean(),
        qcheck_count=pl.len(),
        last_qcheck_date=pl.col("last_qcheck_date").first(),
        window_start=pl.col("window_start").first(),
    )
    per_consultant = (
        checks.group_by("org_id", "consultant_ref")
        .agg(own=score.mean())
        .group_by("org_id")
        .agg(qcheck_average_per_consultant=pl.col("own").mean())
    )

    figure = pl.col("qcheck_figure")
    gaps = {
        MISSING_AZ[LanguageRole.NL]: pl.col("az_nl") < t.min_az_per_language_role,
        MISSING_AZ[LanguageRole.FR]: pl.col("az_fr") < t.min_az_per_language_role,
        MISSING_TESTS[LanguageRole.NL]: pl.col("tests_nl") < t.min_tests_per_language_role,
        MISSING_TESTS[LanguageRole.FR]: pl.col("tests_fr") < t.min_tests_per_language_role,
        TOO_FEW_CERTIFIED: pl.col("certified_staff") < t.min_certified_staff,
        NO_PRO_PARTNER: pl.col("pro_partners") < t.min_pro_partners,
        QCHECK_BELOW: figure.is_not_null() & (figure < t.qcheck_threshold_percent - EPSILON),
        NO_QCHECKS: figure.is_null(),
    }
    assert tuple(gaps) == REASON_CODES
    client = ~pl.any_horizontal(gaps.values())
    individual = (pl.col("az") >= t.individual_min_az) & (
        pl.col("pro_partners") >= t.individual_min_pro_partners
    )
    rank = {level.value: r for level, r in LEVEL_RANK.items()}
    return (
        orgs.join(staff, on="org_id", how="left")
        .join(overall, on="org_id", how="left")
        .join(per_consultant, on="org_id", how="left")
        .with_columns(
            pl.col(counts).fill_null(0).cast(pl.Int64),
            pl.col("qcheck_count").fill_null(0).cast(pl.Int64),
            qcheck_figure=pl.col(
                "qcheck_average_per_consultant"
                if mode is QcheckMode.PER_CONSULTANT
                else "qcheck_average"
            ),
        )
        .with_columns(
            qualifies_client=client,
            reasons=pl.concat_str(
                [pl.when(cond).then(pl.lit(code)) for code, cond in gaps.items()],
                separator=",",
                ignore_nulls=True,
            ),
            qualifies_for=pl.when(client)
            .then(pl.lit(Certification.CLIENT.value))
            .when(individual)
            .then(pl.lit(Certification.INDIVIDUAL.value))
            .otherwise(pl.lit(Certification.NONE.value)),
            qcheck_mode=pl.lit(mode.value),
            next_review=pl.col("review_date").dt.offset_by(f"{t.review_interval_months}mo"),
        )
        .with_columns(
            at_risk=(pl.col("certification") == Certification.CLIENT.value)
            & ~pl.col("qualifies_client"),
            would_fail_review=pl.col("qualifies_for").replace_strict(rank, return_dtype=pl.Int8)
            < pl.col("certification").replace_strict(rank, default=0, return_dtype=pl.Int8),
        )
        .select(TABLE_COLUMNS)
    )
