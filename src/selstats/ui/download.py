"""Download buttons for a frame a page shows: CSV, CSV for Excel, XLSX and Parquet.

    from selstats.ui.download import download_buttons

    download_buttons(frame, "funnel", key="funnel")   # the frame exactly as shown

The file is written only when the user clicks (Streamlit runs the callable then, on another
thread), so drawing the buttons costs nothing for a large frame, and clicking does not rerun
the page. Values and column order are the frame's (`selstats.export.to_bytes`); the CSV for
Excel uses `EXCEL_CSV` (';', decimal comma, UTF-8 with BOM).

Only a user with `Permission.EXPORT` gets the buttons (`selstats.access`); each download is
recorded in the audit file once the file was produced or failed (event `export`, outcome ok
or failed: file, rows, bytes, and the caller's `detail`, e.g. the filters), and is refused
when the click comes over a connection without the login's cookie
(`selstats.ui.session.download_guard`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Final

import polars as pl
import streamlit as st

from selstats.access.roles import Permission
from selstats.access.scope import Access
from selstats.export import EXCEL_CSV, PLAIN_CSV, CsvDialect, Format, file_suffix, media_type
from selstats.export import to_bytes as export_bytes
from selstats.ui.i18n import t
from selstats.ui.session import current_access, download_guard


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


def content(
    frame: pl.DataFrame, download: Download, on_click: Callable[[], None] | None = None
) -> Callable[[], bytes]:
    """The file's bytes, computed when called (at the click), after `on_click()`."""

    def make() -> bytes:
        if on_click is not None:
            on_click()
        return export_bytes(frame, download.fmt, download.dialect)

    return make


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
    `<key>_download_<format>`. `detail` goes into the audit record, e.g. `filters.params()`."""
    access = current_access()
    if not may_download(access):
        return
    row = st.container(horizontal=True, key=f"{key}_downloads")
    for download in DOWNLOADS:
        name = file_name(basename, download)
        guard = download_guard(
            access, {**(detail or {}), "file": name, "rows": frame.height, "source": "dashboard"}
        )
        row.download_button(
            t(f"download.{download.name}"),
            data=partial(guard, content(frame, download)),
            file_name=name,
            mime=media_type(download.fmt),
            key=f"{key}_download_{download.name}",
            help=t(f"download.{download.name}_help"),
            on_click="ignore",
            icon=":material/download:",
        )
