"""A Parquet file into a raw grid of text cells.

Parquet columns are already typed, but they are turned into text so that one set of
column rules checks every format alike: a Parquet score of -1 is refused exactly like a
typed "-1" in a CSV file.
"""

from __future__ import annotations

import logging
from pathlib import Path

import polars as pl

from selstats.ingest.grid import ROW, RawGrid, ReadError
from selstats.ingest.problems import Code

log = logging.getLogger(__name__)

_AS_TEXT = (pl.String, pl.Categorical, pl.Enum, pl.Boolean, pl.Date, pl.Datetime, pl.Decimal)


def _as_text(series: pl.Series) -> pl.Series | None:
    """A Parquet column as text, or None when its type has no text form we can check."""
    dtype = series.dtype
    if dtype.is_numeric() or isinstance(dtype, _AS_TEXT) or dtype == pl.Null:
        return series.cast(pl.String)
    if dtype == pl.Binary:
        try:
            return series.cast(pl.String)
        except pl.exceptions.PolarsError:
            return None
    return None


def read_parquet_grid(path: Path) -> RawGrid:
    """Parquet columns as text; names come from the schema, data rows are numbered from
    2 as if a header row preceded them, like the other formats."""
    try:
        table = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        log.info("polars could not read the Parquet file: %s", type(exc).__name__)
        raise ReadError(Code.WRONG_FORMAT, expected="Parquet", found="unknown") from exc
    columns: dict[str, pl.Series] = {}
    bad_types: dict[int, str] = {}
    for i, name in enumerate(table.columns):
        text = _as_text(table[name])
        if text is None:
            bad_types[i] = str(table[name].dtype)
            text = pl.Series([None] * table.height, dtype=pl.String)
        columns[f"c{i}"] = text.alias(f"c{i}")
    frame = pl.DataFrame(list(columns.values())) if columns else pl.DataFrame()
    frame = frame.with_columns(pl.int_range(2, table.height + 2, dtype=pl.Int64).alias(ROW))
    return RawGrid(
        frame=frame,
        labels=list(table.columns),
        source="parquet",
        names=list(table.columns),
        bad_types=bad_types,
    )
