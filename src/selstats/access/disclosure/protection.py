"""One query protected from start to end (`protect`): its linked details and its opened
filters first, then its unit rows each on its own, then the rest with those fixed; the
result (`Protection`) is the frame the user may see. The method is in the package's
docstring (`selstats.access.disclosure`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
import polars as pl

from selstats.access.disclosure.arrays import BoolArray, matrix
from selstats.access.disclosure.complement import Params, opened_filters, small_complement
from selstats.access.disclosure.presentation import present, without_exact
from selstats.access.disclosure.relations import place
from selstats.access.disclosure.row_sums import extended_columns, with_sums
from selstats.access.disclosure.secondary import System
from selstats.access.disclosure.shapes import SHAPES, Link, Shape
from selstats.access.disclosure.table import State, Table
from selstats.access.disclosure.unit_rows import protect_rows, unit_rows
from selstats.figures import Privacy, catalogue

Fetch: TypeAlias = Callable[[str, Params], pl.DataFrame]
Cache: TypeAlias = dict[tuple[str, tuple[tuple[str, object], ...]], "Protection"]

_log = logging.getLogger(__name__)


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
    table: Table | None = field(default=None, repr=False, compare=False)


def protect(
    name: str,
    params: Params,
    fetch: Fetch,
    threshold: int,
    cache: Cache | None = None,
) -> Protection:
    """The rows of query `name` under `params` (`fetch(name, params)`, in the user's scope)
    as a user under small-cell protection may see them; see the package's docstring.
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
        result = Protection(frame=without_exact(raw))
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
            complement |= small_complement(raw, other, shape.keys, counts, threshold)
    table = _solve(name, raw, counts, shape, details, complement, threshold)
    result = _protection(table, threshold)
    memo[key] = result
    return result


def _frozen(params: Params) -> tuple[tuple[str, object], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def _counts(frame: pl.DataFrame) -> tuple[str, ...]:
    return tuple(sorted(catalogue().with_privacy(frame.columns, Privacy.COUNT)))


def _table_of(protection: Protection) -> Table:
    if protection.table is None:  # a query without counts
        empty = (protection.frame.height, 0)
        return Table("", protection.frame, (), np.zeros(empty, np.int8), np.zeros(empty, bool))
    return protection.table


def _solve(
    name: str,
    raw: pl.DataFrame,
    counts: tuple[str, ...],
    shape: Shape | None,
    details: tuple[tuple[Link, Table], ...],
    complement: BoolArray,
    threshold: int,
) -> Table:
    """Protect one table: its unit rows each on its own, then the rest with them fixed."""
    unit = unit_rows(raw, shape)
    extra = extended_columns(counts) if unit.any() else ()
    frame = with_sums(raw, extra)
    columns = tuple(sorted((*counts, *extra)))
    values = matrix(frame, columns)
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
    table = Table(name, frame, columns, states, known, details)
    system = System(threshold)
    placed = place(system, table, free=np.broadcast_to(free, states.shape), protect=wide)
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
        return Table(name, frame, columns, states, nothing, details, True, tuple(raw.columns))
    return Table(name, frame, columns, states, known, details, False, tuple(raw.columns))


def _protection(table: Table, threshold: int) -> Protection:
    returned = [i for i, c in enumerate(table.columns) if c in table.output]
    states = table.states[:, returned]
    return Protection(
        frame=present(table, threshold),
        small=int((states == State.SMALL).sum()),
        secondary=int((states == State.SECONDARY).sum()),
        complement=int((states == State.COMPLEMENT).sum()),
        refused=table.refused,
        table=table,
    )
