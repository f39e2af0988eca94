"""The audit log: who logged in, imported, exported or purged what, when, with which filter.

Two places, by how often events come and what they change:

- **`<db>.audit.jsonl`** next to the store: logins (and failed attempts), logouts, denied
  access, dashboard downloads and command-line exports. One JSON object per line, appended
  (`record_event`). These events are frequent and change nothing in the store, and a store
  write copies the whole file (`selstats.store.writer.write_store`), far too heavy per click.
  An append of one line is atomic on a local POSIX file system; a failed write is logged as
  an error and never blocks the user. Rotate it with logrotate (`copytruncate`) if it grows.
- **the store's `audit_log` table**: changes to the store itself, written inside the same
  transaction as the change (`record_in_store`), so the entry exists if and only if the change
  does. Retention runs (`selstats purge --apply`) write here. Imports are already recorded
  this way in `import_log` (who, when, file, table, checksum), which the view below includes.

`render_audit_log()` shows all three, newest first, to users with `Permission.VIEW_AUDIT`.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

import duckdb
import polars as pl

from selstats.access.scope import Access
from selstats.store.connection import db_path

EVENTS: Final = (
    "login",
    "login_failed",
    "logout",
    "denied",
    "export",
    "import",
    "retention",
)
AUDIT_SUFFIX: Final = ".audit.jsonl"
SCHEMA: Final = {
    "at": pl.String,
    "event": pl.String,
    "user": pl.String,
    "roles": pl.String,
    "detail": pl.String,
}

_LOCK = threading.Lock()
_log = logging.getLogger(__name__)


def audit_path(db: Path | None = None) -> Path:
    """The JSON-lines file of the store `db` (default: the served store)."""
    db = db or db_path()
    return db.with_name(db.name + AUDIT_SUFFIX)


def _plain(value: object) -> object:
    """JSON-ready: tuples and sets as lists, dates as ISO text."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_plain(v) for v in items]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def event_record(
    event: str,
    *,
    user: str | None,
    roles: tuple[str, ...] = (),
    detail: Mapping[str, object] | None = None,
) -> dict[str, object]:
    return {
        "at": _now(),
        "event": event,
        "user": user or "",
        "roles": list(roles),
        "detail": _plain(dict(detail or {})),
    }


def record_event(
    event: str,
    *,
    access: Access | None = None,
    user: str | None = None,
    detail: Mapping[str, object] | None = None,
    db: Path | None = None,
) -> None:
    """Append one event to the JSON-lines audit file of the store `db`. Never raises: a
    failure is logged as an error (the user's action goes on)."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}; expected one of {EVENTS}")
    roles = tuple(r.value for r in access.roles) if access is not None else ()
    who = user if user is not None else (access.username if access is not None else None)
    record = event_record(event, user=who, roles=roles, detail=detail)
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    path = audit_path(db)
    _log.info("audit %s by %s: %s", event, who or "-", record["detail"])
    try:
        with _LOCK, path.open("a", encoding="utf-8") as f:
            f.write(line)
    except OSError:
        _log.exception("cannot write the audit event %s to %s", event, path)


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
            "detail": json.dumps(_plain(dict(detail or {})), ensure_ascii=False),
        },
    )


# ---- reading -----------------------------------------------------------------------------


def read_file_events(path: Path, limit: int = 5000) -> pl.DataFrame:
    """The last `limit` events of a JSON-lines audit file (unreadable lines skipped)."""
    rows: deque[dict[str, str]] = deque(maxlen=limit)
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            for line in f:
                try:
                    item = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if not isinstance(item, dict):
                    continue
                rows.append(
                    {
                        "at": str(item.get("at", "")),
                        "event": str(item.get("event", "")),
                        "user": str(item.get("user", "")),
                        "roles": ",".join(map(str, item.get("roles") or [])),
                        "detail": json.dumps(item.get("detail", {}), ensure_ascii=False),
                    }
                )
    except FileNotFoundError:
        pass
    return pl.DataFrame(list(rows), schema=SCHEMA)


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    rows = con.sql(
        "select count(*) from information_schema.tables where table_name = $t",
        params={"t": table},
    ).fetchall()
    return bool(rows[0][0])


def read_store_events(con: duckdb.DuckDBPyConnection, limit: int = 5000) -> pl.DataFrame:
    """The store's `audit_log` and its imports (`import_log`, one event per import)."""
    frames = []
    cur = con.cursor()
    try:
        if _has_table(cur, "audit_log"):
            frames.append(
                cur.sql(
                    "select strftime(logged_at, '%Y-%m-%dT%H:%M:%S') as \"at\", event, "
                    "coalesce(username, '') as user, '' as roles, coalesce(detail, '') as detail "
                    "from audit_log order by logged_at desc limit $n",
                    params={"n": limit},
                ).pl()
            )
        if _has_table(cur, "import_log"):
            frames.append(
                cur.sql(
                    "select strftime(min(imported_at), '%Y-%m-%dT%H:%M:%S') as \"at\", "
                    "'import' as event, coalesce(any_value(imported_by), '') as user, "
                    "'' as roles, "
                    "to_json({import_id: import_id, "
                    "files: list(file_name || ' (' || table_name || ', ' || rows || ')' "
                    "order by file_name)})::varchar as detail "
                    'from import_log group by import_id order by "at" desc limit $n',
                    params={"n": limit},
                ).pl()
            )
    finally:
        cur.close()
    if not frames:
        return pl.DataFrame(schema=SCHEMA)
    return pl.concat([f.cast(SCHEMA) for f in frames])


def audit_events(
    con: duckdb.DuckDBPyConnection | None, db: Path | None = None, limit: int = 5000
) -> pl.DataFrame:
    """Every audit event of the store `db`, newest first."""
    frames = [read_file_events(audit_path(db), limit)]
    if con is not None:
        frames.append(read_store_events(con, limit))
    return pl.concat(frames).sort("at", descending=True).head(limit)


# ---- the admin's view --------------------------------------------------------------------


def render_audit_log(limit: int = 5000) -> None:
    """The audit log as a table, for users with `Permission.VIEW_AUDIT` (a sentence for
    anyone else). Call it from a page, e.g. in a section of pages/explore.py."""
    import streamlit as st

    from selstats.access.identity import current_access
    from selstats.access.roles import Permission
    from selstats.ui.db import get_connection
    from selstats.ui.i18n import t

    access = current_access()
    if access is None or not access.may(Permission.VIEW_AUDIT):
        st.info(t("access.audit_denied"))
        return
    st.subheader(t("access.audit_title"))
    events = audit_events(get_connection(), limit=limit)
    if events.is_empty():
        st.info(t("access.audit_empty"))
        return
    kinds = sorted(events.get_column("event").unique().to_list())
    chosen = st.multiselect(
        t("access.audit_events"),
        kinds,
        format_func=lambda e: t(f"access.event.{e}") if e in EVENTS else e,
        placeholder=t("filter.all"),
        key="audit_log_events",
    )
    if chosen:
        events = events.filter(pl.col("event").is_in(chosen))
    columns: dict[str, Any] = {
        name: st.column_config.TextColumn(t(f"access.audit_column.{name}")) for name in SCHEMA
    }
    st.dataframe(events, hide_index=True, column_config=columns, width="stretch")
