"""CSV text as Belgian offices write it, into a raw grid of text cells.

Files come from Excel in whatever locale the PC has: `;` or `,` separators, UTF-8 with
or without BOM, Windows-1252, sometimes UTF-16. The common case is parsed by polars in
Rust (a million rows in well under a second); only files with cells that span lines fall
back to Python's csv module, which numbers records the way a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
import logging
import re

import polars as pl

from selstats.ingest.grid import ROW, RawGrid, ReadError
from selstats.ingest.problems import Code, Problem

log = logging.getLogger(__name__)

SEPARATORS = (";", ",", "\t")  # in order of preference on a tie
_SEP_LINE = re.compile(r'"?sep=([;,\t|])"?[ ;,\t]*\n')


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (BOM or not) strictly, else Windows-1252; UTF-16 by its BOM.

    Strict UTF-8 first because cp1252 accepts almost any byte: trying it first would
    turn every UTF-8 "é" into "Ã©" without complaint.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(Code.BAD_ENCODING) from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ReadError(Code.BAD_ENCODING) from exc


def _unquoted(line: str) -> str:
    out, inside = [], False
    for ch in line:
        if ch == '"':
            inside = not inside
        elif not inside:
            out.append(ch)
    return "".join(out)


def sniff_separator(text: str) -> str:
    """The separator of the header line: the most frequent of `;`, `,` and tab outside
    quotes. The header decides because it holds names, never decimal commas."""
    for line in text.split("\n", 50)[:50]:
        if line.strip().strip(";,\t"):
            bare = _unquoted(line)
            counts = {sep: bare.count(sep) for sep in SEPARATORS}
            best = max(SEPARATORS, key=lambda s: counts[s])  # max keeps the first on ties
            return best if counts[best] else ";"
    return ";"


def _fast_grid(text: str, sep: str) -> pl.DataFrame | None:
    """Parse with polars when every line is one record; None when some cell spans lines
    (an odd number of quotes on a line) or polars disagrees with the line count."""
    lines = pl.Series("line", [text]).str.split("\n").explode()
    if text.endswith("\n"):
        lines = lines.head(len(lines) - 1)
    if len(lines) == 0:
        return pl.DataFrame({ROW: pl.Series([], dtype=pl.Int64)})
    quotes = lines.str.count_matches('"', literal=True)
    if bool((quotes % 2 == 1).any()):
        return None
    bare = lines.str.replace_all(r'"[^"]*"', "") if bool((quotes > 0).any()) else lines
    width = int(bare.str.count_matches(sep, literal=True).max() or 0) + 1  # type: ignore[arg-type]
    schema = {f"c{i}": pl.String for i in range(width)}
    try:
        frame = pl.read_csv(
            text.encode("utf-8"),
            separator=sep,
            has_header=False,
            schema=schema,
            missing_columns="insert",
            quote_char='"',
            empty_string_is_null=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        log.info("fast CSV path declined (%s); using the csv module", type(exc).__name__)
        return None
    if frame.height != len(lines):
        log.info("fast CSV path row count mismatch; using the csv module")
        return None
    return frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(ROW))


def _slow_grid(text: str, sep: str, file: str) -> tuple[pl.DataFrame, list[Problem]]:
    """Record by record with the csv module: cells may span lines; a quote that never
    closes stops the reading with a problem naming the record where it opened."""
    records: list[list[str]] = []
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            log.info("CSV quoting error after record %d: %s", len(records), exc)
            problems.append(Problem(file=file, row=len(records) + 1, code=Code.BAD_QUOTES))
            break
        records.append(record)
    width = max([1, *(len(r) for r in records)])
    columns = {
        f"c{i}": pl.Series([r[i] if i < len(r) else None for r in records], dtype=pl.String)
        for i in range(width)
    }
    frame = pl.DataFrame(columns).with_columns(
        pl.int_range(1, len(records) + 1, dtype=pl.Int64).alias(ROW)
    )
    return frame, problems


# `#` lines before the header: templates and reference files explain their columns there.
_LEADING_COMMENTS = re.compile(r"\A(?:[ \t]*(?:#[^\n]*)?\n)+")


def _blank_leading_comments(text: str) -> str:
    """Comment lines before the header become empty lines, so row numbers stay as the user
    sees them in the file (empty lines are skipped, the header is the first non-empty one)."""
    found = _LEADING_COMMENTS.match(text)
    if not found:
        return text
    return "\n" * found.group(0).count("\n") + text[found.end() :]


def read_csv_grid(data: bytes, file: str) -> RawGrid:
    """The raw grid of a CSV file; raises ReadError when the bytes are not text."""
    text = decode(data)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    declared = _SEP_LINE.match(text)
    if declared:  # Excel's "sep=;" first line: obeyed, and blanked so it is not the header
        sep = declared.group(1)
        text = text[declared.end() - 1 :]  # keep the newline: row numbers stay as in Excel
    text = _blank_leading_comments(text)
    if not declared:
        sep = sniff_separator(text)
    frame = _fast_grid(text, sep)
    problems: list[Problem] = []
    if frame is None:
        frame, problems = _slow_grid(text, sep, file)
    labels = [str(i + 1) for i in range(frame.width - 1)]
    log.debug("CSV %s: separator %r, %d rows", file, sep, frame.height)
    return RawGrid(frame=frame, labels=labels, source="csv", problems=problems)
