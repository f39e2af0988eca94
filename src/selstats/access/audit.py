"""The audit log: who logged in, imported, exported or purged what, when, with which filter.

Two places, by how often events come and what they change:

- **`<db>.audit.jsonl`** next to the store: logins (and failed attempts), logouts, denied
  access, dashboard downloads, command-line exports and imports started from the dashboard.
  One JSON object per line, appended (`record_event`, or `recorded` around an action):
  when (`at`), what (`event`, `detail`), who (`user`, `roles`), from where (`source`:
  dashboard or cli; `client`: the client's address; `session`: a hash of the Streamlit
  session id, never the id, see `selstats.access.origin`) and whether it succeeded
  (`outcome`: ok or failed; `error`: the error's class when it failed). These events are
  frequent and change nothing in the store, and a store write copies the whole file
  (`selstats.store.writer.write_store`), far too heavy per click. An append of one line is
  atomic on a local POSIX file system; a failed write is logged as an error and never
  blocks the user. Rotate it with logrotate (`copytruncate`) if it grows.
- **the store's `audit_log` table**: changes to the store itself, written inside the same
  transaction as the change (`selstats.store.audit_log.record_in_store`), so the entry
  exists if and only if the change does. Retention runs (`selstats purge --apply`) write
  here. Imports are already recorded this way in `import_log` (who, when, file, table,
  checksum), which `audit_events` includes.

`audit_events()` reads all three, newest first; the dashboard shows them to users with
`Permission.VIEW_AUDIT` (`selstats.ui.audit_view`). No Streamlit here.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final, Literal

import duckdb
import polars as pl

from selstats.access.origin import Origin
from selstats.access.scope import Access
from selstats.store.audit_log import EVENTS, plain
from selstats.store.connection import db_path

AUDIT_SUFFIX: Final = ".audit.jsonl"
Outcome = Literal["ok", "failed"]
SCHEMA: Final = {
    "at": pl.String,
    "event": pl.String,
    "outcome": pl.String,
    "user": pl.String,
    "roles": pl.String,
    "client": pl.String,
    "session": pl.String,
    "detail": pl.String,
}

_LOCK = threading.Lock()
_log = logging.getLogger(__name__)


def audit_path(db: Path | None = None) -> Path:
    """The JSON-lines file of the store `db` (default: the served store)."""
    db = db or db_path()
    return db.with_name(db.name + AUDIT_SUFFIX)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def event_record(
    event: str,
    *,
    user: str | None,
    roles: tuple[str, ...] = (),
    detail: Mapping[str, object] | None = None,
    origin: Origin | None = None,
    outcome: Outcome = "ok",
    error: str | None = None,
) -> dict[str, object]:
    return {
        "at": _now(),
        "event": event,
        "outcome": outcome,
        "error": error if outcome == "failed" else None,
        "user": user or "",
        "roles": list(roles),
        "source": origin.source if origin is not None else None,
        "client": origin.client if origin is not None else None,
        "session": origin.session if origin is not None else None,
        "detail": plain(dict(detail or {})),
    }


def record_event(
    event: str,
    *,
    access: Access | None = None,
    user: str | None = None,
    detail: Mapping[str, object] | None = None,
    db: Path | None = None,
    origin: Origin | None = None,
    outcome: Outcome = "ok",
    error: str | None = None,
) -> None:
    """Append one event to the JSON-lines audit file of the store `db`. Never raises: a
    failure is logged as an error (the user's action goes on)."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}; expected one of {EVENTS}")
    if outcome not in ("ok", "failed"):
        raise ValueError(f"unknown outcome {outcome!r}; expected ok or failed")
    roles = tuple(r.value for r in access.roles) if access is not None else ()
    who = access.username if access is not None else user
    record = event_record(
        event, user=who, roles=roles, detail=detail, origin=origin, outcome=outcome, error=error
    )
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    path = audit_path(db)
    _log.info("audit %s (%s) by %s: %s", event, outcome, who or "-", record["detail"])
    try:
        with _LOCK, path.open("a", encoding="utf-8") as f:
            f.write(line)
    except OSError:
        _log.exception("cannot write the audit event %s to %s", event, path)


@dataclass
class Recording:
    """What `recorded` writes when the action ends: add to `detail` as the action learns
    more (rows written, ...); `fail(reason)` marks a failure that raised nothing (an
    import refused for its problems)."""

    detail: dict[str, object] = field(default_factory=dict)
    error: str | None = None

    def fail(self, reason: str) -> None:
        self.error = reason


@contextmanager
def recorded(
    event: str,
    *,
    access: Access | None = None,
    user: str | None = None,
    detail: Mapping[str, object] | None = None,
    origin: Origin | None = None,
    db: Path | None = None,
) -> Iterator[Recording]:
    """Around an action: one audit event when it ends, `outcome` ok only when the block
    finished without raising and without `fail`; an exception is recorded as failed with
    its class name and raised again. The event is written after the action, so it says what
    happened, not what was asked."""
    recording = Recording(detail=dict(detail or {}))
    try:
        yield recording
    except BaseException as exc:
        record_event(
            event,
            access=access,
            user=user,
            detail=recording.detail,
            db=db,
            origin=origin,
            outcome="failed",
            error=type(exc).__name__,
        )
        raise
    failed = recording.error is not None
    record_event(
        event,
        access=access,
        user=user,
        detail=recording.detail,
        db=db,
        origin=origin,
        outcome="failed" if failed else "ok",
        error=recording.error,
    )


# ---- reading -----------------------------------------------------------------------------


def _outcome_text(item: Mapping[str, object]) -> str:
    """`ok`, `failed (ErrorClass)`, or empty for events written before outcomes were."""
    outcome = str(item.get("outcome") or "")
    error = item.get("error")
    return f"{outcome} ({error})" if outcome == "failed" and error else outcome


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
                        "outcome": _outcome_text(item),
                        "user": str(item.get("user", "")),
                        "roles": ",".join(map(str, item.get("roles") or [])),
                        # the command line has no client address: say where it came from
                        "client": str(item.get("client") or item.get("source") or ""),
                        "session": str(item.get("session") or ""),
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
    """The store's `audit_log` and its imports (`import_log`, one event per import), all
    with outcome `ok`."""
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
    # Written in the transaction of the change they record: each one happened.
    done = {"outcome": pl.lit("ok"), "client": pl.lit(""), "session": pl.lit("")}
    return pl.concat([f.with_columns(**done).select(list(SCHEMA)).cast(SCHEMA) for f in frames])


def audit_events(
    con: duckdb.DuckDBPyConnection | None, db: Path | None = None, limit: int = 5000
) -> pl.DataFrame:
    """Every audit event of the store `db`, newest first."""
    frames = [read_file_events(audit_path(db), limit)]
    if con is not None:
        frames.append(read_store_events(con, limit))
    return pl.concat(frames).sort("at", descending=True).head(limit)
