"""CSV text as Belgian offices write it, into a raw grid of text cells.

Files come from Excel in whatever locale the PC has: `;` or `,` separators, UTF-8 with
or without BOM, Windows-1252, sometimes UTF-16. The common case is parsed by polars in
Rust (a million rows in well under a second); only files with cells that span lines fall
back to Python's csv module, which numbers records the way a spreadsheet shows them.

Bytes that are not one text are refused with the line they are on: a file pasted together
from a UTF-8 and a Windows-1252 export (which would store "LiÃ¨ge"), and a NUL character
anywhere in the file (binary data), not only in the first 8 KB the guard looks at.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator

import numpy as np
import polars as pl

from selstats.ingest.grid import ROW, RawGrid, ReadError
from selstats.ingest.problems import Code, Problem

log = logging.getLogger(__name__)

SEPARATORS = (";", ",", "\t")  # in order of preference on a tie
_SEP_LINE = re.compile(r'"?sep=([;,\t|])"?[ ;,\t]*\n')
# The csv module stops at 128 KB per cell and says only "field larger than field limit",
# which would read as a quoting problem; a long cell is reported as such by the reader
# (selstats.ingest.readers.MAX_CELL_CHARS), so the module may read any cell the file holds.
csv.field_size_limit(2**31 - 1)

UTF8, CP1252 = "UTF-8", "Windows-1252"
# One character of two to four bytes as UTF-8 writes it (RFC 3629); Windows-1252 text
# almost never holds such a pair, so finding one in a file that is not UTF-8 says that
# part of it is.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (BOM or not) strictly, else Windows-1252; UTF-16 by its BOM.

    Strict UTF-8 first because cp1252 accepts almost any byte: trying it first would
    turn every UTF-8 "é" into "Ã©" without complaint. A file that is partly one and partly
    the other is refused (`mixed_encoding`), naming its first line in the minority one.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(Code.BAD_ENCODING) from exc
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if bom or _UTF8_SEQUENCE.search(data):
        _refuse_mixed(data, bom)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ReadError(Code.BAD_ENCODING) from exc


def _refuse_mixed(data: bytes, bom: bool) -> None:
    """Raise `mixed_encoding` when some lines are UTF-8 and others are not.

    Only lines with non-ASCII bytes say anything. The file's encoding is the one most of
    them are in (UTF-8 on a tie or when the file starts with a UTF-8 BOM); the problem
    names the first line in the other one. A line that holds UTF-8 characters and bytes
    that are not UTF-8 is mixed on its own. Pure Windows-1252 passes.
    """
    first: dict[str, int] = {}
    count = {UTF8: 0, CP1252: 0}
    for number, line in enumerate(data.splitlines(), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            if _UTF8_SEQUENCE.search(line):
                log.info("line %d mixes UTF-8 and other bytes", number)
                raise ReadError(
                    Code.MIXED_ENCODING, row=number, found=CP1252, expected=UTF8
                ) from None
            kind = CP1252
        else:
            kind = UTF8
        count[kind] += 1
        first.setdefault(kind, number)
    if not (count[UTF8] and count[CP1252]):
        if bom and count[CP1252]:  # a UTF-8 BOM on Windows-1252 text: read it as it is
            log.info("a UTF-8 BOM before Windows-1252 text")
        return
    main = UTF8 if bom or count[UTF8] >= count[CP1252] else CP1252
    other = CP1252 if main == UTF8 else UTF8
    log.info("mixed encodings: %d UTF-8 and %d Windows-1252 lines", count[UTF8], count[CP1252])
    raise ReadError(Code.MIXED_ENCODING, row=first[other], found=other, expected=main)


def _refuse_nul(text: str) -> None:
    """A NUL character anywhere: binary data, named by its line."""
    at = text.find("\0")
    if at >= 0:
        raise ReadError(Code.NUL_BYTE, row=text.count("\n", 0, at) + 1)


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
    for line in _first_lines(text, 50):
        if line.strip().strip(";,\t"):
            bare = _unquoted(line)
            counts = {sep: bare.count(sep) for sep in SEPARATORS}
            best = max(SEPARATORS, key=lambda s: counts[s])  # max keeps the first on ties
            return best if counts[best] else ";"
    return ";"


def _first_lines(text: str, count: int) -> Iterator[str]:
    """The first `count` lines of `text` (as `text.split("\n")[:count]` gives them),
    without copying the rest of a large file."""
    start = 0
    for _ in range(count):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


# Every character polars' `strip_chars` takes off (Rust's `char::is_whitespace`) but the line
# end, in UTF-8; `\xe2\x80` stands for U+2000-U+200A, U+2028, U+2029 and U+202F, and for
# more (typographic quotes and dashes: such a file is then trimmed as any other).
_ASCII_BLANKS = (b" ", b"\t", b"\x0b", b"\x0c", b"\r")
_BLANKS = (
    *_ASCII_BLANKS,
    b"\xc2\x85",  # U+0085
    b"\xc2\xa0",  # U+00A0, the no-break space
    b"\xe1\x9a\x80",  # U+1680
    b"\xe2\x80",  # U+2000-U+203F
    b"\xe2\x81\x9f",  # U+205F
    b"\xe3\x80\x80",  # U+3000
)


def has_blanks(encoded: bytes) -> bool:
    """Whether the UTF-8 text holds a character that trimming a cell could take off (the
    line end aside). Without any, and with every record on one line, no cell needs it."""
    return any(blank in encoded for blank in (_ASCII_BLANKS if encoded.isascii() else _BLANKS))


def _fast_grid(text: str, sep: str, encoded: bytes) -> pl.DataFrame | None:
    """Parse with polars when every line is one record; None when some cell spans lines
    (an odd number of quotes on a line) or polars disagrees with the line count.
    `encoded`: the text as UTF-8."""
    if text and '"' not in text:
        # No quotes, so no cell spans lines: the records are the lines. Their widest is
        # usually as wide as the first lines; polars refuses a wider one, and the widths
        # of all lines are then counted.
        n_lines = encoded.count(b"\n") + (0 if encoded.endswith(b"\n") else 1)
        guess = max(line.count(sep) for line in text[:8192].split("\n")) + 1
        frame = _polars_grid(encoded, sep, guess, quoted=False)
        if frame is None:
            frame = _polars_grid(encoded, sep, _most_cells(encoded, sep), quoted=False)
    else:
        lines = pl.Series("line", [text]).str.split("\n").explode()
        if text.endswith("\n"):
            lines = lines.head(len(lines) - 1)
        if len(lines) == 0:
            return pl.DataFrame({ROW: pl.Series([], dtype=pl.Int64)})
        quotes = lines.str.count_matches('"', literal=True)
        if bool((quotes % 2 == 1).any()):
            return None
        bare = lines.str.replace_all(r'"[^"]*"', "") if bool((quotes > 0).any()) else lines
        n_lines = len(lines)
        width = int(bare.str.count_matches(sep, literal=True).max() or 0) + 1  # type: ignore[arg-type]
        frame = _polars_grid(encoded, sep, width, quoted=True)
    if frame is None:
        log.info("fast CSV path declined; using the csv module")
        return None
    if frame.height != n_lines:
        log.info("fast CSV path row count mismatch; using the csv module")
        return None
    return frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(ROW))


def _polars_grid(encoded: bytes, sep: str, width: int, *, quoted: bool) -> pl.DataFrame | None:
    """The text cells of `width` columns, or None when polars cannot read the bytes (a
    record wider than `width` among them). An empty cell is null, unless it is quoted
    (`""` stays an empty text: the layout empties it). `quoted`: the text has quotes."""
    schema = {f"c{i}": pl.String for i in range(width)}
    try:
        return pl.read_csv(
            encoded,
            separator=sep,
            has_header=False,
            schema=schema,
            missing_columns="insert",
            quote_char='"' if quoted else None,
            empty_string_is_null=True,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        log.info("polars declined the CSV text at %d columns (%s)", width, type(exc).__name__)
        return None


def _most_cells(encoded: bytes, sep: str) -> int:
    """The most cells on one line of text without quotes, from the positions of its line
    ends and separators (both one ASCII byte in UTF-8, never part of another character)."""
    data = np.frombuffer(encoded, dtype=np.uint8)
    ends = np.flatnonzero(data == ord("\n"))
    if not encoded.endswith(b"\n"):  # the last line has no line end of its own
        ends = np.append(ends, len(data))
    separators = np.flatnonzero(data == ord(sep))
    per_line = np.diff(np.searchsorted(separators, ends), prepend=0)
    return int(per_line.max()) + 1


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
    text = decoded = decode(data)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    _refuse_nul(text)
    declared = _SEP_LINE.match(text)
    if declared:  # Excel's "sep=;" first line: obeyed, and blanked so it is not the header
        sep = declared.group(1)
        text = text[declared.end() - 1 :]  # keep the newline: row numbers stay as in Excel
    text = _blank_leading_comments(text)
    if not declared:
        sep = sniff_separator(text)
    # ASCII bytes read as they are are the text's UTF-8 already: not encoded again.
    encoded = data if text is decoded and data.isascii() else text.encode("utf-8")
    frame = _fast_grid(text, sep, encoded)
    problems: list[Problem] = []
    # A cell of the fast path never spans lines, so a text without blanks has no cell to
    # trim (the csv module's cells may hold a line end inside quotes: those are trimmed);
    # without quotes either, polars has made every empty cell null already.
    trimmed = frame is not None and b'"' not in encoded and not has_blanks(encoded)
    if frame is None:
        frame, problems = _slow_grid(text, sep, file)
    labels = [str(i + 1) for i in range(frame.width - 1)]
    log.debug("CSV %s: separator %r, %d rows", file, sep, frame.height)
    return RawGrid(frame=frame, labels=labels, source="csv", problems=problems, trimmed=trimmed)
