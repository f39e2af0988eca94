"""Certification levels and the 80 % Q-check rule, on hand-worked organisations.

The base team below meets every staff condition of client certification exactly:
4 certified (nl_az, fr_az, nl_tests, fr_tests), 1 AZ and 1 selection-tests consultant per
language role, and a PRO Partner (nl_az). Each test changes one thing and works the figure
out by hand in a comment.
"""

from __future__ import annotations

from datetime import date

import pytest

from selstats.domain.enums import Certification, LanguageRole, QcheckMode
from selstats.domain.models import Consultant, Organisation, QCheck
from selstats.rules.certification import CertificationThresholds, add_months, certification_table
from selstats.rules.certification_models import (
    certification_status,
    certification_statuses,
    consultant_frame,
    organisation_frame,
    qcheck_frame,
)

ORG = "ORG"
CLIENT_ORG = Organisation(org_id=ORG, name="Org", certification=Certification.CLIENT)


def consultant(
    ref: str,
    role: str,
    *,
    az: bool = False,
    tests: bool = False,
    assessment: bool = False,
    chair: bool = False,
    pro: bool = False,
    org: str = ORG,
) -> Consultant:
    return Consultant(
        consultant_ref=ref,
        org_id=org,
        language_role=LanguageRole(role),
        az_certified=az,
        tests_certified=tests,
        assessment_certified=assessment,
        chair_certified=chair,
        pro_partner=pro,
    )


def check(ref: str, score: float, day: date = date(2024, 6, 1)) -> QCheck:
    return QCheck(consultant_ref=ref, procedure_code="P", check_date=day, score_percent=score)


TEAM = [
    consultant("nl_az", "nl", az=True, pro=True),
    consultant("fr_az", "fr", az=True),
    consultant("nl_tests", "nl", tests=True),
    consultant("fr_tests", "fr", tests=True),
]


def test_exactly_80_qualifies() -> None:
    # (70 + 90 + 80) / 3 = 240 / 3 = 80.0: "80 procent of meer".
    checks = [check("nl_az", 70), check("fr_az", 90), check("nl_az", 80)]
    status = certification_status(CLIENT_ORG, TEAM, checks)
    assert status.qcheck_average == 80.0
    assert status.qcheck_count == 3
    assert status.qualifies_client and status.qualifies_for is Certification.CLIENT
    assert status.reasons == ()
    assert not status.at_risk
    assert status.mode is QcheckMode.ALL_CHECKS


def test_the_two_averaging_modes_can_disagree() -> None:
    # A (nl_az): 60, 100, 100 -> own mean 260 / 3 = 86.67; B (fr_az): 70.
    # All checks: (60 + 100 + 100 + 70) / 4 = 330 / 4 = 82.5 -> qualifies.
    # Per consultant: (86.67 + 70) / 2 = 78.33 -> does not.
    checks = [check("nl_az", 60), check("nl_az", 100), check("nl_az", 100), check("fr_az", 70)]
    literal = certification_status(CLIENT_ORG, TEAM, checks, QcheckMode.ALL_CHECKS)
    per_consultant = certification_status(CLIENT_ORG, TEAM, checks, QcheckMode.PER_CONSULTANT)
    for status in (literal, per_consultant):
        assert status.qcheck_average == pytest.approx(82.5)
        assert status.qcheck_average_per_consultant == pytest.approx((260 / 3 + 70) / 2)
        assert status.qcheck_average_per_consultant == pytest.approx(78.333, abs=1e-3)
    assert literal.qualifies_client and literal.qcheck_figure == pytest.approx(82.5)
    assert not per_consultant.qualifies_client
    assert per_consultant.reasons == ("qcheck_below_80",)
    assert per_consultant.at_risk  # holds client certification, no longer qualifies
    assert per_consultant.qualifies_for is Certification.INDIVIDUAL


