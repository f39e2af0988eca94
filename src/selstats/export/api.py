"""The entry points: a frame or a stream of Arrow batches to CSV, XLSX or Parquet."""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import polars as pl
import pyarrow as pa

from selstats.export.csv_writer import write_csv_frames
from selstats.export.formats import PLAIN_CSV, CsvDialect, Format, check_format
from selstats.export.parquet_writer import write_parquet_batches
from selstats.export.presented import Presentation
from selstats.export.sources import (
    ArrowSource,
    RowCounter,
    arrow_source,
    batch_slices,
    check_flat,
    flat_schema,
    flatten_lists,
    frame_slices,
    polars_schema,
    to_polars,
)
from selstats.export.xlsx_writer import write_xlsx_frames

log = logging.getLogger(__name__)

DEFAULT_SHEET = "selstats"


@contextlib.contextmanager
def _target(out: BinaryIO | Path | str) -> Iterator[BinaryIO]:
    """A binary stream for `out`. A path is written as `<name>.part` and renamed when
    complete, so a failed export never leaves a truncated file under the real name."""
    if not isinstance(out, (str, os.PathLike)):
        yield out
        return
    path = Path(out)
    part = path.with_name(path.name + ".part")
    try:
        with part.open("wb") as stream:
            yield stream
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)


def write_frame(
    frame: pl.DataFrame,
    out: BinaryIO | Path,
    fmt: Format,
    dialect: CsvDialect = PLAIN_CSV,
    sheet_name: str = DEFAULT_SHEET,
    presentation: Presentation | None = None,
) -> int:
    """Write `frame` and return the number of rows: values and column order as they are,
    or, with a `presentation`, as its reader reads them (labels, translated codes, XLSX
    cells formatted per figure; `selstats.export.presented`). In CSV and XLSX a list is
    written as its elements joined by ", "; Parquet keeps it a list."""
    fmt = check_format(fmt)
    if presentation is not None:
        frame = presentation.frame(frame, fmt)
    if fmt == "parquet":
        return write_batches(frame.to_arrow(), out, fmt)
    frame = flatten_lists(frame)
    return _write_frames(
        frame_slices(frame), frame.schema, out, fmt, dialect, sheet_name, None, presentation
    )


def write_batches(
    batches: Iterable[pa.RecordBatch] | pa.RecordBatchReader | pa.Table,
    out: BinaryIO | Path,
    fmt: Format,
    dialect: CsvDialect = PLAIN_CSV,
    sheet_name: str = DEFAULT_SHEET,
    progress: Callable[[int], None] | None = None,
    presentation: Presentation | None = None,
) -> int:
    """Stream Arrow record batches to `out` in bounded memory; return the number of rows.
    With a `presentation`, each slice is written as its reader reads it (`write_frame`).

    Batches are consumed one at a time (those over BATCH_ROWS rows are sliced), e.g.
    `con.sql(q, params=...).to_arrow_reader(100_000)`. `progress(n)` is called after each
    slice with the n rows just written (an increment, as `tqdm.update` takes).
    An empty iterable (no schema) gives an empty CSV, an XLSX with an empty sheet, and is an
    error for Parquet; an empty RecordBatchReader gives the header / schema only.
    """
    fmt = check_format(fmt)
    if isinstance(batches, pa.Table):
        batches = batches.to_reader()
    source = arrow_source(batches)
    if fmt == "parquet":
        if presentation is not None:
            source = _presented_arrow(source, presentation)
        return _write_parquet(source, out, progress)

    def shown(frame: pl.DataFrame) -> pl.DataFrame:
        if presentation is not None:
            frame = presentation.frame(frame, fmt)
        return flatten_lists(frame)

    frames: Iterator[pl.DataFrame] = (shown(to_polars(b)) for b in batch_slices(source.batches))
    first = next(frames, None)
    if first is not None:
        # The first slice's schema: building an empty frame from the Arrow schema would
        # make pyarrow import pandas (a second's start-up in the CLI).
        schema = first.schema
        frames = itertools.chain([first], frames)
    elif source.schema is not None:
        schema = shown(polars_schema(source.schema).to_frame()).schema
    else:
        schema = pl.Schema()
    return _write_frames(frames, schema, out, fmt, dialect, sheet_name, progress, presentation)


def _presented_arrow(source: ArrowSource, presentation: Presentation) -> ArrowSource:
    """Parquet batches as the reader reads them (labels, translated codes, lists kept)."""
    if source.schema is None:
        return source
    tables: Iterator[pa.Table] = (
        presentation.frame(to_polars(batch), "parquet").to_arrow()
        for batch in batch_slices(source.batches)
    )
    first = next(tables, None)
    if first is not None:  # the first slice's schema (see write_batches: no pandas import)
        schema = first.schema
        tables = itertools.chain([first], tables)
    else:
        empty = presentation.frame(polars_schema(source.schema).to_frame(), "parquet")
        schema = empty.to_arrow().schema

    def batches() -> Iterator[pa.RecordBatch]:
        for table in tables:
            yield from table.cast(schema).to_batches()

    return ArrowSource(schema, batches())


def to_bytes(
    frame: pl.DataFrame,
    fmt: Format,
    dialect: CsvDialect = PLAIN_CSV,
    presentation: Presentation | None = None,
    sheet_name: str = DEFAULT_SHEET,
) -> bytes:
    """The file's content in memory, for `st.download_button(data=...)`."""
    buffer = io.BytesIO()
    write_frame(frame, buffer, fmt, dialect, sheet_name, presentation)
    return buffer.getvalue()


def check_exportable(schema: pl.Schema, fmt: Format) -> None:
    """Raise TypeError if columns of `schema` cannot be written as `fmt`, without writing:
    what the writer checks first, so a page can say so before anyone clicks. A presentation
    changes no column's kind (codes and yes/no become text, lists stay lists), so the check
    holds for the labelled file too. Parquet holds any column but a Python object."""
    fmt = check_format(fmt)
    if fmt == "parquet":
        objects = [name for name, dtype in schema.items() if isinstance(dtype, pl.Object)]
        if objects:
            raise TypeError(f"cannot export to parquet: Python object column(s) {objects}")
        return
    check_flat(flat_schema(schema), fmt)


def _write_frames(
    frames: Iterable[pl.DataFrame],
    schema: pl.Schema,
    out: BinaryIO | Path,
    fmt: Format,
    dialect: CsvDialect,
    sheet_name: str,
    progress: Callable[[int], None] | None,
    presentation: Presentation | None = None,
) -> int:
    counter = RowCounter(progress)
    started = time.perf_counter()
    with _target(out) as stream:
        if fmt == "csv":
            write_csv_frames(counter.frames(frames), schema, stream, dialect)
        else:
            write_xlsx_frames(
                counter.frames(frames), schema, stream, sheet_name, presentation=presentation
            )
    _log_done(fmt, counter.rows, out, started)
    return counter.rows


def _write_parquet(
    source: ArrowSource, out: BinaryIO | Path, progress: Callable[[int], None] | None
) -> int:
    if source.schema is None:
        raise ValueError("cannot write Parquet without a schema: no record batch was given")
    counter = RowCounter(progress)
    started = time.perf_counter()
    with _target(out) as stream:
        write_parquet_batches(counter.batches(batch_slices(source.batches)), source.schema, stream)
    _log_done("parquet", counter.rows, out, started)
    return counter.rows


def _log_done(fmt: str, rows: int, out: object, started: float) -> None:
    target = out if isinstance(out, (str, os.PathLike)) else type(out).__name__
    log.info(
        "exported %d rows as %s to %s in %.2f s", rows, fmt, target, time.perf_counter() - started
    )
