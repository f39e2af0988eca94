"""Unit rows: which rows of a query no other row sums (one procedure step, procedure, list
or organisation each; `unit_rows`), and their protection, each row on its own by its row
sums only (`protect_rows`), so that the same unit is hidden alike in every query that
shows it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import polars as pl

from selstats.access.disclosure.arrays import BoolArray, FloatArray, IntArray
from selstats.access.disclosure.row_sums import row_sums
from selstats.access.disclosure.secondary import MAX_ROUNDS
from selstats.access.disclosure.shapes import Shape

ROW_BOUND_PASSES: Final = 6  # within a row, ranges carried from relation to relation


def unit_rows(raw: pl.DataFrame, shape: Shape | None) -> BoolArray:
    """The rows no other row of the query sums: every row of a query without a shape,
    none of one whose rows are linked totals, the `grouping.unit` rows of a grouping."""
    if shape is None:
        return np.ones(raw.height, bool)
    if shape.grouping is None:
        return np.zeros(raw.height, bool)
    grouping = shape.grouping
    return (raw[grouping.column] == grouping.unit).fill_null(False).to_numpy().astype(bool)


def protect_rows(
    values: FloatArray, columns: Sequence[str], threshold: int
) -> tuple[BoolArray, BoolArray]:
    """The secondary cells of rows that no other row sums (one procedure step each), each
    row on its own, by its row sums only (`row_sums`): the method of `System.solve` for
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
        # the relations that expose it (as in `Graph.covers`): worked out, the one that gave
        # it and each whose other cells are all shown; pinned by ranges, each it is in
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
