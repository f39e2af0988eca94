"""Q-check arithmetic: how far an organisation's Q-check figure is from the 80 % line of
client certification and what would close it (how many more checks at 100 %, or at its
recent average; the lowest score one more check needs). Both averaging modes
(`QcheckMode`): the mean of all counted checks, or the mean of each consultant's mean.

Choices (shown in the UI where they change a figure):
- "Further Q-checks" assume that no counted check leaves the 12-month window meanwhile.
- Per consultant, a further check goes to one of the consultants already checked in the
  window, the one it lifts the average most (so the count is the fewest possible); an AZ
  consultant without counted checks is not assumed to be checked.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

from selstats.domain.enums import QcheckMode
from selstats.rules.certification import (
    DEFAULT_THRESHOLDS,
    EPSILON,
    CertificationThresholds,
    meets_qcheck,
)

MAX_SCORE = 100.0
# Above this many further checks the advice says "not within reach" rather than count on.
MAX_CHECKS = 1_000


@dataclass(frozen=True)
class QcheckOutlook:
    """How far the organisation's Q-check figure is from the line, and what would close it.
    Counts are 0 when the figure already meets the line and None when no number of checks
    at that score can; `min_score_for_one_more` is None when it meets the line or when
    even 100 % is not enough."""

    recent_average: float | None
    checks_needed_at_recent: int | None
    checks_needed_at_100: int | None
    min_score_for_one_more: float | None


def checks_needed(
    scores: Sequence[float], threshold: float = 80.0, *, at: float = MAX_SCORE
) -> int | None:
    """How many more Q-checks, each scoring `at`, bring the mean of `scores` to `threshold`.

    0 when the mean already reaches it; None when no number of checks can (at ≤ threshold
    while the mean is below). Solves (S + at·n) / (k + n) ≥ t, i.e. n ≥ (t·k − S) / (at − t).
    It assumes no existing check leaves the 12-month window meanwhile.
    """
    return _checks_needed_total(math.fsum(scores), len(scores), threshold, at)


def _checks_needed_total(total: float, count: int, threshold: float, at: float) -> int | None:
    if count and total / count >= threshold - EPSILON:
        return 0
    if at <= threshold:
        return None
    return max(1, math.ceil((threshold * count - total) / (at - threshold) - EPSILON))


def min_score_for_one_more(scores: Sequence[float], threshold: float = 80.0) -> float | None:
    """The lowest score one more Q-check needs for the mean to reach `threshold`:
    x = t·(k + 1) − S. 0.0 when any score will do; None when even 100 % is not enough."""
    needed = threshold * (len(scores) + 1) - math.fsum(scores)
    if needed > MAX_SCORE + EPSILON:
        return None
    return max(needed, 0.0)


def checks_needed_per_consultant(
    own: Sequence[tuple[float, int]], threshold: float = 80.0, *, at: float = MAX_SCORE
) -> int | None:
    """How many more Q-checks scoring `at` bring the mean of the consultants' own means to
    `threshold`. `own` holds (sum of scores, number of checks) per consultant checked.

    Each further check goes to the consultant it lifts most: a consultant's mean after n
    checks at `at`, (S + at·n) / (k + n), rises ever more slowly, so taking the largest rise
    each time gives the highest average for every number of checks, hence the fewest checks.
    0 when the average already reaches the line; None when no number of checks can (the
    means only approach `at`, so the average never passes the mean of max(mean, at)) or
    when it would take more than MAX_CHECKS."""
    if not own:
        return 1 if at >= threshold - EPSILON else None
    sums = [s for s, _ in own]
    counts = [k for _, k in own]
    means = [s / k for s, k in own]
    target = threshold * len(own)
    total = math.fsum(means)
    if total >= target - EPSILON:
        return 0
    if math.fsum(max(mean, at) for mean in means) <= target + EPSILON:
        return None

    def rise(i: int) -> float:
        return (sums[i] + at) / (counts[i] + 1) - means[i]

    heap = [(-rise(i), i) for i in range(len(own))]
    heapq.heapify(heap)
    for n in range(1, MAX_CHECKS + 1):
        _, best = heapq.heappop(heap)
        sums[best] += at
        counts[best] += 1
        means[best] = sums[best] / counts[best]
        if math.fsum(means) >= target - EPSILON:
            return n
        heapq.heappush(heap, (-rise(best), best))
    return None


def min_score_for_one_more_per_consultant(
    own: Sequence[tuple[float, int]], threshold: float = 80.0
) -> float | None:
    """The lowest score one more Q-check needs, given to the consultant where it lifts the
    average of means most, for that average to reach `threshold`. For consultant i with
    sum S_i over k_i checks, the others' means summing to R: x = (k_i + 1)·(t·m − R) − S_i.
    None when even 100 % is not enough for anyone."""
    if not own:
        return threshold
    means = [s / k for s, k in own]
    total = math.fsum(means)
    needed = [
        (k + 1) * (threshold * len(own) - (total - mean)) - s
        for (s, k), mean in zip(own, means, strict=True)
    ]
    best = min(needed)
    if best > MAX_SCORE + EPSILON:
        return None
    return max(best, 0.0)


def qcheck_outlook(
    own: Sequence[tuple[float, int]],
    recent_average: float | None,
    mode: QcheckMode,
    thresholds: CertificationThresholds = DEFAULT_THRESHOLDS,
) -> QcheckOutlook:
    """What would bring the figure of `mode` to the line: further checks at the recent
    average or at 100 %, or the score one more check needs. `own` holds (sum, count) of each
    consultant's counted checks; without any, everything is None."""
    line = thresholds.qcheck_threshold_percent
    if not own:  # no figure: nothing to bring to the line (the gap is `no_qchecks`)
        return QcheckOutlook(None, None, None, None)
    total = math.fsum(s for s, _ in own)
    count = sum(k for _, k in own)
    if mode is QcheckMode.PER_CONSULTANT:
        figure: float | None = math.fsum(s / k for s, k in own) / len(own)

        def needed(at: float) -> int | None:
            return checks_needed_per_consultant(own, line, at=at)

        one_more = min_score_for_one_more_per_consultant(own, line)
    else:
        figure = total / count

        def needed(at: float) -> int | None:
            n = _checks_needed_total(total, count, line, at)
            return None if n is None or n > MAX_CHECKS else n

        one_more = max(line * (count + 1) - total, 0.0)
        one_more = None if one_more > MAX_SCORE + EPSILON else one_more
    met = meets_qcheck(figure, thresholds)
    return QcheckOutlook(
        recent_average=recent_average,
        checks_needed_at_recent=None if recent_average is None else needed(recent_average),
        checks_needed_at_100=needed(MAX_SCORE),
        min_score_for_one_more=None if met else one_more,
    )
