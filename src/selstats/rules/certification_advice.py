"""Advice on certification: what an organisation lacks for the next level, how many Q-checks
would lift its average, which people it cannot lose, and when DG R&O reviews it next.

Everything here is built on `selstats.rules.certification.certification_table`, so the
advice can never disagree with the status the dashboard shows:
- `advice_table` derives the advice of many organisations at once (the store writes it
  into `certification_status`, beside the status);
- the gaps come from the status row (its reasons and staff counts);
- a fragility is a what-if: the status without one consultant, computed by the same table
  for every consultant at once;
- `gap_to_next_level`, `fragility` and `what_if_without` are adapters for callers holding
  domain models.

Gaps are returned as codes with parameters, not sentences: the UI words them in NL/FR/EN
(`advice_messages` gives the catalogue keys and the numbers).

Choices (shown in the UI where they change a figure):
- "Further Q-checks" assume that no counted check leaves the 12-month window meanwhile.
- The organisation's recent average is the mean of its counted checks of the last
  RECENT_MONTHS (3) months of the window.
- Per consultant, a further check goes to one of the consultants already checked in the
  window, the one it lifts the average most (so the count is the fewest possible); an AZ
  consultant without counted checks is not assumed to be checked.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

import polars as pl

from selstats.domain.enums import Certification, LanguageRole, QcheckMode
from selstats.domain.models import Consultant, Organisation, QCheck
from selstats.rules.certification import (
    CERTIFICATES,
    DEFAULT_THRESHOLDS,
    EPSILON,
    MISSING_AZ,
    MISSING_TESTS,
    NO_PRO_PARTNER,
    NO_QCHECKS,
    QCHECK_BELOW,
    REASON_CODES,
    REVIEW_HORIZON_DAYS,
    TOO_FEW_CERTIFIED,
    CertificationStatus,
    CertificationThresholds,
    add_months,
    certification_status,
    certification_table,
    conform_consultants,
    conform_organisations,
    consultant_frame,
    counted_qchecks,
    meets_qcheck,
    organisation_frame,
    qcheck_frame,
)

MAX_SCORE = 100.0
RECENT_MONTHS = 3
# Above this many further checks the advice says "not within reach" rather than count on.
MAX_CHECKS = 1_000

ADVICE_COLUMNS: tuple[str, ...] = (
    "org_id",
    "gaps",  # to the next level: "code=amount" comma-separated, "" when none (see Gap.text)
    "fragile_roles",  # "stake:consultant_ref" comma-separated, "" when none
    "recent_average",
    "checks_needed_at_recent",
    "checks_needed_at_100",
    "min_score_for_one_more",
)

# Reason codes that are one condition: a Q-check average below the line or none at all.
_CONDITION = {code: code for code in REASON_CODES} | {NO_QCHECKS: QCHECK_BELOW}


@dataclass(frozen=True)
class Gap:
    """One thing missing, e.g. Gap("missing_tests", {"role": "fr", "count": 1}).

    Codes: missing_az (role: "nl" | "fr" | None for any role, count), missing_tests (role,
    count), too_few_certified (short_by, have, need), no_pro_partner (count), qcheck_gap
    (average, threshold, distance, mode, recent_average, checks_at_recent, checks_at_100,
    min_score), no_qchecks.
    """

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, **self.params}

    @property
    def text(self) -> str:
        """The gap as a text code, as the export writes it: `missing_tests_fr=1`,
        `missing_az=1` (any role), `too_few_certified=2` (short by), `no_pro_partner=1`,
        `no_qchecks`, `qcheck_below_80=1.25` (percentage points short)."""
        p = self.params
        if self.code in ("missing_az", "missing_tests"):
            code = self.code if p["role"] is None else f"{self.code}_{p['role']}"
            return f"{code}={p['count']}"
        if self.code == TOO_FEW_CERTIFIED:
            return f"{self.code}={p['short_by']}"
        if self.code == NO_PRO_PARTNER:
            return f"{self.code}={p['count']}"
        if self.code == "qcheck_gap":
            return f"{QCHECK_BELOW}={round(float(p['distance']), 2):g}"  # type: ignore[arg-type]
        return self.code


@dataclass(frozen=True)
class NextLevel:
    """The level the organisation qualifies for now, the next one up (None when it already
    qualifies for client certification) and what it lacks to get there."""

    current: Certification
    target: Certification | None
    gaps: tuple[Gap, ...]


@dataclass(frozen=True)
class QcheckOutlook:
    """How far the organisation's Q-check figure is from the line, and what would close it.
    Counts are 0 when the figure already meets the line and None when no number of checks
    at that score can; `min_score_for_one_more` is None when it meets the line or when
    even 100 % is not enough."""

    recent_average: float | None
    checks_needed_at_recent: int | None
    checks_needed_at_100: int | None
    min_score_for_one_more: float | None


@dataclass(frozen=True)
class Fragility:
    """A consultant the organisation cannot lose: without them `stake` (a reason code of
    `selstats.rules.certification`) would become a reason it no longer qualifies."""

    consultant_ref: str
    stake: str


# --- how many more Q-checks -----------------------------------------------------------


def checks_needed(
    scores: Sequence[float], threshold: float = 80.0, *, at: float = MAX_SCORE
) -> int | None:
    """How many more Q-checks, each scoring `at`, bring the mean of `scores` to `threshold`.

    0 when the mean already reaches it; None when no number of checks can (at ≤ threshold
    while the mean is below). Solves (S + at·n) / (k + n) ≥ t, i.e. n ≥ (t·k − S) / (at − t).
    It assumes no existing check leaves the 12-month window meanwhile.
    """
    return _checks_needed_total(math.fsum(scores), len(scores), threshold, at)


def _checks_needed_total(total: float, count: int, threshold: float, at: float) -> int | None:
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


def checks_needed_per_consultant(
    own: Sequence[tuple[float, int]], threshold: float = 80.0, *, at: float = MAX_SCORE
) -> int | None:
    """How many more Q-checks scoring `at` bring the mean of the consultants' own means to
    `threshold`. `own` holds (sum of scores, number of checks) per consultant checked.

    Each further check goes to the consultant it lifts most: a consultant's mean after n
    checks at `at`, (S + at·n) / (k + n), rises ever more slowly, so taking the largest rise
    each time gives the highest average for every number of checks, hence the fewest checks.
    0 when the average already reaches the line; None when no number of checks can (the
    means only approach `at`, so the average never passes the mean of max(mean, at)) or
    when it would take more than MAX_CHECKS."""
    if not own:
        return 1 if at >= threshold - EPSILON else None
    sums = [s for s, _ in own]
    counts = [k for _, k in own]
    means = [s / k for s, k in own]
    target = threshold * len(own)
    total = math.fsum(means)
    if total >= target - EPSILON:
        return 0
    if math.fsum(max(mean, at) for mean in means) <= target + EPSILON:
        return None

    def rise(i: int) -> float:
        return (sums[i] + at) / (counts[i] + 1) - means[i]

    heap = [(-rise(i), i) for i in range(len(own))]
    heapq.heapify(heap)
    for n in range(1, MAX_CHECKS + 1):
        _, best = heapq.heappop(heap)
        sums[best] += at
        counts[best] += 1
        means[best] = sums[best] / counts[best]
        if math.fsum(means) >= target - EPSILON:
            return n
        heapq.heappush(heap, (-rise(best), best))
    return None


def min_score_for_one_more_per_consultant(
    own: Sequence[tuple[float, int]], threshold: float = 80.0
) -> float | None:
    """The lowest score one more Q-check needs, given to the consultant where it lifts the
    average of means most, for that average to reach `threshold`. For consultant i with
    sum S_i over k_i checks, the others' means summing to R: x = (k_i + 1)·(t·m − R) − S_i.
    None when even 100 % is not enough for anyone."""
    if not own:
        return threshold
    means = [s / k for s, k in own]
    total = math.fsum(means)
    needed = [
        (k + 1) * (threshold * len(own) - (total - mean)) - s
        for (s, k), mean in zip(own, means, strict=True)
    ]
    best = min(needed)
    if best > MAX_SCORE + EPSILON:
        return None
    return max(best, 0.0)


def qcheck_outlook(
    own: Sequence[tuple[float, int]],
    recent_average: float | None,
    mode: QcheckMode,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> QcheckOutlook:
    """What would bring the figure of `mode` to the line: further checks at the recent
    average or at 100 %, or the score one more check needs. `own` holds (sum, count) of each
    consultant's counted checks; without any, everything is None."""
    line = thresholds.qcheck_threshold_percent
    if not own:  # no figure: nothing to bring to the line (the gap is `no_qchecks`)
        return QcheckOutlook(None, None, None, None)
    total = math.fsum(s for s, _ in own)
    count = sum(k for _, k in own)
    if mode is QcheckMode.PER_CONSULTANT:
        figure: float | None = math.fsum(s / k for s, k in own) / len(own)

        def needed(at: float) -> int | None:
            return checks_needed_per_consultant(own, line, at=at)

        one_more = min_score_for_one_more_per_consultant(own, line)
    else:
        figure = total / count

        def needed(at: float) -> int | None:
            n = _checks_needed_total(total, count, line, at)
            return None if n is None or n > MAX_CHECKS else n

        one_more = max(line * (count + 1) - total, 0.0)
        one_more = None if one_more > MAX_SCORE + EPSILON else one_more
    met = meets_qcheck(figure, thresholds)
    return QcheckOutlook(
        recent_average=recent_average,
        checks_needed_at_recent=None if recent_average is None else needed(recent_average),
        checks_needed_at_100=needed(MAX_SCORE),
        min_score_for_one_more=None if met else one_more,
    )


