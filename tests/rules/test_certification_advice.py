"""The certification advisor, on hand-worked cases (the arithmetic is in the comments)."""

from __future__ import annotations

from datetime import date

import pytest

from selstats.domain.enums import Certification, LanguageRole, QcheckMode
from selstats.domain.models import Consultant, Organisation, QCheck
from selstats.rules.certification import DEFAULT_THRESHOLDS, REASON_CODES, certification_table
from selstats.rules.certification_advice import (
    Gap,
    NextLevel,
    advise,
    fragility_table,
    what_if_without_table,
)
from selstats.rules.certification_models import (
    certification_status,
    consultant_frame,
    organisation_frame,
    qcheck_frame,
)
from selstats.rules.qcheck_outlook import checks_needed, min_score_for_one_more

ORG = Organisation(org_id="ORG", name="Org", certification=Certification.CLIENT)


def consultant(ref: str, role: str, **flags: bool) -> Consultant:
    return Consultant(consultant_ref=ref, org_id="ORG", language_role=LanguageRole(role), **flags)


def check(ref: str, score: float, day: date = date(2024, 6, 1)) -> QCheck:
    return QCheck(consultant_ref=ref, procedure_code="P", check_date=day, score_percent=score)


# Exactly the client minimum: 4 certified, AZ and tests per language role, a PRO Partner.
TEAM = [
    consultant("nl_az", "nl", az_certified=True, pro_partner=True),
    consultant("fr_az", "fr", az_certified=True),
    consultant("nl_tests", "nl", tests_certified=True),
    consultant("fr_tests", "fr", tests_certified=True),
]

QCHECK_STAKES = {"qcheck_below_80", "no_qchecks"}


def gap_to_next_level(
    org: Organisation,
    consultants: list[Consultant],
    qchecks: list[QCheck],
    mode: QcheckMode = QcheckMode.ALL_CHECKS,
) -> NextLevel:
    """What `org` lacks for the next level, as `advice_table` derives it for the store."""
    orgs = organisation_frame([org])
    staff, checks = consultant_frame(consultants), qcheck_frame(qchecks)
    status = certification_table(orgs, staff, checks, mode)
    level, _outlook = advise(status, staff, checks, mode, DEFAULT_THRESHOLDS)[org.org_id]
    return level


def fragility(
    consultants: list[Consultant], qchecks: list[QCheck] | None = None
) -> list[tuple[str, str]]:
    """(consultant, stake) of `fragility_table` for one organisation, by consultant."""
    orgs = organisation_frame([ORG])
    table = fragility_table(orgs, consultant_frame(consultants), qcheck_frame(qchecks or []))
    pairs = table.select("consultant_ref", "stake").rows()
    return sorted(pairs, key=lambda p: (p[0], REASON_CODES.index(p[1])))


# 70 + 75 + 80 + 90 = 315 over 4 checks: mean 78.75.
SCORES_315 = [70.0, 75.0, 80.0, 90.0]


# --- checks_needed / min_score_for_one_more --------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (85.0, 1),  # (315 + 85) / 5 = 400 / 5 = 80.0: exactly enough
        (90.0, 1),  # (315 + 90) / 5 = 81.0
        (100.0, 1),  # (315 + 100) / 5 = 83.0
        (84.0, 2),  # one: 399 / 5 = 79.8; two: (315 + 168) / 6 = 80.5
        (80.0, None),  # checks at exactly 80 only approach 80 from below
        (70.0, None),  # below the line: never
    ],
)
def test_checks_needed_from_78_75(at: float, expected: int | None) -> None:
    assert checks_needed(SCORES_315, 80.0, at=at) == expected


def test_checks_needed_from_70_over_ten() -> None:
    # (700 + 100n) / (10 + n) >= 80  <=>  100n - 80n >= 800 - 700  <=>  n >= 5.
    # n = 4: 1100 / 14 = 78.57; n = 5: 1200 / 15 = 80.0.
    assert checks_needed([70.0] * 10, 80.0, at=100.0) == 5


def test_checks_needed_edges() -> None:
    assert checks_needed([80.0, 90.0], 80.0, at=50.0) == 0  # already there
    assert checks_needed([], 80.0, at=100.0) == 1  # one check at 100 makes a mean of 100
    assert checks_needed([], 80.0, at=70.0) is None
    assert checks_needed([0.0], 80.0) == 4  # default at=100: (0 + 400) / 5 = 80.0


