"""The numpy arrays the disclosure control computes on: their types, a frame's counts as a
matrix, and the pairs of rows two frames have in common."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import polars as pl

IntArray: TypeAlias = npt.NDArray[np.int64]
FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]


def matrix(frame: pl.DataFrame, columns: Sequence[str]) -> FloatArray:
    """The counts as a rows x columns float matrix, null as NaN."""
    if not columns or frame.height == 0:
        return np.zeros((frame.height, len(columns)))
    return frame.select(pl.col(c).cast(pl.Float64) for c in columns).to_numpy().astype(float)


def row_pairs(
    left: pl.DataFrame, right: pl.DataFrame, on: Sequence[str]
) -> tuple[IntArray, IntArray]:
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
