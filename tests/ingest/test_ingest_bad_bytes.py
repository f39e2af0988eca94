"""Bytes that are not one text (issue 13, item 9), beyond the corpus cases in tests/data/bad
(mixed_encoding, nul_after_8k, long_cell): which line is named when encodings mix, NUL
bytes anywhere, and a long cell said as such whichever CSV path reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from selstats.ingest import TableRead, read_table_file

HEADER = "org_id;name\n"


def _utf8(n: int) -> bytes:
    """A line with "è" as UTF-8 writes it (C3 A8)."""
    return f"ORG{n};Liège\n".encode()


def _cp1252(n: int) -> bytes:
    """The same line as Windows-1252 writes it ("è" = E8)."""
    return f"ORG{n};Liège\n".encode("cp1252")


def _read(tmp: Path, name: str, data: bytes) -> TableRead:
    path = tmp / name
    path.write_bytes(data)
    return read_table_file(path)


@pytest.mark.parametrize(
    ("lines", "row", "found", "expected"),
    [
        # lines 2-4 UTF-8, line 5 cp1252: the file is UTF-8, line 5 is not
        ([_utf8(1), _utf8(2), _utf8(3), _cp1252(4)], 5, "Windows-1252", "UTF-8"),
        # lines 2 and 4 cp1252, line 3 UTF-8: the file is Windows-1252, line 3 is not
        ([_cp1252(1), _utf8(2), _cp1252(3)], 3, "UTF-8", "Windows-1252"),
        # ASCII lines say nothing: one of each, the tie goes to UTF-8
        ([b"ORG1;Gent\n", _cp1252(2), b"ORG3;Brugge\n", _utf8(4)], 3, "Windows-1252", "UTF-8"),
    ],
)
def test_mixed_encodings_name_the_first_line_in_the_other_one(
    tmp_path: Path, lines: list[bytes], row: int, found: str, expected: str
) -> None:
    read = _read(tmp_path, "organisations.csv", HEADER.encode() + b"".join(lines))
    assert [(p.code, p.row, p.column) for p in read.problems] == [("mixed_encoding", row, None)]
    assert read.problems[0].params == {"found": found, "expected": expected}
    assert read.problems[0].message("en") == (
        f"organisations.csv, row {row}: this line is in another text encoding ({found}) than "
        f"the rest of the file ({expected}); save the whole file in one encoding "
        "(preferably CSV UTF-8)"
    )
    assert read.frame.is_empty()


def test_one_line_in_both_encodings_is_named(tmp_path: Path) -> None:
    # line 3 holds "è" as UTF-8 (C3 A8) and "é" as cp1252 (E9): no encoding reads it
    data = HEADER.encode() + b"ORG1;Gent\n" + "ORG2;Liège ".encode() + "café\n".encode("cp1252")
    read = _read(tmp_path, "organisations.csv", data)
    assert [(p.code, p.row) for p in read.problems] == [("mixed_encoding", 3)]


@pytest.mark.parametrize(
    "data",
    [
        HEADER.encode("cp1252") + _cp1252(1) + "ORG2;Financiën – € 2024\n".encode("cp1252"),
        HEADER.encode() + _utf8(1) + _utf8(2),
        b"\xef\xbb\xbf" + HEADER.encode() + _utf8(1),
    ],
    ids=["windows-1252", "utf-8", "utf-8 with BOM"],
)
def test_one_encoding_reads_as_before(tmp_path: Path, data: bytes) -> None:
    read = _read(tmp_path, "organisations.csv", data)
    assert read.problems == []
    assert read.frame["name"][0] == "Liège"


def test_a_nul_anywhere_is_refused_with_its_line(tmp_path: Path) -> None:
    # 1,000 lines of 10 bytes ("ORG0001;A" and a newline) after the 12-byte header: the
    # NUL on line 1,002 sits after "ORG1": byte 12 + 10,000 + 4 = 10,016, past 8 KB.
    lines = [f"ORG{i:04};A\n" for i in range(1, 1001)]
    data = (HEADER + "".join(lines) + "ORG1\x001;Naam\nORG1002;B\n").encode()
    assert data.index(b"\0") == 10_016
    read = _read(tmp_path, "organisations.csv", data)
    assert [(p.code, p.row) for p in read.problems] == [("nul_byte", 1002)]
    assert read.problems[0].message("nl") == (
        "organisations.csv, rij 1002: deze regel bevat een NUL-teken (binaire gegevens), dat "
        "in een tekstbestand niet hoort; bewaar het bestand opnieuw als CSV"
    )


def test_a_nul_in_utf16_text_is_refused_too(tmp_path: Path) -> None:
    """UTF-16 holds zero bytes in every ASCII character: the NUL is looked for in the text."""
    data = "\ufefforg_id\tname\nORG1\tA\nORG2\tB\x00\n".encode("utf-16-le")
    read = _read(tmp_path, "organisations.csv", data)
    assert [(p.code, p.row) for p in read.problems] == [("nul_byte", 3)]


@pytest.mark.parametrize("line_break", [False, True], ids=["one line", "over lines"])
def test_a_200_kb_quoted_cell_is_too_long_not_a_quoting_problem(
    tmp_path: Path, line_break: bool
) -> None:
    """200,000 characters in one valid quoted cell: one line goes through polars, a cell
    with a line break through the csv module (whose own limit is 131,072). Both say the
    cell is too long, with row, column, its length and the limit (32,767)."""
    body = "x" * 100_000 + ("\n" if line_break else "y") + "z" * 99_999  # 200,000 characters
    data = f'org_id;name;government\nORG1;"{body}";federal\nORG2;Kort;local\n'.encode()
    read = _read(tmp_path, "organisations.csv", data)
    assert [(p.code, p.row, p.column) for p in read.problems] == [("cell_too_long", 2, "name")]
    assert read.problems[0].params == {"length": 200_000, "limit": 32_767}
    assert read.problems[0].message("fr") == (
        "organisations.csv, ligne 2, colonne name: la cellule est trop longue (200000 "
        "caractères, maximum 32767) ; une cellule contient une seule valeur, comme un nom ou "
        "un nombre"
    )


def test_a_cell_at_the_limit_is_fine_and_one_more_is_not(tmp_path: Path) -> None:
    data = f"org_id;name\nORG1;{'a' * 32_767}\nORG2;{'b' * 32_768}\n".encode()
    read = _read(tmp_path, "organisations.csv", data)
    assert [(p.code, p.row, p.params["length"]) for p in read.problems] == [
        ("cell_too_long", 3, 32_768)
    ]


def test_a_quote_that_never_closes_is_still_a_quoting_problem(tmp_path: Path) -> None:
    data = b'org_id;name\nORG1;"Gent\nORG2;Brugge\nORG3;Leuven\n'
    read = _read(tmp_path, "organisations.csv", data)
    assert [(p.code, p.row) for p in read.problems] == [("bad_quotes", 2)]
