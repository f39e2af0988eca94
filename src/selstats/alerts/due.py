"""What is due for one user: frames the user may see in, `Alert`s out. Pure (no store, no
Streamlit, no clock): the caller gives the date.

Each alert has a `key` that names it for the once-only rule (`selstats.alerts.state`): the
same situation gives the same key on every run, and a new situation a new one.

- `lapsing_30`: a list valid on the day whose last day is at most 30 days away;
  key: list, last day.
- `lapsing_90`: the same, 31 to 90 days away (a list first seen within 30 days gets only
  `lapsing_30`); key: list, last day.
- `lapsed`: a list whose last day lies 1 to `LAPSED_WINDOW_DAYS` days back; key: list,
  last day.
- `conditions`: an organisation holds client certification and misses conditions other
  than the Q-checks; key: organisation, the missing conditions.
- `qcheck`: the same organisation's Q-check figure is under 80 % (or it has none); key:
  organisation.
- `review`: DG R&O's yearly review falls within the review horizon (overdue included);
  key: organisation, review day.
- `import_failed`: an import started from the dashboard failed, at most
  `IMPORT_WINDOW_DAYS` days ago; key: the audit event's time and files.

A list's last day is `valid_through`: the later of its own end and its laureates'
extensions, so an extension gives new keys and a new alert. "Lapsed since the last run"
is the once-only rule applied to the last `LAPSED_WINDOW_DAYS` days: a run sends each lapse
it has not sent; a deployment's first run looks back that far. An organisation that meets
its conditions again loses its keys (`selstats.alerts.state` forgets what is no longer
due), so falling back later alerts again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

import polars as pl

LAPSING_SOON_DAYS: Final = 30
LAPSING_DAYS: Final = 90
LAPSED_WINDOW_DAYS: Final = 30
IMPORT_WINDOW_DAYS: Final = 7

# The certification reasons that are about the Q-checks (selstats.rules.certification).
QCHECK_REASONS: Final = frozenset({"qcheck_below_80", "no_qchecks"})

# Kinds in the order a message lists them.
KINDS: Final = (
    "lapsing_30",
    "lapsing_90",
    "lapsed",
    "conditions",
    "qcheck",
    "review",
    "import_failed",
)


@dataclass(frozen=True)
class Alert:
    """One thing to tell a user. `subject`: the list's procedure code, the organisation's
    id or the import's files; `title`: what the reader knows it by (title, name); `day`:
    the date it is about; `values`: figure name -> value, written with the figure
    catalogue (`selstats.figures.present.value_text`)."""

    kind: str
    key: str
    subject: str
    title: str = ""
    org_id: str | None = None
    org_name: str = ""
    day: date | None = None
    values: tuple[tuple[str, object], ...] = ()

    def value(self, name: str) -> object:
        return dict(self.values).get(name)


def _key(kind: str, *parts: object) -> str:
    return ":".join([kind, *(str(p) for p in parts)])


def _values(row: Mapping[str, object], names: Iterable[str]) -> tuple[tuple[str, object], ...]:
    return tuple((name, row.get(name)) for name in names if name in row)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def list_alerts(lists: pl.DataFrame) -> list[Alert]:
    """Lists that lapse within 30 or 90 days, or lapsed within the last
    `LAPSED_WINDOW_DAYS` days, from the `reserve_lists` query on the day of the run."""
    alerts: list[Alert] = []
    for row in lists.iter_rows(named=True):
        days_left, through = row.get("days_left"), row.get("valid_through")
        if days_left is None or through is None:
            continue  # an open list has no end yet
        if row.get("validity") == "valid" and days_left <= LAPSING_DAYS:
            kind = "lapsing_30" if days_left <= LAPSING_SOON_DAYS else "lapsing_90"
        elif row.get("validity") == "expired" and -LAPSED_WINDOW_DAYS <= days_left < 0:
            kind = "lapsed"
        else:
            continue
        code = str(row["procedure_code"])
        alerts.append(
            Alert(
                kind=kind,
                key=_key(kind, code, through),
                subject=code,
                title=_text(row.get("title")),
                org_id=row.get("org_id"),
                org_name=_text(row.get("org_name")),
                day=through,
                values=_values(row, ("valid_through", "days_left", "size", "available")),
            )
        )
    return alerts


def _codes(reasons: object) -> list[str]:
    if reasons is None:
        return []
    return sorted({part.strip() for part in str(reasons).split(",") if part.strip()})


def certification_alerts(statuses: pl.DataFrame) -> list[Alert]:
    """Organisations at risk (client certification held, no longer met), from the
    `certification` query: one alert for the conditions other than the Q-checks, one for
    the Q-checks (with the checks needed to get back over 80 %)."""
    alerts: list[Alert] = []
    for row in statuses.iter_rows(named=True):
        if not row.get("at_risk"):
            continue
        org = str(row["org_id"])
        reasons = _codes(row.get("reasons"))
        other = [r for r in reasons if r not in QCHECK_REASONS]
        name = _text(row.get("org_name"))
        if other:
            alerts.append(
                Alert(
                    kind="conditions",
                    key=_key("conditions", org, "+".join(other)),
                    subject=org,
                    title=name,
                    org_id=org,
                    org_name=name,
                    values=(("reasons", ",".join(other)), *_values(row, ("qualifies_for",))),
                )
            )
        if QCHECK_REASONS.intersection(reasons):
            alerts.append(
                Alert(
                    kind="qcheck",
                    key=_key("qcheck", org),
                    subject=org,
                    title=name,
                    org_id=org,
                    org_name=name,
                    day=row.get("last_qcheck_date"),
                    values=_values(
                        row,
                        (
                            "qcheck_figure",
                            "mode",
                            "qcheck_count",
                            "recent_average",
                            "checks_needed_at_recent",
                            "checks_needed_at_100",
                        ),
                    ),
                )
            )
    return alerts


def review_alerts(reviews: pl.DataFrame) -> list[Alert]:
    """Yearly reviews due within the horizon, from the `certification_reviews` query."""
    alerts: list[Alert] = []
    for row in reviews.iter_rows(named=True):
        org, day = str(row["org_id"]), row.get("next_review")
        alerts.append(
            Alert(
                kind="review",
                key=_key("review", org, day),
                subject=org,
                title=_text(row.get("org_name")),
                org_id=org,
                org_name=_text(row.get("org_name")),
                day=day,
                values=_values(
                    row,
                    (
                        "next_review",
                        "days_to_review",
                        "certification",
                        "would_fail_review",
                        "reasons",
                    ),
                ),
            )
        )
    return alerts


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def import_alerts(events: pl.DataFrame, as_of: date) -> list[Alert]:
    """Imports started from the dashboard that failed in the last `IMPORT_WINDOW_DAYS` days
    up to `as_of`, from the audit file's events (`selstats.access.audit.read_file_events`:
    at, event, outcome, user, detail)."""
    alerts: list[Alert] = []
    start = as_of - timedelta(days=IMPORT_WINDOW_DAYS)
    for row in events.iter_rows(named=True):
        if row.get("event") != "import" or not str(row.get("outcome", "")).startswith("failed"):
            continue
        at = _moment(str(row.get("at", "")))
        if at is None or not start <= at.date() <= as_of:
            continue
        try:
            detail = json.loads(str(row.get("detail") or "{}"))
        except json.JSONDecodeError:
            detail = {}
        files = detail.get("files") if isinstance(detail, dict) else None
        names = ", ".join(str(f) for f in files) if isinstance(files, list) else ""
        problems = detail.get("problems") if isinstance(detail, dict) else None
        alerts.append(
            Alert(
                kind="import_failed",
                key=_key("import_failed", row.get("at"), names),
                subject=names,
                title=_text(row.get("user")),
                day=at.date(),
                values=(("imported_at", at.replace(tzinfo=None)), ("problems", problems)),
            )
        )
    return alerts


def ordered(alerts: Iterable[Alert]) -> list[Alert]:
    """Alerts in the order a message lists them: by kind, then day, then subject."""
    return sorted(
        alerts,
        key=lambda a: (KINDS.index(a.kind), a.day or date.min, a.subject, a.key),
    )
