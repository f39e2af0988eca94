"""Logging in through a real OpenID Connect provider, in Chromium, against the real server.

The provider is `oidc-provider-mock` (a dev dependency; Authlib's authorization server with
an RSA key, discovery, JWKS, the authorization-code flow and RP-initiated logout), run as its
own process on 127.0.0.2 (the dashboard is on 127.0.0.1: a host of its own, so the two never
share cookies). Its login page asks for a subject; the users and their claims are set
beforehand through its `PUT /users/<sub>`. Streamlit's `[auth]` points at it from a
secrets.toml in a temporary folder (`STREAMLIT_SECRETS_FILES`); the claims mapping is the
README's example, read from the README itself.

What the provider's users hold and what each must see (the small store,
tests/fixtures/small_store.py):

- `alfa-hr`: Entra-style group 8d5c...0a -> rule 1: hr of ORG-A "Dienst Alfa": P-A1, 8
  applicants, 1 procedure, 2 laureates (A01, A03);
- `beta-hr`: Keycloak-style realm role selstats-hr and organisation ORG-B -> rule 3: hr of
  ORG-B "Stad Beta": P-B1 5 + P-B2 2 = 7 applicants, 2 procedures, 1 laureate (B01);
- `canteen`: a group no rule names -> no role: the sentence, no data;
- `wrong-aud`, `expired`: the provider signs their ID token with a wrong audience, or one
  that expired in 2001. The mock lets a user's claims replace the token's own (Authlib's
  `generate_id_token` updates the payload with them), so these are real tokens signed by
  the provider's key, not forged ones; Streamlit's Authlib client must refuse them (the
  server log says why) and the browser comes back not logged in.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from selstats.i18n import translate
from tests.fixtures.small_store import build_small_store

from .conftest import (
    OUTPUT_DIR,
    REPO_ROOT,
    assert_no_exception,
    label,
    metric_value,
    screenshot,
    streamlit_server,
    wait_for_app_idle,
)

PROVIDER_HOST = "127.0.0.2"  # loopback; not the dashboard's host
CLIENT_ID = "selstats"
GROUP_ALFA = "8d5c3a4e-0000-4000-8000-00000000000a"  # the README's rule 1

USERS: dict[str, dict[str, object]] = {
    "alfa-hr": {"email": "hr@alfa.example", "name": "Hanne Alfa", "groups": [GROUP_ALFA]},
    "beta-hr": {
        "email": "hr@beta.example",
        "name": "Bart Beta",
        "realm_access": {"roles": ["offline_access", "selstats-hr"]},
        "organisation": "ORG-B",
    },
    "canteen": {"email": "chef@alfa.example", "groups": ["canteen-staff"]},
    "wrong-aud": {"email": "w@alfa.example", "groups": [GROUP_ALFA], "aud": "another-app"},
    "wrong-aud-azp": {
        "email": "z@alfa.example",
        "groups": [GROUP_ALFA],
        "aud": "another-app",
        "azp": CLIENT_ID,
    },
    "expired": {"email": "e@alfa.example", "groups": [GROUP_ALFA], "exp": 1_000_000_000},
}


def nl(key: str, **params: object) -> str:
    return translate("nl", key, **params)


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            body: bytes = response.read()
            return body
    except (urllib.error.URLError, OSError):
        return None


def _put_user(issuer: str, sub: str, claims: dict[str, object]) -> None:
    request = urllib.request.Request(
        f"{issuer}/users/{quote(sub)}",
        data=json.dumps(claims).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 204


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The OpenID Connect provider, its own process on 127.0.0.2; yields its issuer URL."""
    port = _free_port(PROVIDER_HOST)
    issuer = f"http://{PROVIDER_HOST}:{port}"
    log_path = OUTPUT_DIR / f"oidc-provider-{os.getpid()}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "oidc_provider_mock", "--host", PROVIDER_HOST]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while _get(f"{issuer}/.well-known/openid-configuration") is None:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the provider did not start:\n{log_path.read_text()}", pytrace=False)
            time.sleep(0.2)
        for sub, claims in USERS.items():
            _put_user(issuer, sub, claims)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def readme_claims_map() -> str:
    """The README's example claims mapping (the ```toml block opening with `# claims.toml`)."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for block in re.findall(r"```toml\n(.*?)```", text, re.S):
        lines = [line.strip() for line in block.splitlines()]
        if lines and lines[0].startswith("# claims.toml"):
            return "\n".join(lines) + "\n"
    raise AssertionError("the README has no example claims.toml")


@contextmanager
def oidc_server(issuer: str, folder: Path, name: str, **env: str) -> Iterator[tuple[str, Path]]:
    """The dashboard with `[auth]` for the provider at `issuer`, the README's claims mapping
    and a store of its own (the small store); yields its URL and the store's audit file."""
    folder.mkdir(parents=True, exist_ok=True)
    db = build_small_store(folder / "small.duckdb")
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        # Streamlit puts the port it serves on for {port}
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        'client_secret = "any secret: the mock accepts every client"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    claims_map = folder / "claims.toml"
    claims_map.write_text(readme_claims_map(), encoding="utf-8")
    log_path = OUTPUT_DIR / f"streamlit-{name}-{os.getpid()}.log"
    with streamlit_server(
        db,
        log_path,
        unset=("SELSTATS_DEMO",),
        STREAMLIT_SECRETS_FILES=str(secrets_file),
        SELSTATS_CLAIMS_MAP=str(claims_map),
        SELSTATS_USERS=str(folder / "no-users.toml"),
        SELSTATS_STATE_DIR=str(folder / "state"),
        **env,
    ) as url:
        yield url, db.with_name(db.name + ".audit.jsonl")


