"""The reader's shortcuts for clean files give what the full path gives: no cell is left
untrimmed because the file was judged to have no blanks."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from selstats.ingest.csvtext import has_blanks, read_csv_grid
from selstats.ingest.readers import read_table_file


def test_every_character_trimming_takes_off_is_seen_as_a_blank() -> None:
    # Ask polars itself which characters `strip_chars` removes (all code points but the
    # surrogates); each must make has_blanks true, or a cell edged with it would stay as is.
    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    cells = pl.Series([chr(c) + "x" for c in points])
    stripped = cells.str.strip_chars() != cells
    blanks = [chr(c) for c, hit in zip(points, stripped.to_list(), strict=True) if hit]
    assert "\u00a0" in blanks and " " in blanks  # the test sees what it is about
    missed = [hex(ord(ch)) for ch in blanks if ch != "\n" and not has_blanks(f"x{ch}".encode())]
    assert missed == []


def test_plain_text_has_no_blanks() -> None:
    assert not has_blanks(b"P1;K1;1;12,5;01/03/2025\nP1;K2;1;9,0;01/03/2025\n")
    assert not has_blanks("Liège;Namur\n".encode())
    assert has_blanks("Liège;\u00a0Namur\n".encode())


def test_a_clean_file_skips_trimming_and_reads_the_same(tmp_path: Path) -> None:
    header = "procedure_code;candidate_ref;step_no;score\n"
    clean = header + "P1;K1;1;12,5\nP1;K2;1;\n"
    # The same cells with blanks around them: a tab, a no-break space, a space.
    padded = header + "P1;\tK1;1; 12,5\nP1;K2\u00a0;1;\n"
    assert read_csv_grid(clean.encode(), "r").trimmed
    assert not read_csv_grid(padded.encode(), "r").trimmed
    frames = []
    for name, text in (("a", clean), ("b", padded)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "results.csv").write_text(text, encoding="utf-8")
        read = read_table_file(folder / "results.csv")
        assert read.problems == []
        frames.append(read.frame)
    assert frames[0].equals(frames[1])
    # K2's empty score is empty (null), not an empty text, on the shortcut too.
    assert frames[0].get_column("score").to_list() == [12.5, None]


def test_quoted_cells_spanning_lines_are_trimmed() -> None:
    # A quoted cell holding a line end goes the csv module's way: never the shortcut.
    grid = read_csv_grid(b'a;b\n"x\n";y\n', "r")
    assert not grid.trimmed


def test_a_quoted_empty_cell_is_empty_as_an_unquoted_one(tmp_path: Path) -> None:
    # polars keeps `""` as an empty text (only unquoted empty cells become null): a file
    # with quotes never takes the shortcut, so both rows' scores are empty, not "".
    path = tmp_path / "results.csv"
    path.write_text('procedure_code;candidate_ref;step_no;score\nP1;K1;1;""\nP1;K2;1;\n')
    assert not read_csv_grid(path.read_bytes(), "r").trimmed
    read = read_table_file(path)
    assert read.problems == []
    assert read.frame.get_column("score").to_list() == [None, None]
