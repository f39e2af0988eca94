"""What a user sees of a protected table: each count as text by its state (the number, "<5"
or "x"), the rates resting on a hidden count null, the columns of exact detail null."""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from selstats.access.disclosure.table import State, Table
from selstats.figures import Privacy, catalogue

SECONDARY_LABEL: Final = "x"


def without_exact(frame: pl.DataFrame) -> pl.DataFrame:
    """The columns of exact detail (`privacy = "exact"`) null."""
    exact = catalogue().with_privacy(frame.columns, Privacy.EXACT)
    return frame.with_columns(pl.lit(None, dtype=frame.schema[c]).alias(c) for c in exact)


def present(table: Table, threshold: int) -> pl.DataFrame:
    """The frame a user sees: the query's columns, each count as text by its state, the
    rates on a hidden count and the columns of exact detail null."""
    figures = catalogue()
    frame = without_exact(table.frame.select(table.output))
    hidden: dict[str, npt.NDArray[np.bool_]] = {}
    texts: list[pl.Series] = []
    label = f"<{threshold}"
    for i, c in enumerate(table.columns):
        if c not in table.output:
            continue
        state = table.states[:, i]
        values = frame[c]
        text = values.cast(pl.String).to_numpy().astype(object)
        text[state == State.SMALL] = label
        text[(state == State.SECONDARY) | (state == State.COMPLEMENT)] = SECONDARY_LABEL
        text[values.is_null().to_numpy()] = None
        texts.append(pl.Series(c, text.tolist(), dtype=pl.String))
        hidden[c] = state != State.SHOWN
    rates: list[pl.Expr] = []
    for name in figures.with_privacy(frame.columns, Privacy.RATE):
        on = [hidden[c] for c in figures[name].ratio or () if c in hidden]
        if on:
            mask = pl.Series(np.logical_or.reduce(on))
            rates.append(
                pl.when(pl.lit(mask))
                .then(pl.lit(None, dtype=frame.schema[name]))
                .otherwise(pl.col(name))
                .alias(name)
            )
    return frame.with_columns(*texts, *rates)
