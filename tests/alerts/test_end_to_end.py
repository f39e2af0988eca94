"""`selstats alerts` end to end: the store of conftest.py, a users file, a real SMTP server
(STARTTLS and login), the once-only state, the audit file.

What is due, by hand, on Friday 2026-03-20 with the Q-check figure per consultant
(SELSTATS_QCHECK_MODE=per_consultant):
- P-A1 (ORG-A): usable through 2026-04-04 (list 2025-04-05 + 12 months, the day before):
  11 days to 31 March + 4 = 15 days left -> lapsing within 30 days. Its laureates: A01
  hired, A03 available: 1 available of 2.
- P-B1 (ORG-B): usable through 2026-04-30 (list 2024-05-01 + 24 months, the day before):
  11 + 30 = 41 days left -> lapsing within 90 days. B01 available: 1 of 1.
- ORG-A holds client certification; per consultant its Q-check figure is
  (CA1 (70 + 90 + 95) / 3 = 85, CA2 70) -> (85 + 70) / 2 = 77.5 < 80: at risk, reason
  qcheck_below_80 only -> a Q-check alert, no conditions alert. Checks at 100 % to get
  back: one check to CA2 makes CA2 (70 + 100) / 2 = 85 and the figure (85 + 85) / 2 = 85
  >= 80 -> 1.
- ORG-A's review: 2025-04-15 + 1 year = 2026-04-15, 11 + 15 = 26 days away (within 90),
  and it would fail today (it is at risk).
- ORG-B holds no certification: nothing.
- A dashboard import failed on 2026-03-19 (the audit line written below): for the admin.

So: marie (hr ORG-A, French) 3 alerts; jan (hr ORG-B, Dutch) 1; bo@bosa.example (bosa,
English, OIDC: the name is the address) 4; ana (analyst) 4 with small counts hidden
("<5"); adm (admin) 1; nomail (hr ORG-A) none: no address.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from selstats.access.audit import audit_path, read_file_events
from selstats.access.roles import Role
from selstats.access.users import User, load_users, write_users
from selstats.alerts.run import run_alerts
from selstats.alerts.state import AlertState, state_path
from selstats.cli import main
from tests.alerts.conftest import SmtpServer

AS_OF = date(2026, 3, 20)


@pytest.fixture
def users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "users.toml"
    write_users(
        [
            User("marie", (Role.HR,), ("ORG-A",), "Marie Dupont", None, "marie@a.example", "fr"),
            User("jan", (Role.HR,), ("ORG-B",), "Jan Peeters", None, "jan@b.example", "nl"),
            User("bo@bosa.example", (Role.BOSA,), (), "Bo", None, "", "en"),
            User("ana", (Role.ANALYST,), (), "Ana", None, "ana@x.example", ""),
            User("adm", (Role.ADMIN,), (), "Adm", None, "adm@x.example", "en"),
            User("nomail", (Role.HR,), ("ORG-A",), "No Mail", None, "", ""),
        ],
        path,
    )
    monkeypatch.setenv("SELSTATS_USERS", str(path))
    monkeypatch.setenv("SELSTATS_QCHECK_MODE", "per_consultant")
    return path


def _failed_import(db: Path) -> None:
    line = {
        "at": "2026-03-19T10:15:00+01:00",
        "event": "import",
        "outcome": "failed",
        "error": "ImportProblems",
        "user": "adm",
        "roles": ["admin"],
        "source": "dashboard",
        "detail": {"files": ["results.csv"], "problems": 3, "source": "dashboard"},
    }
    with audit_path(db).open("a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")


def _run(db: Path, server: SmtpServer, users: Path, as_of: date = AS_OF):
    return run_alerts(
        db,
        load_users(users),
        as_of=as_of,
        settings=server.settings(),
        actor="cron",
        tls_context=server.client_tls,
    )


def _by_recipient(server: SmtpServer) -> dict[str, list]:
    found: dict[str, list] = {}
    for received in server.sink.received:
        for rcpt in received.rcpt_tos:
            found.setdefault(rcpt, []).append(received)
    return found


def test_each_user_gets_what_is_due_in_their_scope_and_language(
    alerts_store: Path, smtp_server: SmtpServer, users: Path
) -> None:
    _failed_import(alerts_store)
    report = _run(alerts_store, smtp_server, users)

    got = _by_recipient(smtp_server)
    assert sorted(got) == [
        "adm@x.example",
        "ana@x.example",
        "bo@bosa.example",
        "jan@b.example",
        "marie@a.example",
    ]
    assert all(len(messages) == 1 for messages in got.values())
    assert {o.username: o.status for o in report.outcomes} == {
        "adm": "sent",
        "ana": "sent",
        "bo@bosa.example": "sent",
        "jan": "sent",
        "marie": "sent",
        "nomail": "no_address",
    }
    # over STARTTLS, after the login
    assert smtp_server.sink.tls == [True] * 5
    assert smtp_server.sink.logins == ["selstats"]  # one connection for the whole run
    assert {r.mail_from for r in smtp_server.sink.received} == {"selstats@bosa.example"}

    # marie: French, ORG-A's list, Q-checks and review
    marie = got["marie@a.example"][0]
    assert marie.email["Subject"] == "selstats : 3 nouvelles alertes"
    text = marie.body("plain")
    assert "Bonjour Marie Dupont," in text
    assert "situation au 20/03/2026" in text
    assert "P-A1 Attaché (Dienst Alfa) : utilisable jusqu'au 04/04/2026, encore 15 jours" in text
    assert "1 lauréat disponible sur 2" in text
    assert "Dienst Alfa : chiffre des Q-checks 77,50 %" in text
    assert "ou 1 à 100 %" in text
    assert "révision le 15/04/2026, dans 26 jours ; échouerait aujourd'hui" in text
    assert "https://selstats.example.be/reserve_lists?orgs=ORG-A&procs=P-A1&lang=fr" in text
    assert "https://selstats.example.be/certification?orgs=ORG-A&lang=fr" in text
    assert "P-B1" not in text and "Stad Beta" not in text
    html = marie.body("html")
    assert (
        'href="https://selstats.example.be/reserve_lists?orgs=ORG-A&amp;procs=P-A1&amp;lang=fr"'
        in html
    )
    assert "Ouvrir dans selstats" in html

    # jan: Dutch, ORG-B's list only: never ORG-A's
    jan = got["jan@b.example"][0]
    assert jan.email["Subject"] == "selstats: 1 nieuwe melding"
    text = jan.body("plain") + jan.body("html")
    assert (
        "P-B1 Dossierbeheerder (Stad Beta): bruikbaar tot en met 30/04/2026, nog 41 dagen" in text
    )
    assert "Lijsten die binnen 90 dagen vervallen" in text
    for other in ("P-A1", "ORG-A", "Dienst Alfa", "Attaché"):
        assert other not in text

    # bo (bosa, English): everything, exact
    bo = got["bo@bosa.example"][0].body("plain")
    assert got["bo@bosa.example"][0].email["Subject"] == "selstats: 4 new alerts"
    assert "P-A1 Attaché (Dienst Alfa): usable through 2026-04-04, 15 days left" in bo
    assert "P-B1 Dossierbeheerder (Stad Beta): usable through 2026-04-30, 41 days left" in bo
    assert "Failed imports" not in bo

    # ana (analyst): the same lists, small counts hidden as on the dashboard
    ana = got["ana@x.example"][0].body("plain")
    assert "<5 beschikbare laureaten van <5" in ana
    assert "1 beschikbare" not in ana

    # adm (admin): the failed import, no figures
    adm = got["adm@x.example"][0].body("plain")
    assert "results.csv" in adm and "3 problems, nothing was imported" in adm
    assert "P-A1" not in adm and "Q-check" not in adm


def test_each_alert_is_sent_once_and_new_ones_later(
    alerts_store: Path, smtp_server: SmtpServer, users: Path
) -> None:
    _run(alerts_store, smtp_server, users)
    first = len(smtp_server.sink.received)
    assert first == 4  # marie, jan, bo, ana (no failed import in this store)

    # the same day again: nothing new, no message
    again = _run(alerts_store, smtp_server, users)
    assert len(smtp_server.sink.received) == first
    assert {o.status for o in again.outcomes} == {"nothing", "no_address"}

    # 2026-04-06: P-A1 lapsed after 2026-04-04 (new), P-B1 now 24 days away (within 30:
    # new); the Q-checks and the review were told already.
    _run(alerts_store, smtp_server, users, as_of=date(2026, 4, 6))
    later = _by_recipient(smtp_server)
    jan = later["jan@b.example"][-1].body("plain")
    assert "Lijsten die binnen 30 dagen vervallen" in jan and "nog 24 dagen" in jan
    marie = later["marie@a.example"][-1]
    assert marie.email["Subject"] == "selstats : 1 nouvelle alerte"
    assert "expirée après le 04/04/2026" in marie.body("plain")
    assert "Q-checks" not in marie.body("plain")


def test_the_audit_log_records_each_message(
    alerts_store: Path, smtp_server: SmtpServer, users: Path
) -> None:
    _run(alerts_store, smtp_server, users)
    events = read_file_events(audit_path(alerts_store)).filter(event="alert")
    assert events.height == 4
    assert set(events["outcome"]) == {"ok"}
    assert set(events["user"]) == {"cron"}
    details = {json.loads(d)["recipient"]: json.loads(d) for d in events["detail"]}
    assert details["jan"]["to"] == "jan@b.example"
    assert details["jan"]["alerts"] == ["lapsing_90:P-B1:2026-04-30"]
    assert details["marie"]["lang"] == "fr"
    assert sorted(details["marie"]["alerts"]) == [
        "lapsing_30:P-A1:2026-04-04",
        "qcheck:ORG-A",
        "review:ORG-A:2026-04-15",
    ]


def test_a_refused_message_is_audited_as_failed_and_sent_next_time(
    alerts_store: Path, smtp_server: SmtpServer, users: Path
) -> None:
    smtp_server.sink.refuse = {"jan@b.example"}
    report = _run(alerts_store, smtp_server, users)
    assert {o.username: o.status for o in report.outcomes}["jan"] == "failed"
    assert "jan@b.example" not in _by_recipient(smtp_server)
    events = read_file_events(audit_path(alerts_store)).filter(event="alert")
    failed = events.filter(outcome="failed (SMTPRecipientsRefused)")
    assert [json.loads(d)["recipient"] for d in failed["detail"]] == ["jan"]
    assert AlertState(state_path(alerts_store)).sent_keys("jan") == set()

    smtp_server.sink.refuse = set()
    _run(alerts_store, smtp_server, users)
    assert len(_by_recipient(smtp_server)["jan@b.example"]) == 1
    # the others were not sent twice
    assert len(_by_recipient(smtp_server)["marie@a.example"]) == 1


def test_the_command_line_dry_run_prints_and_sends_nothing(
    alerts_store: Path,
    smtp_server: SmtpServer,
    users: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in smtp_server.env().items():
        monkeypatch.setenv(name, value)
    code = main(["alerts", "--db", str(alerts_store), "--dry-run", "--as-of", "2026-03-20"])
    out = capsys.readouterr()
    assert code == 0
    assert smtp_server.sink.received == []
    assert "To: jan@b.example\nSubject: selstats: 1 nieuwe melding" in out.out
    assert "https://selstats.example.be/reserve_lists?orgs=ORG-B&procs=P-B1" in out.out
    assert "nomail: geen e-mailadres" in out.err
    assert not state_path(alerts_store).exists()  # a dry run changes nothing


def test_the_command_line_without_smtp_settings_refuses_to_send(
    alerts_store: Path, users: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SELSTATS_SMTP_HOST", raising=False)
    assert main(["alerts", "--db", str(alerts_store), "--as-of", "2026-03-20"]) == 1
