"""Advice on certification: what an organisation lacks for the next level (`next_level`,
gaps as codes with their numbers), which people it cannot lose (`fragility_table`) and its
status without one of them (`what_if_without_table`); `advice_table` derives the advice of
many organisations at once, which the store writes into `certification_status` beside the
status.

Everything here is built on `selstats.rules.certification.certification_table`, so the
advice can never disagree with the status the dashboard shows: the gaps come from the
status row (its reasons and staff counts); a fragility is a what-if, the status without
one consultant, computed by the same table for every consultant at once. The Q-check
arithmetic is `selstats.rules.qcheck_outlook`; the words are the UI's
(`selstats.ui.certification_text`).

Choice (shown in the UI): the organisation's recent average is the mean of its counted
checks of the last RECENT_MONTHS (3) months of the window.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from selstats.domain.enums import Certification, LanguageRole, QcheckMode
from selstats.rules.certification import (
    CERTIFICATES,
    DEFAULT_THRESHOLDS,
    MISSING_AZ,
    MISSING_TESTS,
    NO_PRO_PARTNER,
    NO_QCHECKS,
    QCHECK_BELOW,
    REASON_CODES,
    TOO_FEW_CERTIFIED,
    CertificationThresholds,
    certification_table,
    conform_consultants,
    conform_organisations,
    counted_qchecks,
)
from selstats.rules.qcheck_outlook import QcheckOutlook, qcheck_outlook

RECENT_MONTHS = 3

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
            "mode": mode_of(row),
            "recent_average": outlook.recent_average,
            "checks_at_recent": outlook.checks_needed_at_recent,
            "checks_at_100": outlook.checks_needed_at_100,
            "min_score": outlook.min_score_for_one_more,
        }
        found.append(Gap("qcheck_gap", gap))
    return NextLevel(current, Certification.CLIENT, tuple(found))


def mode_of(row: Mapping[str, object]) -> str:
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


def advise(
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
    advice = advise(status, consultants, qchecks, mode, thresholds)
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
