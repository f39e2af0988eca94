"""The gate with the claims mapping and the session lifetime, in the real app (AppTest, with a
simulated st.user; tests/e2e/test_oidc.py logs in through a real provider): roles from
claims, no mapped claim no data, the audit of subject and mapped role, idle and old logins
asked to log in again (OIDC and users file)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selstats.access.audit import audit_path
from selstats.i18n import translate

from .conftest import APP, TIMEOUT, app_as
from .rendered import found, rendered_text

OIDC_SECRETS = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "a-test-secret-of-enough-length",
        "client_id": "selstats",
        "client_secret": "not-used-in-tests",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
    }
}
MAPPING = """
[[rule]]
claim = "groups"
value = "grp-alfa"
roles = ["hr"]
orgs = ["ORG-A"]
"""
ISSUER = "https://idp.example"


def nl(key: str, **params: object) -> str:
    return translate("nl", key, **params)


@pytest.fixture
def claims_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "claims.toml"
    path.write_text(MAPPING, encoding="utf-8")
    monkeypatch.setenv("SELSTATS_CLAIMS_MAP", str(path))
    return path


def _oidc_app(user: dict[str, object]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets.update(OIDC_SECRETS)
    at.user = user
    return at


def _new_hr(groups: list[str], issued: float | None = None) -> dict[str, object]:
    return {
        "is_logged_in": True,
        "email": "new.hr@alfa.example",
        "name": "Nieuwe HR",
        "sub": "alfa-sub-1",
        "iss": ISSUER,
        "aud": "selstats",
        "iat": int(time.time()) if issued is None else issued,
        "groups": groups,
    }


def _events(store: Path) -> list[dict[str, object]]:
    path = audit_path(store)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _data_free(at: AppTest) -> None:
    assert not at.exception
    assert [t.value for t in at.title] == []
    assert found(rendered_text(at), ("ORG-A", "ORG-B", "Dienst Alfa", "Stad Beta", "P-")) == []


def test_a_user_unknown_to_the_users_file_gets_roles_from_claims(
    store: Path, users_file: Path, claims_map: Path
) -> None:
    at = _oidc_app(_new_hr(["grp-other", "grp-alfa"])).run()
    assert not at.exception
    assert [t.value for t in at.title] == [nl("page.overview")]
    assert at.sidebar.multiselect(key="filter_orgs").options == ["Dienst Alfa"]
    assert found(rendered_text(at), ("Stad Beta", "P-B1", "P-B2")) == []
    [event] = _events(store)
    assert (event["event"], event["user"], event["roles"]) == (
        "login",
        "new.hr@alfa.example",
        ["hr"],
    )
    assert event["detail"] == {
        "mode": "oidc",
        "subject": "alfa-sub-1",
        "issuer": ISSUER,
        "mapped_from": "claims",
        "rules": [1],
        "orgs": ["ORG-A"],
    }
    at.run()  # the next click: recorded once per session
    assert len(_events(store)) == 1


def test_no_mapped_claim_gets_the_sentence_and_no_data(
    store: Path, users_file: Path, claims_map: Path
) -> None:
    at = _oidc_app(_new_hr(["grp-other"])).run()
    assert [w.value for w in at.warning] == [nl("access.no_role")]
    _data_free(at)
    [event] = _events(store)
    assert (event["event"], event["outcome"], event["roles"]) == ("denied", "failed", [])
    assert event["detail"]["subject"] == "alfa-sub-1"  # type: ignore[index]
    assert event["detail"]["mapped_from"] == "none"  # type: ignore[index]


def test_a_mapping_that_cannot_be_read_lets_nobody_in(
    store: Path, users_file: Path, claims_map: Path
) -> None:
    claims_map.write_text('[[rule]]\nclaim = "groups"\nvalue = "grp-alfa"\nroles = ["hrr"]\n')
    at = _oidc_app(_new_hr(["grp-alfa"])).run()
    assert [w.value for w in at.warning] == [nl("access.claims_map_error")]
    _data_free(at)


@pytest.mark.parametrize(
    ("age_s", "reason"),
    [
        (31 * 60, "session_idle"),  # a new session, no click since the login 31 min ago
        (13 * 3600, "session_max_age"),  # 13 h > 12 h
    ],
)
def test_an_old_oidc_login_asks_for_a_new_one(
    store: Path, users_file: Path, claims_map: Path, age_s: int, reason: str
) -> None:
    at = _oidc_app(_new_hr(["grp-alfa"], issued=int(time.time()) - age_s)).run()
    assert [i.value for i in at.info] == [nl("access.session_expired")]
    assert [b.label for b in at.button] == [nl("access.login")]
    _data_free(at)
    assert [(e["event"], e["detail"]) for e in _events(store)] == [
        ("logout", {"mode": "oidc", "reason": reason})
    ]
    at.run()  # still expired, recorded once
    assert [i.value for i in at.info] == [nl("access.session_expired")]
    assert len(_events(store)) == 1


def test_an_oidc_session_idle_too_long_asks_for_a_new_login(
    store: Path, users_file: Path, claims_map: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _oidc_app(_new_hr(["grp-alfa"])).run()
    assert [t.value for t in at.title] == [nl("page.overview")]
    later = time.time() + 31 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    at.run()
    assert [i.value for i in at.info] == [nl("access.session_expired")]
    _data_free(at)


def test_an_idle_local_login_asks_for_the_password_again(
    store: Path, users_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_as("hr-b")
    at.run()
    assert [t.value for t in at.title] == [nl("page.overview")]
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 29 * 60)  # 29 min: holds
    at.run()
    assert [t.value for t in at.title] == [nl("page.overview")]
    monkeypatch.setattr(time, "time", lambda: now + 29 * 60 + 30 * 60 + 1)  # 30 min + 1 s
    at.run()
    assert [i.value for i in at.info] == [nl("access.session_expired")]
    assert at.text_input(key="_selstats_login_user").label == nl("access.username")
    _data_free(at)
    events = [(e["event"], e["user"], e["detail"]) for e in _events(store)]
    assert events[-1] == ("logout", "hr-b", {"mode": "local", "reason": "session_idle"})


def test_a_token_for_another_audience_gets_a_sentence_and_a_login_button(
    store: Path, users_file: Path, claims_map: Path
) -> None:
    user = {**_new_hr(["grp-alfa"]), "aud": "another-app", "azp": "selstats"}
    at = _oidc_app(user).run()
    assert [w.value for w in at.warning] == [nl("access.oidc_wrong_audience")]
    assert [b.label for b in at.button] == [nl("access.login")]
    _data_free(at)
    at.run()
    assert [(e["event"], e["error"]) for e in _events(store)] == [("denied", "audience")]
