"""The store's own audit records: the `audit_log` table, written inside the transaction of
the change it records (`record_in_store`), so an entry exists if and only if the change
does; and the vocabulary of audit events shared with the audit file
(`selstats.access.audit`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Final

import duckdb

EVENTS: Final = (
    "login",
    "login_failed",
    "logout",
    "denied",
    "export",
    "import",
    "retention",
    "alert",  # a message of `selstats alerts` sent (or refused by the mail server)
)


def plain(value: object) -> object:
    """JSON-ready: tuples and sets as lists, dates as ISO text."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [plain(v) for v in items]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record_in_store(
    con: duckdb.DuckDBPyConnection,
    event: str,
    *,
    user: str | None,
    detail: Mapping[str, object] | None = None,
) -> None:
    """Write an event into the store's `audit_log`, inside the caller's write transaction
    (`write_store(...)` as writer: `record_in_store(writer.con, ...)`)."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}; expected one of {EVENTS}")
    con.execute(
        "insert into audit_log (logged_at, event, username, detail) "
        "values ($at, $event, $user, $detail)",
        {
            "at": datetime.now(),
            "event": event,
            "user": user or "",
            "detail": json.dumps(plain(dict(detail or {})), ensure_ascii=False),
        },
    )
