"""One run of `selstats alerts`: for every user of the users file, what is due
(`selstats.alerts.due` over what the user may see, `selstats.alerts.facts`), less what was
sent before (`selstats.alerts.state`), in one message in the user's language
(`selstats.alerts.render`), sent over SMTP (`selstats.alerts.deliver`) and recorded in the
audit log (event `alert`, outcome ok or failed).

A message is claimed before it is sent and marked sent when the server took it; when
sending fails its claims are dropped (the next run tries again) and the failure is
audited. Nothing to say: no message. A dry run reads the state but changes nothing and
sends nothing: it returns the messages a run would send now.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from selstats.access.audit import record_event
from selstats.access.origin import Origin
from selstats.access.scope import Access, access_for
from selstats.access.users import User
from selstats.alerts.deliver import Mailer
from selstats.alerts.due import (
    Alert,
    certification_alerts,
    import_alerts,
    list_alerts,
    ordered,
    review_alerts,
)
from selstats.alerts.facts import Facts, user_facts
from selstats.alerts.render import Message, render_message
from selstats.alerts.settings import AlertSettings
from selstats.alerts.state import AlertState, state_path
from selstats.i18n import DEFAULT_LANG
from selstats.store.connection import open_reader

_log = logging.getLogger(__name__)

Status = Literal["sent", "failed", "nothing", "no_address", "no_role", "dry_run"]


@dataclass(frozen=True)
class UserOutcome:
    """What a run did for one user."""

    username: str
    status: Status
    to: str | None = None
    message: Message | None = None
    error: str | None = None


@dataclass
class RunReport:
    as_of: date
    dry_run: bool
    outcomes: list[UserOutcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def due_alerts(facts: Facts, as_of: date) -> list[Alert]:
    """Everything due for one user on `as_of`, in message order."""
    return ordered(
        [
            *list_alerts(facts.lists),
            *certification_alerts(facts.statuses),
            *review_alerts(facts.reviews),
            *import_alerts(facts.imports, as_of),
        ]
    )


def user_language(user: User) -> str:
    return user.language or DEFAULT_LANG


def _message(
    access: Access, user: User, to: str, alerts: list[Alert], as_of: date, base_url: str
) -> Message | None:
    return render_message(
        access,
        to,
        alerts,
        as_of=as_of,
        lang=user_language(user),
        base_url=base_url,
        name=user.display_name,
    )


def _audit(
    db: Path,
    actor: str,
    message: Message,
    *,
    outcome: Literal["ok", "failed"] = "ok",
    error: str | None = None,
) -> None:
    record_event(
        "alert",
        user=actor,
        detail={
            "recipient": message.username,
            "to": message.to,
            "subject": message.subject,
            "lang": message.lang,
            "alerts": list(message.keys),
        },
        db=db,
        origin=Origin(source="cli"),
        outcome=outcome,
        error=error,
    )


def run_alerts(
    db: Path,
    users: Mapping[str, User],
    *,
    as_of: date,
    settings: AlertSettings,
    dry_run: bool = False,
    only: Collection[str] = (),
    actor: str = "selstats",
    tls_context: ssl.SSLContext | None = None,
    state: AlertState | None = None,
) -> RunReport:
    """Tell every user of `users` (or those named in `only`) what is due on `as_of`."""
    report = RunReport(as_of=as_of, dry_run=dry_run)
    state = state or AlertState(state_path(db))
    run = uuid.uuid4().hex
    con = open_reader(db)
    with contextlib.ExitStack() as stack:
        mailer: Mailer | None = None
        connect_error: str | None = None
        for username in sorted(users):
            user = users[username]
            if only and username not in only:
                continue
            access = access_for(user)
            if not access.has_role:
                report.outcomes.append(UserOutcome(username, "no_role"))
                continue
            to = user.address
            if to is None:
                _log.warning("%s has no e-mail address: no alerts", username)
                report.outcomes.append(UserOutcome(username, "no_address"))
                continue
            alerts = due_alerts(user_facts(con, access, as_of, db), as_of)
            keys = [a.key for a in alerts]
            if dry_run:
                fresh = set(state.unsent(username, keys)) if state.path.exists() else set(keys)
                message = _message(
                    access,
                    user,
                    to,
                    [a for a in alerts if a.key in fresh],
                    as_of,
                    settings.public_url,
                )
                status: Status = "dry_run" if message else "nothing"
                report.outcomes.append(UserOutcome(username, status, to, message))
                continue
            claimed = set(state.claim(username, keys, run))
            message = _message(
                access,
                user,
                to,
                [a for a in alerts if a.key in claimed],
                as_of,
                settings.public_url,
            )
            if message is None:
                report.outcomes.append(UserOutcome(username, "nothing", to))
                continue
            try:
                if mailer is None and connect_error is None:
                    mailer = stack.enter_context(Mailer(settings, tls_context))
                if mailer is None:
                    raise ConnectionError(connect_error)
                mailer.send(message)
            except (OSError, smtplib.SMTPException, ValueError) as error:
                if mailer is None and connect_error is None:
                    connect_error = f"{type(error).__name__}: {error}"
                _log.error("alerts for %s not sent: %s", username, error)
                state.release(username, message.keys, run)
                _audit(db, actor, message, outcome="failed", error=type(error).__name__)
                report.outcomes.append(
                    UserOutcome(username, "failed", to, message, error=str(error))
                )
                continue
            state.mark_sent(username, message.keys, run)
            _audit(db, actor, message)
            report.outcomes.append(UserOutcome(username, "sent", to, message))
    con.close()
    return report
