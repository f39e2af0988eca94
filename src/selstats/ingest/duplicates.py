"""Rows that repeat a key within one file.

Two rows for the same candidate and step would make counts and lists depend on which
row happens to win; the import refuses them and names both rows.
"""

from __future__ import annotations

import polars as pl

from selstats.domain.keys import key_hash
from selstats.ingest.columns import TableSpec
from selstats.ingest.grid import ROW
from selstats.ingest.problems import MAX_PROBLEMS_PER_KIND, Code, Problem, too_many


def duplicate_keys(frame: pl.DataFrame, spec: TableSpec, file: str) -> list[Problem]:
    """Every row whose key was already on an earlier row (rows with a missing or bad key
    part are left to their own problems)."""
    keys = list(spec.key)
    complete = frame.filter(pl.all_horizontal([pl.col(k).is_not_null() for k in keys]))
    # Rows with the same key have the same hash. Counting distinct 64-bit hashes is much
    # cheaper than grouping the key columns themselves, and when every row's hash is its
    # own no key repeats; otherwise only the rows sharing a hash are compared by key.
    hashed = key_hash(complete, keys)
    if hashed.n_unique() == complete.height:
        return []
    complete = complete.filter(hashed.is_duplicated())
    repeats = complete.with_columns(pl.col(ROW).min().over(keys).alias("__first")).filter(
        pl.col(ROW) != pl.col("__first")
    )
    if repeats.height == 0:
        return []
    shown = repeats.select(
        pl.col(ROW),
        pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator=", ").alias("v"),
        pl.col("__first"),
    ).sort(ROW)
    column = ", ".join(keys)
    more = shown.height - MAX_PROBLEMS_PER_KIND
    tail = [too_many(file, Code.DUPLICATE_KEY, column, more)] if more > 0 else []
    return tail + [
        Problem(
            file=file,
            row=row,
            column=column,
            value=value,
            code=Code.DUPLICATE_KEY,
            params={"first_row": first},
        )
        for row, value, first in shown.head(MAX_PROBLEMS_PER_KIND).iter_rows()
    ]
