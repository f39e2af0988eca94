"""Who is logged in, in each deployment mode, with the real app in AppTest: the users file
with its login form, OIDC through st.user, the demo role switcher; deny by default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selstats.access.audit import audit_path
from selstats.access.login import THROTTLE
from selstats.access.origin import Connection, session_hash
from selstats.i18n import translate

from .conftest import (
    APP,
    BROWSER,
    BROWSER_TOKEN,
    PASSWORDS,
    TIMEOUT,
    app_as,
    connect_as,
    xsrf_cookie,
)
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


def nl(key: str, **params: object) -> str:
    return translate("nl", key, **params)


def _titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def _login(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="_selstats_login_user").input(username)
    at.text_input[1].input(password)
    return at.button[0].click().run()


def _events(store: Path) -> list[dict[str, object]]:
    path = audit_path(store)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _data_free(at: AppTest) -> None:
    """Nothing of either organisation reached the browser, and no page ran."""
    assert not at.exception
    assert _titles(at) == []
    assert found(rendered_text(at), ("ORG-A", "ORG-B", "Dienst Alfa", "Stad Beta", "P-")) == []


# ---- users file ----------------------------------------------------------------------------


def test_without_a_users_file_nobody_gets_in(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELSTATS_USERS", str(tmp_path / "none.toml"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert [w.value for w in at.warning] == [nl("access.no_users")]
    _data_free(at)


def test_login_form_wrong_then_right_password(store: Path, users_file: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _data_free(at)
    assert [s.value for s in at.subheader] == [nl("access.login_title")]
    _login(at, "hr-b", "wrong password")
    assert [e.value for e in at.error] == [nl("access.login_failed")]
    _data_free(at)
    _login(at, "HR-B", PASSWORDS["hr-b"])
    assert not at.exception
    assert _titles(at) == [nl("page.overview")]
    assert at.sidebar.text[0].value == nl("access.signed_in_as", name="Hilde Beta", roles="HR")
    assert at.sidebar.multiselect(key="filter_orgs").options == ["Stad Beta"]
    events = [(e["event"], e["user"], e["detail"]) for e in _events(store)]
    assert events == [
        ("login_failed", "hr-b", {"reason": "credentials"}),
        ("login", "hr-b", {"mode": "local"}),
    ]
    assert PASSWORDS["hr-b"] not in audit_path(store).read_text()


def test_logout(store: Path, users_file: Path) -> None:
    at = app_as("hr-b").run()
    assert _titles(at) == [nl("page.overview")]
    at.sidebar.button(key="_selstats_logout").click().run()
    _data_free(at)
    assert [s.value for s in at.subheader] == [nl("access.login_title")]
    assert [e["event"] for e in _events(store)] == ["login", "logout"]


def test_a_user_without_a_role_gets_a_sentence(store: Path, users_file: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _login(at, "norole", PASSWORDS["norole"])
    assert [w.value for w in at.warning] == [nl("access.no_role")]
    _data_free(at)
    # the credentials were right (login), the role missing (denied)
    assert [e["event"] for e in _events(store)] == ["login", "denied"]


def test_an_unknown_name_in_the_session_is_not_a_login(store: Path, users_file: Path) -> None:
    at = app_as("ghost").run()
    _data_free(at)
    assert [s.value for s in at.subheader] == [nl("access.login_title")]


def test_a_role_taken_away_counts_at_the_next_click(store: Path, users_file: Path) -> None:
    at = app_as("hr-b").run()
    assert _titles(at) == [nl("page.overview")]
    text = users_file.read_text().replace('roles = ["hr"]\norgs = ["ORG-B"]', "roles = []")
    users_file.write_text(text)
    at.run()
    assert [w.value for w in at.warning] == [nl("access.no_role")]
    _data_free(at)


def test_repeated_failures_lock_the_name(store: Path, users_file: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert THROTTLE.account.attempts == 5
    for _ in range(5):
        _login(at, "hr-b", "guess")
        assert [e.value for e in at.error] == [nl("access.login_failed")]
    _login(at, "hr-b", PASSWORDS["hr-b"])  # right, but too late
    assert [e.value for e in at.error] == [nl("access.login_throttled")]
    _data_free(at)
    _login(at, "hr-a", PASSWORDS["hr-a"])  # another name is not locked
    assert _titles(at) == [nl("page.overview")]
    reasons = [e["detail"]["reason"] for e in _events(store) if e["event"] == "login_failed"]
    assert reasons == ["credentials"] * 5 + ["throttled"]


def test_one_password_sprayed_over_many_names_locks_the_address(
    store: Path, users_file: Path
) -> None:
    """20 failures from one address, each for another name (none reaches the 5 per name),
    lock that address for every name, even a right password; another address may log in."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert THROTTLE.address.attempts == 20
    for i in range(20):
        _login(at, f"user{i}", "Summer2026!")
        assert [e.value for e in at.error] == [nl("access.login_failed")]
    _login(at, "hr-b", PASSWORDS["hr-b"])
    assert [e.value for e in at.error] == [nl("access.login_throttled_address")]
    _data_free(at)
    failed = [e for e in _events(store) if e["event"] == "login_failed"]
    assert [e["detail"].get("limit") for e in failed[-1:]] == ["address"]
    assert {e["client"] for e in failed} == {"192.0.2.10"}


