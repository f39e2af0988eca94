"""An attacker who sees what an analyst sees and does arithmetic on it, written apart from
`selstats.access.disclosure` so that the tests do not grade the protection by its own rules.

The attacker reads frames as an analyst gets them: each count is a number, "<5" (somewhere
in 0..4), "x" (hidden, any number: the protection shows a small count so too where its "<5"
would narrow another down) or null (taken as 0, no people). Frames are added with what the
attacker knows ties their cells together:

- the sums the catalogue declares (`sum_of`) in every row that has all their terms;
- a total row = the sum of rows (`add_sum`): a grouping level and its units, a total query
  and its detail query, the same unit shown by two queries (`add_same`).

`recover()` then repeats, until nothing new comes out: every relation with one unknown cell
is solved (subtraction, along any chain); every unknown cell's range is narrowed by each
relation it is in, given the others' marks ("<5": 0..4, "x": 0 or more) and the values
known so far, and a range of one value is a value; every row is solved exactly by linear
algebra (a cell is determined when no solution of the homogeneous system moves it); and
any two cross-row sums whose unknown cells differ by one are subtracted. It returns every
hidden cell it pinned to one value. (Not tried: ranges carried from one relation's
narrowing into the next, and linear algebra over many rows at once: the protection does
not claim to withstand those; see the README.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from selstats.figures import Privacy, catalogue

Cell = tuple[str, int, str]  # (frame name, row, column)


@dataclass
class Attacker:
    threshold: int = 5
    shown: dict[Cell, int] = field(default_factory=dict)
    bounds: dict[Cell, tuple[float, float]] = field(default_factory=dict)  # hidden cells
    row_relations: list[list[tuple[Cell, int]]] = field(default_factory=list)
    cross_relations: list[list[tuple[Cell, int]]] = field(default_factory=list)
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)

    # ---- what the analyst got -----------------------------------------------------------

    def add_frame(self, name: str, frame: pl.DataFrame) -> None:
        """The counts of `frame` as the analyst sees them, and the declared sums of each
        row."""
        self.frames[name] = frame
        figures = catalogue()
        counts = figures.with_privacy(frame.columns, Privacy.COUNT)
        small = f"<{self.threshold}"
        for column in counts:
            for row, value in enumerate(frame[column].to_list()):
                cell = (name, row, column)
                if value is None:
                    self.shown[cell] = 0
                elif isinstance(value, int) or str(value).isdigit():
                    self.shown[cell] = int(value)
                elif value == small:
                    self.bounds[cell] = (0, self.threshold - 1)
                else:  # "x": hidden, of any size (a small count may be shown so too)
                    self.bounds[cell] = (0, np.inf)
        for total, parts in figures.sums().items():
            if total in counts and all(p in counts for p in parts):
                for row in range(frame.height):
                    self.row_relations.append(
                        [((name, row, total), 1), *(((name, row, p), -1) for p in parts)]
                    )

    def add_sum(self, total: Cell, parts: Iterable[Cell]) -> None:
        self.cross_relations.append([(total, 1), *((p, -1) for p in parts)])

    def add_same(self, one: Cell, other: Cell) -> None:
        self.cross_relations.append([(one, 1), (other, -1)])

    # ---- the arithmetic -----------------------------------------------------------------

    def recover(self, *, ranges: bool = True) -> dict[Cell, int]:
        """Every hidden cell whose value follows from what is shown: subtraction along any
        chain of relations, ranges within each relation (unless `ranges` is false: the
        slowest step), linear algebra within each row and the difference of any two
        cross-row sums, over and over while something comes out."""
        known = dict(self.shown)
        relations = self.row_relations + self.cross_relations
        rows = self._by_row()
        while True:
            before = len(known)
            self._subtract(relations, known)
            if ranges:
                self._ranges(relations, known)
            if len(known) == before:
                self._solve(rows, known)
            if len(known) == before:
                self._differences(known)
            if len(known) == before:
                return {c: v for c, v in known.items() if c not in self.shown}

    def _differences(self, known: dict[Cell, int]) -> None:
        """Two cross-row sums whose unknown cells differ by one: subtract one from the other
        (a kind's total minus an organisation's total of that kind, when the other
        organisations' parts are known)."""
        reduced = []
        by_cell: dict[Cell, list[int]] = defaultdict(list)
        for relation in self.cross_relations:
            unknown = {c: a for c, a in relation if c not in known}
            if 2 <= len(unknown) <= 8:
                rest = sum(a * known[c] for c, a in relation if c in known)
                for c in unknown:
                    by_cell[c].append(len(reduced))
                reduced.append((unknown, rest))
        for i, (one, rest_one) in enumerate(reduced):
            partners = {j for c in one for j in by_cell[c] if j > i}
            for j in partners:
                other, rest_other = reduced[j]
                for sign in (1, -1):
                    combined = dict(one)
                    for c, a in other.items():
                        combined[c] = combined.get(c, 0) - sign * a
                    left = {c: a for c, a in combined.items() if a != 0}
                    if len(left) == 1:
                        ((cell, a),) = left.items()
                        known.setdefault(cell, round(-(rest_one - sign * rest_other) / a))

    def _subtract(self, relations: list[list[tuple[Cell, int]]], known: dict[Cell, int]) -> None:
        changed = True
        while changed:
            changed = False
            for relation in relations:
                unknown = [(c, a) for c, a in relation if c not in known]
                if len(unknown) == 1:
                    cell, a = unknown[0]
                    rest = sum(a2 * known[c] for c, a2 in relation if c in known)
                    known[cell] = round(-rest / a)
                    changed = True

    def _ranges(self, relations: list[list[tuple[Cell, int]]], known: dict[Cell, int]) -> None:
        """Each relation narrows each of its unknown cells given the others' marks ("<5":
        0..4, "x": 0 or more) and the known values; a cell whose narrowed ranges meet in
        one value has that value."""
        low = {c: b[0] for c, b in self.bounds.items() if c not in known}
        high = {c: b[1] for c, b in self.bounds.items() if c not in known}
        narrowed_low, narrowed_high = dict(low), dict(high)
        for relation in relations:
            unknown = [(c, a) for c, a in relation if c not in known]
            if len(unknown) < 2:
                continue
            rest = sum(a * known[c] for c, a in relation if c in known)
            terms = [
                (min(a * low[c], a * high[c]), max(a * low[c], a * high[c])) for c, a in unknown
            ]
            least_all = sum(t[0] for t in terms if np.isfinite(t[0]))
            most_all = sum(t[1] for t in terms if np.isfinite(t[1]))
            least_inf = sum(1 for t in terms if not np.isfinite(t[0]))
            most_inf = sum(1 for t in terms if not np.isfinite(t[1]))
            for (cell, a), (t_least, t_most) in zip(unknown, terms, strict=True):
                # the others' least and most: all terms' less this one's
                own_inf = not np.isfinite(t_least)
                least = -np.inf if least_inf - own_inf else least_all - (0 if own_inf else t_least)
                own_inf = not np.isfinite(t_most)
                most = np.inf if most_inf - own_inf else most_all - (0 if own_inf else t_most)
                # a x cell = -(rest + others)
                lo, hi = sorted(((-rest - most) / a, (-rest - least) / a))
                narrowed_low[cell] = max(narrowed_low[cell], np.ceil(lo - 1e-9))
                narrowed_high[cell] = min(narrowed_high[cell], np.floor(hi + 1e-9))
        for cell, value in narrowed_low.items():
            if value == narrowed_high[cell]:
                known[cell] = int(value)

    def _by_row(self) -> list[list[list[tuple[Cell, int]]]]:
        rows: dict[tuple[str, int], list[list[tuple[Cell, int]]]] = defaultdict(list)
        for relation in self.row_relations:
            rows[relation[0][0][:2]].append(relation)
        return list(rows.values())

    def _by_measure(self) -> list[list[list[tuple[Cell, int]]]]:
        """The cross-row relations in groups that share cells."""
        parent: dict[Cell, Cell] = {}

        def root(c: Cell) -> Cell:
            while parent.setdefault(c, c) != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        for relation in self.cross_relations:
            first = root(relation[0][0])
            for c, _ in relation[1:]:
                parent[root(c)] = first
        groups: dict[Cell, list[list[tuple[Cell, int]]]] = defaultdict(list)
        for relation in self.cross_relations:
            groups[root(relation[0][0])].append(relation)
        return list(groups.values())

    def _solve(
        self, systems: Sequence[list[list[tuple[Cell, int]]]], known: dict[Cell, int]
    ) -> None:
        for relations in systems:
            unknown = sorted({c for r in relations for c, _ in r if c not in known})
            if not unknown:
                continue
            index = {c: i for i, c in enumerate(unknown)}
            matrix = np.zeros((len(relations), len(unknown)))
            rhs = np.zeros(len(relations))
            for i, relation in enumerate(relations):
                for c, a in relation:
                    if c in known:
                        rhs[i] -= a * known[c]
                    else:
                        matrix[i, index[c]] += a
            # a cell is determined when every solution of matrix @ x = 0 leaves it at 0
            _, singular, vt = np.linalg.svd(matrix, full_matrices=True)
            rank = int((singular > 1e-9).sum())
            null = vt[rank:]
            solution = np.linalg.lstsq(matrix, rhs, rcond=None)[0]
            for c, i in index.items():
                if null.size == 0 or np.abs(null[:, i]).max() < 1e-7:
                    known[c] = round(solution[i])


def exposures(
    recovered: dict[Cell, int], truth: dict[str, pl.DataFrame], threshold: int = 5
) -> list[str]:
    """The recovered cells that were small (1..t-1): what the protection must not let out.
    A recovered zero discloses no one (documented); a recovered "x" of t or more neither."""
    found = []
    for (name, row, column), value in recovered.items():
        true = truth[name][column][row]
        assert true is None or value == true, f"the attack computed {name}[{row}].{column} wrong"
        if true is not None and 1 <= true <= threshold - 1:
            found.append(f"{name} row {row} {column} = {value}")
    return sorted(found)


# ---- what ties the queries' rows together ------------------------------------------------


def add_grouping(attacker: Attacker, name: str, frame: pl.DataFrame) -> None:
    """`pass_rates_by_group`: each row at a grouping level = the sum of the step rows with
    its kind / year / organisation."""
    dims = {
        "kind": ("kind",),
        "year_kind": ("year", "kind"),
        "year": ("year",),
        "organisation_kind": ("org_id", "kind"),
        "organisation": ("org_id",),
        "all": (),
    }
    counts = catalogue().with_privacy(frame.columns, Privacy.COUNT)
    rows = frame.with_row_index("_i")
    steps = rows.filter(pl.col("grouping") == "step")
    for level, by in dims.items():
        for total in rows.filter(pl.col("grouping") == level).iter_rows(named=True):
            parts = steps
            for d in by:
                value = total[d]
                parts = parts.filter(pl.col(d).is_null() if value is None else pl.col(d) == value)
            for column in counts:
                attacker.add_sum(
                    (name, total["_i"], column),
                    [(name, i, column) for i in parts["_i"].to_list()],
                )


def add_detail(
    attacker: Attacker,
    total: str,
    detail: str,
    columns: dict[str, str],
    by: Sequence[str] = (),
    distinct: Sequence[str] = (),
) -> None:
    """Each row of frame `total` = the sum of the rows of frame `detail` with its values in
    `by` (`columns`: total's column -> detail's)."""
    totals = attacker.frames[total].with_row_index("_i")
    details = attacker.frames[detail].with_row_index("_j")
    if distinct:
        details = details.unique(subset=list(distinct), keep="first", maintain_order=True)
    for row in totals.iter_rows(named=True):
        parts = details
        for d in by:
            value = row[d]
            parts = parts.filter(pl.col(d).is_null() if value is None else pl.col(d) == value)
        for mine, theirs in columns.items():
            attacker.add_sum(
                (total, row["_i"], mine), [(detail, j, theirs) for j in parts["_j"].to_list()]
            )


def add_same_units(
    attacker: Attacker, one: str, other: str, on: Sequence[str], columns: Sequence[str]
) -> None:
    """The rows of two frames that show the same unit (equal on `on`) hold the same
    counts."""
    a = attacker.frames[one].with_row_index("_a")
    b = attacker.frames[other].with_row_index("_b")
    if "grouping" in b.columns:
        b = b.filter(pl.col("grouping") == "step")
    pairs = a.select(*on, "_a").join(b.select(*on, "_b"), on=list(on), nulls_equal=True)
    for i, j in pairs.select("_a", "_b").iter_rows():
        for column in columns:
            if column in attacker.frames[one].columns and column in attacker.frames[other].columns:
                attacker.add_same((one, i, column), (other, j, column))
