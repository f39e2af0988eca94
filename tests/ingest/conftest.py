"""Shared fixtures for the ingest tests: a fixed pseudonym key, never the real key file."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
GOOD = DATA / "good"
BAD = DATA / "bad"
TEST_KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
TEST_KEY = bytes.fromhex(TEST_KEY_HEX)


@pytest.fixture(autouse=True)
def _pseudonym_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test reads with a known key; a test that wants the key file sets it up."""
    monkeypatch.setenv("SELSTATS_PSEUDONYM_KEY", TEST_KEY_HEX)
    monkeypatch.setenv("SELSTATS_KEY_FILE", str(tmp_path / "no-key-file-expected.key"))
