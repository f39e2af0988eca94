"""Relations within a row: the sums the figure catalogue declares (`sum_of`, e.g.
`sat = passed + failed + cut_off`) and every relation they imply by substitution
(`row_sums`); the declared sums a row determines without showing them (`extended_columns`),
and those sums computed (`with_sums`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import polars as pl

from selstats.figures import catalogue


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


def with_sums(raw: pl.DataFrame, extra: Sequence[str]) -> pl.DataFrame:
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
