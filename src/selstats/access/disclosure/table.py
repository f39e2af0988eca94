"""A table as the protection sees it: the states a cell can be in (`State`) and the table
(`Table`: its counts, each cell's state, what an attacker knows, the details it rests on)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt
import polars as pl

from selstats.access.disclosure.arrays import BoolArray
from selstats.access.disclosure.shapes import Link


class State(IntEnum):
    SHOWN = 0
    SMALL = 1  # below the threshold: "<5"
    SECONDARY = 2  # hidden so that a small one cannot be worked out: "x"
    COMPLEMENT = 3  # hidden because the filter leaves out a small count: "x"
    UNSEEN = 4  # a sum this query does not return for a row no other query shows


@dataclass(frozen=True)
class Table:
    """A protected table as the system sees it: the counts (canonical column order, the
    extended ones included), each cell's state, and what it was built on."""

    name: str
    frame: pl.DataFrame  # the query's rows (raw), with the extended columns
    columns: tuple[str, ...]  # the counts, sorted
    states: npt.NDArray[np.int8]  # rows x columns
    known: BoolArray  # rows x columns: shown, or worked out from what is shown
    details: tuple[tuple[Link, Table], ...] = ()
    refused: bool = False
    output: tuple[str, ...] = ()  # the query's own columns, in its order
