"""Certification levels of an organisation (BOSA DG R&O) and the 80 % Q-check rule.

The rules, as DG R&O states them:
- Individual certification: at least 1 certified "Consultant A tot Z" (AZ) and a named
  PRO Partner.
- Client certification: at least 4 certified staff, among them at least 1 AZ consultant and
  1 selection-tests consultant per language role (NL and FR), at least 1 PRO Partner (a
  role, no certificate), AND 80 % or more on the Q-checks: the average Q-check score of all
  the organisation's AZ-certified consultants, NL and FR together.

Choices where the source leaves room (they are also in data/reference/README.md):
- "Certified staff" are consultants with an AZ, selection-tests or assessment-techniques
  certificate. A PRO Partner needs no certificate and so counts only when also certified.
- Only Q-checks of consultants who are AZ-certified now count; the others are ignored, also
  for finding the last check.
- The Q-checks counted are those in the 12 months up to the organisation's last counted
  check: check_date > last − 12 months and check_date ≤ last (a check exactly 12 months
  before the last is out). DG R&O reviews yearly, so a year of checks is what a review sees.
- The average is over all those checks (QcheckMode.ALL_CHECKS, the literal reading and the
  default) or over each consultant's own average (QcheckMode.PER_CONSULTANT). Both figures
  are always computed; the mode decides which one the 80 % test uses.
- No counted Q-check: the average is unknown and the Q-check condition is not met, with its
  own reason (`no_qchecks`), never treated as 0 %.

Two implementations of the same rules: `certification_status` over domain models, for one
organisation and the advisor's what-ifs, and `certification_table` in polars for the store,
which derives thousands of organisations at once. A test keeps them in agreement.
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from selstats.domain.enums import Certification, LanguageRole, QcheckMode
from selstats.domain.models import Consultant, Organisation, QCheck

# Averages of binary floats: 80 must stay 80 even when it comes out as 79.99999999999999.
EPSILON = 1e-9

# Stable reason codes, in the order they are reported.
MISSING_AZ = {LanguageRole.NL: "missing_az_nl", LanguageRole.FR: "missing_az_fr"}
MISSING_TESTS = {LanguageRole.NL: "missing_tests_nl", LanguageRole.FR: "missing_tests_fr"}
TOO_FEW_CERTIFIED = "too_few_certified"
NO_PRO_PARTNER = "no_pro_partner"
QCHECK_BELOW = "qcheck_below_80"  # the code keeps its name if the threshold is edited
NO_QCHECKS = "no_qchecks"
REASON_CODES: tuple[str, ...] = (
    *MISSING_AZ.values(),
    *MISSING_TESTS.values(),
    TOO_FEW_CERTIFIED,
    NO_PRO_PARTNER,
    QCHECK_BELOW,
    NO_QCHECKS,
)

TABLE_COLUMNS: tuple[str, ...] = (
    # the CONTRACT `certification` export, in order
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
    "last_qcheck_date",
    "review_date",
    "next_review",
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


@dataclass(frozen=True)
class CertificationStatus:
    """Where an organisation stands. `reasons` lists what it lacks for client certification
    (empty when it qualifies); `at_risk` marks a client-certified organisation that no
    longer qualifies."""

    org_id: str
    certification: Certification
    qualifies_for: Certification
    qualifies_client: bool
    qcheck_average: float | None
    qcheck_average_per_consultant: float | None
    qcheck_count: int
    at_risk: bool
    reasons: tuple[str, ...]
    mode: QcheckMode
    last_qcheck_date: date | None = None
    review_date: date | None = None

    @property
    def qcheck_figure(self) -> float | None:
        """The average the 80 % test used, per `mode`."""
        if self.mode is QcheckMode.PER_CONSULTANT:
            return self.qcheck_average_per_consultant
        return self.qcheck_average


@dataclass(frozen=True)
class StaffCounts:
    """How many of an organisation's consultants hold each role that the rules count."""

    certified: int = 0
    az: int = 0
    az_nl: int = 0
    az_fr: int = 0
    tests_nl: int = 0
    tests_fr: int = 0
    pro_partners: int = 0

    def az_in(self, role: LanguageRole) -> int:
        return self.az_nl if role is LanguageRole.NL else self.az_fr

    def tests_in(self, role: LanguageRole) -> int:
        return self.tests_nl if role is LanguageRole.NL else self.tests_fr


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the month's last day (29 Feb → 28 Feb)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def staff_counts(consultants: Iterable[Consultant]) -> StaffCounts:
    """Counts over the consultants given (the caller passes one organisation's)."""
    staff = list(consultants)

    def count(role: LanguageRole, flag: str) -> int:
        return sum(1 for c in staff if c.language_role is role and getattr(c, flag))

    return StaffCounts(
        certified=sum(1 for c in staff if c.certified),
        az=sum(1 for c in staff if c.az_certified),
        az_nl=count(LanguageRole.NL, "az_certified"),
        az_fr=count(LanguageRole.FR, "az_certified"),
        tests_nl=count(LanguageRole.NL, "tests_certified"),
        tests_fr=count(LanguageRole.FR, "tests_certified"),
        pro_partners=sum(1 for c in staff if c.pro_partner),
    )


