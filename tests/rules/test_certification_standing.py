"""An organisation's standing by its reason (selstats.rules.certification_standing), by hand.

The small store (tests/fixtures/small_store.py): ORG-A holds client certification; per
consultant its Q-check figure is (85 + 70) / 2 = 77.5 < 80, so it is at risk with reason
qcheck_below_80. The demo's cases the issue names: an organisation at 90 % that lacks a
French-speaking test consultant (at risk, not by its Q-checks) and one at 87 % without
enough certified consultants and no client certification (not failing its Q-checks)."""

from __future__ import annotations

import pytest

from selstats.rules.certification_standing import STANDINGS, reason_codes, standing


@pytest.mark.parametrize(
    ("at_risk", "qualifies", "reasons", "expected"),
    [
        (False, True, "", "qualifies"),
        (True, False, "qcheck_below_80", "at_risk_qcheck"),  # ORG-A per consultant, 77.5 %
        (True, False, "missing_tests_fr", "at_risk_staff"),  # 90 %, a test consultant short
        # both: the Q-checks decide the colour (the bar is below the line anyway)
        (True, False, "missing_tests_fr,qcheck_below_80", "at_risk_qcheck"),
        (True, False, "no_qchecks", "at_risk_qcheck"),  # no Q-checks is not meeting them
        # no client certification, 87 %: only consultants and roles missing
        (False, False, "missing_az_fr,missing_tests_nl,too_few_certified", "below_staff"),
        (False, False, "missing_az_fr,too_few_certified,qcheck_below_80", "below_qcheck"),
    ],
)
def test_standing_by_reason(at_risk: bool, qualifies: bool, reasons: str, expected: str) -> None:
    assert standing(at_risk, qualifies, reasons) == expected


def test_reasons_as_stored_or_as_a_list() -> None:
    assert reason_codes("missing_az_nl, qcheck_below_80") == ["missing_az_nl", "qcheck_below_80"]
    assert reason_codes(["no_pro_partner"]) == ["no_pro_partner"]
    assert reason_codes(None) == reason_codes("") == []
    assert standing(True, False, ["qcheck_below_80"]) == "at_risk_qcheck"


def test_five_standings() -> None:
    assert len(set(STANDINGS)) == 5
