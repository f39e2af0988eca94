"""The spreadsheet-safe rule, on single values and vectorised."""

from __future__ import annotations

import polars as pl
import pytest

from selstats.export.safe import guard_text, guard_text_columns, is_formula_like

from .conftest import FORMULA_LIKE


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_gets_a_quote(text: str) -> None:
    assert is_formula_like(text)
    assert guard_text(text) == "'" + text


@pytest.mark.parametrize("text", ["", "abc", " =1", "'=1", "1+1", "€5", "x=1", "\nx"])
def test_other_text_is_left_alone(text: str) -> None:
    # Only the first character counts, and only = + - @ tab CR (OWASP's list).
    assert not is_formula_like(text)
    assert guard_text(text) == text


def test_columns_only_text_columns_change() -> None:
    frame = pl.DataFrame(
        {
            "s": ["=1", "ok", None],
            "c": pl.Series(["-x", "y", "z"], dtype=pl.Categorical),
            "e": pl.Series(["@a", "b", "@a"], dtype=pl.Enum(["@a", "b"])),
            "n": [-1, 2, 3],
            "f": [-1.5, 2.0, None],
        }
    )
    guarded = guard_text_columns(frame)
    assert guarded.schema == pl.Schema(
        {"s": pl.String, "c": pl.String, "e": pl.String, "n": pl.Int64, "f": pl.Float64}
    )
    assert guarded.to_dict(as_series=False) == {
        "s": ["'=1", "ok", None],  # null stays null
        "c": ["'-x", "y", "z"],
        "e": ["'@a", "b", "'@a"],
        "n": [-1, 2, 3],  # negative numbers are numbers, never prefixed
        "f": [-1.5, 2.0, None],
    }
