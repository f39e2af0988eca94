"""Download buttons for a frame a page shows: CSV, CSV for Excel, XLSX and Parquet.

    from selstats.ui.download import download_buttons

    download_buttons(frame, "funnel", key="funnel", detail=filters.params())

`frame` has the catalogue's column names and codes as stored (what `show_table` gets); each
file holds it as the reader reads the table, in the session's language
(`selstats.export.Presentation`): the figures' labels as headers, codes translated, XLSX
cells typed and formatted per figure, with a second sheet naming the filter (`detail` in
words) and when the file was made (Brussels time). The CSV for Excel uses `EXCEL_CSV` (';',
decimal comma, UTF-8 with BOM). Rows and column order are the frame's.

The file is written only when the user clicks (Streamlit runs the callable then, on another
thread, and serves the bytes from /media, which the multi-worker proxy keeps on the
session's worker), so drawing the buttons costs nothing for a large frame, and clicking
does not rerun the page (a rerun at the click would replace the callable the click is
asking for).

A download that cannot be made is never silent. Drawing the buttons checks each format
against the frame's columns (`selstats.export.check_exportable`, without writing): a format
that cannot hold them is a disabled button and a sentence on the page. A file that fails
while it is written at the click is logged with its traceback, recorded in the audit file
as failed, and said on the page, in the user's language, from its next run on (Streamlit
itself shows its own short notice under the button at once).

Only a user with `Permission.EXPORT` gets the buttons (`selstats.access`); each download is
recorded in the audit file once the file was produced or failed (event `export`, outcome ok
or failed: file, rows, bytes, and the caller's `detail`, e.g. the filters), and is refused
when the click comes over a connection without the login's cookie
(`selstats.ui.session.download_guard`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl
import streamlit as st

from selstats.access.roles import Permission
from selstats.access.scope import Access
from selstats.export import (
    EXCEL_CSV,
    PLAIN_CSV,
    CsvDialect,
    Format,
    Presentation,
    about_lines,
    check_exportable,
    file_suffix,
    media_type,
)
from selstats.export import to_bytes as export_bytes
from selstats.export.xlsx_writer import SHEET_NAME_MAX
from selstats.ui.i18n import current_lang, t
from selstats.ui.session import current_access, download_guard

log = logging.getLogger(__name__)

FAILURES_KEY: Final = "_selstats_download_failures"  # button key -> file that failed
TIME_ZONE: Final = "Europe/Brussels"


@dataclass(frozen=True)
class Download:
    """One button: its catalogue key, format, CSV dialect and the end of the file name."""

    name: str
    fmt: Format
    dialect: CsvDialect
    tail: str  # put between the base name and the suffix


_UNSAFE: Final = re.compile(r"[^A-Za-z0-9_.-]+")

DOWNLOADS: Final = (
    Download("csv", "csv", PLAIN_CSV, ""),
    Download("csv_excel", "csv", EXCEL_CSV, "-excel"),
    Download("xlsx", "xlsx", PLAIN_CSV, ""),
    Download("parquet", "parquet", PLAIN_CSV, ""),
)


def file_name(basename: str, download: Download) -> str:
    """`funnel.csv`, `funnel-excel.csv`, `funnel.xlsx`, `funnel.parquet`. Characters other
    than letters, digits, `-`, `_` and `.` in `basename` (which may hold a procedure code)
    become `_`."""
    safe = _UNSAFE.sub("_", basename).strip("._") or "selstats"
    return f"{safe}{download.tail}{file_suffix(download.fmt)}"


def made_at() -> datetime:
    """Now, on the clock of the dashboard's users (Brussels), without a zone (as Excel holds
    times); the server's own clock if the zone database is missing."""
    try:
        return datetime.now(ZoneInfo(TIME_ZONE)).replace(tzinfo=None)
    except ZoneInfoNotFoundError:  # pragma: no cover - Debian and the wheel's tzdata have it
        return datetime.now()


