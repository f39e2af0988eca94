"""Advice on certification: what an organisation lacks for the next level, how many Q-checks
would lift its average, which people it cannot lose, and when DG R&O reviews it next.

Everything here is built on `selstats.rules.certification`, so the advice can never
disagree with the status the dashboard shows. Gaps are returned as codes with parameters,
not sentences: the UI words them in NL/FR/EN.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from selstats.domain.enums import Certification, LanguageRole, QcheckMode
from selstats.domain.models import Consultant, Organisation, QCheck
from selstats.rules.certification import (
    DEFAULT_THRESHOLDS,
    EPSILON,
    MISSING_AZ,
    MISSING_TESTS,
    NO_PRO_PARTNER,
    NO_QCHECKS,
    QCHECK_BELOW,
    REASON_CODES,
    TOO_FEW_CERTIFIED,
    CertificationStatus,
    CertificationThresholds,
    add_months,
    certification_status,
    counted_qchecks,
    meets_qcheck,
    qcheck_averages,
    staff_counts,
)

MAX_SCORE = 100.0


@dataclass(frozen=True)
class Gap:
    """One thing missing, e.g. Gap("missing_tests", {"role": "fr", "count": 1}).

    Codes: missing_az (role: "nl" | "fr" | None for any role, count), missing_tests (role,
    count), too_few_certified (short_by, have, need), no_pro_partner (count), qcheck_gap
    (average, threshold, distance, mode, checks_at_100), no_qchecks.
    """

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, **self.params}


@dataclass(frozen=True)
class NextLevel:
    """The level the organisation qualifies for now, the next one up (None when it already
    qualifies for client certification) and what it lacks to get there."""

    current: Certification
    target: Certification | None
    gaps: tuple[Gap, ...]


def checks_needed(
    scores: Sequence[float], threshold: float = 80.0, *, at: float = MAX_SCORE
) -> int | None:
    """How many more Q-checks, each scoring `at`, bring the mean of `scores` to `threshold`.

    0 when the mean already reaches it; None when no number of checks can (at ≤ threshold
    while the mean is below). Solves (S + at·n) / (k + n) ≥ t, i.e. n ≥ (t·k − S) / (at − t).
    It assumes no existing check leaves the 12-month window meanwhile.
    """
    total, count = math.fsum(scores), len(scores)
    if count and total / count >= threshold - EPSILON:
        return 0
    if at <= threshold:
        return None
    return max(1, math.ceil((threshold * count - total) / (at - threshold) - EPSILON))


def min_score_for_one_more(scores: Sequence[float], threshold: float = 80.0) -> float | None:
    """The lowest score one more Q-check needs for the mean to reach `threshold`:
    x = t·(k + 1) − S. 0.0 when any score will do; None when even 100 % is not enough."""
    needed = threshold * (len(scores) + 1) - math.fsum(scores)
    if needed > MAX_SCORE + EPSILON:
        return None
    return max(needed, 0.0)


def _individual_gaps(counts_az: int, counts_pro: int, t: CertificationThresholds) -> list[Gap]:
    gaps = []
    if counts_az < t.individual_min_az:
        gaps.append(Gap("missing_az", {"role": None, "count": t.individual_min_az - counts_az}))
    if counts_pro < t.individual_min_pro_partners:
        gaps.append(Gap(NO_PRO_PARTNER, {"count": t.individual_min_pro_partners - counts_pro}))
    return gaps


def gap_to_next_level(
    org: Organisation,
    consultants: Iterable[Consultant],
    qchecks: Iterable[QCheck],
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> NextLevel:
    """What `org` lacks for the level above the one it qualifies for now."""
    t = thresholds
    staff = [c for c in consultants if c.org_id == org.org_id]
    checks = counted_qchecks(staff, qchecks, t)
    status = certification_status(org, staff, checks, mode, t)
    counts = staff_counts(staff)
    if status.qualifies_for is Certification.CLIENT:
        return NextLevel(Certification.CLIENT, None, ())
    if status.qualifies_for is Certification.NONE:
        gaps = _individual_gaps(counts.az, counts.pro_partners, t)
        return NextLevel(Certification.NONE, Certification.INDIVIDUAL, tuple(gaps))

    found: list[Gap] = []
    for role in LanguageRole:
        if MISSING_AZ[role] in status.reasons:
            short = t.min_az_per_language_role - counts.az_in(role)
            found.append(Gap("missing_az", {"role": role.value, "count": short}))
    for role in LanguageRole:
        if MISSING_TESTS[role] in status.reasons:
            short = t.min_tests_per_language_role - counts.tests_in(role)
            found.append(Gap("missing_tests", {"role": role.value, "count": short}))
    if TOO_FEW_CERTIFIED in status.reasons:
        params: dict[str, object] = {
            "short_by": t.min_certified_staff - counts.certified,
            "have": counts.certified,
            "need": t.min_certified_staff,
        }
        found.append(Gap(TOO_FEW_CERTIFIED, params))
    if NO_PRO_PARTNER in status.reasons:
        found.append(Gap(NO_PRO_PARTNER, {"count": t.min_pro_partners - counts.pro_partners}))
    if NO_QCHECKS in status.reasons:
        found.append(Gap(NO_QCHECKS))
    if QCHECK_BELOW in status.reasons and status.qcheck_figure is not None:
        # A count of perfect checks only answers the all-checks mean; per consultant it
        # depends on who is checked.
        at_100 = (
            checks_needed([q.score_percent for q in checks], t.qcheck_threshold_percent)
            if mode is QcheckMode.ALL_CHECKS
            else None
        )
        gap: dict[str, object] = {
            "average": status.qcheck_figure,
            "threshold": t.qcheck_threshold_percent,
            "distance": t.qcheck_threshold_percent - status.qcheck_figure,
            "mode": mode.value,
            "checks_at_100": at_100,
        }
        found.append(Gap("qcheck_gap", gap))
    return NextLevel(Certification.INDIVIDUAL, Certification.CLIENT, tuple(found))


@dataclass(frozen=True)
class Fragility:
    """A consultant the organisation cannot lose: without them `stake` (a reason code of
    `selstats.rules.certification`) would become a reason it no longer qualifies."""

    consultant_ref: str
    stake: str


def fragility(
    consultants: Iterable[Consultant],
    qchecks: Iterable[QCheck] | None = None,
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> list[Fragility]:
    """The single points of failure among one organisation's consultants.

    A condition hangs on one person when its count is exactly the minimum: the only AZ or
    selection-tests consultant of a language role, the only PRO Partner, or one of exactly
    4 certified staff. With `qchecks`, an AZ consultant whose departure (with their checks)
    would drop a met Q-check condition is listed too. Conditions already unmet are gaps,
    not fragilities, and are not listed.
    """
    t = thresholds
    staff = list(consultants)
    counts = staff_counts(staff)
    found: list[Fragility] = []

    def critical(count: int, minimum: int) -> bool:
        return minimum > 0 and count == minimum

    for c in staff:
        role = c.language_role
        if c.az_certified and critical(counts.az_in(role), t.min_az_per_language_role):
            found.append(Fragility(c.consultant_ref, MISSING_AZ[role]))
        if c.tests_certified and critical(counts.tests_in(role), t.min_tests_per_language_role):
            found.append(Fragility(c.consultant_ref, MISSING_TESTS[role]))
        if c.certified and critical(counts.certified, t.min_certified_staff):
            found.append(Fragility(c.consultant_ref, TOO_FEW_CERTIFIED))
        if c.pro_partner and critical(counts.pro_partners, t.min_pro_partners):
            found.append(Fragility(c.consultant_ref, NO_PRO_PARTNER))

    if qchecks is not None:
        checks = list(qchecks)
        if meets_qcheck(_figure(staff, checks, mode, t), t):
            for c in staff:
                if not c.az_certified:
                    continue
                others = [s for s in staff if s.consultant_ref != c.consultant_ref]
                without = _figure(others, checks, mode, t)
                if not meets_qcheck(without, t):
                    stake = NO_QCHECKS if without is None else QCHECK_BELOW
                    found.append(Fragility(c.consultant_ref, stake))

    return sorted(found, key=lambda f: (f.consultant_ref, REASON_CODES.index(f.stake)))


def _figure(
    staff: Sequence[Consultant],
    checks: Sequence[QCheck],
    mode: QcheckMode,
    thresholds: CertificationThresholds,
) -> float | None:
    overall, per_consultant = qcheck_averages(counted_qchecks(staff, checks, thresholds))
    return per_consultant if mode is QcheckMode.PER_CONSULTANT else overall


def what_if_without(
    consultant_ref: str,
    org: Organisation,
    consultants: Iterable[Consultant],
    qchecks: Iterable[QCheck],
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> CertificationStatus:
    """`org`'s status if `consultant_ref` left, taking their Q-checks with them."""
    staff = [c for c in consultants if c.consultant_ref != consultant_ref]
    checks = [q for q in qchecks if q.consultant_ref != consultant_ref]
    return certification_status(org, staff, checks, mode, thresholds)


def next_review(
    review_date: date | None,
    last_certification_date: date | None,
    interval_months: int = DEFAULT_THRESHOLDS.review_interval_months,
) -> date | None:
    """One interval (a year) after the later of the last review and the last certification;
    None when neither is known."""
    known = [d for d in (review_date, last_certification_date) if d is not None]
    return add_months(max(known), interval_months) if known else None


def reviews_due(
    statuses: Iterable[CertificationStatus],
    today: date,
    within_days: int = 90,
    interval_months: int = DEFAULT_THRESHOLDS.review_interval_months,
) -> list[tuple[CertificationStatus, date]]:
    """Certified organisations whose yearly review falls on or before today + within_days
    (overdue ones included), soonest first, each with its due date. Organisations without
    certification have nothing to review; those with no known review date are left out."""
    horizon = today + timedelta(days=within_days)
    due = []
    for status in statuses:
        if status.certification is Certification.NONE:
            continue
        when = next_review(status.review_date, None, interval_months)
        if when is not None and when <= horizon:
            due.append((status, when))
    return sorted(due, key=lambda pair: (pair[1], pair[0].org_id))
