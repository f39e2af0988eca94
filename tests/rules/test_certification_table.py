"""`certification_table`, the one implementation of the certification rules, against an
oracle: the same rules written out plainly per organisation in this test (what the package
used to carry as a second implementation). Hand-worked organisations, random ones and
thousands at once must agree, in both averaging modes; `certification_status` and
`certification_statuses` read the table's rows back."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selstats.domain.enums import Certification, LanguageRole, QcheckMode
from selstats.domain.models import Consultant, Organisation, QCheck
from selstats.rules.certification import (
    DEFAULT_THRESHOLDS,
    TABLE_COLUMNS,
    CertificationThresholds,
    add_months,
    certification_table,
)
from selstats.rules.certification_models import (
    certification_statuses,
    consultant_frame,
    organisation_frame,
    qcheck_frame,
)

CONTRACT_COLUMNS = [
    "org_id",
    "certification",
    "qualifies_client",
    "qcheck_average",
    "qcheck_average_per_consultant",
    "qcheck_count",
    "at_risk",
    "reasons",
]
RANK = {"none": 0, "individual": 1, "client": 2}


def frames(
    orgs: Sequence[Organisation], consultants: Sequence[Consultant], checks: Sequence[QCheck]
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    return organisation_frame(orgs), consultant_frame(consultants), qcheck_frame(checks)


# --- the oracle: the rules of the module docstring, one organisation at a time ----------


@dataclass(frozen=True)
class Expected:
    qualifies_for: str
    reasons: tuple[str, ...]
    average: float | None
    per_consultant: float | None
    count: int
    last: date | None
    window_start: date | None
    staff: dict[str, int]


def oracle(
    org: Organisation,
    consultants: Sequence[Consultant],
    checks: Sequence[QCheck],
    mode: QcheckMode,
    t: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> Expected:
    staff = [c for c in consultants if c.org_id == org.org_id]

    def n(role: str, flag: str) -> int:
        return sum(1 for c in staff if c.language_role.value == role and getattr(c, flag))

    counts = {
        "certified_staff": sum(1 for c in staff if c.certified),
        "az_nl": n("nl", "az_certified"),
        "az_fr": n("fr", "az_certified"),
        "tests_nl": n("nl", "tests_certified"),
        "tests_fr": n("fr", "tests_certified"),
        "pro_partners": sum(1 for c in staff if c.pro_partner),
    }
    az = {c.consultant_ref for c in staff if c.az_certified}
    mine = [q for q in checks if q.consultant_ref in az]
    last = max((q.check_date for q in mine), default=None)
    start = None if last is None else add_months(last, -t.qcheck_window_months)
    counted = [
        q for q in mine if start is not None and last is not None and start < q.check_date <= last
    ]
    average = per_consultant = None
    if counted:
        average = math.fsum(q.score_percent for q in counted) / len(counted)
        own: dict[str, list[float]] = defaultdict(list)
        for q in counted:
            own[q.consultant_ref].append(q.score_percent)
        per_consultant = math.fsum(math.fsum(v) / len(v) for v in own.values()) / len(own)
    figure = per_consultant if mode is QcheckMode.PER_CONSULTANT else average
    reasons = [
        code
        for code, missing in (
            ("missing_az_nl", counts["az_nl"] < t.min_az_per_language_role),
            ("missing_az_fr", counts["az_fr"] < t.min_az_per_language_role),
            ("missing_tests_nl", counts["tests_nl"] < t.min_tests_per_language_role),
            ("missing_tests_fr", counts["tests_fr"] < t.min_tests_per_language_role),
            ("too_few_certified", counts["certified_staff"] < t.min_certified_staff),
            ("no_pro_partner", counts["pro_partners"] < t.min_pro_partners),
            ("qcheck_below_80", figure is not None and figure < t.qcheck_threshold_percent - 1e-9),
            ("no_qchecks", figure is None),
        )
        if missing
    ]
    if not reasons:
        level = "client"
    elif counts["az_nl"] + counts["az_fr"] >= t.individual_min_az and (
        counts["pro_partners"] >= t.individual_min_pro_partners
    ):
        level = "individual"
    else:
        level = "none"
    return Expected(
        level, tuple(reasons), average, per_consultant, len(counted), last, start, counts
    )


def assert_agree(
    orgs: Sequence[Organisation], consultants: Sequence[Consultant], checks: Sequence[QCheck]
) -> None:
    # the oracle looks at one organisation's records at a time: group them once
    staff_of: dict[str, list[Consultant]] = defaultdict(list)
    for c in consultants:
        staff_of[c.org_id].append(c)
    checks_of: dict[str, list[QCheck]] = defaultdict(list)
    for q in checks:
        checks_of[q.consultant_ref].append(q)
    for mode in QcheckMode:
        table = certification_table(*frames(orgs, consultants, checks), mode)
        assert table.columns == list(TABLE_COLUMNS)
        assert table.columns[: len(CONTRACT_COLUMNS)] == CONTRACT_COLUMNS
        rows = {row["org_id"]: row for row in table.iter_rows(named=True)}
        assert len(rows) == len(orgs)
        statuses = {s.org_id: s for s in certification_statuses(orgs, consultants, checks, mode)}
        for org in orgs:
            staff = staff_of.get(org.org_id, [])
            refs = {c.consultant_ref for c in staff}
            mine = [q for ref in refs for q in checks_of.get(ref, [])]
            row, want = rows[org.org_id], oracle(org, staff, mine, mode)
            held = org.certification.value
            assert row["certification"] == held
            assert row["qualifies_for"] == want.qualifies_for
            assert row["qualifies_client"] == (want.reasons == ())
            assert row["at_risk"] == (held == "client" and want.reasons != ())
            assert row["would_fail_review"] == (RANK[want.qualifies_for] < RANK[held])
            assert row["reasons"] == ",".join(want.reasons)
            assert row["qcheck_count"] == want.count
            assert row["qcheck_mode"] == mode.value
            assert row["last_qcheck_date"] == want.last
            assert row["window_start"] == want.window_start
            # one review interval (12 months) after the last review, none without one
            expected_review = None if org.review_date is None else add_months(org.review_date, 12)
            assert row["next_review"] == expected_review
            assert {k: row[k] for k in want.staff} == want.staff
            for column, expected in (
                ("qcheck_average", want.average),
                ("qcheck_average_per_consultant", want.per_consultant),
            ):
                if expected is None:
                    assert row[column] is None
                else:
                    assert row[column] == pytest.approx(expected, abs=1e-9)
            figure = want.per_consultant if mode is QcheckMode.PER_CONSULTANT else want.average
            assert row["qcheck_figure"] == (None if figure is None else pytest.approx(figure))
            # the adapter reads the same row back
            status = statuses[org.org_id]
            assert status.reasons == want.reasons
            assert status.qualifies_for.value == want.qualifies_for
            assert status.qcheck_figure == (None if figure is None else pytest.approx(figure))
            assert status.next_review == row["next_review"]


def c(ref: str, org: str, role: str, **flags: bool) -> Consultant:
    return Consultant(consultant_ref=ref, org_id=org, language_role=LanguageRole(role), **flags)


def q(ref: str, score: float, day: date) -> QCheck:
    return QCheck(consultant_ref=ref, procedure_code="P", check_date=day, score_percent=score)


def test_hand_worked_organisations_agree() -> None:
    orgs = [
        Organisation(org_id="A", name="A", certification=Certification.CLIENT),
        Organisation(
            org_id="B",
            name="B",
            certification=Certification.INDIVIDUAL,
            review_date=date(2024, 2, 29),
        ),
        Organisation(org_id="C", name="C"),
    ]
    team = [
        c("a1", "A", "nl", az_certified=True, pro_partner=True),
        c("a2", "A", "fr", az_certified=True),
        c("a3", "A", "nl", tests_certified=True),
        c("a4", "A", "fr", tests_certified=True),
        c("b1", "B", "nl", az_certified=True, pro_partner=True),
    ]
    checks = [
        # A: 60, 100, 100 and 70: 82.5 over all checks, 78.33 per consultant.
        q("a1", 60, date(2024, 1, 1)),
        q("a1", 100, date(2024, 2, 1)),
        q("a1", 100, date(2024, 3, 1)),
        q("a2", 70, date(2024, 4, 1)),
        q("a3", 0, date(2024, 4, 1)),  # not AZ: ignored
        q("a2", 0, date(2023, 4, 1)),  # exactly 12 months before A's last check: out
        q("b1", 95, date(2024, 5, 1)),
    ]
    assert_agree(orgs, team, checks)
    table = certification_table(*frames(orgs, team, checks), QcheckMode.PER_CONSULTANT)
    a = table.row(0, named=True)
    assert (a["qualifies_client"], a["at_risk"], a["reasons"]) == (False, True, "qcheck_below_80")
    b = table.row(1, named=True)
    assert b["next_review"] == date(2025, 2, 28)  # 29 Feb 2024 + 12 months
    assert table.row(2, named=True)["reasons"].endswith("no_pro_partner,no_qchecks")


def test_optional_columns_may_be_absent() -> None:
    orgs = pl.DataFrame({"org_id": ["A"]})
    consultants = pl.DataFrame(
        {
            "consultant_ref": ["a1"],
            "org_id": ["A"],
            "language_role": ["nl"],
            "az_certified": [True],
            "pro_partner": [True],
        }
    )
    checks = pl.DataFrame(
        {"consultant_ref": ["a1"], "check_date": [date(2024, 1, 1)], "score_percent": [90.0]}
    )
    row = certification_table(orgs, consultants, checks).row(0, named=True)
    assert row["certification"] == "none"
    assert row["qualifies_for"] == "individual"
    assert (row["qcheck_average"], row["qcheck_count"]) == (90.0, 1)


def test_a_required_column_missing_is_an_error() -> None:
    with pytest.raises(ValueError, match="language_role"):
        certification_table(
            pl.DataFrame({"org_id": ["A"]}),
            pl.DataFrame({"consultant_ref": ["a1"], "org_id": ["A"]}),
            pl.DataFrame({"consultant_ref": [], "check_date": [], "score_percent": []}),
        )


ROLES = st.sampled_from(["nl", "fr"])
START = date(2022, 1, 1)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Organisation], list[Consultant], list[QCheck]]:
    n_orgs = draw(st.integers(1, 4))
    orgs = [
        Organisation(
            org_id=f"O{i}",
            name=f"O{i}",
            certification=draw(st.sampled_from(list(Certification))),
            review_date=draw(st.none() | st.dates(date(2023, 1, 1), date(2024, 12, 31))),
        )
        for i in range(n_orgs)
    ]
    consultants = []
    for i in range(draw(st.integers(0, 12))):
        consultants.append(
            Consultant(
                consultant_ref=f"C{i}",
                org_id=f"O{draw(st.integers(0, n_orgs))}",  # O{n_orgs} has no organisation
                language_role=LanguageRole(draw(ROLES)),
                az_certified=draw(st.booleans()),
                tests_certified=draw(st.booleans()),
                pro_partner=draw(st.booleans()),
                assessment_certified=draw(st.booleans()),
                chair_certified=draw(st.booleans()),
            )
        )
    checks = [
        q(
            f"C{draw(st.integers(0, 13))}",  # may name no consultant
            draw(st.sampled_from([0.0, 50.0, 70.0, 79.5, 80.0, 85.0, 100.0])),
            START + timedelta(days=draw(st.integers(0, 1100))),
        )
        for _ in range(draw(st.integers(0, 15)))
    ]
    unique = {(x.consultant_ref, x.procedure_code, x.check_date): x for x in checks}
    return orgs, consultants, list(unique.values())


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_random_organisations_agree(
    scenario: tuple[list[Organisation], list[Consultant], list[QCheck]],
) -> None:
    assert_agree(*scenario)


def test_thousands_of_organisations_agree() -> None:
    rng = random.Random(20240601)
    orgs = [
        Organisation(
            org_id=f"O{i}",
            name=f"O{i}",
            certification=rng.choice(list(Certification)),
            review_date=START + timedelta(days=rng.randrange(900)),
        )
        for i in range(3000)
    ]
    consultants = [
        Consultant(
            consultant_ref=f"C{i}",
            org_id=f"O{i % 3000}",
            language_role=LanguageRole(rng.choice(["nl", "fr"])),
            az_certified=rng.random() < 0.6,
            tests_certified=rng.random() < 0.5,
            pro_partner=rng.random() < 0.3,
            assessment_certified=rng.random() < 0.1,
            chair_certified=rng.random() < 0.15,
        )
        for i in range(15000)
    ]
    checks = [
        q(f"C{rng.randrange(15000)}", float(rng.randrange(40, 101)), START + timedelta(days=d))
        for d in range(1000)
        for _ in range(20)
    ]
    unique = list({(x.consultant_ref, x.check_date): x for x in checks}.values())
    assert_agree(orgs, consultants, unique)
