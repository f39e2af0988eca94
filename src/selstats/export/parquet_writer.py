"""Parquet: pyarrow's ParquetWriter, fixed-size row groups whatever the input batching."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

ROW_GROUP_ROWS = 131_072
COMPRESSION = "zstd"


def write_parquet_batches(
    batches: Iterable[pa.RecordBatch], schema: pa.Schema, out: BinaryIO
) -> None:
    """Write the batches as row groups of exactly ROW_GROUP_ROWS rows (the last one shorter).

    Batches are buffered until a row group is full, so memory stays at about two row groups,
    and the file's bytes do not depend on how the input was split into batches.
    Values are not guarded: Parquet is data, not a spreadsheet.
    """
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    with pq.ParquetWriter(out, schema, compression=COMPRESSION) as writer:
        for batch in batches:
            if batch.num_rows == 0:
                continue
            pending.append(batch)
            pending_rows += batch.num_rows
            if pending_rows < ROW_GROUP_ROWS:
                continue
            table = pa.Table.from_batches(pending, schema=schema)
            full = pending_rows - pending_rows % ROW_GROUP_ROWS
            for offset in range(0, full, ROW_GROUP_ROWS):
                _write_group(writer, table.slice(offset, ROW_GROUP_ROWS))
            rest = table.slice(full)
            pending = rest.to_batches() if rest.num_rows else []
            pending_rows = rest.num_rows
        if pending_rows:
            _write_group(writer, pa.Table.from_batches(pending, schema=schema))


def _write_group(writer: pq.ParquetWriter, table: pa.Table) -> None:
    # One contiguous chunk per column, so page boundaries do not follow the input batches.
    writer.write_table(table.combine_chunks(), row_group_size=ROW_GROUP_ROWS)
