"""An .xlsx whose ZIP headers lie about how large its sheet unpacks (issue 13, item 5): the
sheet is `padding` bytes of spaces, deflated, and both its local header and the central
directory say `declared` bytes. Built in the tests, never committed: a few tens of KB on
disk for tens of MB unpacked."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

SHEET = "xl/worksheets/sheet1.xml"


def _deflated_spaces(padding: int) -> bytes:
    """`padding` spaces inside a sheet element, as a raw deflate stream, made in pieces."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    out = [packer.compress(b"<worksheet><sheetData>")]
    piece = b" " * (1024 * 1024)
    for start in range(0, padding, len(piece)):
        out.append(packer.compress(piece[: min(len(piece), padding - start)]))
    out.append(packer.compress(b"</sheetData></worksheet>"))
    out.append(packer.flush())
    return b"".join(out)


def lying_xlsx(path: Path, padding: int, declared: int = 9_000) -> Path:
    """Write the workbook; returns `path`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", '<workbook><sheets><sheet r:id="rId1"/></sheets>')
        archive.writestr("xl/_rels/workbook.xml.rels", "<Relationships/>")
        archive.writestr(SHEET, b"placeholder")  # the last part: replaced below
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHEET)
        others = [i for i in archive.infolist() if i.filename != SHEET]
    # Rebuild the archive by hand around the hostile part: everything before the sheet's
    # local header as it is, then the sheet with its lying header, then a fresh directory.
    head = path.read_bytes()[: info.header_offset]
    name = SHEET.encode()
    stream = _deflated_spaces(padding)
    crc = 0  # nobody gets far enough to check it
    # signature, version, flags, method (8: deflate), time, date, CRC, packed size, the
    # declared unpacked size, name length, extra length
    local = (
        struct.pack(
            "<4sHHHHHIIIHH",
            b"PK\x03\x04",
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(stream),
            declared,
            len(name),
            0,
        )
        + name
    )
    central = b""
    for other in others:
        central += _central(
            other.filename.encode(),
            other.header_offset,
            other.CRC,
            other.compress_size,
            other.file_size,
            other.compress_type,
        )
    central += _central(name, info.header_offset, crc, len(stream), declared, 8)
    offset = len(head) + len(local) + len(stream)
    end = struct.pack(
        "<4sHHHHIIH",
        b"PK\x05\x06",
        0,
        0,
        len(others) + 1,
        len(others) + 1,
        len(central),
        offset,
        0,
    )
    path.write_bytes(head + local + stream + central + end)
    return path


def _central(name: bytes, offset: int, crc: int, packed: int, size: int, method: int) -> bytes:
    """A central directory entry: signature, versions, flags, method, time, date, CRC,
    packed and unpacked size, name, extra and comment lengths, disk, attributes, offset."""
    return (
        struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            20,
            20,
            0,
            method,
            0,
            0x21,
            crc,
            packed,
            size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + name
    )
