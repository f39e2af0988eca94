"""Checks made before a file is opened by a parser: is it what its extension says, and is
it small enough to open safely?

Parsers given the wrong kind of file fail with messages no user understands, and a
compressed XLSX can unpack to gigabytes (a "zip bomb"); both are caught here, before any
library reads the content: the kind from the first bytes, the size of a workbook by
unpacking it. A ZIP's headers say how large each part is, but they can lie (4 GiB of
padding declared as 9,000 bytes): the sizes are counted from what the deflate streams
really produce, stream by stream, nothing kept, stopping as soon as a limit is passed.
"""

from __future__ import annotations

import logging
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from selstats.ingest.problems import Code

log = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_CSV_BYTES = 2 * 1024 * MB  # 2 GB of text
MAX_PARQUET_BYTES = 2 * 1024 * MB
MAX_XLSX_BYTES = 100 * MB  # the file on disk
MAX_XLSX_UNPACKED_BYTES = 500 * MB  # the sum of its parts once unpacked
MAX_XLSX_RATIO = 100.0  # unpacked / packed; real workbooks stay well below
MAX_XLSX_MEMBERS = 10_000

_READ_CHUNK = 64 * 1024  # compressed bytes read at a time
_OUT_CHUNK = 1024 * 1024  # unpacked bytes produced at a time (then counted and dropped)
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... file name length, extra length

_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
_PARQUET = b"PAR1"
_PDF = b"%PDF"


@dataclass(frozen=True)
class Refusal:
    """Why a file is not opened: a problem code and its message parameters."""

    code: Code
    params: dict[str, object]


def _size_text(n: float) -> str:
    return f"{n / MB:.1f} MB" if n >= MB / 10 else f"{n:.0f} bytes"


def sniff(head: bytes) -> str:
    """What the first bytes say a file is: zip, xls, parquet, pdf, binary or text."""
    if head.startswith(_ZIP) or head.startswith(_EMPTY_ZIP):
        return "zip"
    if head.startswith(_OLE):
        return "xls"
    if head.startswith(_PARQUET):
        return "parquet"
    if head.startswith(_PDF):
        return "pdf"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 text, as Excel's "Unicode text" export writes it
    if b"\x00" in head:
        return "binary"
    return "text"


def _too_large(size: int, limit: int) -> Refusal | None:
    if size > limit:
        return Refusal(
            Code.FILE_TOO_LARGE,
            {"variant": "size", "size": _size_text(size), "limit": _size_text(limit)},
        )
    return None


def check_csv(path: Path, size: int, head: bytes) -> Refusal | None:
    refusal = _too_large(size, MAX_CSV_BYTES)
    if refusal:
        return refusal
    found = sniff(head)
    if found != "text":
        return Refusal(Code.WRONG_FORMAT, {"expected": "CSV", "found": found})
    return None


def check_parquet(path: Path, size: int, head: bytes) -> Refusal | None:
    refusal = _too_large(size, MAX_PARQUET_BYTES)
    if refusal:
        return refusal
    with path.open("rb") as f:
        f.seek(max(size - 4, 0))
        tail = f.read(4)
    if not head.startswith(_PARQUET) or tail != _PARQUET or size < 12:
        found = sniff(head)
        return Refusal(Code.WRONG_FORMAT, {"expected": "Parquet", "found": found})
    return None


class _Unpackable(Exception):
    """A ZIP part no workbook has: another compression, encryption, a broken stream."""


def _member_size(f: BinaryIO, info: zipfile.ZipInfo, file_size: int, budget: int) -> int:
    """The bytes `info`'s data really unpacks to, or a number over `budget` once it is
    clear that it unpacks to more. Reads from the part's local header to the end of its
    deflate stream (or of the file), whatever the headers say the sizes are."""
    f.seek(info.header_offset)
    raw = f.read(_LOCAL_HEADER.size)
    if len(raw) != _LOCAL_HEADER.size:
        raise _Unpackable("local header cut off")
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(raw)
    if signature != _ZIP:
        raise _Unpackable("no local header where the directory points")
    start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    if info.flag_bits & 0x1:
        raise _Unpackable("encrypted part")
    if info.compress_type == zipfile.ZIP_STORED:
        # A reader copies the bytes the headers name, and the file has no more than it has.
        return min(max(info.compress_size, info.file_size), max(file_size - start, 0))
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise _Unpackable(f"compression method {info.compress_type}")
    f.seek(start)
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    try:
        while not inflate.eof and produced <= budget:
            data = f.read(_READ_CHUNK)
            if not data:
                break  # the stream is cut off: a parser would get no more either
            while data and not inflate.eof and produced <= budget:
                produced += len(inflate.decompress(data, _OUT_CHUNK))
                data = inflate.unconsumed_tail
    except zlib.error as exc:
        raise _Unpackable(f"broken deflate stream: {exc}") from exc
    return produced


