"""Streaming: batches in, the same file out as `write_frame` on the whole frame."""

from __future__ import annotations

import datetime as dt
import io

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from selstats.export import EXCEL_CSV, PLAIN_CSV, CsvDialect, write_batches, write_frame
from selstats.export.parquet_writer import ROW_GROUP_ROWS
from selstats.export.sources import BATCH_ROWS

ROWS = 200_000


def big_frame(rows: int = ROWS) -> pl.DataFrame:
    """Deterministic rows with text to guard every 1000th row and nulls every 13th."""
    i = pl.int_range(rows)
    return pl.select(
        id=i,
        name=pl.when(i % 1000 == 0)
        .then(pl.format('=HYPERLINK("{}")', i))
        .otherwise(pl.format("cand, {}", i)),
        score=pl.when(i % 13 == 0).then(None).otherwise(i / 7),
        passed=i % 3 == 0,
        d=pl.lit(dt.date(2024, 1, 1)) + pl.duration(days=i % 365),
    )


def small_batches(frame: pl.DataFrame, size: int = 7_777) -> list[pa.RecordBatch]:
    return frame.to_arrow().to_batches(max_chunksize=size)


def written(frame: pl.DataFrame, fmt: str, dialect: CsvDialect = PLAIN_CSV) -> bytes:
    buffer = io.BytesIO()
    assert write_frame(frame, buffer, fmt, dialect) == frame.height  # type: ignore[arg-type]
    return buffer.getvalue()


def streamed(batches: object, fmt: str, dialect: CsvDialect = PLAIN_CSV) -> bytes:
    buffer = io.BytesIO()
    write_batches(batches, buffer, fmt, dialect)  # type: ignore[arg-type]
    return buffer.getvalue()


@pytest.mark.parametrize("dialect", [CsvDialect(), EXCEL_CSV])
def test_csv_stream_is_byte_identical(dialect: CsvDialect) -> None:
    frame = big_frame()
    whole = written(frame, "csv", dialect)
    assert streamed(small_batches(frame), "csv", dialect) == whole
    # 1 header + 200,000 rows; every 1000th name guarded (ids 0, 1000, ..., 199000: 200 rows)
    # and quoted for its quotes; the others quoted only where `,` is the separator.
    assert whole.count(b"\n") == 1 + ROWS
    assert whole.count(b'"\'=HYPERLINK(""') == 200
    assert whole.count(b'"cand, ') == (ROWS - 200 if dialect.separator == "," else 0)


def test_parquet_stream_is_byte_identical_and_lossless() -> None:
    frame = big_frame()
    whole = written(frame, "parquet")
    assert streamed(small_batches(frame), "parquet") == whole
    assert (
        streamed(
            pa.RecordBatchReader.from_batches(
                frame.to_arrow().schema, small_batches(frame, 50_001)
            ),
            "parquet",
        )
        == whole
    )
    back = pl.read_parquet(io.BytesIO(whole))
    assert back.equals(frame)  # no guarding in Parquet: data, not a spreadsheet
    meta = pq.ParquetFile(io.BytesIO(whole)).metadata
    # 200,000 = 131,072 + 68,928: fixed row groups, whatever the input batching.
    assert [meta.row_group(g).num_rows for g in range(meta.num_row_groups)] == [
        ROW_GROUP_ROWS,
        ROWS - ROW_GROUP_ROWS,
    ]


def test_xlsx_stream_equals_whole_frame() -> None:
    frame = big_frame(5_000)
    whole = pl.read_excel(io.BytesIO(written(frame, "xlsx")))
    part = pl.read_excel(io.BytesIO(streamed(small_batches(frame, 333), "xlsx")))
    assert part.equals(whole)
    assert part["name"].to_list() == frame["name"].to_list()  # literal, no `'`
    assert part["passed"].to_list() == frame["passed"].to_list()


def test_progress_reports_each_slice_as_an_increment() -> None:
    frame = big_frame()
    seen: list[int] = []
    batches = [*small_batches(frame.head(1_000), 400), *small_batches(frame.slice(1_000), 150_000)]
    rows = write_batches(batches, io.BytesIO(), "csv", progress=seen.append)
    assert rows == ROWS
    # 400 + 400 + 200, then 150,000 sliced to 100,000 + 50,000, then the last 49,000.
    assert seen == [400, 400, 200, BATCH_ROWS, 50_000, 49_000]
    assert sum(seen) == ROWS


def test_duckdb_reader_equals_the_materialised_query() -> None:
    con = duckdb.connect()
    q = (
        "select range as id, 'x' || range as name, range / 7.0 as score, "
        "date '2024-01-01' + (range % 365)::int as d, "
        "case when range % 10 = 0 then '-' || range end as note "
        "from range($n) order by range"
    )
    frame = con.sql(q, params={"n": 30_000}).pl()
    reader = con.sql(q, params={"n": 30_000}).to_arrow_reader(4_096)
    assert streamed(reader, "csv") == written(frame, "csv")
    # Parquet keeps DuckDB's Arrow types (string, not polars' large_string): same values.
    reader = con.sql(q, params={"n": 30_000}).to_arrow_reader(4_096)
    assert pl.read_parquet(io.BytesIO(streamed(reader, "parquet"))).equals(frame)
    # e.g. row 7: id 7, 'x7', 7 / 7.0 = 1.0, 2024-01-01 + 7 days, note null (7 % 10 != 0)
    lines = written(frame, "csv").decode().splitlines()
    assert lines[0] == "id,name,score,d,note"
    assert lines[1 + 7] == "7,x7,1.0,2024-01-08,"
    assert lines[1 + 10] == "10,x10,1.4285714285714286,2024-01-11,'-10"


def test_empty_inputs() -> None:
    schema = pa.schema([("a", pa.int64()), ("b", pa.string())])
    empty_reader = pa.RecordBatchReader.from_batches(schema, [])
    assert streamed(empty_reader, "csv") == b"a,b\n"
    back = pq.read_table(
        io.BytesIO(streamed(pa.RecordBatchReader.from_batches(schema, []), "parquet"))
    )
    assert back.schema == schema and back.num_rows == 0
    assert streamed([], "csv") == b""
    with pytest.raises(ValueError, match="schema"):
        streamed([], "parquet")
