"""Turn what the writers receive (a frame, Arrow record batches) into bounded slices."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import polars as pl
import pyarrow as pa

BATCH_ROWS = 100_000
"""The most rows a writer holds at once (bigger frames and batches are sliced, zero-copy)."""

_FLAT_TEXT_TYPES = (pl.String, pl.Categorical, pl.Enum)


LIST_SEPARATOR = ", "


def _is_list(dtype: pl.DataType) -> bool:
    if not isinstance(dtype, (pl.List, pl.Array)):
        return False
    inner = dtype.inner
    return inner is not None and (
        inner.is_numeric()
        or inner.is_temporal()
        or isinstance(inner, (*_FLAT_TEXT_TYPES, pl.Boolean, pl.Null))
    )


def flat_schema(schema: pl.Schema) -> pl.Schema:
    """`schema` as `flatten_lists` gives it: lists of plain values become text."""
    return pl.Schema({n: pl.String() if _is_list(d) else d for n, d in schema.items()})


def flatten_lists(frame: pl.DataFrame) -> pl.DataFrame:
    """A cell of a CSV or a spreadsheet holds one value: a list of plain values (the funnel's
    kinds of step, `["interview", "written"]`) is written as its elements joined by ", "
    (`interview, written`; an empty list an empty text, a missing list stays missing; nulls
    inside a list are left out). Structs and other nested types stay (`check_flat` refuses
    them)."""
    exprs = [
        (pl.col(name).arr.to_list() if isinstance(dtype, pl.Array) else pl.col(name))
        .cast(pl.List(pl.String))
        .list.drop_nulls()
        .list.join(LIST_SEPARATOR)
        .alias(name)
        for name, dtype in frame.schema.items()
        if _is_list(dtype)
    ]
    return frame.with_columns(exprs) if exprs else frame


def check_flat(schema: pl.Schema, fmt: str) -> None:
    """Reject columns a spreadsheet cell cannot hold (lists, structs, binary, objects)."""
    bad = [
        f"{name} ({dtype})"
        for name, dtype in schema.items()
        if not (
            dtype.is_numeric()
            or dtype.is_temporal()
            or isinstance(dtype, (*_FLAT_TEXT_TYPES, pl.Boolean, pl.Null))
        )
    ]
    if bad:
        raise TypeError(f"cannot export to {fmt}: unsupported column type(s) {', '.join(bad)}")


def frame_slices(frame: pl.DataFrame, rows: int = BATCH_ROWS) -> Iterator[pl.DataFrame]:
    yield from frame.iter_slices(rows)


def batch_slices(
    batches: Iterable[pa.RecordBatch], rows: int = BATCH_ROWS
) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        if batch.num_rows <= rows:
            yield batch
        else:
            for offset in range(0, batch.num_rows, rows):
                yield batch.slice(offset, rows)


def to_polars(batch: pa.RecordBatch) -> pl.DataFrame:
    frame = pl.from_arrow(batch)
    assert isinstance(frame, pl.DataFrame)
    return frame


def polars_schema(schema: pa.Schema) -> pl.Schema:
    empty = pl.from_arrow(schema.empty_table())
    assert isinstance(empty, pl.DataFrame)
    return empty.schema


@dataclass
class ArrowSource:
    """Record batches with their schema known up front (None when there are neither)."""

    schema: pa.Schema | None
    batches: Iterator[pa.RecordBatch]


def arrow_source(batches: Iterable[pa.RecordBatch] | pa.RecordBatchReader) -> ArrowSource:
    if isinstance(batches, pa.RecordBatchReader):
        return ArrowSource(batches.schema, iter(batches))
    it = iter(batches)
    first = next(it, None)
    if first is None:
        return ArrowSource(None, iter(()))
    return ArrowSource(first.schema, itertools.chain([first], it))


class RowCounter:
    """Counts rows as a writer consumes them and reports each finished slice to `progress`."""

    def __init__(self, progress: Callable[[int], None] | None = None) -> None:
        self.rows = 0
        self._progress = progress

    def frames(self, frames: Iterable[pl.DataFrame]) -> Iterator[pl.DataFrame]:
        for frame in frames:
            yield frame
            self._done(frame.height)

    def batches(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield batch
            self._done(batch.num_rows)

    def _done(self, rows: int) -> None:
        # Runs when the writer asks for the next slice, i.e. after it wrote this one.
        self.rows += rows
        if self._progress is not None and rows:
            self._progress(rows)
