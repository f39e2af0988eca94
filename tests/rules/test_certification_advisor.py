"""The advisor over frames (`advice_table`, `fragility_table`, `what_if_without_table`), the
per-consultant arithmetic, the sentences it asks the UI to word, the conditions, the task
split. Every expected figure is worked out by hand in a comment."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from selstats.domain.enums import Certification, LanguageRole, QcheckMode
from selstats.domain.models import Consultant, Organisation, QCheck
from selstats.reference import load_reference
from selstats.rules.certification import certification_table
from selstats.rules.certification_advice import (
    ADVICE_COLUMNS,
    advice_table,
    fragility_table,
    what_if_without_table,
)
from selstats.rules.certification_models import consultant_frame, organisation_frame, qcheck_frame
from selstats.rules.qcheck_outlook import (
    checks_needed,
    checks_needed_per_consultant,
    min_score_for_one_more,
    min_score_for_one_more_per_consultant,
)
from selstats.ui.certification_text import (
    Condition,
    Message,
    advice_messages,
    client_conditions,
    task_split,
)
from tests.fixtures.small_store import CONSULTANTS, ORGANISATIONS, QCHECKS

PER = QcheckMode.PER_CONSULTANT
ALL = QcheckMode.ALL_CHECKS


def org_a(mode: QcheckMode) -> dict[str, object]:
    """ORG-A of the fixture store: its status and advice row under `mode`."""
    status = certification_table(ORGANISATIONS, CONSULTANTS, QCHECKS, mode)
    advice = advice_table(ORGANISATIONS, CONSULTANTS, QCHECKS, mode)
    assert advice.columns == list(ADVICE_COLUMNS)
    row = status.join(advice, on="org_id").filter(pl.col("org_id") == "ORG-A")
    return row.row(0, named=True)


# --- ORG-A of the fixture store, by hand -------------------------------------------------
# Counted checks (window after 2025-05-10 up to the last, 2026-05-10):
#   CA1 70 (2026-01-10), 90 (2026-03-10), 95 (2026-05-10): sum 255 over 3, own mean 85;
#   CA2 70 (2026-02-15): own mean 70. CA1's 40 (2025-04-01) is out; CA3 is not AZ.
# all_checks 325 / 4 = 81.25; per_consultant (85 + 70) / 2 = 77.5.
# Recent average (after 2026-02-10): 70, 90, 95 -> 255 / 3 = 85.


def test_org_a_per_consultant_advice() -> None:
    row = org_a(PER)
    assert row["qcheck_figure"] == 77.5
    assert row["gaps"] == "qcheck_below_80=2.5"  # 80 - 77.5
    assert row["recent_average"] == 85.0
    # At 100: one for CA2 lifts CA2 to (70 + 100) / 2 = 85 (a rise of 15; one for CA1
    # gives 355 / 4 = 88.75, a rise of 3.75): (85 + 85) / 2 = 85 >= 80 -> 1 check.
    assert row["checks_needed_at_100"] == 1
    # At the recent 85: one for CA2 gives (70 + 85) / 2 = 77.5; (85 + 77.5) / 2 = 81.25 -> 1.
    assert row["checks_needed_at_recent"] == 1
    # One more: for CA2, x = 2 x (80 x 2 - 85) - 70 = 80; for CA1 4 x (160 - 70) - 255 =
    # 105 > 100. So 80: CA2's mean becomes 75 and (85 + 75) / 2 = 80.0.
    assert row["min_score_for_one_more"] == 80.0


def test_org_a_all_checks_advice() -> None:
    # 81.25 meets the line: no gap, nothing needed.
    row = org_a(ALL)
    assert row["gaps"] == ""
    assert (row["checks_needed_at_100"], row["checks_needed_at_recent"]) == (0, 0)
    assert row["min_score_for_one_more"] is None


def test_org_a_fragile_roles() -> None:
    # Exactly one holder of each role and exactly 4 certified (CA1-CA4): each of them
    # carries their role and the head count; CA5 is the only PRO Partner. All checks:
    # without CA1 only CA2's 70 is left (window moves to CA2's last check): below 80.
    # Without CA2: CA1's 70, 90, 95 = 85, still met. Per consultant the Q-check condition
    # is already unmet, so it is nobody's stake.
    staff = (
        "missing_az_nl:CA1,missing_az_fr:CA2,missing_tests_nl:CA3,missing_tests_fr:CA4,"
        "too_few_certified:CA1,too_few_certified:CA2,too_few_certified:CA3,"
        "too_few_certified:CA4,no_pro_partner:CA5"
    )
    assert org_a(ALL)["fragile_roles"] == staff + ",qcheck_below_80:CA1"
    assert org_a(PER)["fragile_roles"] == staff


def test_org_b_has_only_the_way_to_individual() -> None:
    # ORG-B has nobody: 1 AZ consultant and a PRO Partner short of individual certification.
    advice = advice_table(ORGANISATIONS, CONSULTANTS, QCHECKS, PER)
    row = advice.filter(pl.col("org_id") == "ORG-B").row(0, named=True)
    assert row["gaps"] == "missing_az=1,no_pro_partner=1"
    assert row["fragile_roles"] == ""
    assert row["checks_needed_at_100"] is None  # no Q-check figure: nothing to lift


# --- the arithmetic ------------------------------------------------------------------------


def test_the_issue_example() -> None:
    # 78.75 over 4 checks, sum 315: one more of 85 gives 400 / 5 = 80.0 exactly, one of 90
    # gives 405 / 5 = 81.0: one check of at least 85 suffices.
    scores = [70.0, 75.0, 80.0, 90.0]
    assert min_score_for_one_more(scores) == 85.0
    assert checks_needed(scores, at=85.0) == 1
    assert checks_needed(scores, at=90.0) == 1
    assert checks_needed(scores, at=84.0) == 2  # 399 / 5 = 79.8; (315 + 168) / 6 = 80.5


def test_checks_needed_per_consultant() -> None:
    own = [(255.0, 3), (70.0, 1)]  # ORG-A: CA1 85 over 3, CA2 70 over 1
    assert checks_needed_per_consultant(own, at=100.0) == 1
    assert checks_needed_per_consultant(own, at=85.0) == 1
    # At 80: CA2 -> (70 + 80) / 2 = 75, (85 + 75) / 2 = 80.0 -> 1.
    assert checks_needed_per_consultant(own, at=80.0) == 1
    # At 75: CA2 -> 72.5 (78.75), 73.33 (79.17), 73.75 (79.375), 74 (79.5), ... approaches
    # 75 and (85 + 75) / 2 = 80 only in the limit; CA1 only drops: never.
    assert checks_needed_per_consultant(own, at=75.0) is None
    # Already there: 0. Nobody checked: one check at the line or above makes it.
    assert checks_needed_per_consultant([(90.0, 1), (70.0, 1)], at=100.0) == 0
    assert checks_needed_per_consultant([], at=80.0) == 1
    # Two low consultants, 60 and 60 (one check each): at 100, each check for one of them
    # lifts it to 80 (1st), then 86.67 (2nd) ...: (80 + 60) / 2 = 70, then the other:
    # (80 + 80) / 2 = 80 -> 2 checks, one each.
    assert checks_needed_per_consultant([(60.0, 1), (60.0, 1)], at=100.0) == 2


def test_min_score_for_one_more_per_consultant() -> None:
    assert min_score_for_one_more_per_consultant([(255.0, 3), (70.0, 1)]) == 80.0
    # 50 and 50 (one check each): for either, x = 2 x (160 - 50) - 50 = 170: out of reach.
    assert min_score_for_one_more_per_consultant([(50.0, 1), (50.0, 1)]) is None
    # 100 and 70: x = 2 x (160 - 100) - 70 = 50 for the second.
    assert min_score_for_one_more_per_consultant([(100.0, 1), (70.0, 1)]) == 50.0


# --- gaps as codes, and the sentences they become --------------------------------------------


def consultant(ref: str, role: str, **flags: bool) -> Consultant:
    return Consultant(consultant_ref=ref, org_id="ORG", language_role=LanguageRole(role), **flags)


def check(ref: str, score: float, day: date = date(2024, 6, 1)) -> QCheck:
    return QCheck(consultant_ref=ref, procedure_code="P", check_date=day, score_percent=score)


ORG = Organisation(org_id="ORG", name="Org", certification=Certification.CLIENT)
TEAM = [
    consultant("nl_az", "nl", az_certified=True, pro_partner=True),
    consultant("fr_az", "fr", az_certified=True),
    consultant("nl_tests", "nl", tests_certified=True),
    consultant("fr_tests", "fr", tests_certified=True),
]


def row_of(team: list[Consultant], checks: list[QCheck], mode: QcheckMode = ALL) -> dict:
    """The organisation's row as the `certification` query gives it (status + advice)."""
    frames = organisation_frame([ORG]), consultant_frame(team), qcheck_frame(checks)
    status = certification_table(*frames, mode)
    return status.join(advice_table(*frames, mode), on="org_id").row(0, named=True)