def test_min_score_for_one_more() -> None:
    assert min_score_for_one_more(SCORES_315, 80.0) == 85.0  # 80 x 5 - 315
    assert min_score_for_one_more([90.0, 90.0], 80.0) == 60.0  # 80 x 3 - 180
    assert min_score_for_one_more([50.0, 50.0], 80.0) is None  # 80 x 3 - 100 = 140 > 100
    assert min_score_for_one_more([100.0] * 4, 80.0) == 0.0  # 400 - 400: any score


# --- gap_to_next_level -----------------------------------------------------------------


def test_gap_from_nothing_to_individual() -> None:
    team = [consultant("t", "nl", tests_certified=True)]
    result = gap_to_next_level(ORG, team, [])
    assert (result.current, result.target) == (Certification.NONE, Certification.INDIVIDUAL)
    assert [g.as_dict() for g in result.gaps] == [
        {"code": "missing_az", "role": None, "count": 1},
        {"code": "no_pro_partner", "count": 1},
    ]


def test_gap_from_individual_to_client() -> None:
    # NL AZ (also PRO Partner) and an NL tests consultant: 2 certified of 4, nothing in FR,
    # no Q-checks.
    team = [TEAM[0], TEAM[2]]
    result = gap_to_next_level(ORG, team, [])
    assert (result.current, result.target) == (Certification.INDIVIDUAL, Certification.CLIENT)
    assert [g.as_dict() for g in result.gaps] == [
        {"code": "missing_az", "role": "fr", "count": 1},
        {"code": "missing_tests", "role": "fr", "count": 1},
        {"code": "too_few_certified", "short_by": 2, "have": 2, "need": 4},
        {"code": "no_qchecks"},
    ]


def test_gap_on_the_qchecks() -> None:
    # Mean 315 / 4 = 78.75: 1.25 short; one check at 100 gives 415 / 5 = 83.0.
    # All four checks are of 2024-06-01, so the recent average (last 3 months) is 78.75
    # too: below the line, so checks at that score never get there. One more check needs
    # 80 x 5 - 315 = 85.
    checks = [check("nl_az", s) for s in SCORES_315]
    result = gap_to_next_level(ORG, TEAM, checks)
    assert result.gaps == (
        Gap(
            "qcheck_gap",
            {
                "average": 78.75,
                "threshold": 80.0,
                "distance": 1.25,
                "mode": "all_checks",
                "recent_average": 78.75,
                "checks_at_recent": None,
                "checks_at_100": 1,
                "min_score": 85.0,
            },
        ),
    )
    assert result.gaps[0].text == "qcheck_below_80=1.25"


def test_gap_on_the_qchecks_per_consultant() -> None:
    # nl_az: 60 -> 60; fr_az: 90, 90 -> 90. Per consultant (60 + 90) / 2 = 75: 5 short.
    # (All checks: 240 / 3 = 80.0 would qualify.)
    # Recent (after 2024-03-01, all three): 240 / 3 = 80.0.
    # At 100: one more for nl_az gives (60 + 100) / 2 = 80, (80 + 90) / 2 = 85 -> 1.
    # At 80: one more for nl_az gives (60 + 80) / 2 = 70, (70 + 90) / 2 = 80.0 -> 1.
    # One more check: for nl_az x = 2 x (160 - 90) - 60 = 80; for fr_az
    # 3 x (160 - 60) - 180 = 120 > 100; so 80.
    checks = [check("nl_az", 60), check("fr_az", 90), check("fr_az", 90, date(2024, 5, 1))]
    (gap,) = gap_to_next_level(ORG, TEAM, checks, QcheckMode.PER_CONSULTANT).gaps
    assert gap.as_dict() == {
        "code": "qcheck_gap",
        "average": 75.0,
        "threshold": 80.0,
        "distance": 5.0,
        "mode": "per_consultant",
        "recent_average": 80.0,
        "checks_at_recent": 1,
        "checks_at_100": 1,
        "min_score": 80.0,
    }


def test_no_gap_when_client_qualifies() -> None:
    result = gap_to_next_level(ORG, TEAM, [check("nl_az", 80)])
    assert (result.current, result.target, result.gaps) == (Certification.CLIENT, None, ())


