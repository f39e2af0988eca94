"""A table placed in a system (`place`): its cells (value, hidden or not, may be hidden,
protected, the bounds an attacker knows) and the relations that tie them: the row sums of
each row, the sums of its grouping through the atoms (the finest cross-classification, which
no row shows), and each linked detail, placed fixed, summing to its total."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from selstats.access.disclosure.arrays import BoolArray, FloatArray, IntArray, matrix, row_pairs
from selstats.access.disclosure.row_sums import row_sums
from selstats.access.disclosure.secondary import System
from selstats.access.disclosure.shapes import SHAPES, Grouping, Link
from selstats.access.disclosure.table import State, Table


@dataclass
class Placed:
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


def place(
    system: System,
    table: Table,
    *,
    free: BoolArray | None = None,
    protect: BoolArray | None = None,
) -> Placed:
    """Add a table's cells and what ties them together: the row sums of its rows and,
    unless the whole table is fixed, its grouping and its links to its details (placed
    fixed). `free`: rows x columns that may be hidden as secondary (none: the whole table
    is fixed as it was protected). A fixed cell that is hidden must never be worked out
    (its own table was protected with it hidden). `protect`: further cells that must not
    be worked out."""
    t = system.threshold
    values = matrix(table.frame, table.columns)
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
    placed = Placed(start, len(table.columns))
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


def _place_grouping(
    system: System, table: Table, grouping: Grouping, placed: Placed, values: FloatArray
) -> None:
    """A grouping's relations: each unit in its atom (the finest cross-classification),
    each aggregate row = the sum of its atoms, and = the sum of its rows one level finer."""
    t = system.threshold
    frame = table.frame.with_row_index("_i")
    dims = grouping.dimensions
    units = frame.filter(pl.col(grouping.column) == grouping.unit)
    atoms = units.select(*dims).unique(maintain_order=True)
    atom_of = row_pairs(units, atoms, dims)  # (unit position, atom)
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
    atom_cells = Placed(atom_start, width)
    # (total rows, part ids, their cells' rows in `placed` or None for atoms, pairs)
    sums: list[tuple[IntArray, IntArray | None, tuple[IntArray, IntArray]]] = []
    levels = {level: frame.filter(pl.col(grouping.column) == level) for level in grouping.levels}
    for level, rows in levels.items():
        by = grouping.levels[level]
        row_ids = rows["_i"].to_numpy().astype(np.int64)
        sums.append((row_ids, None, row_pairs(rows, atoms, by)))
        for finer, finer_rows in levels.items():
            finer_by = grouping.levels[finer]
            if set(by) < set(finer_by) and len(finer_by) == len(by) + 1:
                finer_ids = finer_rows["_i"].to_numpy().astype(np.int64)
                sums.append((row_ids, finer_ids, row_pairs(rows, finer_rows, by)))
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


def _place_link(system: System, table: Table, link: Link, detail: Table, placed: Placed) -> None:
    """The detail, fixed, and each row of `table` = the sum of its detail rows."""
    at = place(system, detail)
    rows = detail.frame.with_row_index("_d")
    if link.distinct:
        rows = rows.unique(subset=list(link.distinct), keep="first", maintain_order=True)
    detail_ids = rows["_d"].to_numpy().astype(np.int64)
    owner, part = row_pairs(table.frame, rows, link.by)
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


def _within_row(
    system: System, start: int, rows: IntArray, columns: Sequence[str], values: FloatArray
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
    system: System,
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


def _bounds(table: Table, values: FloatArray, threshold: int) -> tuple[FloatArray, FloatArray]:
    """What an attacker knows each cell of `table` holds: its value when known (shown,
    worked out, zero), else 0..t-1 for "<5", 0 or more for "x" or unseen."""
    value = np.nan_to_num(values)
    known = table.known | (value == 0) | np.isnan(values)
    low = np.where(known, value, 0.0)
    high = np.where(known, value, np.where(table.states == State.SMALL, threshold - 1.0, np.inf))
    return low, high
