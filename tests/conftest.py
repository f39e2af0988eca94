"""Fixtures for every test.

Settings (`selstats.settings.settings()`) are read once per process and kept. A test sets a
variable the ordinary way, `monkeypatch.setenv("SELSTATS_MIN_CELL", "3")`: the settings are
read anew at the start and end of every test and whenever a test's `monkeypatch` sets or
removes an environment variable (or undoes its changes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from selstats.settings import settings


class _SettingsAwareMonkeyPatch:
    """pytest's MonkeyPatch, clearing the settings cache after each change to the
    environment."""

    def __init__(self, inner: pytest.MonkeyPatch) -> None:
        self._inner = inner

    def setenv(self, name: str, value: str, prepend: str | None = None) -> None:
        self._inner.setenv(name, value, prepend)
        settings.cache_clear()

    def delenv(self, name: str, raising: bool = True) -> None:
        self._inner.delenv(name, raising)
        settings.cache_clear()

    def undo(self) -> None:
        self._inner.undo()
        settings.cache_clear()

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


@pytest.fixture
def monkeypatch(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The usual `monkeypatch`; its environment changes reach `settings()` at once."""
    settings.cache_clear()
    yield _SettingsAwareMonkeyPatch(monkeypatch)  # type: ignore[misc]
    settings.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    settings.cache_clear()
    yield
    settings.cache_clear()