def test_each_staff_gap_as_a_code_and_a_message() -> None:
    # No FR tests consultant (fr_tests moved to nl): 4 certified still, checks fine (90).
    team = [*TEAM[:3], consultant("fr_tests", "nl", tests_certified=True)]
    row = row_of(team, [check("nl_az", 90)])
    assert row["gaps"] == "missing_tests_fr=1"
    assert advice_messages(row) == [Message("missing_tests_fr", {"count": 1})]

    # Only nl_az (AZ + PRO Partner) and nl_tests: no FR AZ, no FR tests, 2 of 4 certified,
    # no Q-checks.
    row = row_of([TEAM[0], TEAM[2]], [])
    assert row["gaps"] == "missing_az_fr=1,missing_tests_fr=1,too_few_certified=2,no_qchecks"
    assert advice_messages(row) == [
        Message("missing_az_fr", {"count": 1}),
        Message("missing_tests_fr", {"count": 1}),
        Message("too_few_certified", {"count": 2, "have": 2, "need": 4}),
        Message("no_qchecks"),
    ]

    # The PRO Partner role named nowhere, and no NL AZ consultant: nobody qualifies for
    # individual certification either (it needs a PRO Partner), so the next level is
    # individual: only the PRO Partner is missing (fr_az is an AZ consultant).
    team = [consultant("nl_az", "nl", tests_certified=True), *TEAM[1:]]
    row = row_of(team, [check("fr_az", 90)])
    assert row["qualifies_for"] == "none"
    assert row["gaps"] == "no_pro_partner=1"
    assert advice_messages(row) == [Message("no_pro_partner", {"count": 1})]

    # Nobody at all: an AZ consultant (any language role) and a PRO Partner.
    row = row_of([], [])
    assert row["gaps"] == "missing_az=1,no_pro_partner=1"
    assert advice_messages(row) == [
        Message("missing_az", {"count": 1}),
        Message("no_pro_partner", {"count": 1}),
    ]

    # No NL AZ consultant (nl_az holds only a tests certificate, fr_az is the PRO Partner):
    # still 4 certified, so only the NL AZ consultant is missing for client certification.
    team = [
        consultant("nl_az", "nl", tests_certified=True),
        consultant("fr_az", "fr", az_certified=True, pro_partner=True),
        *TEAM[2:],
    ]
    row = row_of(team, [check("fr_az", 90)])
    assert row["gaps"] == "missing_az_nl=1"
    assert advice_messages(row) == [Message("missing_az_nl", {"count": 1})]


