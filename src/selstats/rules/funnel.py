"""Drop-off in the recruitment funnel: where a procedure loses its candidates.

`lost` (who reached a held step and did not go on: reached − passed) and `lost_share`
(lost / applicants) are computed by queries/funnel.sql and queries/funnel_aggregate.sql, so
the page, the downloads and `selstats export` read the same figures. This module decides
which step is *the* largest loss, the one the Funnel page highlights, as Ashby and Greenhouse
highlight the biggest drop-off:

- the step with the most candidates lost; on a tie, the earliest such step (the one a
  recruiter can act on first);
- a step whose count is unknown (not held, no results yet, or hidden by small-cell
  suppression) takes no part: a hidden count is below the threshold, so it is never larger
  than a count that is shown;
- no step at all when no step lost anyone (or every count is unknown).
"""

from __future__ import annotations

from collections.abc import Sequence


def largest_loss(lost: Sequence[int | float | None]) -> int | None:
    """The position in `lost` (one value per step, in step order) of the step that lost the
    most candidates; the earliest on a tie; None when no known count is above zero."""
    best: int | None = None
    for position, value in enumerate(lost):
        if value is None or value != value or value <= 0:  # unknown, NaN, or nobody lost
            continue
        if best is None or value > (lost[best] or 0):
            best = position
    return best
