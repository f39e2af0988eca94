"""A row's key as one 64-bit number, for grouping and matching keys fast (the import's
duplicate keys, the rules engine's candidates). Two keys may share a number: callers that
must not confuse them compare the key columns of rows that do."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl


def key_hash(frame: pl.DataFrame, keys: Sequence[str]) -> pl.Series:
    """The hash of each row's `keys` (the same key, the same hash). Each column is hashed
    with its own seed and the hashes combined: a third of the work of hashing the rows as
    structs, and (the seeds differing) `a, b` and `b, a` do not cancel out."""
    combined = pl.lit(0, dtype=pl.UInt64)
    for seed, key in enumerate(keys, start=1):
        combined = combined ^ pl.col(key).hash(seed=seed)
    return frame.select(combined.alias("key_hash")).get_column("key_hash")