# --- fragility / what_if_without -------------------------------------------------------


def test_a_minimal_team_is_fragile_everywhere() -> None:
    # Every role has exactly its minimum holder, and there are exactly 4 certified.
    assert fragility(TEAM) == [
        ("fr_az", "missing_az_fr"),
        ("fr_az", "too_few_certified"),
        ("fr_tests", "missing_tests_fr"),
        ("fr_tests", "too_few_certified"),
        ("nl_az", "missing_az_nl"),
        ("nl_az", "too_few_certified"),
        ("nl_az", "no_pro_partner"),
        ("nl_tests", "missing_tests_nl"),
        ("nl_tests", "too_few_certified"),
    ]


def test_a_fifth_certified_removes_the_headcount_risk() -> None:
    # A second NL AZ consultant: 5 certified, 2 NL AZ; nl_az stays the only PRO Partner.
    team = [*TEAM, consultant("nl_az2", "nl", az_certified=True)]
    assert fragility(team) == [
        ("fr_az", "missing_az_fr"),
        ("fr_tests", "missing_tests_fr"),
        ("nl_az", "no_pro_partner"),
        ("nl_tests", "missing_tests_nl"),
    ]


def test_an_interview_chair_is_fifth_certified_and_can_be_the_fourth() -> None:
    # A chair-only person as a fifth certified: 5 certified, so nobody's leaving drops the
    # headcount under 4 (as with a fifth AZ consultant above).
    team = [*TEAM, consultant("chair", "nl", chair_certified=True)]
    assert [f for f in fragility(team) if f[1] == "too_few_certified"] == []
    # Two people with AZ + tests (nl, fr) and two chairs: 4 certified, the chairs among
    # them. Losing either chair leaves 3 < 4, so each chair carries the headcount; the AZ
    # roles each hang on one person as well.
    team = [
        consultant("nl", "nl", az_certified=True, tests_certified=True, pro_partner=True),
        consultant("fr", "fr", az_certified=True, tests_certified=True),
        consultant("chair1", "nl", chair_certified=True),
        consultant("chair2", "fr", chair_certified=True),
    ]
    stakes = set(fragility(team))
    assert ("chair1", "too_few_certified") in stakes
    assert ("chair2", "too_few_certified") in stakes
    assert {stake for ref, stake in stakes if ref.startswith("chair")} == {"too_few_certified"}


def test_a_consultant_who_carries_the_qcheck_average() -> None:
    # All: (95 + 70) / 2 = 82.5 meets 80. Without nl_az only fr_az's 70 is left: below.
    # Without fr_az only 95 is left: still met. fr_tests has no checks: no Q-check stake.
    team = [*TEAM, consultant("extra", "nl", assessment_certified=True)]  # 5 certified
    checks = [check("nl_az", 95), check("fr_az", 70)]
    stakes = [f for f in fragility(team, checks) if f[1] in QCHECK_STAKES]
    assert stakes == [("nl_az", "qcheck_below_80")]


def test_the_only_checked_consultant() -> None:
    team = [*TEAM, consultant("extra", "nl", assessment_certified=True)]
    stakes = [f for f in fragility(team, [check("fr_az", 90)]) if f[1] in QCHECK_STAKES]
    assert stakes == [("fr_az", "no_qchecks")]


def test_what_if_without() -> None:
    checks = [check("nl_az", 95), check("fr_az", 70)]
    assert certification_status(ORG, TEAM, checks).qualifies_client  # 82.5
    # Without fr_tests: no FR tests consultant and 3 certified; fr_az's checks stay.
    frames = (organisation_frame([ORG]), consultant_frame(TEAM), qcheck_frame(checks))
    status = what_if_without_table("fr_tests", *frames).row(0, named=True)
    assert status["reasons"] == "missing_tests_fr,too_few_certified"
    assert status["qcheck_average"] == 82.5 and status["at_risk"]
    # Without nl_az: their 95 leaves with them, 70 remains; and no NL AZ, no PRO Partner.
    status = what_if_without_table("nl_az", *frames).row(0, named=True)
    assert status["qcheck_average"] == 70.0
    assert status["reasons"] == "missing_az_nl,too_few_certified,no_pro_partner,qcheck_below_80"
    assert status["qualifies_for"] == Certification.NONE.value
