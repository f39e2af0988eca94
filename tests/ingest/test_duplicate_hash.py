"""Duplicate keys are found by a 64-bit hash of the key first; only rows sharing a hash are
compared by their key columns. These tests break the hash on purpose: a collision must
neither invent a duplicate nor hide one."""

from __future__ import annotations

import polars as pl
import pytest

from selstats.ingest import duplicates
from selstats.ingest.columns import TABLES
from selstats.ingest.duplicates import duplicate_keys
from selstats.ingest.grid import ROW

STEPS = TABLES["steps"]  # key: procedure_code, step_no


def _frame(keys: list[tuple[str, int | None]]) -> pl.DataFrame:
    # File rows 2, 3, ... (row 1 is the header).
    return pl.DataFrame(
        {
            "procedure_code": [p for p, _ in keys],
            "step_no": [s for _, s in keys],
            ROW: list(range(2, len(keys) + 2)),
        },
        schema={"procedure_code": pl.String, "step_no": pl.Int64, ROW: pl.Int64},
    )


# File rows 2-6: P1/1, P1/2, P2/1, P1/1 again (repeats row 2), P1 without a step number.
KEYS: list[tuple[str, int | None]] = [("P1", 1), ("P1", 2), ("P2", 1), ("P1", 1), ("P1", None)]


def _found(frame: pl.DataFrame) -> list[tuple[int, str | None, object]]:
    return [(p.row, p.value, p.params["first_row"]) for p in duplicate_keys(frame, STEPS, "f")]


def test_a_repeated_key_is_reported_once_on_its_second_row() -> None:
    # Only file row 5 repeats a key (P1, 1 of row 2); the row without a step number is left
    # to its own problem.
    assert _found(_frame(KEYS)) == [(5, "P1, 1", 2)]


def test_keys_sharing_a_hash_are_not_duplicates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every key hashing alike (as colliding keys would): the key columns decide, so the
    same single duplicate is found, and distinct keys are not reported."""
    monkeypatch.setattr(
        duplicates, "key_hash", lambda frame, keys: pl.Series([7] * frame.height, dtype=pl.UInt64)
    )
    assert _found(_frame(KEYS)) == [(5, "P1, 1", 2)]
    distinct = [k for i, k in enumerate(KEYS) if i != 3]
    assert _found(_frame(distinct)) == []


def test_all_distinct_hashes_mean_no_duplicate(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shortcut: distinct hashes, no key compared. A hash that (wrongly) differed for
    equal keys would hide the duplicate; this one is the real hash, so rows 2 and 5 share
    it and the duplicate is still found."""
    calls: list[int] = []
    real = duplicates.key_hash

    def counting(frame: pl.DataFrame, keys: list[str]) -> pl.Series:
        calls.append(frame.height)
        return real(frame, keys)

    monkeypatch.setattr(duplicates, "key_hash", counting)
    assert _found(_frame(KEYS)) == [(5, "P1, 1", 2)]
    assert calls == [4]  # the four rows with a whole key