def test_the_qcheck_gap_and_what_closes_it() -> None:
    # 70, 75, 80, 90 by nl_az on one day: 78.75, 1.25 short; recent average 78.75 too (all
    # on one day) -> never at that score; at 100: 415 / 5 = 83 -> 1; one more of 85.
    row = row_of(TEAM, [check("nl_az", s) for s in (70.0, 75.0, 80.0, 90.0)])
    assert row["gaps"] == "qcheck_below_80=1.25"
    assert advice_messages(row) == [
        Message("qcheck_below_all_checks", {"average": 78.75, "distance": 1.25}),
        Message("checks_at_100", {"count": 1}),
        Message("recent_too_low", {"recent": 78.75, "threshold": 80.0}),
        Message("one_more", {"score": 85.0}),
    ]
    # 50 and 50 per consultant (nl_az, fr_az): 30 short. At 100, each check goes where it
    # lifts most: 1st -> 75 and 50 (62.5); 2nd -> 75 and 75 (75); 3rd -> (50 + 200) / 3 =
    # 83.33 and 75 (79.17); 4th -> 83.33 and 83.33 (83.33 >= 80): 4 checks. One more is out
    # of reach (x = 2 x (160 - 50) - 50 = 170 > 100); the recent average 50 never gets there.
    row = row_of(TEAM, [check("nl_az", 50), check("fr_az", 50)], PER)
    assert row["checks_needed_at_100"] == 4
    assert advice_messages(row) == [
        Message("qcheck_below_per_consultant", {"average": 50.0, "distance": 30.0}),
        Message("checks_at_100", {"count": 4}),
        Message("recent_too_low", {"recent": 50.0, "threshold": 80.0}),
        Message("one_more_impossible"),
    ]


