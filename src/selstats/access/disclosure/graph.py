"""The relations of a system indexed by relation and by cell (`Graph`), and the rule that
picks one more cell to hide for each exposed protected cell (`Graph.covers`: a shown cell in
most of the relations that expose it, then the smallest, tau-Argus' "smallest cost"; when
there is none, the nearest one back along how the exposing relations were worked out)."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np

from selstats.access.disclosure.arrays import BoolArray, FloatArray, IntArray
from selstats.access.disclosure.inference import Terms


class Graph:
    """The relations: their terms, by relation (CSR) and by cell."""

    def __init__(
        self,
        rel: IntArray,
        cell: IntArray,
        coef: IntArray,
        relations: int,
        eligible: BoolArray,
    ) -> None:
        order = np.argsort(rel, kind="stable")
        self.rel, self.cell, self.coef = rel[order], cell[order], coef[order]
        self.relations = relations
        self.ptr = np.searchsorted(self.rel, np.arange(relations + 1))
        by_cell = np.argsort(self.cell, kind="stable")
        self.cell_rel = self.rel[by_cell]
        self.cell_ptr = np.searchsorted(self.cell[by_cell], np.arange(len(eligible) + 1))
        # the cells that may be hidden, per relation (they do not change during a solve)
        mask = eligible[self.cell]
        self.choice_cell = self.cell[mask]
        self.choice_ptr = np.searchsorted(self.rel[mask], np.arange(relations + 1))
        self.everything = Terms(self.rel, self.cell, self.coef, np.arange(relations))

    def with_choices(self, eligible: BoolArray) -> Graph:
        """The same relations, with fewer cells that may be hidden."""
        mask = eligible[self.choice_cell]
        rel = np.repeat(np.arange(self.relations), np.diff(self.choice_ptr))
        graph = copy.copy(self)
        graph.choice_cell = self.choice_cell[mask]
        graph.choice_ptr = np.searchsorted(rel[mask], np.arange(self.relations + 1))
        return graph

    def members(self, relation: int) -> tuple[IntArray, IntArray]:
        lo, hi = self.ptr[relation], self.ptr[relation + 1]
        return self.cell[lo:hi], self.coef[lo:hi]

    def relations_of(self, cell: int) -> IntArray:
        return self.cell_rel[self.cell_ptr[cell] : self.cell_ptr[cell + 1]]

    def choices(self, relation: int) -> IntArray:
        """The cells of `relation` that may be hidden."""
        return self.choice_cell[self.choice_ptr[relation] : self.choice_ptr[relation + 1]]

    def around(self, cells: BoolArray) -> Terms:
        """The terms of every relation that holds one of `cells`."""
        active = np.zeros(self.relations, bool)
        active[self.rel[cells[self.cell]]] = True
        keep = active[self.rel]
        ids = np.flatnonzero(active)
        compact = np.cumsum(active) - 1
        return Terms(compact[self.rel[keep]], self.cell[keep], self.coef[keep], ids)

    def covers(
        self,
        leaks: IntArray,
        hidden: BoolArray,
        derived: BoolArray,
        pinned: BoolArray,
        by: IntArray,
        values: FloatArray,
        high: FloatArray,
    ) -> tuple[list[int], list[int]]:
        """For each exposed cell, one more cell to hide: among the shown cells that may be
        hidden in the relations that expose it (worked out: the one that gave it and each
        whose other cells are all shown; pinned by bounds: each it is in), the one in most
        of them, then the smallest. When those have none, back along how the cells they
        rest on were worked out, the nearest such cell. Returns the cells to hide and the
        exposed cells none could cover."""
        shown = ~hidden
        # a "<5" that may still be shown as "x" instead (its bound 4 is what pins a cell)
        small = hidden & np.isfinite(high)
        hidden_terms = np.bincount(self.rel, weights=hidden[self.cell], minlength=self.relations)
        chosen: set[int] = set()
        stuck: list[int] = []
        for leak in leaks.tolist():
            relations = self.relations_of(leak).tolist()
            if derived[leak]:  # the relation that gave it, and each whose others are shown
                first = [r for r in relations if r == by[leak] or hidden_terms[r] == 1]
            else:
                first = relations
            if any(chosen.intersection(self.choices(r).tolist()) for r in first):
                continue  # this round already hid a cell that covers it
            ranged = not derived[leak]  # pinned by ranges: taking a bound away may do
            best = self._best(first, leak, small if ranged else None, values)
            if best is None:
                best = self._best(first, leak, shown, values)
            if best is None:
                best = self._walk_back(first, leak, shown, small, derived, pinned, by, values)
            if best is None:
                stuck.append(leak)
                continue
            chosen.add(best)
        return sorted(chosen), stuck

    def _walk_back(
        self,
        first: Sequence[int],
        leak: int,
        shown: BoolArray,
        small: BoolArray,
        derived: BoolArray,
        pinned: BoolArray,
        by: IntArray,
        values: FloatArray,
    ) -> int | None:
        """The nearest shown cell that may be hidden in a relation that worked out a cell
        the exposing relations `first` rest on (breadth first: back along the relation that
        gave a worked-out cell, into every relation of a pinned one)."""
        seen = set(first)
        queue: list[int] = []

        ranged: set[int] = set()  # relations that narrowed a pinned cell

        def behind(relation: int) -> None:
            cells, _ = self.members(relation)
            for c in cells[(derived[cells] | pinned[cells]) & (cells != leak)].tolist():
                if derived[c]:
                    queue.append(int(by[c]))
                else:
                    around = self.relations_of(c).tolist()
                    ranged.update(around)
                    queue.extend(around)

        for r in first:
            behind(r)
        while queue:
            r = queue.pop(0)
            if r < 0 or r in seen:
                continue
            seen.add(r)
            best = self._best([r], leak, small, values) if r in ranged else None
            if best is None:
                best = self._best([r], leak, shown, values)
            if best is not None:
                return best
            behind(r)
        return None

    def _best(
        self,
        relations: Sequence[int],
        leak: int,
        among: BoolArray | None,
        values: FloatArray,
    ) -> int | None:
        """The cell `among` those that may be hidden that is in most of `relations`, then
        the smallest."""
        if among is None:
            return None
        counts: dict[int, int] = {}
        for r in relations:
            cells = self.choices(r)
            for c in cells[among[cells] & (cells != leak)].tolist():
                counts[c] = counts.get(c, 0) + 1
        if not counts:
            return None
        return min(counts, key=lambda c: (-counts[c], values[c], c))
