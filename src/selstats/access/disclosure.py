"""Disclosure control for analyst figures: small counts stay hidden even to someone who
subtracts.
Long because it is one algorithm over one cell model (relations, ranges, the hiding loop,
the complement check); the next split is the relations' collection (catalogue, groupings,
linked totals) into a module of its own.

Small-cell suppression (`selstats.access.suppression`) hides each count below the
threshold t ($SELSTATS_MIN_CELL, default 5) as "<5". On its own that is undone by
arithmetic: failed = sat - met_mark in a row, a total minus its other parts, the Overview
of a year minus the same with one organisation left out. This module protects the figures
of a query the way statistical offices protect the tables they publish (tau-Argus, sdcTable:
primary suppression, then complementary "secondary" suppression, then an audit), and the
way an interactive table builder protects against differencing of filters (a filter whose
complement within the user's scope is small is not answered exactly).

What an attacker knows about a table, and so what is protected:

- **Relations within a row**, declared once per figure in the catalogue (`sum_of`, e.g.
  `sat = passed + failed + cut_off`), and every relation they imply by substitution
  (`sat = met_mark + failed`; `row_sums`).
- **Relations across rows** of one query: its grouping hierarchy (`Shape.grouping`, e.g. the
  `grouping` column of `pass_rates_by_group`: 'all' = the sum of the 'kind' rows = the sum
  of the 'year' rows ...; each aggregate = the sum of the steps in it, through the cells of
  the finest cross-classification, organisation x year x kind, the "atoms", which no row
  shows but which a filter could).
- **Relations across queries** (`Shape.links`): a total query is the sum of a detail query
  under the same filter (`overview_totals` of the `overview` years, `funnel_aggregate` of
  the per-procedure `funnel` rows, ...). The detail is protected first, on its own, and is
  fixed when its total is protected, so that each query shows the same cells whichever asks.
- **Other filters** (`FILTER_DIMENSIONS`): for each sidebar filter the user has set, the
  same query with that filter opened ("every organisation" instead of "all but X"); where a
  row of it, as the user would see it, differs from the user's row by 1 to t-1 people,
  subtracting would give those people away, so the user's cell is hidden (and protected as
  if it were small).

Cells and their states (`State`): shown; SMALL (0 <= count < t, shown as "<5"); SECONDARY
(hidden so that a small one cannot be worked out, shown as "x"); COMPLEMENT (hidden because
of a small complement, "x"). A hidden cell is *protected* when its exact value must not
follow from what is shown: a count of 1 to t-1 (SMALL), a COMPLEMENT cell. Zero is hidden
as "<5" too, but a derived zero discloses no one: zeros are often structural (no cut-off
without a top-N), and protecting them would hide most of every table.

The method (`_System.solve`), run on each table:

1. Unit rows (one procedure and step, one procedure, one list, one organisation: a row that
   no other row of the query sums) are protected on their own first, by their row's
   relations only, over the canonical set of columns (a funnel row is extended with the
   sat, met_mark and no_shows that `pass_rates_by_group` shows for the same step), so that
   the same step is hidden alike in every query that shows it. They are then fixed.
2. Every other cell may be hidden as secondary. Repeat until nothing protected is exposed:
   solve every relation that has one unknown, as often as that gives new values
   ("peeling": what an attacker who subtracts does); then tighten the bounds an attacker
   knows (a "<5" lies in 0..t-1; an "x" may be any count, since a "<5" that would narrow
   another is shown as "x" too) through the relations (what an attacker who reasons about
   ranges does). Each protected cell that is exposed
   gets one more hidden cell in a relation that exposed it: the shown cell (allowed to be
   hidden) in most of those relations, the smallest first (tau-Argus' "smallest cost").
3. A protected cell that no allowed cell can cover (a COMPLEMENT cell that a filter's own
   shown parts add up to) makes the whole result refused: every count hidden.

Known limits (documented in the README): only the declared relations are known to the
protection (two queries that show one total under different names, other combinations of
filters than one opened at a time - "trackers" -, and linear combinations beyond peeling
and interval bounds are not audited); a value can be narrowed to a short range (2..4) without
being exact.

Pure functions of frames: the caller (`selstats.ui.db.cached_query`) hands `protect` a
`fetch` that runs a query under given parameters in the user's scope (cached).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cache
from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt
import polars as pl

from selstats.figures import Privacy, catalogue

SECONDARY_LABEL: Final = "x"
MAX_ROUNDS: Final = 200  # a table that needs more is refused (never seen)
BOUND_PASSES: Final = 1  # ranges within each relation, not carried on to the next
ROW_BOUND_PASSES: Final = 6  # within a row, ranges carried from relation to relation

# sidebar filter -> its query parameters; opening it = no restriction on it
FILTER_DIMENSIONS: Final[dict[str, tuple[str, ...]]] = {
    "years": ("year_from", "year_to"),
    "governments": ("govs",),
    "organisations": ("orgs",),
    "levels": ("levels",),
    "procedures": ("procs",),
}

Params: TypeAlias = Mapping[str, object]
Fetch: TypeAlias = Callable[[str, Params], pl.DataFrame]
IntArray: TypeAlias = npt.NDArray[np.int64]
FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

_log = logging.getLogger(__name__)


class State(IntEnum):
    SHOWN = 0
    SMALL = 1  # below the threshold: "<5"
    SECONDARY = 2  # hidden so that a small one cannot be worked out: "x"
    COMPLEMENT = 3  # hidden because the filter leaves out a small count: "x"
    UNSEEN = 4  # a sum this query does not return for a row no other query shows


# ---- what is known about a query's rows ----------------------------------------------------


@dataclass(frozen=True)
class Link:
    """Each row of the query is, for each of `columns` (this query's column -> the
    detail's), the sum of the rows of query `detail` under the same parameters that have its
    values in `by` (all of them when `by` is empty). `distinct`: a figure the detail repeats
    on several rows (a procedure's applicants on each of its steps) counts once per these
    columns."""

    detail: str
    columns: Mapping[str, str]
    by: tuple[str, ...] = ()
    distinct: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grouping:
    """Rows at several groupings at once, told apart by `column`: rows whose `column` is
    `unit` are the units (one procedure step each); a row at level L sums the units with its
    values in `levels[L]` (its other dimensions are null)."""

    column: str
    unit: str
    levels: Mapping[str, tuple[str, ...]]

    @property
    def dimensions(self) -> tuple[str, ...]:
        dims: dict[str, None] = {}
        for by in self.levels.values():
            dims.update(dict.fromkeys(by))
        return tuple(dims)


@dataclass(frozen=True)
class Shape:
    """A query whose rows sum over procedures. `keys`: the columns that name a row, the
    same under any filter (to compare a row with the same row under an opened filter)."""

    keys: tuple[str, ...]
    grouping: Grouping | None = None
    links: tuple[Link, ...] = ()


_OUTCOMES: Final = ("passed", "failed", "absent", "withdrawn", "not_registered", "cut_off")

# Queries whose rows add up over procedures (or lists). Any other query's rows are units:
# one procedure, step, list or organisation each, the same under every filter.
SHAPES: Final[dict[str, Shape]] = {
    "pass_rates_by_group": Shape(
        keys=("grouping", "procedure_code", "step_no", "kind", "year", "org_id"),
        grouping=Grouping(
            column="grouping",
            unit="step",
            levels={
                "kind": ("kind",),
                "year_kind": ("year", "kind"),
                "year": ("year",),
                "organisation_kind": ("org_id", "kind"),
                "organisation": ("org_id",),
                "all": (),
            },
        ),
    ),
    "overview": Shape(
        keys=("year",),
        links=(
            Link(
                "funnel_procedures",
                {"applicants": "applicants", "laureates": "laureates"},
                by=("year",),
            ),
        ),
    ),
    "overview_totals": Shape(
        keys=(),
        links=(
            Link(
                "overview",
                {"applicants": "applicants", "tested": "tested", "laureates": "laureates"},
            ),
        ),
    ),
    "funnel_aggregate": Shape(
        keys=("step_no",),
        links=(
            Link("funnel", {c: c for c in ("reached", *_OUTCOMES)}, by=("step_no",)),
            Link("funnel", {"applicants": "applicants"}, distinct=("procedure_code",)),
        ),
    ),
    "reserve_lists_summary": Shape(
        keys=(),
        links=(
            Link(
                "reserve_lists",
                {
                    "laureates": "size",
                    "available": "available",
                    "hired": "hired",
                    "declined": "declined",
                    "withdrawn_from_list": "withdrawn_from_list",
                },
            ),
        ),
    ),
}


# ---- relations within a row (the catalogue's `sum_of`) ----------------------------------


@cache
def row_sums(columns: frozenset[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every sum relation among `columns`: the declared ones whose terms are all there, and
    those they imply by putting a declared sum in place of its parts or the other way round
    (sat = passed + failed + cut_off and met_mark = passed + cut_off give
    sat = met_mark + failed). As (total, parts), sorted."""
    figures = catalogue()
    relations = {
        (total, frozenset(parts))
        for total, parts in figures.sums().items()
        if total in columns and set(parts) <= columns
    }
    changed = True
    while changed:
        changed = False
        for total, parts in list(relations):
            for other, its in list(relations):
                if other == total:
                    continue
                if its < parts:  # a sum of some of the parts: put it in their place
                    new = (total, (parts - its) | {other})
                elif other in parts and not its & parts and total not in its:
                    new = (total, (parts - {other}) | its)  # a part written out
                else:
                    continue
                if new not in relations:
                    relations.add(new)
                    changed = True
    return tuple(sorted((t, tuple(sorted(p))) for t, p in relations))


def extended_columns(columns: Iterable[str]) -> tuple[str, ...]:
    """The declared sums a row with `columns` determines but does not show (a funnel row
    gives sat, met_mark and no_shows): other queries show them for the same units. In the
    order they can be computed."""
    have = set(columns)
    added: list[str] = []
    changed = True
    while changed:
        changed = False
        for total, parts in catalogue().sums().items():
            if total not in have and set(parts) <= have:
                have.add(total)
                added.append(total)
                changed = True
    return tuple(added)


# ---- the result ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    """A protected table as the system sees it: the counts (canonical column order, the
    extended ones included), each cell's state, and what it was built on."""

    name: str
    frame: pl.DataFrame  # the query's rows (raw), with the extended columns
    columns: tuple[str, ...]  # the counts, sorted
    states: npt.NDArray[np.int8]  # rows x columns
    known: BoolArray  # rows x columns: shown, or worked out from what is shown
    details: tuple[tuple[Link, _Table], ...] = ()
    refused: bool = False
    output: tuple[str, ...] = ()  # the query's own columns, in its order


@dataclass(frozen=True)
class Protection:
    """A query's frame as a user under small-cell protection may see it: each count as
    text (the number, "<5" or "x"), the rates resting on a hidden count null, the columns of
    exact detail null. `small`: cells hidden as "<5"; `secondary`: cells hidden to protect
    them; `complement`: cells hidden because a filter leaves out few people; `refused`:
    every count hidden (the filter's complement could not be protected otherwise)."""

    frame: pl.DataFrame
    small: int = 0
    secondary: int = 0
    complement: int = 0
    refused: bool = False
    table: _Table | None = field(default=None, repr=False, compare=False)


# ---- the system of cells and relations ----------------------------------------------------


@dataclass(frozen=True)
class _Solution:
    hidden: BoolArray
    secondary: BoolArray  # hidden by `solve`
    relabelled: BoolArray  # small cells `solve` shows as "x" instead of "<5"
    exposed: BoolArray  # protected cells no allowed cell could cover
    worked_out: BoolArray  # hidden cells an attacker can work out


class _System:
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

    def solve(self) -> _Solution:
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
            return _Solution(hidden, secondary, relabelled, nothing, nothing)
        graph = _Graph(
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
                return _Solution(hidden, secondary, relabelled, nothing, worked_out)
            fixes, stuck = graph.covers(
                np.flatnonzero(leaks), hidden, derived | always, pinned, by, values, high
            )
            if not fixes:
                exposed = np.zeros(len(values), bool)
                exposed[stuck] = True
                return _Solution(hidden, secondary, relabelled, exposed, worked_out)
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
        return _Solution(hidden, secondary, relabelled, protect & hidden, hidden)


@dataclass(frozen=True)
class _Terms:
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


class _Graph:
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
        self.everything = _Terms(self.rel, self.cell, self.coef, np.arange(relations))

    def with_choices(self, eligible: BoolArray) -> _Graph:
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

    def around(self, cells: BoolArray) -> _Terms:
        """The terms of every relation that holds one of `cells`."""
        active = np.zeros(self.relations, bool)
        active[self.rel[cells[self.cell]]] = True
        keep = active[self.rel]
        ids = np.flatnonzero(active)
        compact = np.cumsum(active) - 1
        return _Terms(compact[self.rel[keep]], self.cell[keep], self.coef[keep], ids)

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


# ---- unit rows, each on its own ----------------------------------------------------------


def protect_rows(
    values: FloatArray, columns: Sequence[str], threshold: int
) -> tuple[BoolArray, BoolArray]:
    """The secondary cells of rows that no other row sums (one procedure step each), each
    row on its own, by its row sums only (`row_sums`): the method of `_System.solve` for
    many small independent tables at once. `values`: rows x columns (NaN for null).
    Whatever the other rows, a row gets the same cells hidden. Returns (secondary, worked
    out): the hidden cells that can still be worked out from the row (zeros, and a
    secondary cell that did not need to stay unknown)."""
    t = threshold
    rows, width = values.shape
    secondary = np.zeros(values.shape, bool)
    derived = np.zeros(values.shape, bool)
    relations = [
        (np.array([columns.index(total), *(columns.index(p) for p in parts)]), len(parts))
        for total, parts in row_sums(frozenset(columns))
    ]
    if rows == 0 or not relations:
        return secondary, (np.nan_to_num(values) == 0) & ~np.isnan(values)
    nan = np.isnan(values)
    value = np.nan_to_num(values)
    small = ~nan & (value < t)
    protect = small & (value >= 1)
    member = np.zeros((width, len(relations)), bool)  # column x relation
    for k, (terms, _) in enumerate(relations):
        member[terms, k] = True
    usable = np.array([~nan[:, terms].any(axis=1) for terms, _ in relations]).T  # rows x rel
    coef = [np.array([1] + [-1] * n) for _, n in relations]
    for _ in range(MAX_ROUNDS):
        hidden = small | secondary
        # peel: solve each relation with one unknown, as often as it gives something new;
        # a hidden zero counts as known (zeros are not protected: it may be worked out
        # elsewhere, and the row must hold then too)
        unknown = hidden & (value != 0)
        by = np.full(values.shape, -1)
        changed = True
        while changed:
            changed = False
            for k, (terms, _) in enumerate(relations):
                open_ = unknown[:, terms]
                single = usable[:, k] & (open_.sum(axis=1) == 1)
                if single.any():
                    at = np.flatnonzero(single)
                    col = terms[open_[at].argmax(axis=1)]
                    unknown[at, col] = False
                    by[at, col] = np.where(by[at, col] < 0, k, by[at, col])
                    changed = True
        derived = hidden & ~unknown
        # ranges: "<5" lies in 0..t-1, "x" 0 or more; each relation narrows its unknown
        # cells given the others' ranges, again while that narrows something
        lo = np.where(unknown, 0.0, value)
        hi = np.where(unknown, np.where(secondary, np.inf, t - 1.0), value)
        for _ in range(ROW_BOUND_PASSES):
            narrowed = False
            for k, (terms, _) in enumerate(relations):
                lo_k, hi_k = _narrow(coef[k], lo[:, terms], hi[:, terms])
                open_ = unknown[:, terms] & usable[:, [k]]
                new_lo = np.where(open_, np.maximum(lo[:, terms], lo_k), lo[:, terms])
                new_hi = np.where(open_, np.minimum(hi[:, terms], hi_k), hi[:, terms])
                if (new_lo > lo[:, terms]).any() or (new_hi < hi[:, terms]).any():
                    narrowed = True
                    lo[:, terms], hi[:, terms] = new_lo, new_hi
            if not narrowed:
                break
        pinned = unknown & (lo >= hi)
        leaks = protect & (derived | pinned)
        leaking = np.flatnonzero(leaks.any(axis=1))
        if leaking.size == 0:
            break
        leak = leaks[leaking].argmax(axis=1)  # the first exposed cell of each row
        shown = ~hidden[leaking]
        contains = member[leak]  # rows x relations holding the exposed cell
        if True:
            others_shown = np.array(
                [
                    (shown[:, terms].sum(axis=1) == len(terms) - 1) & hidden[leaking, leak]
                    for terms, _ in relations
                ]
            ).T
            by_leak = by[leaking, leak]
            gave = np.arange(len(relations))[None, :] == by_leak[:, None]
            derived_leak = derived[leaking, leak][:, None]
            exposing = np.where(derived_leak, contains & (others_shown | gave), contains)
            exposing &= usable[leaking]
        choice = _choose(exposing, member, shown, leak, value[leaking])
        # none there: any relation of the row with a hidden cell
        none = choice < 0
        if none.any():
            wider = (hidden[leaking][:, :, None] & member[None, :, :]).any(axis=1)
            wider &= usable[leaking]
            choice[none] = _choose(
                wider[none], member, shown[none], leak[none], value[leaking][none]
            )
        ok = choice >= 0
        if not ok.any():
            break
        secondary[leaking[ok], choice[ok]] = True
    return secondary, derived | (small & (value == 0))


def _narrow(coef: IntArray, lo: FloatArray, hi: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per row, the range each term of one relation (sum of coef x value = 0; rows x terms)
    must lie in given the others' ranges [lo, hi] (which may be infinite)."""
    a = coef[None, :]
    least = np.where(a > 0, lo, -hi)  # coef x value at its least
    most = np.where(a > 0, hi, -lo)
    least_inf, most_inf = np.isinf(least), np.isinf(most)
    least_0, most_0 = np.where(least_inf, 0.0, least), np.where(most_inf, 0.0, most)
    rest_least = np.where(
        least_inf.sum(axis=1)[:, None] - least_inf > 0,
        -np.inf,
        least_0.sum(axis=1)[:, None] - least_0,
    )
    rest_most = np.where(
        most_inf.sum(axis=1)[:, None] - most_inf > 0,
        np.inf,
        most_0.sum(axis=1)[:, None] - most_0,
    )
    # coef x value = -(the rest): in [-rest_most, -rest_least]
    low = np.where(a > 0, -rest_most, rest_least)
    high = np.where(a > 0, -rest_least, rest_most)
    return np.ceil(low - 1e-9), np.floor(high + 1e-9)


def _choose(
    exposing: BoolArray, member: BoolArray, shown: BoolArray, leak: IntArray, value: FloatArray
) -> IntArray:
    """Per row: the shown cell in most of its `exposing` relations (rows x relations), then
    the smallest, then the first; -1 when there is none."""
    score = exposing.astype(np.int64) @ member.T.astype(np.int64)  # rows x columns
    score[~shown] = 0
    score[np.arange(len(leak)), leak] = 0
    big = np.nan_to_num(value, nan=0.0).max(initial=0.0) + 1.0
    key = score * big * 2 - value  # more relations first, then the smaller value
    key[score == 0] = -np.inf
    choice = key.argmax(axis=1)
    return np.where(np.isfinite(key.max(axis=1)), choice, -1)


# ---- building a table's cells and relations -----------------------------------------------


def _counts(frame: pl.DataFrame) -> tuple[str, ...]:
    return tuple(sorted(catalogue().with_privacy(frame.columns, Privacy.COUNT)))


def _matrix(frame: pl.DataFrame, columns: Sequence[str]) -> FloatArray:
    """The counts as a rows x columns float matrix, null as NaN."""
    if not columns or frame.height == 0:
        return np.zeros((frame.height, len(columns)))
    return frame.select(pl.col(c).cast(pl.Float64) for c in columns).to_numpy().astype(float)


def _within_row(
    system: _System, start: int, rows: IntArray, columns: Sequence[str], values: FloatArray
) -> None:
    """The row relations of `rows` (cells from `start`, rows x columns)."""
    index = {c: i for i, c in enumerate(columns)}
    width = len(columns)
    for total, parts in row_sums(frozenset(columns)):
        terms = [index[total], *(index[p] for p in parts)]
        usable = rows[~np.isnan(values[rows][:, terms]).any(axis=1)]
        if usable.size == 0:
            continue
        n = len(usable)
        rel = np.repeat(np.arange(n), len(terms))
        cell = (start + usable[:, None] * width + np.array(terms)[None, :]).ravel()
        coef = np.tile(np.array([1] + [-1] * len(parts)), n)
        system.add_relations(rel, cell, coef, n)


def _sum_relations(
    system: _System,
    totals: IntArray,
    pairs: tuple[IntArray, IntArray],
    total_cells: Callable[[IntArray], IntArray],
    part_cells: Callable[[IntArray], IntArray],
) -> None:
    """One relation per entry of `totals` (ids 0..n-1): its cell = the sum of the part
    cells that `pairs` (total id, part id) give it."""
    n = len(totals)
    if n == 0:
        return
    owner, part = pairs
    rel = np.concatenate([np.arange(n), owner])
    cell = np.concatenate([total_cells(np.arange(n)), part_cells(part)])
    coef = np.concatenate([np.ones(n, np.int64), -np.ones(len(part), np.int64)])
    system.add_relations(rel, cell, coef, n)


def _pairs(left: pl.DataFrame, right: pl.DataFrame, on: Sequence[str]) -> tuple[IntArray, IntArray]:
    """(index into left, index into right) of the rows equal on `on` (null = null; every
    pair when `on` is empty)."""
    if not on:
        mine = np.repeat(np.arange(left.height, dtype=np.int64), right.height)
        return mine, np.tile(np.arange(right.height, dtype=np.int64), left.height)
    a = left.select(*on).with_row_index("_l")
    b = right.select(*on).with_row_index("_r")
    joined = a.join(b, on=list(on), how="inner", nulls_equal=True)
    return (
        joined["_l"].to_numpy().astype(np.int64),
        joined["_r"].to_numpy().astype(np.int64),
    )


@dataclass
class _Placed:
    """Where a table's cells are in a system."""

    start: int
    width: int

    def cells(self, rows: IntArray, column: int) -> IntArray:
        return self.start + rows * self.width + column

    def column(self, column: int, ids: IntArray | None = None) -> Callable[[IntArray], IntArray]:
        """The cells of `column` in rows `ids[r]` (or rows r when `ids` is None)."""

        def cells(rows: IntArray) -> IntArray:
            return self.cells(rows if ids is None else ids[rows], column)

        return cells


def _place(
    system: _System,
    table: _Table,
    *,
    free: BoolArray | None = None,
    protect: BoolArray | None = None,
) -> _Placed:
    """Add a table's cells and what ties them together: the row sums of its rows and,
    unless the whole table is fixed, its grouping and its links to its details (placed
    fixed). `free`: rows x columns that may be hidden as secondary (none: the whole table
    is fixed as it was protected). A fixed cell that is hidden must never be worked out
    (its own table was protected with it hidden). `protect`: further cells that must not
    be worked out."""
    t = system.threshold
    values = _matrix(table.frame, table.columns)
    states = table.states
    nan = np.isnan(values)
    # known: shown, worked out in its own table, or zero (zeros are not protected, so a
    # hidden zero may be worked out)
    hidden = ~table.known & ~nan & (values != 0)
    small = (values >= 1) & (values <= t - 1)
    fixed = np.ones(values.shape, bool) if free is None else ~free
    protected = hidden & (small | (states == State.COMPLEMENT) | fixed)
    if protect is not None:
        protected |= protect & hidden
    # may be hidden: a shown cell, or a "<5" that may be shown as "x" (free cells only)
    eligible = ~fixed & ~nan & ((states == State.SHOWN) | ((states == State.SMALL) & hidden))
    low = np.zeros(values.shape)  # "<5" and "x" both may be 0
    high = np.where(states == State.SMALL, t - 1.0, np.inf)
    start = system.add_cells(
        np.nan_to_num(values).ravel(),
        hidden.ravel(),
        eligible.ravel(),
        protected.ravel(),
        (low.ravel(), high.ravel()),
    )
    placed = _Placed(start, len(table.columns))
    rows = np.arange(table.frame.height, dtype=np.int64)
    _within_row(system, start, rows, table.columns, values)
    if free is None:
        return placed
    shape = SHAPES.get(table.name)
    if shape is not None and shape.grouping is not None:
        _place_grouping(system, table, shape.grouping, placed, values)
    for link, detail in table.details:
        _place_link(system, table, link, detail, placed)
    return placed


def _bounds(table: _Table, values: FloatArray, threshold: int) -> tuple[FloatArray, FloatArray]:
    """What an attacker knows each cell of `table` holds: its value when known (shown,
    worked out, zero), else 0..t-1 for "<5", 0 or more for "x" or unseen."""
    value = np.nan_to_num(values)
    known = table.known | (value == 0) | np.isnan(values)
    low = np.where(known, value, 0.0)
    high = np.where(known, value, np.where(table.states == State.SMALL, threshold - 1.0, np.inf))
    return low, high


def _place_grouping(
    system: _System, table: _Table, grouping: Grouping, placed: _Placed, values: FloatArray
) -> None:
    """A grouping's relations: each unit in its atom (the finest cross-classification),
    each aggregate row = the sum of its atoms, and = the sum of its rows one level finer."""
    t = system.threshold
    frame = table.frame.with_row_index("_i")
    dims = grouping.dimensions
    units = frame.filter(pl.col(grouping.column) == grouping.unit)
    atoms = units.select(*dims).unique(maintain_order=True)
    atom_of = _pairs(units, atoms, dims)  # (unit position, atom)
    unit_rows = units["_i"].to_numpy().astype(np.int64)
    width = len(table.columns)
    # the atoms' cells: never shown, protected when they hold 1..t-1 people; an attacker
    # knows each lies between the sums of its units' bounds
    low, high = _bounds(table, values, t)
    of_unit = unit_rows[atom_of[0]]
    atom_values = np.zeros((atoms.height, width))
    atom_low, atom_high = np.zeros((atoms.height, width)), np.zeros((atoms.height, width))
    np.add.at(atom_values, atom_of[1], np.nan_to_num(values[of_unit]))
    np.add.at(atom_low, atom_of[1], low[of_unit])
    np.add.at(atom_high, atom_of[1], high[of_unit])
    small = (atom_values >= 1) & (atom_values <= t - 1)
    atom_start = system.add_cells(
        atom_values.ravel(),
        atom_values.ravel() != 0,
        np.zeros(atom_values.size, bool),
        small.ravel(),
        (atom_low.ravel(), atom_high.ravel()),
    )
    atom_cells = _Placed(atom_start, width)
    # (total rows, part ids, their cells' rows in `placed` or None for atoms, pairs)
    sums: list[tuple[IntArray, IntArray | None, tuple[IntArray, IntArray]]] = []
    levels = {level: frame.filter(pl.col(grouping.column) == level) for level in grouping.levels}
    for level, rows in levels.items():
        by = grouping.levels[level]
        row_ids = rows["_i"].to_numpy().astype(np.int64)
        sums.append((row_ids, None, _pairs(rows, atoms, by)))
        for finer, finer_rows in levels.items():
            finer_by = grouping.levels[finer]
            if set(by) < set(finer_by) and len(finer_by) == len(by) + 1:
                finer_ids = finer_rows["_i"].to_numpy().astype(np.int64)
                sums.append((row_ids, finer_ids, _pairs(rows, finer_rows, by)))
    for column in range(width):
        _sum_relations(
            system,
            np.arange(atoms.height),
            (atom_of[1], atom_of[0]),
            atom_cells.column(column),
            placed.column(column, unit_rows),
        )
        for row_ids, part_ids, pairs in sums:
            _sum_relations(
                system,
                row_ids,
                pairs,
                placed.column(column, row_ids),
                atom_cells.column(column) if part_ids is None else placed.column(column, part_ids),
            )


def _place_link(
    system: _System, table: _Table, link: Link, detail: _Table, placed: _Placed
) -> None:
    """The detail, fixed, and each row of `table` = the sum of its detail rows."""
    at = _place(system, detail)
    rows = detail.frame.with_row_index("_d")
    if link.distinct:
        rows = rows.unique(subset=list(link.distinct), keep="first", maintain_order=True)
    detail_ids = rows["_d"].to_numpy().astype(np.int64)
    owner, part = _pairs(table.frame, rows, link.by)
    n = table.frame.height
    for column, detail_column in link.columns.items():
        if column not in table.columns or detail_column not in detail.columns:
            continue
        here, there = table.columns.index(column), detail.columns.index(detail_column)
        _sum_relations(
            system,
            np.arange(n),
            (owner, part),
            placed.column(here),
            at.column(there, detail_ids),
        )


# ---- protecting one query ------------------------------------------------------------------


def _frozen(params: Params) -> tuple[tuple[str, object], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def _restricted(value: object) -> bool:
    return value is not None and not (isinstance(value, tuple | list) and not value)


def opened_filters(params: Params) -> dict[str, dict[str, object]]:
    """For each sidebar filter that `params` restrict, the same parameters with that
    filter opened (no restriction)."""
    opened: dict[str, dict[str, object]] = {}
    for dimension, names in FILTER_DIMENSIONS.items():
        present = [n for n in names if n in params]
        if any(_restricted(params[n]) for n in present):
            wider = dict(params)
            for n in present:
                wider[n] = None if n.startswith("year") else ()
            opened[dimension] = wider
    return opened


Cache: TypeAlias = dict[tuple[str, tuple[tuple[str, object], ...]], "Protection"]


def protect(
    name: str,
    params: Params,
    fetch: Fetch,
    threshold: int,
    cache: Cache | None = None,
) -> Protection:
    """The rows of query `name` under `params` (`fetch(name, params)`, in the user's scope)
    as a user under small-cell protection may see them; see the module's docstring.
    `cache`: protections already made, by query and parameters (the queries a result is
    compared with are protected on the way; a caller that protects many may share it)."""
    memo: Cache = {} if cache is None else cache
    key = (name, _frozen(params))
    if key in memo:
        return memo[key]
    raw = fetch(name, params)
    shape = SHAPES.get(name)
    counts = _counts(raw)
    if not counts:
        result = Protection(frame=_without_exact(raw))
        memo[key] = result
        return result
    details = tuple(
        (link, _table_of(protect(link.detail, params, fetch, threshold, memo)))
        for link in (shape.links if shape else ())
    )
    complement = np.zeros((raw.height, len(counts)), bool)
    if shape is not None:
        for wider in opened_filters(params).values():
            if fetch(name, wider).equals(raw):
                continue  # the filter leaves nothing out here
            other = _table_of(protect(name, wider, fetch, threshold, memo))
            complement |= _small_complement(raw, other, shape.keys, counts, threshold)
    table = _solve(name, raw, counts, shape, details, complement, threshold)
    result = _protection(table, threshold)
    memo[key] = result
    return result


def _table_of(protection: Protection) -> _Table:
    if protection.table is None:  # a query without counts
        empty = (protection.frame.height, 0)
        return _Table("", protection.frame, (), np.zeros(empty, np.int8), np.zeros(empty, bool))
    return protection.table


def _small_complement(
    raw: pl.DataFrame, other: _Table, keys: Sequence[str], counts: Sequence[str], threshold: int
) -> BoolArray:
    """The cells of `raw` whose row, in `other` (the same query with a filter opened, as
    its user sees it), shows 1..t-1 more people: subtracting would give them away."""
    mask = np.zeros((raw.height, len(counts)), bool)
    if other.frame.height == 0 or raw.height == 0:
        return mask
    mine, theirs = _pairs(raw, other.frame, keys)
    if mine.size == 0:
        return mask
    here = _matrix(raw, counts)[mine]
    columns = [other.columns.index(c) for c in counts]
    there = _matrix(other.frame, other.columns)[theirs][:, columns]
    known = other.known[theirs][:, columns]
    difference = there - here
    small = known & (difference >= 1) & (difference <= threshold - 1)
    mask[mine] |= small
    return mask


def _unit_rows(raw: pl.DataFrame, shape: Shape | None) -> BoolArray:
    """The rows no other row of the query sums."""
    if shape is None:
        return np.ones(raw.height, bool)
    if shape.grouping is None:
        return np.zeros(raw.height, bool)
    grouping = shape.grouping
    return (raw[grouping.column] == grouping.unit).fill_null(False).to_numpy().astype(bool)


def _with_sums(raw: pl.DataFrame, extra: Sequence[str]) -> pl.DataFrame:
    """`raw` with the declared sums `extra` computed from their parts (null if one is)."""
    figures = catalogue()
    for c in extra:  # in order: a sum may rest on one added before it
        parts = figures[c].sum_of
        raw = raw.with_columns(
            pl.when(pl.any_horizontal(pl.col(p).is_null() for p in parts))
            .then(None)
            .otherwise(pl.sum_horizontal(parts))
            .alias(c)
        )
    return raw


def _solve(
    name: str,
    raw: pl.DataFrame,
    counts: tuple[str, ...],
    shape: Shape | None,
    details: tuple[tuple[Link, _Table], ...],
    complement: BoolArray,
    threshold: int,
) -> _Table:
    """Protect one table: its unit rows each on its own, then the rest with them fixed."""
    unit = _unit_rows(raw, shape)
    extra = extended_columns(counts) if unit.any() else ()
    frame = _with_sums(raw, extra)
    columns = tuple(sorted((*counts, *extra)))
    values = _matrix(frame, columns)
    states = np.where(~np.isnan(values) & (values < threshold), State.SMALL, State.SHOWN)
    states = states.astype(np.int8)
    returned = np.array([c in counts for c in columns])
    # a sum this query does not return, in a row no other query shows: not seen
    unseen = ~returned[None, :] & ~unit[:, None] & (states == State.SHOWN)
    states[unseen] = State.UNSEEN
    # 1. each unit row on its own, over the canonical columns: the same in every query
    known = states == State.SHOWN
    if unit.any():
        hidden_more, worked_out = protect_rows(values[unit], columns, threshold)
        unit_states = states[unit]
        unit_states[hidden_more] = State.SECONDARY
        states[unit] = unit_states
        known[unit] = (unit_states == State.SHOWN) | worked_out
    # 2. the rest, with the units and the details fixed
    wide = np.zeros(states.shape, bool)
    wide[:, returned] = complement
    states[wide & (states == State.SHOWN)] = State.COMPLEMENT
    known[~unit] = states[~unit] == State.SHOWN
    free = ~unit[:, None] & returned[None, :]
    table = _Table(name, frame, columns, states, known, details)
    system = _System(threshold)
    placed = _place(system, table, free=np.broadcast_to(free, states.shape), protect=wide)
    solution = system.solve()
    block = slice(placed.start, placed.start + states.size)
    more = (solution.secondary | solution.relabelled)[block].reshape(states.shape)
    states[more] = State.SECONDARY
    known = (known & ~more) | solution.worked_out[block].reshape(states.shape) | (values == 0)
    if solution.exposed.any():
        _log.info(
            "%s: %d protected cells can be worked out whatever is hidden: every count hidden",
            name,
            int(solution.exposed.sum()),
        )
        states[(states == State.SHOWN) & ~np.isnan(values)] = State.COMPLEMENT
        nothing = np.zeros(states.shape, bool)
        return _Table(name, frame, columns, states, nothing, details, True, tuple(raw.columns))
    return _Table(name, frame, columns, states, known, details, False, tuple(raw.columns))


def _protection(table: _Table, threshold: int) -> Protection:
    returned = [i for i, c in enumerate(table.columns) if c in table.output]
    states = table.states[:, returned]
    return Protection(
        frame=_present(table, threshold),
        small=int((states == State.SMALL).sum()),
        secondary=int((states == State.SECONDARY).sum()),
        complement=int((states == State.COMPLEMENT).sum()),
        refused=table.refused,
        table=table,
    )


def _without_exact(frame: pl.DataFrame) -> pl.DataFrame:
    """The columns of exact detail (`privacy = "exact"`) null."""
    exact = catalogue().with_privacy(frame.columns, Privacy.EXACT)
    return frame.with_columns(pl.lit(None, dtype=frame.schema[c]).alias(c) for c in exact)


def _present(table: _Table, threshold: int) -> pl.DataFrame:
    """The frame a user sees: the query's columns, each count as text by its state, the
    rates on a hidden count and the columns of exact detail null."""
    figures = catalogue()
    frame = _without_exact(table.frame.select(table.output))
    hidden: dict[str, npt.NDArray[np.bool_]] = {}
    texts: list[pl.Series] = []
    label = f"<{threshold}"
    for i, c in enumerate(table.columns):
        if c not in table.output:
            continue
        state = table.states[:, i]
        values = frame[c]
        text = values.cast(pl.String).to_numpy().astype(object)
        text[state == State.SMALL] = label
        text[(state == State.SECONDARY) | (state == State.COMPLEMENT)] = SECONDARY_LABEL
        text[values.is_null().to_numpy()] = None
        texts.append(pl.Series(c, text.tolist(), dtype=pl.String))
        hidden[c] = state != State.SHOWN
    rates: list[pl.Expr] = []
    for name in figures.with_privacy(frame.columns, Privacy.RATE):
        on = [hidden[c] for c in figures[name].ratio or () if c in hidden]
        if on:
            mask = pl.Series(np.logical_or.reduce(on))
            rates.append(
                pl.when(pl.lit(mask))
                .then(pl.lit(None, dtype=frame.schema[name]))
                .otherwise(pl.col(name))
                .alias(name)
            )
    return frame.with_columns(*texts, *rates)