@pytest.fixture(scope="module")
def dashboard(
    provider: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    with oidc_server(provider, tmp_path_factory.mktemp("oidc"), "oidc") as served:
        yield served


def _audit(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def log_in(page: Page, url: str, sub: str) -> None:
    """Open the dashboard, press its login button, type `sub` on the provider's page and
    authorize; back on the dashboard once it has run."""
    page.goto(url + "/")
    wait_for_app_idle(page)
    expect(page.get_by_text(nl("access.oidc_prompt"))).to_be_visible()
    press_login(page)
    # the provider's page, on its own host
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    assert page.url.startswith(f"http://{PROVIDER_HOST}:")
    expect(page.get_by_text(CLIENT_ID, exact=True)).to_be_visible()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    # the callback, then the dashboard
    page.wait_for_url(re.compile(re.escape(url) + r"/(\?.*)?$"))
    wait_for_app_idle(page)


def press_login(page: Page) -> None:
    """Press the dashboard's login button and wait for the provider's page. The press makes
    the app rerun and send the browser to the provider; a press that lands while a run is
    still going is pressed again (at most three times)."""
    provider_page = re.compile(rf"http://{re.escape(PROVIDER_HOST)}:\d+/")
    for attempt in range(3):
        page.get_by_role("button", name=nl("access.login")).click()
        try:
            page.wait_for_url(provider_page, timeout=15_000)
            return
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise


def org_options(page: Page) -> list[str]:
    """The options of the sidebar's organisation filter, as the browser lists them."""
    sidebar = page.get_by_test_id("stSidebar")
    box = sidebar.get_by_test_id("stMultiSelect").filter(has_text=nl("filter.organisation"))
    combobox = box.get_by_role("combobox")
    combobox.click()
    if combobox.get_attribute("aria-expanded") != "true":
        combobox.press("ArrowDown")
    expect(combobox).to_have_attribute("aria-expanded", "true")
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    texts = options.all_inner_texts()
    page.keyboard.press("Escape")
    return [text for text in texts if text != "Select all"]  # Streamlit's own first option


@pytest.mark.parametrize(
    ("sub", "own_id", "own", "other_id", "other", "applicants", "procedures", "laureates"),
    [
        # ORG-A: P-A1 only: 8 applicants, 1 procedure, laureates A01 and A03
        ("alfa-hr", "ORG-A", "Dienst Alfa", "ORG-B", "Stad Beta", "8", "1", "2"),
        # ORG-B: P-B1 5 + P-B2 2 = 7 applicants, 2 procedures, laureate B01
        ("beta-hr", "ORG-B", "Stad Beta", "ORG-A", "Dienst Alfa", "7", "2", "1"),
    ],
)
def test_each_organisation_sees_only_its_own_figures(
    page: Page,
    provider: str,
    dashboard: tuple[str, Path],
    sub: str,
    own_id: str,
    own: str,
    other_id: str,
    other: str,
    applicants: str,
    procedures: str,
    laureates: str,
) -> None:
    url, audit = dashboard
    log_in(page, url, sub)
    assert_no_exception(page)
    expect(page.get_by_role("heading", name=nl("page.overview"))).to_be_visible()
    expect(metric_value(page, label("applicants"))).to_have_text(applicants)
    expect(metric_value(page, label("procedures"))).to_have_text(procedures)
    expect(metric_value(page, label("laureates"))).to_have_text(laureates)
    assert org_options(page) == [own]
    assert other not in page.locator("body").inner_text()
    screenshot(page, f"oidc-{sub}")
    # a hand-edited link to the other organisation shows nothing of it
    page.goto(f"{url}/funnel?orgs={other_id}")
    wait_for_app_idle(page)
    assert_no_exception(page)
    assert other not in page.locator("body").inner_text()
    # the audit log: the provider's subject and issuer, the mapped role and organisation
    email = USERS[sub]["email"]
    logins = [e for e in _audit(audit) if e["event"] == "login" and e["user"] == email]
    assert logins, _audit(audit)
    assert logins[-1]["roles"] == ["hr"]
    detail = logins[-1]["detail"]
    assert isinstance(detail, dict)
    assert (detail["subject"], detail["issuer"], detail["mapped_from"]) == (
        sub,
        provider,
        "claims",
    )
    assert detail["orgs"] == [own_id]


def test_a_user_whose_claims_map_to_nothing_sees_no_data(
    page: Page, dashboard: tuple[str, Path]
) -> None:
    url, audit = dashboard
    log_in(page, url, "canteen")
    assert_no_exception(page)
    expect(page.get_by_text(nl("access.no_role"))).to_be_visible()
    body = page.locator("body").inner_text()
    for marker in ("Dienst Alfa", "Stad Beta", "P-A1", "P-B1", nl("page.overview")):
        assert marker not in body
    denied = [
        e for e in _audit(audit) if e["event"] == "denied" and e["user"] == "chef@alfa.example"
    ]
    assert denied and denied[-1]["roles"] == []
    detail = denied[-1]["detail"]
    assert isinstance(detail, dict)
    assert (detail["subject"], detail["mapped_from"]) == ("canteen", "none")


def test_logout_ends_the_session(page: Page, dashboard: tuple[str, Path]) -> None:
    url, audit = dashboard
    log_in(page, url, "alfa-hr")
    expect(page.get_by_role("heading", name=nl("page.overview"))).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_role("button", name=nl("access.logout")).click()
    # the provider's end-session page (RP-initiated logout), then back to the dashboard
    page.wait_for_url(re.compile(rf"http://{re.escape(PROVIDER_HOST)}:\d+/oauth2/end_session"))
    page.get_by_role("button").first.click()
    page.wait_for_url(re.compile(re.escape(url) + r"/(\?.*)?$"))
    wait_for_app_idle(page)
    expect(page.get_by_text(nl("access.oidc_prompt"))).to_be_visible()
    assert "Dienst Alfa" not in page.locator("body").inner_text()
    # the login cookie is gone: a new page load is not logged in either
    assert not [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    page.goto(url + "/")
    wait_for_app_idle(page)
    expect(page.get_by_text(nl("access.oidc_prompt"))).to_be_visible()
    # and logging in again goes through the provider's page again
    press_login(page)
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    assert [e["event"] for e in _audit(audit) if e["user"] == "hr@alfa.example"][-1] == "logout"


@pytest.mark.parametrize(
    ("sub", "why"),
    [
        # Authlib checks the audience through azp: "missing_claim: Missing claim: 'azp'"
        ("wrong-aud", r"Missing claim: 'azp'"),
        ("expired", r"expired_token"),  # "expired_token: The token is expired"
    ],
)
def test_a_token_for_another_audience_or_expired_is_refused_at_the_callback(
    page: Page, dashboard: tuple[str, Path], sub: str, why: str
) -> None:
    url, _audit_file = dashboard
    log_name = OUTPUT_DIR / f"streamlit-oidc-{os.getpid()}.log"
    before = log_name.read_text(errors="replace") if log_name.exists() else ""
    log_in(page, url, sub)
    assert_no_exception(page)
    expect(page.get_by_text(nl("access.oidc_prompt"))).to_be_visible()
    body = page.locator("body").inner_text()
    assert "Dienst Alfa" not in body and nl("page.overview") not in body
    assert not [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    after = log_name.read_text(errors="replace")[len(before) :]
    assert "OAuth token exchange failed" in after
    assert re.search(why, after, re.I), after[-3000:]


def test_a_token_for_another_audience_naming_this_one_as_azp_is_refused_by_the_gate(
    page: Page, dashboard: tuple[str, Path]
) -> None:
    """aud "another-app", azp "selstats": Authlib lets it through (it checks the audience
    only through azp), the gate does not (`selstats.access.login.issued_to`)."""
    url, audit = dashboard
    log_in(page, url, "wrong-aud-azp")
    assert_no_exception(page)
    expect(page.get_by_text(nl("access.oidc_wrong_audience"))).to_be_visible()
    body = page.locator("body").inner_text()
    assert "Dienst Alfa" not in body and nl("page.overview") not in body
    denied = [e for e in _audit(audit) if e["user"] == "z@alfa.example"]
    assert [(e["event"], e["error"]) for e in denied] == [("denied", "audience")]


def test_an_idle_login_asks_for_a_new_one(page: Page, provider: str, tmp_path: Path) -> None:
    """Idle time 0.2 minutes (12 s): logged in, 13 s without a click, then a reload (a new
    session of the same login cookie) asks for a new login."""
    with oidc_server(
        provider, tmp_path / "idle", "oidc-idle", SELSTATS_SESSION_IDLE_MINUTES="0.2"
    ) as (url, audit):
        log_in(page, url, "alfa-hr")
        expect(page.get_by_role("heading", name=nl("page.overview"))).to_be_visible()
        page.wait_for_timeout(13_000)
        page.reload()
        wait_for_app_idle(page)
        assert_no_exception(page)
        expect(page.get_by_text(nl("access.session_expired"))).to_be_visible()
        assert "Dienst Alfa" not in page.locator("body").inner_text()
        events = [(e["event"], e["detail"]) for e in _audit(audit)]
        assert ("logout", {"mode": "oidc", "reason": "session_idle"}) in events
        # a new login through the provider lets the user in again
        press_login(page)
        expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
        page.get_by_placeholder("sub").fill("alfa-hr")
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url(re.compile(re.escape(url) + r"/(\?.*)?$"))
        wait_for_app_idle(page)
        expect(page.get_by_role("heading", name=nl("page.overview"))).to_be_visible()
