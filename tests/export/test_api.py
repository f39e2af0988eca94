"""Formats, dialects, targets."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest

from selstats.export import (
    EXCEL_CSV,
    CsvDialect,
    file_suffix,
    media_type,
    to_bytes,
    write_batches,
    write_frame,
)

from .conftest import sample_frame


def test_media_types_and_suffixes() -> None:
    assert media_type("csv") == "text/csv"
    assert media_type("xlsx") == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert media_type("parquet") == "application/vnd.apache.parquet"
    assert [file_suffix(f) for f in ("csv", "xlsx", "parquet")] == [".csv", ".xlsx", ".parquet"]


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="json"):
        to_bytes(sample_frame(), "json")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        media_type("xls")  # type: ignore[arg-type]


def test_dialects() -> None:
    assert CsvDialect() == CsvDialect(separator=",", decimal_comma=False, bom=False)
    assert CsvDialect(separator=";", decimal_comma=True, bom=True) == EXCEL_CSV
    with pytest.raises(ValueError, match="decimal comma"):
        CsvDialect(decimal_comma=True)  # `78,75` inside a comma-separated file
    for bad in ("", ";;", '"', "\n"):
        with pytest.raises(ValueError):
            CsvDialect(separator=bad)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_to_bytes_and_paths(fmt: str, tmp_path: Path) -> None:
    data = to_bytes(sample_frame(), fmt)  # type: ignore[arg-type]
    assert data
    out = tmp_path / f"out{file_suffix(fmt)}"  # type: ignore[arg-type]
    assert write_frame(sample_frame(), out, fmt) == 9  # type: ignore[arg-type]
    if fmt != "xlsx":  # xlsx embeds its creation time
        assert out.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    # a struct: no cell holds it (a list is written joined, see test_presented)
    bad = pl.DataFrame({"ok": [1], "lst": [{"a": 1, "b": 2}]})
    with pytest.raises(TypeError, match="lst"):
        write_batches(bad.to_arrow().to_batches(), out, "xlsx")
    with pytest.raises(TypeError):
        write_frame(bad, tmp_path / "out.csv", "csv")
    assert list(tmp_path.iterdir()) == []


def test_stream_target_is_not_closed() -> None:
    buffer = io.BytesIO()
    write_frame(sample_frame(), buffer, "csv")
    write_frame(sample_frame(), buffer, "xlsx")
    assert not buffer.closed
