"""A user's calendar (`.ics`, RFC 5545, written with the `icalendar` package): the last
usable day of every list in their scope that has not lapsed yet, and the next yearly
review of every certified organisation in it, as all-day events that Outlook and other
calendars import.

Each event keeps its UID from one download to the next (`list-<code>@selstats`,
`review-<org>@selstats`): importing a newer file moves an event whose date changed (an
extension, the next year's review) instead of adding a second one. Each event has a
reminder a week before, and a deep link into the dashboard.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Final

import polars as pl
from icalendar import TRANSP, Alarm, Calendar, Event

from selstats.alerts.render import PAGE_CERTIFICATION, PAGE_LISTS, deep_link
from selstats.figures.present import value_text
from selstats.i18n import translate

PRODID: Final = "-//selstats//alerts//NL"
REMINDER: Final = timedelta(days=7)
MEDIA_TYPE: Final = "text/calendar"


def _event(uid: str, day: date, summary: str, description: str, url: str, stamp: datetime) -> Event:
    event = Event.new(
        uid=uid,
        start=day,
        end=day + timedelta(days=1),
        summary=summary,
        description=f"{description}\n{url}",
        url=url,
        stamp=stamp,
        transparency=TRANSP.TRANSPARENT,  # a date to know, not a meeting: the day stays free
    )
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -REMINDER)
    event.add_component(alarm)
    return event


def build_calendar(
    lists: pl.DataFrame,
    statuses: pl.DataFrame,
    *,
    lang: str,
    as_of: date,
    base_url: str = "",
    stamp: datetime | None = None,
) -> bytes:
    """The calendar of `lists` (the `reserve_lists` query on `as_of`) and `statuses` (the
    `certification` query), both as the user may see them, in `lang`."""
    stamp = stamp or datetime.now(UTC)

    def tr(key: str, **params: object) -> str:
        return translate(lang, f"alerts.calendar.{key}", **params)

    calendar = Calendar.new(
        prodid=PRODID,
        uid=f"selstats-{lang}",
        name=tr("name"),
        method="PUBLISH",
        calscale="GREGORIAN",
    )
    for row in lists.iter_rows(named=True):
        through = row.get("valid_through")
        if through is None or through < as_of:
            continue  # open (no end yet) or lapsed
        code = str(row["procedure_code"])
        org = str(row.get("org_name") or row.get("org_id") or "")
        params = {"code": code, "title": row.get("title") or "", "org": org}
        description = tr(
            "list_end_description",
            code=code,
            available=value_text("available", row.get("available"), lang),
            size=value_text("size", row.get("size"), lang),
            date=value_text("list_date", as_of, lang),
        )
        url = deep_link(base_url, PAGE_LISTS, lang, orgs=row.get("org_id"), procs=code)
        calendar.add_component(
            _event(
                f"list-{code}@selstats", through, tr("list_end", **params), description, url, stamp
            )
        )
    for row in statuses.iter_rows(named=True):
        day = row.get("next_review")
        if day is None or row.get("certification") in (None, "none"):
            continue
        org_id = str(row["org_id"])
        org = str(row.get("org_name") or org_id)
        level = value_text("certification", row.get("certification"), lang)
        url = deep_link(base_url, PAGE_CERTIFICATION, lang, orgs=org_id)
        calendar.add_component(
            _event(
                f"review-{org_id}@selstats",
                day,
                tr("review", org=org),
                tr("review_description", org=org, certification=level),
                url,
                stamp,
            )
        )
    return calendar.to_ical()
