"""Certification for callers that hold domain models (`Organisation`, `Consultant`,
`QCheck`) rather than frames: the frames `certification_table` takes, built from the models,
and its rows read back as `CertificationStatus`. The rules themselves are
`selstats.rules.certification.certification_table`, the one implementation
(docs/DOMAIN.md#certification-levels); this module only converts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from selstats.domain.enums import Certification, QcheckMode
from selstats.domain.models import Consultant, Organisation, QCheck
from selstats.rules.certification import (
    CONSULTANT_SCHEMA,
    DEFAULT_THRESHOLDS,
    LEVEL_RANK,
    ORG_SCHEMA,
    QCHECK_SCHEMA,
    CertificationThresholds,
    certification_table,
)


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
    next_review: date | None = None

    @property
    def qcheck_figure(self) -> float | None:
        """The average the 80 % test used, per `mode`."""
        if self.mode is QcheckMode.PER_CONSULTANT:
            return self.qcheck_average_per_consultant
        return self.qcheck_average

    @property
    def would_fail_review(self) -> bool:
        """It holds a level it does not qualify for today."""
        return LEVEL_RANK[self.qualifies_for] < LEVEL_RANK[self.certification]


def organisation_frame(orgs: Iterable[Organisation]) -> pl.DataFrame:
    """Domain models as the frame `certification_table` takes."""
    rows = [(o.org_id, o.certification.value, o.review_date) for o in orgs]
    return pl.DataFrame(rows, schema=ORG_SCHEMA, orient="row")


def consultant_frame(consultants: Iterable[Consultant]) -> pl.DataFrame:
    rows = [
        (
            c.consultant_ref,
            c.org_id,
            c.language_role.value,
            c.az_certified,
            c.tests_certified,
            c.pro_partner,
            c.assessment_certified,
            c.chair_certified,
        )
        for c in consultants
    ]
    return pl.DataFrame(rows, schema=CONSULTANT_SCHEMA, orient="row")


def qcheck_frame(qchecks: Iterable[QCheck]) -> pl.DataFrame:
    rows = [(q.consultant_ref, q.check_date, q.score_percent) for q in qchecks]
    return pl.DataFrame(rows, schema=QCHECK_SCHEMA, orient="row")


def status_from_row(row: Mapping[str, object]) -> CertificationStatus:
    """A row of `certification_table` as a CertificationStatus."""

    def optional_float(name: str) -> float | None:
        value = row[name]
        return None if value is None else float(value)  # type: ignore[arg-type]

    def optional_date(name: str) -> date | None:
        value = row[name]
        return value if isinstance(value, date) else None

    reasons = str(row["reasons"] or "")
    return CertificationStatus(
        org_id=str(row["org_id"]),
        certification=Certification(str(row["certification"])),
        qualifies_for=Certification(str(row["qualifies_for"])),
        qualifies_client=bool(row["qualifies_client"]),
        qcheck_average=optional_float("qcheck_average"),
        qcheck_average_per_consultant=optional_float("qcheck_average_per_consultant"),
        qcheck_count=int(row["qcheck_count"]),  # type: ignore[call-overload]
        at_risk=bool(row["at_risk"]),
        reasons=tuple(code for code in reasons.split(",") if code),
        mode=QcheckMode(str(row["qcheck_mode"])),
        last_qcheck_date=optional_date("last_qcheck_date"),
        review_date=optional_date("review_date"),
        next_review=optional_date("next_review"),
    )


def certification_statuses(
    orgs: Iterable[Organisation],
    consultants: Iterable[Consultant],
    qchecks: Iterable[QCheck],
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> list[CertificationStatus]:
    """The status of each organisation, in the order given (`certification_table` read back)."""
    table = certification_table(
        organisation_frame(orgs),
        consultant_frame(consultants),
        qcheck_frame(qchecks),
        mode,
        thresholds,
    )
    return [status_from_row(row) for row in table.iter_rows(named=True)]


def certification_status(
    org: Organisation,
    consultants: Iterable[Consultant],
    qchecks: Iterable[QCheck],
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> CertificationStatus:
    """The status of one organisation. `consultants` and `qchecks` may hold other
    organisations' records too: only `org`'s consultants and their Q-checks are used."""
    (status,) = certification_statuses([org], consultants, qchecks, mode, thresholds)
    return status