def test_a_qualifying_organisation_is_told_so() -> None:
    assert advice_messages(row_of(TEAM, [check("nl_az", 80)])) == [Message("qualifies_client")]


# --- conditions --------------------------------------------------------------------------


def test_client_conditions_of_org_a_per_consultant() -> None:
    # Every staff condition met with exactly its minimum; the Q-check one not (77.5).
    assert client_conditions(org_a(PER)) == [
        Condition("az_nl", 1, 1, True),
        Condition("az_fr", 1, 1, True),
        Condition("tests_nl", 1, 1, True),
        Condition("tests_fr", 1, 1, True),
        Condition("certified_staff", 4, 4, True),
        Condition("pro_partner", 1, 1, True),
        Condition("qcheck_per_consultant", 80.0, 77.5, False),
    ]
    assert client_conditions(org_a(ALL))[-1] == Condition("qcheck_all_checks", 80.0, 81.25, True)


# --- fragility and what-if over frames ----------------------------------------------------


def test_fragility_of_several_organisations_at_once() -> None:
    # ORG-A as in the fixture; ORG-C with two NL AZ consultants (c1 also PRO Partner) and
    # nothing else. Of ORG-C's conditions met, the NL AZ role is held twice (nobody carries
    # it alone) and the PRO Partner role once (c1); the others are unmet (gaps, not stakes).
    orgs = pl.concat(
        [
            ORGANISATIONS.select("org_id", "certification", "review_date"),
            pl.DataFrame(
                {"org_id": ["ORG-C"], "certification": ["individual"], "review_date": [None]},
                schema_overrides={"review_date": pl.Date},
            ),
        ]
    )
    consultants = pl.concat(
        [
            CONSULTANTS,
            pl.DataFrame(
                {
                    "consultant_ref": ["c1", "c2"],
                    "org_id": ["ORG-C", "ORG-C"],
                    "language_role": ["nl", "nl"],
                    "az_certified": [True, True],
                    "tests_certified": [False, False],
                    "pro_partner": [True, False],
                }
            ),
        ]
    )
    table = fragility_table(orgs, consultants, QCHECKS, ALL)
    assert table.filter(pl.col("org_id") == "ORG-C").rows() == [("ORG-C", "c1", "no_pro_partner")]
    assert table.filter(pl.col("org_id") == "ORG-A").height == 10  # see test_org_a_fragile_roles


def test_what_if_without_a_consultant() -> None:
    # Without CA2 (the only FR AZ consultant): no FR AZ, 3 certified; CA2's 70 leaves with
    # them, so the average is CA1's 70, 90, 95 = 85 in both modes.
    for mode in QcheckMode:
        row = what_if_without_table("CA2", ORGANISATIONS, CONSULTANTS, QCHECKS, mode).row(
            0, named=True
        )
        assert row["org_id"] == "ORG-A"
        assert row["reasons"] == "missing_az_fr,too_few_certified"
        assert row["qcheck_figure"] == 85.0
        assert row["qualifies_for"] == "individual" and row["at_risk"]


# --- the task split ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "first"),
    [
        ("nl", "Eigen selectietests (case en meerkeuzevragen) ontwikkelen en valideren"),
        ("fr", "Développer et valider des tests de sélection spécifiques (cas et QCM)"),
        ("en", "Develop and validate specific selection tests (case and multiple choice)"),
    ],
)
def test_task_split_in_each_language(lang: str, first: str) -> None:
    split = task_split(load_reference().tasks, lang)
    assert split.height == 15  # the rows of data/reference/certification_tasks.csv
    row = split.row(0, named=True)
    assert row["task"] == first
    assert (row["none"], row["individual"], row["client"]) == (
        "dgro",
        "organisation_if_certified",
        "organisation",
    )
    # Q-checks stay with DG R&O at every level.
    qchecks = split.filter(pl.col("task_id") == "qchecks").row(0, named=True)
    assert {qchecks[level] for level in ("none", "individual", "client")} == {"dgro"}
    # Chairing interviews (source 004): DG R&O without certification; the organisation
    # when it has a certified interview chair under either level of certification.
    chair = split.filter(pl.col("task_id") == "chair_interviews").row(0, named=True)
    assert (chair["none"], chair["individual"], chair["client"]) == (
        "dgro",
        "organisation_if_certified",
        "organisation_if_certified",
    )
    assert "004" in chair["note"] and "chair_certified" in chair["note"]
