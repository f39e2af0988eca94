"""CSV: polars' writer per slice, text cells guarded, one header, optional BOM."""

from __future__ import annotations

import csv
import errno
import io
from collections.abc import Iterable
from typing import BinaryIO

import polars as pl

from selstats.export.formats import CsvDialect
from selstats.export.safe import guard_text, guard_text_columns
from selstats.export.sources import check_flat

BOM = "\ufeff".encode()


def header_line(columns: Iterable[str], dialect: CsvDialect) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=dialect.separator,
        quotechar='"',
        lineterminator="\n",
        quoting=csv.QUOTE_MINIMAL,
    )
    writer.writerow([guard_text(name) for name in columns])
    return buffer.getvalue().encode()


def write_csv_frames(
    frames: Iterable[pl.DataFrame], schema: pl.Schema, out: BinaryIO, dialect: CsvDialect
) -> None:
    """Write the header for `schema`, then every frame, in order.

    Values as polars writes them: dates `yyyy-mm-dd`, datetimes ISO 8601, booleans
    `true`/`false`, nulls as empty cells (an empty string is `""`), floats in polars'
    shortest round-trip form (`80.0`, `78.75`), with a decimal comma if the dialect says so.
    Quoting only where needed (separator, quote, line breaks), quotes doubled.
    """
    check_flat(schema, "csv")
    if dialect.bom:
        out.write(BOM)
    if schema:  # no columns (an empty stream without a schema): no header line either
        out.write(header_line(schema.names(), dialect))
    for frame in frames:
        if frame.height == 0:
            continue
        try:
            guard_text_columns(frame).write_csv(
                out,
                include_header=False,
                separator=dialect.separator,
                decimal_comma=dialect.decimal_comma,
                quote_style="necessary",
                line_terminator="\n",
                null_value="",
            )
        except OSError as exc:
            if _is_closed_pipe(exc):
                raise BrokenPipeError(errno.EPIPE, str(exc)) from exc
            raise


def _is_closed_pipe(exc: OSError) -> bool:
    """polars reports a closed pipe (`selstats export ... | head`) as a bare OSError without
    errno; it is given back as Python's BrokenPipeError so callers can handle it as usual."""
    return not isinstance(exc, BrokenPipeError) and f"os error {errno.EPIPE})" in str(exc)
