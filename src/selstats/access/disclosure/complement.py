"""The complement check of filters: for each sidebar filter the user has set, the same
query with that filter opened (`opened_filters`); a cell whose row there shows 1 to t-1
more people would give them away by subtraction, so it is hidden (`small_complement`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, TypeAlias

import numpy as np
import polars as pl

from selstats.access.disclosure.arrays import BoolArray, matrix, row_pairs
from selstats.access.disclosure.table import Table

# sidebar filter -> its query parameters; opening it = no restriction on it
FILTER_DIMENSIONS: Final[dict[str, tuple[str, ...]]] = {
    "years": ("year_from", "year_to"),
    "governments": ("govs",),
    "organisations": ("orgs",),
    "levels": ("levels",),
    "procedures": ("procs",),
}

Params: TypeAlias = Mapping[str, object]


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


def small_complement(
    raw: pl.DataFrame, other: Table, keys: Sequence[str], counts: Sequence[str], threshold: int
) -> BoolArray:
    """The cells of `raw` whose row, in `other` (the same query with a filter opened, as
    its user sees it), shows 1..t-1 more people: subtracting would give them away."""
    mask = np.zeros((raw.height, len(counts)), bool)
    if other.frame.height == 0 or raw.height == 0:
        return mask
    mine, theirs = row_pairs(raw, other.frame, keys)
    if mine.size == 0:
        return mask
    here = matrix(raw, counts)[mine]
    columns = [other.columns.index(c) for c in counts]
    there = matrix(other.frame, other.columns)[theirs][:, columns]
    known = other.known[theirs][:, columns]
    difference = there - here
    small = known & (difference >= 1) & (difference <= threshold - 1)
    mask[mine] |= small
    return mask
