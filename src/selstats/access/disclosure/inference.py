"""What an attacker works out of the shown cells, over some relations' terms (`Terms`):
subtraction, solving each relation with one unknown again and again (`Terms.peel`), and
reasoning about ranges, narrowing each hidden cell's bounds through each relation it is in
(`Terms.pinned`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from selstats.access.disclosure.arrays import BoolArray, FloatArray, IntArray

BOUND_PASSES: Final = 1  # ranges within each relation, not carried on to the next


@dataclass(frozen=True)
class Terms:
    """Some relations' terms: relation (numbered 0..count-1 here; `ids` gives each its
    number in the whole system), cell, coef."""

    rel: IntArray
    cell: IntArray
    coef: IntArray
    ids: IntArray

    @property
    def count(self) -> int:
        return len(self.ids)

    def peel(self, hidden: BoolArray) -> tuple[BoolArray, IntArray]:
        """What subtraction gives: solve each relation with one unknown, again and again.
        Returns the hidden cells worked out and, for each, the relation that gave it."""
        unknown = hidden.copy()
        by = np.full(len(hidden), -1, np.int64)
        while True:
            open_ = unknown[self.cell]
            count = np.bincount(self.rel, weights=open_, minlength=self.count)
            single = np.flatnonzero(count == 1)
            if single.size == 0:
                break
            which = np.bincount(
                self.rel, weights=np.where(open_, self.cell, 0), minlength=self.count
            )
            cells, first = np.unique(which[single].astype(np.int64), return_index=True)
            unknown[cells] = False
            by[cells] = self.ids[single[first]]
        return hidden & ~unknown, by

    def pinned(
        self, unknown: BoolArray, values: FloatArray, low: FloatArray, high: FloatArray
    ) -> BoolArray:
        """What reasoning about ranges gives: the bounds of each unknown cell ("<5": 0..t-1,
        "x": 0 or more) narrowed by each relation it is in, given the others' bounds.
        Returns the unknown cells pinned to one value."""
        if not unknown.any() or self.count == 0:
            return np.zeros(len(values), bool)
        lo = np.where(unknown, low, values)
        hi = np.where(unknown, high, values)
        rel, cell, plus = self.rel, self.cell, self.coef > 0
        n = self.count
        order = np.argsort(cell, kind="stable")
        at, starts = np.unique(cell[order], return_index=True)
        for _ in range(BOUND_PASSES):
            least = np.where(plus, lo[cell], -hi[cell])  # coef x value at its least
            most = np.where(plus, hi[cell], -lo[cell])
            least_inf, most_inf = np.isinf(least), np.isinf(most)
            least_0, most_0 = np.where(least_inf, 0.0, least), np.where(most_inf, 0.0, most)
            sum_least = np.bincount(rel, weights=least_0, minlength=n)
            sum_most = np.bincount(rel, weights=most_0, minlength=n)
            inf_least = np.bincount(rel, weights=least_inf, minlength=n)
            inf_most = np.bincount(rel, weights=most_inf, minlength=n)
            others_least = np.where(
                inf_least[rel] - least_inf > 0, -np.inf, sum_least[rel] - least_0
            )
            others_most = np.where(inf_most[rel] - most_inf > 0, np.inf, sum_most[rel] - most_0)
            # coef x value = -(the others), so it lies in [-others_most, -others_least]
            new_lo = np.ceil(np.where(plus, -others_most, others_least) - 1e-9)
            new_hi = np.floor(np.where(plus, -others_least, others_most) + 1e-9)
            lo2 = np.maximum(lo[at], np.maximum.reduceat(new_lo[order], starts))
            hi2 = np.minimum(hi[at], np.minimum.reduceat(new_hi[order], starts))
            open_ = unknown[at]
            lo2, hi2 = np.where(open_, lo2, lo[at]), np.where(open_, hi2, hi[at])
            if not ((lo2 > lo[at]).any() or (hi2 < hi[at]).any()):
                break
            lo[at], hi[at] = lo2, hi2
        return unknown & (lo >= hi)
