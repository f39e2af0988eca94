"""What is due, from hand-built frames (selstats.alerts.due): the edges of each window."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from selstats.alerts.due import (
    certification_alerts,
    import_alerts,
    list_alerts,
    ordered,
    review_alerts,
)

AS_OF = date(2026, 3, 20)


def _lists(rows: list[tuple[str, str, int | None]]) -> pl.DataFrame:
    """(code, validity, days_left) on AS_OF; valid_through = AS_OF + days_left."""
    return pl.DataFrame(
        {
            "procedure_code": [r[0] for r in rows],
            "title": ["T"] * len(rows),
            "org_name": ["Org"] * len(rows),
            "org_id": ["ORG"] * len(rows),
            "validity": [r[1] for r in rows],
            "valid_through": [
                None if r[2] is None else date.fromordinal(AS_OF.toordinal() + r[2]) for r in rows
            ],
            "days_left": [r[2] for r in rows],
            "size": [3] * len(rows),
            "available": [1] * len(rows),
        }
    )


def test_lists_lapsing_within_30_and_90_days_and_lapsed_lately() -> None:
    lists = _lists(
        [
            ("L0", "valid", 0),  # its last day: lapsing within 30
            ("L30", "valid", 30),  # 30 days: within 30
            ("L31", "valid", 31),  # 31: within 90 only
            ("L90", "valid", 90),  # 90: within 90
            ("L91", "valid", 91),  # 91: nothing yet
            ("X1", "expired", -1),  # lapsed yesterday
            ("X30", "expired", -30),  # lapsed 30 days ago: still told
            ("X31", "expired", -31),  # longer ago: not any more
            ("OPEN", "open", None),  # no end yet
            ("NS", "not_started", 40),  # not in force yet: not lapsing
        ]
    )
    kinds = {a.subject: a.kind for a in list_alerts(lists)}
    assert kinds == {
        "L0": "lapsing_30",
        "L30": "lapsing_30",
        "L31": "lapsing_90",
        "L90": "lapsing_90",
        "X1": "lapsed",
        "X30": "lapsed",
    }


def test_a_list_key_names_its_last_day_so_an_extension_alerts_again() -> None:
    before = list_alerts(_lists([("L", "valid", 20)]))[0]
    extended = list_alerts(_lists([("L", "valid", 80)]))[0]
    assert before.key == "lapsing_30:L:2026-04-09"  # 20 March + 20 days
    assert extended.key == "lapsing_90:L:2026-06-08"  # 20 March + 80 days
    assert before.key != extended.key


def test_certification_conditions_and_qchecks_are_two_alerts() -> None:
    statuses = pl.DataFrame(
        {
            "org_id": ["A", "B", "C", "D"],
            "org_name": ["Alfa", "Beta", "Gamma", "Delta"],
            "at_risk": [True, True, False, True],
            "reasons": ["qcheck_below_80,missing_tests_fr", "no_qchecks", "qcheck_below_80", ""],
            "qualifies_for": ["individual", "individual", "individual", "client"],
            "qcheck_figure": [75.0, None, 70.0, 85.0],
            "last_qcheck_date": [date(2026, 3, 1), None, None, None],
        }
    )
    alerts = certification_alerts(statuses)
    # A: both; B: no Q-checks at all is a Q-check alert; C: not at risk (does not hold
    # client certification); D: at risk without a reason is no alert of either kind.
    assert [(a.subject, a.kind, a.key) for a in alerts] == [
        ("A", "conditions", "conditions:A:missing_tests_fr"),
        ("A", "qcheck", "qcheck:A"),
        ("B", "qcheck", "qcheck:B"),
    ]
    assert alerts[0].value("reasons") == "missing_tests_fr"


def test_reviews_and_failed_imports() -> None:
    reviews = pl.DataFrame(
        {
            "org_id": ["A"],
            "org_name": ["Alfa"],
            "next_review": [date(2026, 4, 15)],
            "days_to_review": [26],
            "would_fail_review": [True],
        }
    )
    assert [a.key for a in review_alerts(reviews)] == ["review:A:2026-04-15"]

    def event(at: str, outcome: str, event: str = "import") -> dict[str, str]:
        return {
            "at": at,
            "event": event,
            "outcome": outcome,
            "user": "adm",
            "detail": json.dumps({"files": ["results.csv"], "problems": 2}),
        }

    events = pl.DataFrame(
        [
            event("2026-03-19T10:00:00+01:00", "failed (ImportProblems)"),  # told
            event("2026-03-13T10:00:00+01:00", "failed (ImportProblems)"),  # 7 days: told
            event("2026-03-12T10:00:00+01:00", "failed (ImportProblems)"),  # 8 days: no
            event("2026-03-19T11:00:00+01:00", "ok"),  # succeeded
            event("2026-03-19T12:00:00+01:00", "failed", event="export"),  # not an import
            event("2026-03-21T12:00:00+01:00", "failed"),  # after the day of the run
        ]
    )
    alerts = import_alerts(events, AS_OF)
    assert [a.day for a in alerts] == [date(2026, 3, 19), date(2026, 3, 13)]
    assert alerts[0].subject == "results.csv" and alerts[0].value("problems") == 2


def test_alerts_are_ordered_by_kind_then_day() -> None:
    lists = list_alerts(_lists([("B", "valid", 80), ("A", "valid", 10), ("C", "expired", -2)]))
    assert [a.subject for a in ordered(lists)] == ["A", "B", "C"]
