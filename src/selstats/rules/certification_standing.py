"""An organisation's standing on the certification monitor, by the reason behind it.

The chart of every organisation against the 80 % line colours each bar by its standing. "At
risk" alone would draw an organisation at 90 % that lacks a French-speaking test consultant
in the same colour as one whose Q-checks fall below the line, and "does not qualify" would
lump one at 87 % without enough certified consultants with one failing its Q-checks. The
standing names which condition it is:

- `qualifies`: meets every condition of client certification;
- `at_risk_qcheck`: holds client certification and no longer qualifies, its Q-check
  figure below the line (or no Q-checks), whatever else it lacks;
- `at_risk_staff`: holds client certification and no longer qualifies, its Q-checks meet
  the line: a consultant, a language role or the PRO Partner is missing;
- `below_qcheck`: does not hold client certification and does not qualify, its Q-check
  figure below the line (or no Q-checks);
- `below_staff`: does not hold client certification and does not qualify, its Q-checks
  meet the line: only consultants, roles or the PRO Partner are missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from selstats.rules.certification import NO_QCHECKS, QCHECK_BELOW

STANDINGS: Final = ("qualifies", "at_risk_qcheck", "at_risk_staff", "below_qcheck", "below_staff")
_QCHECK_REASONS: Final = frozenset({QCHECK_BELOW, NO_QCHECKS})


def reason_codes(reasons: str | Iterable[str] | None) -> list[str]:
    """The reason codes of a status: a comma-separated text (as stored) or a list."""
    if reasons is None:
        return []
    parts = reasons.split(",") if isinstance(reasons, str) else reasons
    return [code.strip() for code in parts if code and code.strip()]


def standing(at_risk: bool, qualifies_client: bool, reasons: str | Iterable[str] | None) -> str:
    """The organisation's standing (one of `STANDINGS`) from its status columns."""
    if qualifies_client:
        return "qualifies"
    qcheck_fails = bool(_QCHECK_REASONS.intersection(reason_codes(reasons)))
    if at_risk:
        return "at_risk_qcheck" if qcheck_fails else "at_risk_staff"
    return "below_qcheck" if qcheck_fails else "below_staff"
