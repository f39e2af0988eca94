"""The vectorised `certification_table` agrees with `certification_status`, organisation by
organisation, in both averaging modes: the store writes the first, the advisor uses the
second, and the dashboard must never show two answers."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selstats.domain.enums import Certification, LanguageRole, QcheckMode
from selstats.domain.models import Consultant, Organisation, QCheck
from selstats.rules.certification import (
    TABLE_COLUMNS,
    certification_statuses,
    certification_table,
)
from selstats.rules.certification_advice import next_review

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


def frames(
    orgs: Sequence[Organisation], consultants: Sequence[Consultant], checks: Sequence[QCheck]
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    org_frame = pl.DataFrame(
        [(o.org_id, o.certification.value, o.review_date) for o in orgs],
        schema={"org_id": pl.String, "certification": pl.String, "review_date": pl.Date},
        orient="row",
    )
    consultant_frame = pl.DataFrame(
        [
            (
                c.consultant_ref,
                c.org_id,
                c.language_role.value,
                c.az_certified,
                c.tests_certified,
                c.pro_partner,
                c.assessment_certified,
            )
            for c in consultants
        ],
        schema={
            "consultant_ref": pl.String,
            "org_id": pl.String,
            "language_role": pl.String,
            "az_certified": pl.Boolean,
            "tests_certified": pl.Boolean,
            "pro_partner": pl.Boolean,
            "assessment_certified": pl.Boolean,
        },
        orient="row",
    )
    check_frame = pl.DataFrame(
        [(q.consultant_ref, q.procedure_code, q.check_date, q.score_percent) for q in checks],
        schema={
            "consultant_ref": pl.String,
            "procedure_code": pl.String,
            "check_date": pl.Date,
            "score_percent": pl.Float64,
        },
        orient="row",
    )
    return org_frame, consultant_frame, check_frame


def assert_agree(
    orgs: Sequence[Organisation], consultants: Sequence[Consultant], checks: Sequence[QCheck]
) -> None:
    for mode in QcheckMode:
        table = certification_table(*frames(orgs, consultants, checks), mode)
        assert table.columns == list(TABLE_COLUMNS)
        assert table.columns[: len(CONTRACT_COLUMNS)] == CONTRACT_COLUMNS
        rows = {row["org_id"]: row for row in table.iter_rows(named=True)}
        assert len(rows) == len(orgs)
        for status in certification_statuses(orgs, consultants, checks, mode):
            row = rows[status.org_id]
            assert row["certification"] == status.certification.value
            assert row["qualifies_client"] == status.qualifies_client
            assert row["qualifies_for"] == status.qualifies_for.value
            assert row["at_risk"] == status.at_risk
            assert row["reasons"] == ",".join(status.reasons)
            assert row["qcheck_count"] == status.qcheck_count
            assert row["qcheck_mode"] == mode.value
            assert row["last_qcheck_date"] == status.last_qcheck_date
            assert row["next_review"] == next_review(status.review_date, None)
            for column in ("qcheck_average", "qcheck_average_per_consultant"):
                expected = getattr(status, column)
                if expected is None:
                    assert row[column] is None
                else:
                    assert row[column] == pytest.approx(expected, abs=1e-9)


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
