"""Every bad file in tests/data/bad gives exactly the problems tests/data/bad/expected.toml
lists for it, each with file, row and column, and with a message in every language."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from selstats.ingest import read_table_file
from selstats.ingest.messages import LANGS

from .conftest import BAD

EXPECTED = tomllib.loads((BAD / "expected.toml").read_text(encoding="utf-8"))


def test_every_case_folder_is_listed() -> None:
    folders = {p.name for p in BAD.iterdir() if p.is_dir()}
    assert folders == set(EXPECTED)
    assert len(folders) >= 15


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_file_gives_exactly_the_expected_problems(case: str) -> None:
    spec = EXPECTED[case]
    path: Path = BAD / case / spec["file"]
    assert [p.name for p in path.parent.iterdir()] == [spec["file"]]

    read = read_table_file(path)

    got = [(p.code, p.row, p.column) for p in read.problems]
    want = [(e["code"], e.get("row"), e.get("column")) for e in spec["problems"]]
    assert got == want
    for problem, expected in zip(read.problems, spec["problems"], strict=True):
        assert problem.file == spec["file"]
        if "value" in expected:
            assert problem.value == expected["value"]
        for lang in LANGS:
            text = problem.message(lang)
            assert text.startswith(spec["file"])
            if problem.row is not None:
                assert str(problem.row) in text
            if problem.column is not None:
                assert problem.column in text
            assert "?" not in text.replace("#NAME?", "")  # no parameter left unfilled


def test_display_name_names_the_file_in_problems() -> None:
    read = read_table_file(BAD / "negative_score" / "results.csv", "upload-3/results.csv")
    assert [p.file for p in read.problems] == ["upload-3/results.csv"]
    assert read.problems[0].message("nl") == (
        "upload-3/results.csv, rij 2, kolom score: '-2,5' ligt buiten het toegelaten bereik "
        "(verwacht: ≥ 0)"
    )


def test_non_numeric_score_suggests_the_outcome_column() -> None:
    read = read_table_file(BAD / "score_not_a_number" / "results.csv")
    afwezig, twaalf = read.problems
    assert "outcome" in afwezig.message("nl")
    assert "outcome" in afwezig.message("fr")
    assert "outcome" in afwezig.message("en")
    assert "outcome" not in twaalf.message("en")


def test_bad_rows_still_come_back_typed_with_nulls() -> None:
    """A best-effort frame (never to be stored while problems exist): good cells typed,
    bad cells null, every row kept with its file row."""
    read = read_table_file(BAD / "score_not_a_number" / "results.csv")
    assert read.frame["_row"].to_list() == [2, 3, 4]
    assert read.frame["score"].to_list() == [12.5, None, None]
    assert read.rows == 3