def test_another_address_is_not_locked_by_a_sprayer(
    store: Path, users_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(20):
        THROTTLE.attempt(f"user{i}", "198.51.100.7")  # a sprayer elsewhere, all failed
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _login(at, "hr-b", PASSWORDS["hr-b"])  # from the test browser, 192.0.2.10
    assert _titles(at) == [nl("page.overview")]
    connect_as(Connection(BROWSER.cookies, peer="198.51.100.7"), monkeypatch)
    at2 = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _login(at2, "hr-a", PASSWORDS["hr-a"])
    assert [e.value for e in at2.error] == [nl("access.login_throttled_address")]


# ---- the login belongs to the browser ------------------------------------------------------


def test_a_session_resumed_without_the_cookie_shows_nothing(
    store: Path, users_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hijack: the same session (same session state, logged in), served over a websocket
    that carries no cookie or another browser's: a sentence, no data; the browser that
    logged in, back on its own cookie, sees its figures again."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _login(at, "hr-b", PASSWORDS["hr-b"])
    assert _titles(at) == [nl("page.overview")]
    other = xsrf_cookie(bytes(range(100, 116)))
    for cookies in ({}, {"_streamlit_xsrf": other}, {"_streamlit_xsrf": "2|garbage"}):
        connect_as(Connection(cookies, peer="203.0.113.66"), monkeypatch)
        at.run()
        assert [w.value for w in at.warning] == [nl("access.session_elsewhere")]
        _data_free(at)
        assert found(rendered_text(at), ("Hilde Beta",)) == []
    connect_as(BROWSER, monkeypatch)
    at.run()
    assert _titles(at) == [nl("page.overview")]
    # the same token under a fresh mask (Streamlit re-masks it in every response) still holds
    remasked = xsrf_cookie(BROWSER_TOKEN, mask=b"\xaa\xbb\xcc\xdd")
    connect_as(Connection({"_streamlit_xsrf": remasked}), monkeypatch)
    at.run()
    assert _titles(at) == [nl("page.overview")]
    denied = [e for e in _events(store) if e["event"] == "denied"]
    assert len(denied) == 3
    assert {(e["user"], e["outcome"], e["client"]) for e in denied} == {
        ("hr-b", "failed", "203.0.113.66")
    }
    assert {e["detail"]["reason"] for e in denied} == {"session_binding"}


def test_a_login_name_in_the_session_without_a_binding_is_no_login(
    store: Path, users_file: Path
) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["_selstats_login"] = "hr-b"  # forged, or set before bindings existed
    at.run()
    assert [w.value for w in at.warning] == [nl("access.session_elsewhere")]
    _data_free(at)


def test_no_login_without_a_cookie_to_bind_it_to(
    store: Path, users_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect_as(Connection({}), monkeypatch)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _login(at, "hr-b", PASSWORDS["hr-b"])
    assert [e.value for e in at.error] == [nl("access.cookies_needed")]
    _data_free(at)
    assert [(e["event"], e["detail"]["reason"]) for e in _events(store)] == [
        ("login_failed", "no_cookie")
    ]


def test_a_deployment_cookie_is_required_when_named(
    store: Path, users_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`SELSTATS_SESSION_COOKIE` names a cookie the proxy sets (HttpOnly): the login is
    bound to it too, so the XSRF cookie alone (readable by the page's scripts) is not
    enough to resume the session."""
    monkeypatch.setenv("SELSTATS_SESSION_COOKIE", "selstats_browser")
    both = {**BROWSER.cookies, "selstats_browser": "k3Jd9xQ2mP7vL0aZ5rT8wY1u"}
    connect_as(Connection(both), monkeypatch)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _login(at, "hr-b", PASSWORDS["hr-b"])
    assert _titles(at) == [nl("page.overview")]
    connect_as(BROWSER, monkeypatch)  # the XSRF cookie only
    at.run()
    assert [w.value for w in at.warning] == [nl("access.session_elsewhere")]
    _data_free(at)


def test_login_events_say_from_where(store: Path, users_file: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _login(at, "hr-b", "wrong")
    _login(at, "hr-b", PASSWORDS["hr-b"])
    events = _events(store)
    assert [(e["event"], e["outcome"], e["error"]) for e in events] == [
        ("login_failed", "failed", "credentials"),
        ("login", "ok", None),
    ]
    assert {(e["source"], e["client"]) for e in events} == {("dashboard", "192.0.2.10")}
    sessions = {e["session"] for e in events}
    # AppTest's session id is "test session id" (streamlit.testing.v1.local_script_runner)
    assert sessions == {session_hash("test session id")}
    assert "test session id" not in audit_path(store).read_text()


def test_admin_sees_no_figures(store: Path, users_file: Path) -> None:
    at = app_as("admin").run()
    assert not at.exception
    assert nl("access.no_figures") in [i.value for i in at.sidebar.info]
    assert at.sidebar.multiselect(key="filter_orgs").options == []
    assert found(rendered_text(at), ("Dienst Alfa", "Stad Beta", "P-A1", "P-B1")) == []


# ---- OIDC ----------------------------------------------------------------------------------


def _oidc_app(user: dict[str, object]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets.update(OIDC_SECRETS)
    # as Streamlit keeps an ID token's claims: issued to this dashboard's client id
    at.user = {"aud": OIDC_SECRETS["auth"]["client_id"], **user}
    return at


def test_oidc_not_logged_in_sees_only_a_login_button(store: Path, users_file: Path) -> None:
    # AppTest's default st.user has an e-mail but is not logged in: no access from that
    for user in ({"is_logged_in": False}, {"email": "oidc.hr@beta.example"}):
        at = _oidc_app(user).run()
        assert [i.value for i in at.info] == [nl("access.oidc_prompt")]
        assert [b.label for b in at.button] == [nl("access.login")]
        _data_free(at)


def test_oidc_login_without_authlib_says_so(store: Path, users_file: Path) -> None:
    at = _oidc_app({"is_logged_in": False}).run()
    at.button[0].click().run()
    # Authlib is not installed here; with it, st.login redirects to the provider
    assert [w.value for w in at.warning] in ([nl("access.oidc_unavailable")], [])
    _data_free(at)


def test_oidc_user_gets_the_roles_of_the_users_file(store: Path, users_file: Path) -> None:
    user = {
        "is_logged_in": True,
        "email": "OIDC.hr@Beta.example",
        "sub": "beta-77",
        "iss": "https://idp.example",
    }
    at = _oidc_app(user).run()
    assert not at.exception
    assert _titles(at) == [nl("page.overview")]
    assert at.sidebar.multiselect(key="filter_orgs").options == ["Stad Beta"]
    assert found(rendered_text(at), ("Dienst Alfa", "P-A1")) == []
    detail = {
        "mode": "oidc",
        "subject": "beta-77",
        "issuer": "https://idp.example",
        "mapped_from": "users_file",
        "rules": [],
        "orgs": ["ORG-B"],
    }
    assert [(e["event"], e["roles"], e["detail"]) for e in _events(store)] == [
        ("login", ["hr"], detail)
    ]


def test_an_oidc_login_is_bound_to_the_browser_too(
    store: Path, users_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit already refuses to resume an OIDC session without its login cookie; the
    app's own binding holds as well (here the session state is kept, the cookie changes)."""
    at = _oidc_app({"is_logged_in": True, "email": "oidc.hr@beta.example"}).run()
    assert _titles(at) == [nl("page.overview")]
    connect_as(Connection({}, peer="203.0.113.66"), monkeypatch)
    at.run()
    assert [w.value for w in at.warning] == [nl("access.session_elsewhere")]
    _data_free(at)
    connect_as(BROWSER, monkeypatch)
    at.run()
    assert _titles(at) == [nl("page.overview")]


def test_no_oidc_login_without_a_cookie_to_bind_it_to(
    store: Path, users_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect_as(Connection({}), monkeypatch)
    at = _oidc_app({"is_logged_in": True, "email": "oidc.hr@beta.example"}).run()
    assert [w.value for w in at.warning] == [nl("access.cookies_needed")]
    _data_free(at)


@pytest.mark.parametrize(
    ("user", "sentence"),
    [
        ({"is_logged_in": True, "email": "stranger@elsewhere.example"}, "access.no_role"),
        ({"is_logged_in": True, "name": "No Mail"}, "access.oidc_no_email"),
        (
            {"is_logged_in": True, "email": "oidc.hr@beta.example", "email_verified": False},
            "access.oidc_unverified",
        ),
    ],
)
def test_oidc_denials(
    store: Path, users_file: Path, user: dict[str, object], sentence: str
) -> None:
    at = _oidc_app(user).run()
    assert [w.value for w in at.warning] == [nl(sentence)]
    _data_free(at)


def test_a_password_user_cannot_come_in_through_oidc_without_its_email(
    store: Path, users_file: Path
) -> None:
    # "hr-b" is a login name, not an e-mail a provider vouches for: still looked up, so the
    # users file must only use e-mail addresses for OIDC users (documented); a provider
    # never returns "hr-b" as an e-mail address.
    at = _oidc_app({"is_logged_in": True, "email": "hr-a@evil.example"}).run()
    assert [w.value for w in at.warning] == [nl("access.no_role")]


# ---- demo ----------------------------------------------------------------------------------


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELSTATS_DEMO", "1")


def test_demo_switcher_is_marked_and_defaults_to_bosa(store: Path, demo: None) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    switcher = at.sidebar.selectbox(key="_selstats_demo_role")
    assert switcher.label == "DEMO — rol kiezen"
    assert switcher.value == "bosa"
    assert [w.value for w in at.sidebar.warning] == [nl("access.demo_banner")]
    assert {"Dienst Alfa", "Stad Beta"} <= set(at.sidebar.multiselect(key="filter_orgs").options)


def test_demo_hr_of_one_organisation(store: Path, demo: None) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.sidebar.selectbox(key="_selstats_demo_role").select("hr").run()
    at.sidebar.selectbox(key="_selstats_demo_org").select("ORG-B").run()
    assert not at.exception
    assert at.sidebar.multiselect(key="filter_orgs").options == ["Stad Beta"]
    # the switcher itself lists every organisation; nothing else shows ORG-A's data
    assert found(rendered_text(at), ("P-A1", "A01", "A03")) == []
    # the role survives a page switch
    at.switch_page("pages/funnel.py").run()
    assert at.sidebar.selectbox(key="_selstats_demo_role").value == "hr"
    assert at.sidebar.multiselect(key="filter_orgs").options == ["Stad Beta"]


def test_oidc_configuration_wins_over_demo(store: Path, users_file: Path, demo: None) -> None:
    at = _oidc_app({"is_logged_in": False}).run()
    assert [i.value for i in at.info] == [nl("access.oidc_prompt")]
    _data_free(at)
