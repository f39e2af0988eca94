"""The audit log as administrators see it on the Explore page: every event of the store's
audit file and its `audit_log` / `import_log` tables (`selstats.access.audit.audit_events`),
newest first, filtered by kind."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from selstats.access.audit import EVENTS, SCHEMA, audit_events
from selstats.access.roles import Permission
from selstats.ui.db import get_connection
from selstats.ui.i18n import t
from selstats.ui.session import current_access


def render_audit_log(limit: int = 5000) -> None:
    """The audit log as a table, for users with `Permission.VIEW_AUDIT` (a sentence for
    anyone else)."""
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
