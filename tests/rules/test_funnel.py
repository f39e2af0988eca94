"""The largest loss in a funnel (selstats.rules.funnel.largest_loss), by hand.

lost per step = reached - passed of a held step (queries/funnel.sql). The small store
(tests/fixtures/small_store.py): P-A1 reached 8, 6, 3 and passed 6, 3, 2, so it lost
8-6 = 2, 6-3 = 3, 3-2 = 1; the largest is step 2 (position 1)."""

from __future__ import annotations

from selstats.rules.funnel import largest_loss


def test_p_a1_loses_most_at_its_written_test() -> None:
    assert largest_loss([8 - 6, 6 - 3, 3 - 2]) == 1


def test_a_tie_names_the_earliest_step() -> None:
    # P-B1 lost 1, 2, 1; with a step 4 that also lost 2, step 2 still comes first
    assert largest_loss([1, 2, 1, 2]) == 1


def test_steps_with_unknown_counts_take_no_part() -> None:
    # a pending step (None), a step whose count is hidden (None after "<5") and NaN
    assert largest_loss([None, 7, float("nan"), 9]) == 3
    assert largest_loss([None, None]) is None


def test_no_loss_names_no_step() -> None:
    # P-B2: 2 reached step 1 and both passed; step 2 has no results yet
    assert largest_loss([0, None]) is None
    assert largest_loss([]) is None
