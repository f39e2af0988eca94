"""The calendar download on the Reserve lists and Certification pages: the logged-in
user's `.ics` (every list end and certification review in their whole scope, not only
the sidebar's filter), as `selstats alerts --ics USER` writes it (`selstats.alerts.calendar`).

Drawn like the other downloads (`selstats.ui.download`): only for a user with
`Permission.EXPORT`, the file made at the click, audited as an `export` with its outcome,
refused over a connection without the login's cookie.
"""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from selstats.alerts.calendar import MEDIA_TYPE, build_calendar
from selstats.alerts.facts import scope_params
from selstats.alerts.settings import alert_settings
from selstats.ui.db import cached_query
from selstats.ui.download import may_download
from selstats.ui.i18n import current_lang, t
from selstats.ui.session import current_access, download_guard

FILE_NAME = "selstats.ics"


def calendar_download(key: str) -> None:
    """The calendar button (nothing for a user who may not download)."""
    access = current_access()
    if not may_download(access):
        return
    lang, today = current_lang(), date.today()
    params = scope_params(today)
    lists = cached_query("reserve_lists", **params)
    statuses = cached_query("certification", **params)

    def make() -> bytes:
        return build_calendar(
            lists, statuses, lang=lang, as_of=today, base_url=alert_settings().public_url
        )

    detail = {"table": "calendar", "file": FILE_NAME, "source": "dashboard", "lang": lang}
    st.download_button(
        t("alerts.calendar.download"),
        data=partial(download_guard(access, detail), make),
        file_name=FILE_NAME,
        mime=MEDIA_TYPE,
        key=f"{key}_calendar",
        help=t("alerts.calendar.download_help"),
        on_click="ignore",
        icon=":material/calendar_month:",
    )
