"""A workbook whose ZIP headers lie about its size (issue 13, item 5): the guard counts what
the parts really unpack to, stops at its cap, and refuses the file before any parser
opens it. The hostile files are built here (tests/ingest/lying_zip.py), a few tens of KB."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from selstats.ingest import guard, read_table_file

from .conftest import GOOD
from .lying_zip import SHEET, lying_xlsx

MB = 1024 * 1024
ZIP_HEAD = b"PK\x03\x04"


def test_the_lie_passes_every_check_on_declared_sizes(tmp_path: Path) -> None:
    """What the headers say looks harmless: 9,000 bytes for the sheet, about 9 KB for the
    whole workbook, packed into more bytes than that (a ratio below 1)."""
    path = lying_xlsx(tmp_path / "results.xlsx", padding=64 * MB)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    declared = sum(i.file_size for i in infos)
    assert archive.getinfo(SHEET).file_size == 9_000
    assert declared < guard.MAX_XLSX_UNPACKED_BYTES
    assert declared / sum(i.compress_size for i in infos) < 1
    assert path.stat().st_size < 100_000  # 64 MB of spaces deflate to about 64 KB


def test_a_lying_workbook_is_refused_before_any_parser_opens_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """64 MB really unpacked from ~64 KB is over 100 times the file: refused by the ratio
    counted while unpacking, long before the 64 MB are produced."""
    path = lying_xlsx(tmp_path / "results.xlsx", padding=64 * MB)

    def no_parser(*args: object, **kwargs: object) -> None:
        raise AssertionError("the parser must not see this file")

    monkeypatch.setattr("selstats.ingest.readers.read_xlsx_grid", no_parser)
    read = read_table_file(path)
    assert [(p.code, p.params) for p in read.problems] == [
        ("file_too_large", {"variant": "ratio", "size": "> 100:1", "limit": "100:1"})
    ]
    assert read.problems[0].message("en") == (
        "results.xlsx: the file is suspiciously highly compressed (> 100:1, maximum 100:1) "
        "and is not opened"
    )


def test_the_unpacked_cap_counts_real_bytes_and_stops_there(tmp_path: Path) -> None:
    """With the ratio out of the way, the cap on unpacked bytes (lowered here to 10 MB)
    refuses the same file; the count stops just past the cap: the sheet's 64 MB are never
    all produced (at most one 1 MB piece beyond the cap)."""
    path = lying_xlsx(tmp_path / "results.xlsx", padding=64 * MB)
    size = path.stat().st_size
    refusal = guard.check_xlsx(path, size, ZIP_HEAD, max_unpacked=10 * MB, max_ratio=1e9)
    assert refusal is not None
    assert (refusal.code, refusal.params) == (
        "file_too_large",
        {"variant": "unpacked", "size": "> 10.0 MB", "limit": "10.0 MB"},
    )
    with zipfile.ZipFile(path) as archive:
        counted = guard.unpacked_size(path, archive.infolist(), 10 * MB)
    assert 10 * MB < counted <= 11 * MB


def test_a_lie_within_the_limits_is_refused_as_a_damaged_workbook(tmp_path: Path) -> None:
    """2 MB really, 9,000 bytes declared, limits not reached: the headers do not match the
    content, which no program that writes workbooks does."""
    path = lying_xlsx(tmp_path / "results.xlsx", padding=2 * MB)
    refusal = guard.check_xlsx(path, path.stat().st_size, ZIP_HEAD, max_ratio=1e9)
    assert refusal is not None
    assert (refusal.code, refusal.params) == (
        "wrong_format",
        {"expected": "XLSX", "found": "zip"},
    )


def test_a_part_in_another_compression_is_refused(tmp_path: Path) -> None:
    """Workbooks are deflated or stored; bzip2 (or encryption) is not checked, so refused."""
    path = tmp_path / "results.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    read = read_table_file(path)
    assert [(p.code, p.params) for p in read.problems] == [
        ("wrong_format", {"expected": "XLSX", "found": "unknown"})
    ]


@pytest.mark.parametrize("name", ["results.xlsx"])
def test_a_real_workbook_unpacks_to_what_it_declares(name: str) -> None:
    path = GOOD / name
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    assert guard.unpacked_size(path, infos, 10**9) == sum(i.file_size for i in infos)
    assert guard.check_file(path, ".xlsx") is None