def counted_qchecks(
    consultants: Iterable[Consultant],
    qchecks: Iterable[QCheck],
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> list[QCheck]:
    """The Q-checks that count: by an AZ-certified consultant among `consultants`, in the
    window of `qcheck_window_months` ending on the last such check (see module docstring)."""
    az_refs = {c.consultant_ref for c in consultants if c.az_certified}
    checks = [q for q in qchecks if q.consultant_ref in az_refs]
    if not checks:
        return []
    last = max(q.check_date for q in checks)
    start = add_months(last, -thresholds.qcheck_window_months)
    return [q for q in checks if start < q.check_date <= last]


def qcheck_averages(checks: Sequence[QCheck]) -> tuple[float | None, float | None]:
    """(mean over all checks, mean of each consultant's own mean); None when no checks."""
    if not checks:
        return None, None
    overall = math.fsum(q.score_percent for q in checks) / len(checks)
    by_consultant: dict[str, list[float]] = defaultdict(list)
    for q in checks:
        by_consultant[q.consultant_ref].append(q.score_percent)
    means = [math.fsum(s) / len(s) for s in by_consultant.values()]
    return overall, math.fsum(means) / len(means)


def meets_qcheck(average: float | None, thresholds: CertificationThresholds) -> bool:
    return average is not None and average >= thresholds.qcheck_threshold_percent - EPSILON


def client_gaps(
    counts: StaffCounts, average: float | None, thresholds: CertificationThresholds
) -> tuple[str, ...]:
    """The reason codes of every client condition not met, in REASON_CODES order."""
    t = thresholds
    reasons = [MISSING_AZ[r] for r in LanguageRole if counts.az_in(r) < t.min_az_per_language_role]
    reasons += [
        MISSING_TESTS[r] for r in LanguageRole if counts.tests_in(r) < t.min_tests_per_language_role
    ]
    if counts.certified < t.min_certified_staff:
        reasons.append(TOO_FEW_CERTIFIED)
    if counts.pro_partners < t.min_pro_partners:
        reasons.append(NO_PRO_PARTNER)
    if average is None:
        reasons.append(NO_QCHECKS)
    elif not meets_qcheck(average, t):
        reasons.append(QCHECK_BELOW)
    return tuple(sorted(reasons, key=REASON_CODES.index))


def qualifies_individual(counts: StaffCounts, thresholds: CertificationThresholds) -> bool:
    return (
        counts.az >= thresholds.individual_min_az
        and counts.pro_partners >= thresholds.individual_min_pro_partners
    )


def certification_status(
    org: Organisation,
    consultants: Iterable[Consultant],
    qchecks: Iterable[QCheck],
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> CertificationStatus:
    """The status of one organisation. `consultants` and `qchecks` may hold other
    organisations' records too: only `org`'s consultants and their Q-checks are used."""
    staff = [c for c in consultants if c.org_id == org.org_id]
    counts = staff_counts(staff)
    checks = counted_qchecks(staff, qchecks, thresholds)
    overall, per_consultant = qcheck_averages(checks)
    figure = per_consultant if mode is QcheckMode.PER_CONSULTANT else overall
    reasons = client_gaps(counts, figure, thresholds)
    client = not reasons
    if client:
        level = Certification.CLIENT
    elif qualifies_individual(counts, thresholds):
        level = Certification.INDIVIDUAL
    else:
        level = Certification.NONE
    return CertificationStatus(
        org_id=org.org_id,
        certification=org.certification,
        qualifies_for=level,
        qualifies_client=client,
        qcheck_average=overall,
        qcheck_average_per_consultant=per_consultant,
        qcheck_count=len(checks),
        at_risk=org.certification is Certification.CLIENT and not client,
        reasons=reasons,
        mode=mode,
        last_qcheck_date=max((q.check_date for q in checks), default=None),
        review_date=org.review_date,
    )


def certification_statuses(
    orgs: Iterable[Organisation],
    consultants: Iterable[Consultant],
    qchecks: Iterable[QCheck],
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> list[CertificationStatus]:
    """`certification_status` for each organisation, records grouped once up front."""
    staff: dict[str, list[Consultant]] = defaultdict(list)
    owner: dict[str, str] = {}
    for c in consultants:
        staff[c.org_id].append(c)
        owner[c.consultant_ref] = c.org_id
    checks: dict[str, list[QCheck]] = defaultdict(list)
    for q in qchecks:
        if q.consultant_ref in owner:
            checks[owner[q.consultant_ref]].append(q)
    return [
        certification_status(org, staff[org.org_id], checks[org.org_id], mode, thresholds)
        for org in orgs
    ]


# --- the vectorised version -------------------------------------------------------------

_ORG_SCHEMA: dict[str, pl.DataType] = {
    "org_id": pl.String(),
    "certification": pl.String(),
    "review_date": pl.Date(),
}
_CONSULTANT_SCHEMA: dict[str, pl.DataType] = {
    "consultant_ref": pl.String(),
    "org_id": pl.String(),
    "language_role": pl.String(),
    "az_certified": pl.Boolean(),
    "tests_certified": pl.Boolean(),
    "pro_partner": pl.Boolean(),
    "assessment_certified": pl.Boolean(),
}
_QCHECK_SCHEMA: dict[str, pl.DataType] = {
    "consultant_ref": pl.String(),
    "check_date": pl.Date(),
    "score_percent": pl.Float64(),
}
_REQUIRED = {"org_id", "consultant_ref", "language_role", "check_date", "score_percent"}


def _conform(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The schema's columns, cast; an optional column that is absent is added as null."""
    missing = [c for c in schema if c not in frame.columns and c in _REQUIRED]
    if missing:
        raise ValueError(f"missing column(s): {', '.join(missing)}")
    return frame.select(
        pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
        for name, dtype in schema.items()
    )


def certification_table(
    orgs: pl.DataFrame,
    consultants: pl.DataFrame,
    qchecks: pl.DataFrame,
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> pl.DataFrame:
    """One row per organisation of `orgs`, the same rules as `certification_status`.

    Inputs are frames with the store's columns (orgs: org_id, certification, review_date;
    consultants: consultant_ref, org_id, language_role, az_certified, tests_certified,
    pro_partner, assessment_certified; qchecks: consultant_ref, check_date, score_percent);
    optional columns may be absent. Output columns: TABLE_COLUMNS, the CONTRACT export
    first; `reasons` is a comma-separated string of codes, "" when the organisation qualifies.
    """
    t = thresholds
    orgs = _conform(orgs, _ORG_SCHEMA).with_columns(
        pl.col("certification").fill_null(Certification.NONE.value)
    )
    flags = ["az_certified", "tests_certified", "pro_partner", "assessment_certified"]
    cons = _conform(consultants, _CONSULTANT_SCHEMA).with_columns(pl.col(flags).fill_null(False))
    az, tests = pl.col("az_certified"), pl.col("tests_certified")
    nl, fr = (pl.col("language_role") == r.value for r in (LanguageRole.NL, LanguageRole.FR))
    staff = cons.group_by("org_id").agg(
        certified=(az | tests | pl.col("assessment_certified")).sum(),
        az=az.sum(),
        az_nl=(az & nl).sum(),
        az_fr=(az & fr).sum(),
        tests_nl=(tests & nl).sum(),
        tests_fr=(tests & fr).sum(),
        pro_partners=pl.col("pro_partner").sum(),
    )
    counts = ["certified", "az", "az_nl", "az_fr", "tests_nl", "tests_fr", "pro_partners"]

    last = pl.col("last_qcheck_date")
    checks = (
        _conform(qchecks, _QCHECK_SCHEMA)
        .join(cons.filter(az).select("consultant_ref", "org_id"), on="consultant_ref")
        .with_columns(last_qcheck_date=pl.col("check_date").max().over("org_id"))
        .filter(
            pl.col("check_date") > last.dt.offset_by(f"-{t.qcheck_window_months}mo"),
            pl.col("check_date") <= last,
        )
    )
    score = pl.col("score_percent")
    overall = checks.group_by("org_id").agg(
        qcheck_average=score.mean(), qcheck_count=pl.len(), last_qcheck_date=last.first()
    )
    per_consultant = (
        checks.group_by("org_id", "consultant_ref")
        .agg(own=score.mean())
        .group_by("org_id")
        .agg(qcheck_average_per_consultant=pl.col("own").mean())
    )

    figure = pl.col(
        "qcheck_average_per_consultant" if mode is QcheckMode.PER_CONSULTANT else "qcheck_average"
    )
    gaps = {
        MISSING_AZ[LanguageRole.NL]: pl.col("az_nl") < t.min_az_per_language_role,
        MISSING_AZ[LanguageRole.FR]: pl.col("az_fr") < t.min_az_per_language_role,
        MISSING_TESTS[LanguageRole.NL]: pl.col("tests_nl") < t.min_tests_per_language_role,
        MISSING_TESTS[LanguageRole.FR]: pl.col("tests_fr") < t.min_tests_per_language_role,
        TOO_FEW_CERTIFIED: pl.col("certified") < t.min_certified_staff,
        NO_PRO_PARTNER: pl.col("pro_partners") < t.min_pro_partners,
        QCHECK_BELOW: figure.is_not_null() & (figure < t.qcheck_threshold_percent - EPSILON),
        NO_QCHECKS: figure.is_null(),
    }
    assert tuple(gaps) == REASON_CODES
    client = ~pl.any_horizontal(gaps.values())
    individual = (pl.col("az") >= t.individual_min_az) & (
        pl.col("pro_partners") >= t.individual_min_pro_partners
    )
    return (
        orgs.join(staff, on="org_id", how="left")
        .join(overall, on="org_id", how="left")
        .join(per_consultant, on="org_id", how="left")
        .with_columns(pl.col(counts).fill_null(0), pl.col("qcheck_count").fill_null(0))
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
            qcheck_count=pl.col("qcheck_count").cast(pl.Int64),
        )
        .select(TABLE_COLUMNS)
    )