def presentation(
    lang: str, detail: Mapping[str, object] | None, file: str, made: datetime | None = None
) -> Presentation:
    """How a download from the pages is written: in `lang`, its second sheet the file's
    name, when it was made and the filter `detail` in words."""
    return Presentation(lang, about=about_lines(detail, lang, made or made_at(), file=file))


def content(
    frame: pl.DataFrame,
    download: Download,
    on_click: Callable[[], None] | None = None,
    *,
    lang: str | None = None,
    detail: Mapping[str, object] | None = None,
    file: str = "",
) -> Callable[[], bytes]:
    """The file's bytes, computed when called (at the click), after `on_click()`: `frame`
    as its reader reads it in `lang` (see the module's docstring), or exactly as it is
    when `lang` is None."""

    def make() -> bytes:
        if on_click is not None:
            on_click()
        shown = presentation(lang, detail, file) if lang is not None else None
        sheet = _UNSAFE.sub("_", file.rsplit(".", 1)[0])[:SHEET_NAME_MAX] or "selstats"
        return export_bytes(frame, download.fmt, download.dialect, shown, sheet)

    return make


def _failures() -> dict[str, str]:
    """This session's downloads that failed at the click and were not told yet."""
    failures = st.session_state.get(FAILURES_KEY)
    if not isinstance(failures, dict):
        failures = {}
        st.session_state[FAILURES_KEY] = failures
    return failures


def told_on_failure(
    make: Callable[[], bytes], failures: dict[str, str], button: str, file: str
) -> Callable[[], bytes]:
    """`make`, logging a failure with its traceback and keeping it in `failures` (the
    session's, read on its next run) before Streamlit is told."""

    def run() -> bytes:
        try:
            return make()
        except Exception:
            log.exception("download %s (%s) could not be made", file, button)
            failures[button] = file
            raise

    return run


def unavailable(frame: pl.DataFrame) -> list[Download]:
    """The downloads whose format cannot hold `frame`'s columns (each logged), from its
    schema alone: nothing is written."""
    refused: list[Download] = []
    for download in DOWNLOADS:
        try:
            check_exportable(frame.schema, download.fmt)
        except TypeError:
            log.exception("download %s cannot be offered", download.name)
            refused.append(download)
    return refused


def may_download(access: Access | None) -> bool:
    return access is not None and access.may(Permission.EXPORT)


def download_buttons(
    frame: pl.DataFrame,
    basename: str,
    key: str,
    detail: Mapping[str, object] | None = None,
) -> None:
    """A row of four download buttons for `frame` (e.g. `basename="funnel"` gives
    funnel.csv, funnel-excel.csv, funnel.xlsx, funnel.parquet); nothing for a user
    without `Permission.EXPORT`. `key` must be unique on the page; the buttons' keys are
    `<key>_download_<format>`. `detail` goes into the audit record and, in words, into the
    XLSX's second sheet, e.g. `filters.params()`."""
    access = current_access()
    if not may_download(access):
        return
    lang = current_lang()
    failures = _failures()
    for download in DOWNLOADS:
        failed = failures.pop(f"{key}_download_{download.name}", None)
        if failed is not None:
            st.error(t("download.failed", file=failed), icon=":material/error:")
    refused = unavailable(frame)
    if refused:
        formats = ", ".join(t(f"download.{d.name}") for d in refused)
        st.warning(t("download.unavailable", formats=formats), icon=":material/warning:")
    row = st.container(horizontal=True, key=f"{key}_downloads")
    for download in DOWNLOADS:
        name = file_name(basename, download)
        button = f"{key}_download_{download.name}"
        guard = download_guard(
            access, {**(detail or {}), "file": name, "rows": frame.height, "source": "dashboard"}
        )
        make = content(frame, download, lang=lang, detail=detail, file=name)
        row.download_button(
            t(f"download.{download.name}"),
            data=told_on_failure(partial(guard, make), failures, button, name),
            file_name=name,
            mime=media_type(download.fmt),
            key=button,
            help=t(f"download.{download.name}_help"),
            on_click="ignore",
            icon=":material/download:",
            disabled=download in refused,
        )