def test_checks_older_than_the_window_are_left_out() -> None:
    # Last check 2024-06-15; window: after 2023-06-15 up to 2024-06-15.
    # 2023-06-15 (exactly 12 months before): out. 2023-06-16: in. 2022: out.
    # Counted: (70 + 90) / 2 = 80.0; with the old 0 and 10 it would be 42.5.
    checks = [
        check("nl_az", 0, date(2023, 6, 15)),
        check("fr_az", 10, date(2022, 1, 1)),
        check("fr_az", 70, date(2023, 6, 16)),
        check("nl_az", 90, date(2024, 6, 15)),
    ]
    status = certification_status(CLIENT_ORG, TEAM, checks)
    assert (status.qcheck_average, status.qcheck_count) == (80.0, 2)
    assert status.last_qcheck_date == date(2024, 6, 15)
    assert status.qualifies_client


def test_a_check_of_a_consultant_without_az_is_ignored() -> None:
    # nl_tests is not AZ-certified: their 0 does not count, nor does their later date move
    # the window. Counted: (85 + 75) / 2 = 80.0.
    checks = [
        check("nl_az", 85, date(2023, 3, 1)),
        check("fr_az", 75, date(2023, 4, 1)),
        check("nl_tests", 0, date(2024, 12, 1)),
    ]
    status = certification_status(CLIENT_ORG, TEAM, checks)
    assert (status.qcheck_average, status.qcheck_count) == (80.0, 2)
    assert status.last_qcheck_date == date(2023, 4, 1)
    assert status.qualifies_client


def test_a_check_of_another_organisation_is_ignored() -> None:
    other = consultant("elsewhere", "nl", az=True, org="OTHER")
    checks = [check("nl_az", 80), check("elsewhere", 0)]
    status = certification_status(CLIENT_ORG, [*TEAM, other], checks)
    assert (status.qcheck_average, status.qcheck_count) == (80.0, 1)


def test_missing_french_tests_consultant() -> None:
    # fr_tests becomes an NL tests consultant: still 4 certified, but no FR tests consultant.
    team = [*TEAM[:3], consultant("fr_tests", "nl", tests=True)]
    status = certification_status(CLIENT_ORG, team, [check("nl_az", 90)])
    assert status.reasons == ("missing_tests_fr",)
    assert not status.qualifies_client and status.at_risk
    assert status.qualifies_for is Certification.INDIVIDUAL


def test_only_three_certified() -> None:
    # Each role is covered by 3 certified people (nl and fr both AZ + tests, one assessor);
    # the PRO Partner has no certificate, so does not count: 3 < 4.
    team = [
        consultant("nl", "nl", az=True, tests=True),
        consultant("fr", "fr", az=True, tests=True),
        consultant("assessor", "nl", assessment=True),
        consultant("partner", "fr", pro=True),
    ]
    status = certification_status(CLIENT_ORG, team, [check("nl", 95)])
    assert status.reasons == ("too_few_certified",)
    # A fourth certificate (the partner becomes AZ) makes 4.
    team[3] = consultant("partner", "fr", pro=True, az=True)
    assert certification_status(CLIENT_ORG, team, [check("nl", 95)]).qualifies_client


def test_interview_chairs_are_certified_staff() -> None:
    # Source 004: "interviews voorzitten" is a task of certified staff. Two people hold AZ
    # and tests (nl, fr: every role covered, but only 2 certified people), the PRO Partner
    # has no certificate. 2 < 4 -> too_few_certified. Two interview chairs make 2 + 2 = 4.
    team = [
        consultant("nl", "nl", az=True, tests=True),
        consultant("fr", "fr", az=True, tests=True),
        consultant("partner", "nl", pro=True),
    ]
    checks = [check("nl", 85), check("fr", 80)]  # (85 + 80) / 2 = 82.5 >= 80
    before = certification_status(CLIENT_ORG, team, checks)
    assert before.reasons == ("too_few_certified",)
    chairs = [consultant("chair1", "nl", chair=True), consultant("chair2", "fr", chair=True)]
    after = certification_status(CLIENT_ORG, [*team, *chairs], checks)
    assert after.qualifies_client and after.reasons == ()
    # One chair is not enough: 2 + 1 = 3 < 4.
    assert certification_status(CLIENT_ORG, [*team, chairs[0]], checks).reasons == (
        "too_few_certified",
    )


