"""The once-only record (selstats.alerts.state) and the settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from selstats.alerts.settings import AlertSettings, SettingsError, alert_settings
from selstats.alerts.state import CLAIM_TIMEOUT_S, AlertState, state_path


def test_claimed_keys_are_not_claimed_again_until_released(tmp_path: Path) -> None:
    state = AlertState(tmp_path / "alerts.sqlite3")
    assert state.claim("jan", ["a", "b"], run="r1", now=100.0) == ["a", "b"]
    # another run at the same time gets nothing of them
    assert state.claim("jan", ["a", "b", "c"], run="r2", now=101.0) == ["c"]
    state.mark_sent("jan", ["a"], run="r1", now=102.0)
    state.release("jan", ["b"], run="r1")
    assert state.claim("jan", ["a", "b"], run="r3", now=103.0) == ["b"]
    assert state.sent_keys("jan") == {"a"}
    # keys are per user
    assert state.claim("marie", ["a"], run="r3", now=103.0) == ["a"]


def test_a_claim_of_a_run_that_died_is_taken_over(tmp_path: Path) -> None:
    state = AlertState(tmp_path / "alerts.sqlite3")
    state.claim("jan", ["a"], run="dead", now=0.0)
    assert state.claim("jan", ["a"], run="r2", now=CLAIM_TIMEOUT_S - 1) == []
    assert state.claim("jan", ["a"], run="r2", now=CLAIM_TIMEOUT_S + 1) == ["a"]


def test_what_is_no_longer_due_is_forgotten_so_it_can_alert_again(tmp_path: Path) -> None:
    state = AlertState(tmp_path / "alerts.sqlite3")
    state.claim("jan", ["qcheck:A"], run="r1", now=1.0)
    state.mark_sent("jan", ["qcheck:A"], run="r1", now=1.0)
    assert state.claim("jan", ["qcheck:A"], run="r2", now=2.0) == []  # still due, sent
    assert state.claim("jan", [], run="r3", now=3.0) == []  # A meets the line again
    assert state.sent_keys("jan") == set()
    assert state.claim("jan", ["qcheck:A"], run="r4", now=4.0) == ["qcheck:A"]  # fell again


def test_the_state_file_lives_beside_the_store_or_in_the_state_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SELSTATS_STATE_DIR", raising=False)
    assert state_path(tmp_path / "s.duckdb") == tmp_path / "s.duckdb.alerts.sqlite3"
    monkeypatch.setenv("SELSTATS_STATE_DIR", str(tmp_path / "state"))
    assert state_path(tmp_path / "s.duckdb") == tmp_path / "state" / "alerts.sqlite3"


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "STARTTLS", "USER", "PASSWORD", "FROM"):
        monkeypatch.delenv(f"SELSTATS_SMTP_{name}", raising=False)
    monkeypatch.delenv("SELSTATS_PUBLIC_URL", raising=False)
    assert alert_settings() == AlertSettings()
    assert not AlertSettings().can_send
    for name, value in {
        "SELSTATS_SMTP_HOST": " mail.example ",
        "SELSTATS_SMTP_PORT": "2525",
        "SELSTATS_SMTP_STARTTLS": "off",
        "SELSTATS_SMTP_USER": "u",
        "SELSTATS_SMTP_PASSWORD": "p w",
        "SELSTATS_SMTP_FROM": "noreply@example.be",
        "SELSTATS_PUBLIC_URL": "https://selstats.example.be/",
    }.items():
        monkeypatch.setenv(name, value)
    settings = alert_settings()
    assert settings == AlertSettings(
        "mail.example", 2525, False, "u", "p w", "noreply@example.be", "https://selstats.example.be"
    )
    assert "p w" not in repr(settings)
    monkeypatch.setenv("SELSTATS_SMTP_PORT", "smtp")
    with pytest.raises(SettingsError, match="SELSTATS_SMTP_PORT"):
        alert_settings()
    monkeypatch.setenv("SELSTATS_SMTP_PORT", "70000")
    with pytest.raises(SettingsError, match="SELSTATS_SMTP_PORT"):
        alert_settings()