# --- gaps to the next level -----------------------------------------------------------


def next_level(
    row: Mapping[str, object],
    outlook: QcheckOutlook,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> NextLevel:
    """What an organisation lacks for the level above the one it qualifies for, from its
    row of `certification_table` (reasons and staff counts) and its Q-check outlook."""
    t = thresholds
    current = Certification(str(row["qualifies_for"]))
    reasons = set(str(row["reasons"] or "").split(","))

    def count(name: str) -> int:
        return int(row[name])  # type: ignore[call-overload]

    if current is Certification.CLIENT:
        return NextLevel(current, None, ())
    if current is Certification.NONE:
        az = count("az_nl") + count("az_fr")
        gaps = []
        if az < t.individual_min_az:
            gaps.append(Gap("missing_az", {"role": None, "count": t.individual_min_az - az}))
        if count("pro_partners") < t.individual_min_pro_partners:
            short = t.individual_min_pro_partners - count("pro_partners")
            gaps.append(Gap(NO_PRO_PARTNER, {"count": short}))
        return NextLevel(current, Certification.INDIVIDUAL, tuple(gaps))

    found: list[Gap] = []
    for role in LanguageRole:
        if MISSING_AZ[role] in reasons:
            short = t.min_az_per_language_role - count(f"az_{role.value}")
            found.append(Gap("missing_az", {"role": role.value, "count": short}))
    for role in LanguageRole:
        if MISSING_TESTS[role] in reasons:
            short = t.min_tests_per_language_role - count(f"tests_{role.value}")
            found.append(Gap("missing_tests", {"role": role.value, "count": short}))
    if TOO_FEW_CERTIFIED in reasons:
        have = count("certified_staff")
        params = {"short_by": t.min_certified_staff - have, "have": have}
        found.append(Gap(TOO_FEW_CERTIFIED, params | {"need": t.min_certified_staff}))
    if NO_PRO_PARTNER in reasons:
        found.append(Gap(NO_PRO_PARTNER, {"count": t.min_pro_partners - count("pro_partners")}))
    if NO_QCHECKS in reasons:
        found.append(Gap(NO_QCHECKS))
    if QCHECK_BELOW in reasons:
        figure = float(row["qcheck_figure"])  # type: ignore[arg-type]
        gap: dict[str, object] = {
            "average": figure,
            "threshold": t.qcheck_threshold_percent,
            "distance": t.qcheck_threshold_percent - figure,
            "mode": _mode_of(row),
            "recent_average": outlook.recent_average,
            "checks_at_recent": outlook.checks_needed_at_recent,
            "checks_at_100": outlook.checks_needed_at_100,
            "min_score": outlook.min_score_for_one_more,
        }
        found.append(Gap("qcheck_gap", gap))
    return NextLevel(current, Certification.CLIENT, tuple(found))


def _mode_of(row: Mapping[str, object]) -> str:
    """The averaging mode of a row: `qcheck_mode` in `certification_table`, `mode` in the
    store and the `certification` query."""
    return str(row["qcheck_mode"] if "qcheck_mode" in row else row["mode"])


# --- the table ------------------------------------------------------------------------


def _own_checks(counted: pl.DataFrame) -> dict[str, list[tuple[float, int]]]:
    """(sum, count) of each consultant's counted checks, per organisation."""
    own = counted.group_by("org_id", "consultant_ref").agg(
        total=pl.col("score_percent").sum(), count=pl.len()
    )
    found: dict[str, list[tuple[float, int]]] = {}
    for org_id, _ref, total, n in own.sort("org_id", "consultant_ref").iter_rows():
        found.setdefault(org_id, []).append((float(total), int(n)))
    return found


def _recent_averages(counted: pl.DataFrame) -> dict[str, float]:
    recent = counted.filter(
        pl.col("check_date") > pl.col("last_qcheck_date").dt.offset_by(f"-{RECENT_MONTHS}mo")
    )
    means = recent.group_by("org_id").agg(pl.col("score_percent").mean())
    return {org_id: float(mean) for org_id, mean in means.iter_rows()}


def _advise(
    status: pl.DataFrame,
    consultants: pl.DataFrame,
    qchecks: pl.DataFrame,
    mode: QcheckMode,
    thresholds: CertificationThresholds,
) -> dict[str, tuple[NextLevel, QcheckOutlook]]:
    counted = counted_qchecks(consultants, qchecks, thresholds)
    own = _own_checks(counted)
    recent = _recent_averages(counted)
    advice = {}
    for row in status.iter_rows(named=True):
        org_id = row["org_id"]
        outlook = qcheck_outlook(own.get(org_id, []), recent.get(org_id), mode, thresholds)
        advice[org_id] = (next_level(row, outlook, thresholds), outlook)
    return advice


def fragility_table(
    orgs: pl.DataFrame,
    consultants: pl.DataFrame,
    qchecks: pl.DataFrame,
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> pl.DataFrame:
    """The single points of failure: org_id, consultant_ref, stake; one row per consultant
    and condition that is met now and would not be without them (their Q-checks leaving
    with them). Sorted by organisation, stake (in REASON_CODES order) and consultant.

    Every consultant's departure is a what-if scenario, all derived at once by
    `certification_table`: the scenario's organisation is the real one without that person.
    Conditions already unmet are gaps, not fragilities; a Q-check average below the line and
    no Q-check at all are one condition."""
    orgs = conform_organisations(orgs)
    cons = conform_consultants(consultants).join(orgs.select("org_id"), on="org_id", how="semi")
    # Someone with no certificate and no PRO Partner role changes nothing by leaving.
    roles = pl.any_horizontal(*CERTIFICATES, "pro_partner")
    pairs = (
        cons.filter(roles)
        .select("org_id", removed="consultant_ref")
        .with_row_index("scenario")
        .with_columns(pl.col("scenario").cast(pl.String))
    )
    staff = (
        pairs.join(cons, on="org_id")
        .filter(pl.col("consultant_ref") != pl.col("removed"))
        .drop("org_id", "removed")
        .rename({"scenario": "org_id"})
    )
    what_if = certification_table(
        pairs.select(org_id="scenario"), staff, qchecks, mode, thresholds
    ).select(scenario="org_id", after="reasons")
    before = certification_table(orgs, cons, qchecks, mode, thresholds).select(
        "org_id", before="reasons"
    )
    condition = pl.element().replace(_CONDITION)
    order = {code: i for i, code in enumerate(REASON_CODES)}
    return (
        pairs.join(what_if, on="scenario")
        .join(before, on="org_id")
        .with_columns(
            stake=pl.col("after").str.split(","),
            held=pl.col("before").str.split(",").list.eval(condition),
        )
        .explode("stake")
        .filter(pl.col("stake") != "")
        .filter(~pl.col("held").list.contains(pl.col("stake").replace(_CONDITION)))
        .select("org_id", consultant_ref="removed", stake="stake")
        .with_columns(order=pl.col("stake").replace_strict(order, return_dtype=pl.Int32))
        .sort("org_id", "order", "consultant_ref")
        .drop("order")
    )


def advice_table(
    orgs: pl.DataFrame,
    consultants: pl.DataFrame,
    qchecks: pl.DataFrame,
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
    status: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per organisation of `orgs`, ADVICE_COLUMNS: the gaps to the next level as
    text codes, the fragile roles, and the Q-check outlook of `mode`. `status` is
    `certification_table` of the same inputs when the caller has it already."""
    if status is None:
        status = certification_table(orgs, consultants, qchecks, mode, thresholds)
    advice = _advise(status, consultants, qchecks, mode, thresholds)
    fragile = (
        fragility_table(orgs, consultants, qchecks, mode, thresholds)
        .group_by("org_id", maintain_order=True)
        .agg(fragile_roles=pl.concat_str("stake", pl.lit(":"), "consultant_ref").str.join(","))
    )
    rows = [
        (
            org_id,
            ",".join(gap.text for gap in level.gaps),
            outlook.recent_average,
            outlook.checks_needed_at_recent,
            outlook.checks_needed_at_100,
            outlook.min_score_for_one_more,
        )
        for org_id, (level, outlook) in advice.items()
    ]
    schema = {
        "org_id": pl.String,
        "gaps": pl.String,
        "recent_average": pl.Float64,
        "checks_needed_at_recent": pl.Int64,
        "checks_needed_at_100": pl.Int64,
        "min_score_for_one_more": pl.Float64,
    }
    return (
        pl.DataFrame(rows, schema=schema, orient="row")
        .join(fragile, on="org_id", how="left")
        .with_columns(pl.col("fragile_roles").fill_null(""))
        .select(ADVICE_COLUMNS)
    )


def what_if_without_table(
    consultant_ref: str,
    orgs: pl.DataFrame,
    consultants: pl.DataFrame,
    qchecks: pl.DataFrame,
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> pl.DataFrame:
    """`certification_table` as if `consultant_ref` left, taking their Q-checks with them."""
    staff = conform_consultants(consultants).filter(pl.col("consultant_ref") != consultant_ref)
    checks = qchecks.filter(pl.col("consultant_ref") != consultant_ref)
    return certification_table(orgs, staff, checks, mode, thresholds)


# --- adapters for domain models -------------------------------------------------------


def gap_to_next_level(
    org: Organisation,
    consultants: Iterable[Consultant],
    qchecks: Iterable[QCheck],
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> NextLevel:
    """What `org` lacks for the level above the one it qualifies for now."""
    orgs = organisation_frame([org])
    staff = consultant_frame(c for c in consultants if c.org_id == org.org_id)
    checks = qcheck_frame(qchecks)
    status = certification_table(orgs, staff, checks, mode, thresholds)
    level, _ = _advise(status, staff, checks, mode, thresholds)[org.org_id]
    return level


def fragility(
    consultants: Iterable[Consultant],
    qchecks: Iterable[QCheck] | None = None,
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> list[Fragility]:
    """The single points of failure among one organisation's consultants (`fragility_table`),
    sorted by consultant. Without `qchecks` only the staff conditions are looked at."""
    staff = consultant_frame(consultants)
    orgs = staff.select("org_id").unique()
    table = fragility_table(orgs, staff, qcheck_frame(qchecks or ()), mode, thresholds)
    found = [Fragility(ref, stake) for ref, stake in table.select("consultant_ref", "stake").rows()]
    return sorted(found, key=lambda f: (f.consultant_ref, REASON_CODES.index(f.stake)))


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


# --- yearly review --------------------------------------------------------------------


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
    within_days: int = REVIEW_HORIZON_DAYS,
    interval_months: int = DEFAULT_THRESHOLDS.review_interval_months,
) -> list[tuple[CertificationStatus, date]]:
    """Certified organisations whose yearly review falls on or before today + within_days
    (overdue ones included), each with its due date: those that would fail the review today
    first, then soonest first. Organisations without certification have nothing to review;
    those with no known review date are left out."""
    horizon = today + timedelta(days=within_days)
    due = []
    for status in statuses:
        if status.certification is Certification.NONE:
            continue
        when = next_review(status.review_date, None, interval_months)
        if when is not None and when <= horizon:
            due.append((status, when))
    return sorted(due, key=lambda pair: (not pair[0].would_fail_review, pair[1], pair[0].org_id))


# --- words for the UI -----------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One sentence of advice: a catalogue key under `certification.advice.` and its
    numbers (ints are counts, floats percentages or percentage points)."""

    key: str
    params: Mapping[str, int | float | None] = field(default_factory=dict)


def advice_messages(
    row: Mapping[str, object], thresholds: CertificationThresholds = DEFAULT_THRESHOLDS
) -> list[Message]:
    """The advice for one organisation's row of the `certification` query (its `gaps` text
    and Q-check outlook), as sentences to word: one per gap, the Q-check gap followed by
    what would close it."""
    line = thresholds.qcheck_threshold_percent
    messages: list[Message] = []
    if row.get("gaps") is None:  # hidden: it would give small counts back (suppression)
        return [Message("hidden")]
    gaps = [part.partition("=") for part in str(row.get("gaps") or "").split(",") if part]
    if not gaps and row.get("qualifies_for") == Certification.CLIENT.value:
        return [Message("qualifies_client")]
    for code, _, amount in gaps:
        if code == TOO_FEW_CERTIFIED:
            have = _whole(row["certified_staff"])
            need = thresholds.min_certified_staff
            messages.append(Message(code, {"count": int(amount), "have": have, "need": need}))
        elif code == QCHECK_BELOW:
            messages += _qcheck_messages(row, float(amount), line)
        elif amount:
            messages.append(Message(code, {"count": int(amount)}))
        else:
            messages.append(Message(code))
    return messages


def _qcheck_messages(row: Mapping[str, object], distance: float, line: float) -> list[Message]:
    def number(name: str) -> float | None:
        value = row.get(name)
        return None if value is None else float(value)  # type: ignore[arg-type]

    mode = _mode_of(row)
    figure = number("qcheck_figure")
    messages = [Message(f"qcheck_below_{mode}", {"average": figure, "distance": distance})]
    at_100 = row.get("checks_needed_at_100")
    if at_100 is not None:
        messages.append(Message("checks_at_100", {"count": int(at_100)}))  # type: ignore[call-overload]
    recent, at_recent = number("recent_average"), row.get("checks_needed_at_recent")
    if recent is not None and at_recent is not None:
        params = {"count": int(at_recent), "recent": recent}  # type: ignore[call-overload]
        messages.append(Message("checks_at_recent", params))
    elif recent is not None:
        messages.append(Message("recent_too_low", {"recent": recent, "threshold": line}))
    one_more = number("min_score_for_one_more")
    if one_more is not None:
        messages.append(Message("one_more", {"score": one_more}))
    else:
        messages.append(Message("one_more_impossible"))
    return messages


@dataclass(frozen=True)
class Condition:
    """A condition of client certification, with what it asks and what the organisation has
    (`present` None: no Q-check average)."""

    code: str
    required: int | float
    present: int | float | None
    met: bool


def _whole(value: object) -> int | None:
    """A count as a number; None when small-cell suppression made it text ("<5")."""
    if isinstance(value, int):
        return value
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else None


def client_conditions(
    row: Mapping[str, object], thresholds: CertificationThresholds = DEFAULT_THRESHOLDS
) -> list[Condition]:
    """The conditions of client certification for one organisation's row of the
    `certification` query, met or not as its reasons say (never re-derived). Codes: az_nl,
    az_fr, tests_nl, tests_fr, certified_staff, pro_partner, qcheck_<mode>."""
    t = thresholds
    reasons = set(str(row.get("reasons") or "").split(","))
    staff = [  # (code, required, column of the count, reason code when unmet)
        ("az_nl", t.min_az_per_language_role, "az_nl", MISSING_AZ[LanguageRole.NL]),
        ("az_fr", t.min_az_per_language_role, "az_fr", MISSING_AZ[LanguageRole.FR]),
        ("tests_nl", t.min_tests_per_language_role, "tests_nl", MISSING_TESTS[LanguageRole.NL]),
        ("tests_fr", t.min_tests_per_language_role, "tests_fr", MISSING_TESTS[LanguageRole.FR]),
        ("certified_staff", t.min_certified_staff, "certified_staff", TOO_FEW_CERTIFIED),
        ("pro_partner", t.min_pro_partners, "pro_partners", NO_PRO_PARTNER),
    ]
    found = [
        Condition(code, required, _whole(row[column]), reason not in reasons)
        for code, required, column, reason in staff
    ]
    figure = row.get("qcheck_figure")
    found.append(
        Condition(
            f"qcheck_{_mode_of(row)}",
            t.qcheck_threshold_percent,
            None if figure is None else float(figure),  # type: ignore[arg-type]
            QCHECK_BELOW not in reasons and NO_QCHECKS not in reasons,
        )
    )
    return found


# --- the task split per level ---------------------------------------------------------


class _Task(Protocol):
    task_id: str
    task_nl: str
    none: object
    individual: object
    client: object
    condition: str | None


TASK_SPLIT_COLUMNS: tuple[str, ...] = ("task_id", "task", "none", "individual", "client", "note")


def task_split(tasks: Iterable[_Task], lang: str) -> pl.DataFrame:
    """Who does each task of a selection under each level (data/reference/
    certification_tasks.csv, `selstats.reference.models.CertificationTask`), one row per
    task in the file's order: the task in `lang` (nl, fr, en), the responsible code per level
    (dgro, organisation, organisation_if_certified, shared) and the note (in English)."""
    rows = [
        (
            task.task_id,
            str(getattr(task, f"task_{lang}", None) or task.task_nl),
            str(getattr(task.none, "value", task.none)),
            str(getattr(task.individual, "value", task.individual)),
            str(getattr(task.client, "value", task.client)),
            task.condition or "",
        )
        for task in tasks
    ]
    return pl.DataFrame(rows, schema=dict.fromkeys(TASK_SPLIT_COLUMNS, pl.String), orient="row")