def test_a_consultant_with_az_and_chair_counts_once() -> None:
    # nl holds AZ and the interview-chair certificate: one person, so one of the certified
    # staff. nl, fr (AZ + tests each) and the chair-and-AZ person "both" = 3 people < 4,
    # though 2 + 2 + 2 = 6 certificates are held among them.
    team = [
        consultant("nl", "nl", az=True, tests=True, pro=True),
        consultant("fr", "fr", az=True, tests=True),
        consultant("both", "nl", az=True, chair=True),
    ]
    status = certification_status(CLIENT_ORG, team, [check("nl", 90)])
    assert status.reasons == ("too_few_certified",)
    (row,) = certification_table(
        organisation_frame([CLIENT_ORG]), consultant_frame(team), qcheck_frame([])
    ).iter_rows(named=True)
    assert row["certified_staff"] == 3
    assert team[2].certified and not consultant("partner", "fr", pro=True).certified


def test_no_pro_partner() -> None:
    team = [*TEAM[1:], consultant("nl_az", "nl", az=True)]
    status = certification_status(CLIENT_ORG, team, [check("nl_az", 90)])
    assert status.reasons == ("no_pro_partner",)
    # Without a PRO Partner not even individual certification: AZ alone is not enough.
    assert status.qualifies_for is Certification.NONE


def test_individual_level() -> None:
    # One AZ consultant who is also the PRO Partner: individual certification, and every
    # client condition but the NL AZ one is missing.
    org = Organisation(org_id=ORG, name="Org", certification=Certification.INDIVIDUAL)
    status = certification_status(org, [consultant("solo", "nl", az=True, pro=True)], [])
    assert status.qualifies_for is Certification.INDIVIDUAL
    assert not status.qualifies_client and not status.at_risk
    assert status.reasons == (
        "missing_az_fr",
        "missing_tests_nl",
        "missing_tests_fr",
        "too_few_certified",
        "no_qchecks",
    )
    # The PRO Partner may be someone else, even uncertified.
    team = [consultant("az", "fr", az=True), consultant("partner", "nl", pro=True)]
    assert certification_status(org, team, []).qualifies_for is Certification.INDIVIDUAL


def test_no_qchecks() -> None:
    status = certification_status(CLIENT_ORG, TEAM, [])
    assert status.qcheck_average is None and status.qcheck_average_per_consultant is None
    assert status.qcheck_count == 0 and status.last_qcheck_date is None
    assert status.reasons == ("no_qchecks",)
    assert status.at_risk and status.qualifies_for is Certification.INDIVIDUAL


def test_an_organisation_with_nobody() -> None:
    org = Organisation(org_id="EMPTY", name="Empty")
    status = certification_status(org, TEAM, [check("nl_az", 100)])
    assert status.qualifies_for is Certification.NONE
    assert status.certification is Certification.NONE and not status.at_risk
    assert status.reasons == (
        "missing_az_nl",
        "missing_az_fr",
        "missing_tests_nl",
        "missing_tests_fr",
        "too_few_certified",
        "no_pro_partner",
        "no_qchecks",
    )


def test_thresholds_come_from_the_reference_data() -> None:
    # With an 85 % line the 80.0 of the first test no longer qualifies.
    checks = [check("nl_az", 70), check("fr_az", 90), check("nl_az", 80)]
    strict = CertificationThresholds(qcheck_threshold_percent=85)
    status = certification_status(CLIENT_ORG, TEAM, checks, thresholds=strict)
    assert status.reasons == ("qcheck_below_80",)  # the code keeps its name


def test_statuses_for_many_organisations_group_their_records() -> None:
    other = Organisation(org_id="OTHER", name="Other")
    team = [*TEAM, consultant("x", "nl", az=True, pro=True, org="OTHER")]
    checks = [check("nl_az", 80), check("x", 50), check("unknown", 0)]
    mine, theirs = certification_statuses([CLIENT_ORG, other], team, checks)
    assert (mine.org_id, mine.qcheck_average, mine.qualifies_client) == (ORG, 80.0, True)
    assert (theirs.org_id, theirs.qcheck_average, theirs.qualifies_for) == (
        "OTHER",
        50.0,
        Certification.INDIVIDUAL,
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 6, 15), -12, date(2023, 6, 15)),
        (date(2024, 2, 29), -12, date(2023, 2, 28)),  # no 29 February in 2023
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected
