"""Secondary suppression over one system of cells and additive relations (`System`): the
cells and relations a table adds (`selstats.access.disclosure.relations`), and the loop that
hides one more cell for each protected cell that can be worked out, until none can
(`System.solve`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from selstats.access.disclosure.arrays import BoolArray, FloatArray, IntArray
from selstats.access.disclosure.graph import Graph

MAX_ROUNDS: Final = 200  # a table that needs more is refused (never seen)

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Solution:
    """What `System.solve` decided, one flag per cell of the system."""

    hidden: BoolArray
    secondary: BoolArray  # hidden by `solve`
    relabelled: BoolArray  # small cells `solve` shows as "x" instead of "<5"
    exposed: BoolArray  # protected cells no allowed cell could cover
    worked_out: BoolArray  # hidden cells an attacker can work out


class System:
    """Cells (value, hidden, may be hidden, protected, the bounds an attacker knows a hidden
    one lies in) and additive relations among them (sum of coef x value = 0: coef +1 for the
    total, -1 for each part)."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self._cells: list[list[npt.NDArray[np.generic]]] = []
        self.size = 0
        self._relations: list[tuple[IntArray, IntArray, IntArray]] = []
        self.relations = 0

    def add_cells(
        self,
        values: FloatArray,
        hidden: BoolArray,
        eligible: BoolArray,
        protect: BoolArray,
        bounds: tuple[FloatArray, FloatArray],
    ) -> int:
        """Add cells (flat arrays); returns the id of the first. `bounds`: what an attacker
        knows a hidden cell holds ("<5": 0..t-1, "x" or unseen: 0 or more)."""
        start = self.size
        self._cells.append([values, hidden, eligible, protect, bounds[0], bounds[1]])
        self.size += len(values)
        return start

    def add_relations(self, rel: IntArray, cell: IntArray, coef: IntArray, count: int) -> None:
        """Add `count` relations; `rel` numbers them 0..count-1, one entry per term."""
        if count:
            self._relations.append((rel + self.relations, cell, coef))
            self.relations += count

    def _column(self, i: int) -> npt.NDArray[np.generic]:
        if not self._cells:
            return np.zeros(0)
        return np.concatenate([c[i] for c in self._cells])

    def _floats(self, i: int) -> FloatArray:
        return self._column(i).astype(np.float64)

    def _bools(self, i: int) -> BoolArray:
        return self._column(i).astype(np.bool_)

    def solve(self) -> Solution:
        """Hide secondary cells until no protected cell can be worked out."""
        values = self._floats(0)
        hidden = self._bools(1)
        eligible = self._bools(2)
        protect = self._bools(3)
        low, high = self._floats(4), self._floats(5)
        secondary = np.zeros(len(values), bool)
        relabelled = np.zeros(len(values), bool)
        nothing = np.zeros(len(values), bool)
        if not self._relations:
            return Solution(hidden, secondary, relabelled, nothing, nothing)
        graph = Graph(
            np.concatenate([r[0] for r in self._relations]),
            np.concatenate([r[1] for r in self._relations]),
            np.concatenate([r[2] for r in self._relations]),
            self.relations,
            eligible,
        )
        # What can be worked out even with every cell that may be hidden hidden is known
        # whatever is done; a cell among them is no use hiding.
        always, always_by = graph.everything.peel(hidden | eligible)
        eligible &= ~always
        always &= hidden
        if (~eligible[graph.choice_cell]).any():
            graph = graph.with_choices(eligible)
        terms = graph.everything
        for _ in range(MAX_ROUNDS):
            # subtraction, then ranges; a cell pinned to one value is known from then on
            pinned = np.zeros(len(values), bool)
            while True:
                derived, by = terms.peel(hidden & ~always & ~pinned)
                more = terms.pinned(hidden & ~always & ~pinned & ~derived, values, low, high)
                if not more.any():
                    break
                pinned |= more
                terms = graph.everything
            by = np.where(always, always_by, by)
            worked_out = derived | always | pinned
            leaks = protect & worked_out
            if not leaks.any():
                return Solution(hidden, secondary, relabelled, nothing, worked_out)
            fixes, stuck = graph.covers(
                np.flatnonzero(leaks), hidden, derived | always, pinned, by, values, high
            )
            if not fixes:
                exposed = np.zeros(len(values), bool)
                exposed[stuck] = True
                return Solution(hidden, secondary, relabelled, exposed, worked_out)
            relabelled[fixes] = hidden[fixes]  # a "<5" that narrowed another: now "x"
            secondary[fixes] = ~hidden[fixes]
            hidden[fixes] = True
            low[fixes] = 0.0  # "x" says nothing of the size
            high[fixes] = np.inf
            # Hiding more never lets more be worked out: only the cells worked out or
            # pinned so far and those just hidden can be exposed next round, so only
            # their relations need a look.
            changed = derived | pinned
            changed[fixes] = True
            terms = graph.around(changed)
        _log.warning("disclosure control gave up after %d rounds", MAX_ROUNDS)
        return Solution(hidden, secondary, relabelled, protect & hidden, hidden)
