"""The deployment settings: each documented in the README, a bad value refused naming the
variable and what is allowed, the defaults as documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from selstats.domain.enums import QcheckMode
from selstats.settings import VARIABLES, Settings, SettingsError, settings, variable

README = Path(__file__).resolve().parents[1] / "README.md"


def _documented() -> dict[str, str]:
    """{variable: default cell} of the README's table of settings."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(SELSTATS_[A-Z_]+)` \| ([^|]*) \|", section, re.M)
    return {name: default.strip() for name, default in rows}


def test_every_setting_is_documented_in_the_readme_and_nothing_else() -> None:
    documented = _documented()
    assert sorted(documented) == sorted(VARIABLES)


def test_every_setting_has_a_description() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description and len(field.description) > 20, name


def test_the_readme_gives_the_defaults_of_the_numbers() -> None:
    documented = _documented()
    for name, field in Settings.model_fields.items():
        if isinstance(field.default, int | float) and not isinstance(field.default, bool):
            assert documented[variable(name)] == f"`{field.default:g}`", name


def test_no_environment_gives_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    got = settings()
    assert got.qcheck_mode is QcheckMode.ALL_CHECKS
    assert (got.min_cell, got.proxy_hops, got.lock_timeout) == (5, 0, 600.0)
    assert (got.demo, got.db, got.session_cookie) == (False, None, ())


def test_a_mistyped_qcheck_mode_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's example: a typo must not silently fall back to the other averaging."""
    monkeypatch.setenv("SELSTATS_QCHECK_MODE", "per_consultnt")
    with pytest.raises(SettingsError) as refused:
        settings()
    message = str(refused.value)
    assert "SELSTATS_QCHECK_MODE='per_consultnt'" in message
    assert "'all_checks' or 'per_consultant'" in message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SELSTATS_LOCK_TIMEOUT", "ten"),
        ("SELSTATS_LOCK_TIMEOUT", "-1"),
        ("SELSTATS_MAX_UPLOAD_MB", "0"),
        ("SELSTATS_IMPORT_MEMORY_MB", "4 GB"),
        ("SELSTATS_IMPORT_TIMEOUT", "0"),
        ("SELSTATS_RETENTION_MONTHS", "-3"),
        ("SELSTATS_DEMO", "maybe"),
        ("SELSTATS_MIN_CELL", "five"),
    ],
)
def test_bad_values_are_refused_with_their_name(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=re.escape(f"{name}={value!r}")):
        settings()


def test_a_bad_key_is_refused_without_showing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pseudonym key never reaches a message, not even a refused one."""
    monkeypatch.setenv("SELSTATS_PSEUDONYM_KEY", "a-secret-key-of-length")
    monkeypatch.setenv("SELSTATS_MIN_CELL", "x")
    with pytest.raises(SettingsError) as refused:
        settings()
    assert "a-secret-key-of-length" not in str(refused.value)
    monkeypatch.delenv("SELSTATS_MIN_CELL")
    assert "a-secret-key-of-length" not in repr(settings())  # SecretStr when fine


def test_an_empty_value_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELSTATS_MIN_CELL", "")
    monkeypatch.setenv("SELSTATS_DEMO", "")
    assert (settings().min_cell, settings().demo) == (5, False)


def test_cookie_names_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELSTATS_SESSION_COOKIE", " edge_session, other ,edge_session")
    assert settings().session_cookie == ("edge_session", "other")


def test_settings_are_read_once_until_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv("SELSTATS_MIN_CELL", "7")
    assert settings().min_cell == 7
    os.environ["SELSTATS_MIN_CELL"] = "9"  # behind the tests' monkeypatch: not seen
    try:
        assert settings().min_cell == 7
        settings.cache_clear()
        assert settings().min_cell == 9
    finally:
        monkeypatch.setenv("SELSTATS_MIN_CELL", "7")  # restored by monkeypatch's undo


def test_the_cli_refuses_a_bad_setting_before_anything_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from selstats.cli import main

    monkeypatch.setenv("SELSTATS_QCHECK_MODE", "per_consultnt")
    assert main(["check", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "SELSTATS_QCHECK_MODE='per_consultnt'" in capsys.readouterr().err
