"""The calendar feed (`selstats alerts --ics USER`), parsed back with `icalendar`.

By hand, on 2026-03-20, on the store of conftest.py:
- marie (hr ORG-A, French): P-A1's last day 2026-04-04 (list 2025-04-05 + 12 months, the
  day before) and ORG-A's next review 2026-04-15 (review 2025-04-15 + 1 year): two
  all-day events, each ending the next day, with a reminder 7 days before.
- jan (hr ORG-B): P-B1's last day 2026-04-30 (list 2024-05-01 + 24 months, the day
  before); ORG-B holds no certification: no review.
- on 2026-04-05 P-A1 has lapsed: marie's calendar keeps only the review.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from selstats.access.roles import Role
from selstats.access.users import User, write_users
from selstats.cli import main


@pytest.fixture
def users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "users.toml"
    write_users(
        [
            User("marie", (Role.HR,), ("ORG-A",), "Marie", None, "marie@a.example", "fr"),
            User("jan", (Role.HR,), ("ORG-B",), "Jan", None, "jan@b.example", "nl"),
        ],
        path,
    )
    monkeypatch.setenv("SELSTATS_USERS", str(path))
    monkeypatch.setenv("SELSTATS_PUBLIC_URL", "https://selstats.example.be")
    return path


def _calendar(store: Path, user: str, out: Path, as_of: str = "2026-03-20") -> Calendar:
    assert (
        main(["alerts", "--db", str(store), "--ics", user, "--out", str(out), "--as-of", as_of])
        == 0
    )
    return Calendar.from_ical(out.read_bytes())


def test_a_users_calendar_holds_their_list_ends_and_reviews(
    alerts_store: Path, users: Path, tmp_path: Path
) -> None:
    calendar = _calendar(alerts_store, "marie", tmp_path / "marie.ics")
    events = {str(e["UID"]): e for e in calendar.events}
    assert sorted(events) == ["list-P-A1@selstats", "review-ORG-A@selstats"]

    end = events["list-P-A1@selstats"]
    assert end.start == date(2026, 4, 4) and end.end == date(2026, 4, 5)
    assert str(end["SUMMARY"]) == "Dernier jour de la liste P-A1 Attaché (Dienst Alfa)"
    assert str(end["URL"]) == (
        "https://selstats.example.be/reserve_lists?orgs=ORG-A&procs=P-A1&lang=fr"
    )
    assert "1 lauréat disponible sur 2 au 20/03/2026" in str(end["DESCRIPTION"])
    (alarm,) = end.walk("VALARM")
    assert alarm["TRIGGER"].dt == -timedelta(days=7)

    review = events["review-ORG-A@selstats"]
    assert review.start == date(2026, 4, 15) and review.end == date(2026, 4, 16)
    assert str(review["SUMMARY"]) == "Révision de la certification Dienst Alfa"
    assert str(calendar["X-WR-CALNAME"]) == "selstats : listes et révisions"


def test_a_calendar_shows_only_the_users_scope_and_what_is_still_to_come(
    alerts_store: Path, users: Path, tmp_path: Path
) -> None:
    jan = _calendar(alerts_store, "jan", tmp_path / "jan.ics")
    assert [(str(e["UID"]), e.start) for e in jan.events] == [
        ("list-P-B1@selstats", date(2026, 4, 30))
    ]
    later = _calendar(alerts_store, "marie", tmp_path / "later.ics", as_of="2026-04-05")
    assert [str(e["UID"]) for e in later.events] == ["review-ORG-A@selstats"]


def test_an_unknown_user_has_no_calendar(alerts_store: Path, users: Path, tmp_path: Path) -> None:
    assert main(["alerts", "--db", str(alerts_store), "--ics", "nobody"]) == 1
