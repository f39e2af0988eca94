"""Checks made before a file is opened by a parser: is it what its extension says, and is
it small enough to open safely?

Parsers given the wrong kind of file fail with messages no user understands, and a
compressed XLSX can unpack to gigabytes (a "zip bomb"); both are caught here from the
first bytes and the ZIP directory, before any library reads the content.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

from selstats.ingest.problems import Code

log = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_CSV_BYTES = 2 * 1024 * MB  # 2 GB of text
MAX_PARQUET_BYTES = 2 * 1024 * MB
MAX_XLSX_BYTES = 100 * MB  # the file on disk
MAX_XLSX_UNPACKED_BYTES = 500 * MB  # the sum of its parts once unpacked
MAX_XLSX_RATIO = 100.0  # unpacked / packed; real workbooks stay well below
MAX_XLSX_MEMBERS = 10_000

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


def check_xlsx(path: Path, size: int, head: bytes) -> Refusal | None:
    """Refuse a non-workbook, a too large file and a zip bomb, from the ZIP directory."""
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
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        return Refusal(
            Code.FILE_TOO_LARGE,
            {
                "variant": "unpacked",
                "size": _size_text(unpacked),
                "limit": _size_text(MAX_XLSX_UNPACKED_BYTES),
            },
        )
    ratio = unpacked / max(packed, 1)
    if ratio > MAX_XLSX_RATIO:
        return Refusal(
            Code.FILE_TOO_LARGE,
            {"variant": "ratio", "size": f"{ratio:.0f}:1", "limit": f"{MAX_XLSX_RATIO:.0f}:1"},
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