def unpacked_size(path: Path, infos: list[zipfile.ZipInfo], limit: int) -> int:
    """The bytes all parts of the ZIP at `path` really unpack to, counted by unpacking
    them; a number over `limit` as soon as the count passes it (the rest is not unpacked).
    Raises _Unpackable for a part no workbook has."""
    file_size = path.stat().st_size
    total = 0
    with path.open("rb") as f:
        for info in infos:
            total += _member_size(f, info, file_size, limit - total)
            if total > limit:
                return total
    return total


def check_xlsx(
    path: Path,
    size: int,
    head: bytes,
    *,
    max_unpacked: int | None = None,
    max_ratio: float | None = None,
) -> Refusal | None:
    """Refuse a non-workbook, a too large file and a zip bomb: first from what the ZIP
    directory declares, then by unpacking every part with a byte cap (`max_unpacked`,
    `max_ratio` x the file size; defaults MAX_XLSX_UNPACKED_BYTES and MAX_XLSX_RATIO)."""
    max_unpacked = MAX_XLSX_UNPACKED_BYTES if max_unpacked is None else max_unpacked
    max_ratio = MAX_XLSX_RATIO if max_ratio is None else max_ratio
    refusal = _too_large(size, MAX_XLSX_BYTES)
    if refusal:
        return refusal
    found = sniff(head)
    if found != "zip":
        return Refusal(Code.WRONG_FORMAT, {"expected": "XLSX", "found": found})
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        log.info("not a readable ZIP: %s", type(exc).__name__)
        return Refusal(Code.WRONG_FORMAT, {"expected": "XLSX", "found": "unknown"})
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        return Refusal(Code.WRONG_FORMAT, {"expected": "XLSX", "found": "zip"})
    if len(infos) > MAX_XLSX_MEMBERS:
        return Refusal(
            Code.FILE_TOO_LARGE,
            {"variant": "unpacked", "size": f"{len(infos)} parts", "limit": MAX_XLSX_MEMBERS},
        )
    declared = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    refusal = _unpacked_refusal(declared, declared / max(packed, 1), max_unpacked, max_ratio)
    if refusal:
        return refusal
    # The headers may lie: count what the parts really unpack to, up to the first limit.
    by_ratio = int(max_ratio * size)
    limit = min(max_unpacked, by_ratio)
    try:
        actual = unpacked_size(path, infos, limit)
    except _Unpackable as exc:
        log.warning("%s: a ZIP part cannot be checked: %s", path.name, exc)
        return Refusal(Code.WRONG_FORMAT, {"expected": "XLSX", "found": "unknown"})
    if actual > limit:
        log.warning(
            "%s unpacks to more than %d bytes although its headers declare %d",
            path.name,
            limit,
            declared,
        )
        if by_ratio < max_unpacked:
            return _unpacked_refusal(0, max_ratio + 1, max_unpacked, max_ratio, more=True)
        return _unpacked_refusal(max_unpacked + 1, 0, max_unpacked, max_ratio, more=True)
    if actual != declared:
        log.warning(
            "%s: its parts unpack to %d bytes, its headers say %d", path.name, actual, declared
        )
        return Refusal(Code.WRONG_FORMAT, {"expected": "XLSX", "found": "zip"})
    return None


def _unpacked_refusal(
    unpacked: int, ratio: float, max_unpacked: int, max_ratio: float, *, more: bool = False
) -> Refusal | None:
    """The refusal for an unpacked size or a compression ratio over its limit, else None;
    `more`: the figure is only known to be over the limit (the count stopped there)."""
    if unpacked > max_unpacked:
        shown = f"> {_size_text(max_unpacked)}" if more else _size_text(unpacked)
        return Refusal(
            Code.FILE_TOO_LARGE,
            {"variant": "unpacked", "size": shown, "limit": _size_text(max_unpacked)},
        )
    if ratio > max_ratio:
        shown = f"> {max_ratio:.0f}:1" if more else f"{ratio:.0f}:1"
        return Refusal(
            Code.FILE_TOO_LARGE,
            {"variant": "ratio", "size": shown, "limit": f"{max_ratio:.0f}:1"},
        )
    return None


def check_file(path: Path, extension: str) -> Refusal | None:
    """The one entry point: None when `path` may be handed to its parser."""
    size = path.stat().st_size
    if size == 0:
        return Refusal(Code.EMPTY_FILE, {})
    with path.open("rb") as f:
        head = f.read(8192)
    if extension == ".csv":
        return check_csv(path, size, head)
    if extension == ".xlsx":
        return check_xlsx(path, size, head)
    if extension == ".parquet":
        return check_parquet(path, size, head)
    return Refusal(Code.UNSUPPORTED_EXTENSION, {"extension": extension})
