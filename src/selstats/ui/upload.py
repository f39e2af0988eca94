"""Importing uploaded files from the dashboard: the same import as `selstats import`.

The uploaded files are saved under their own names in a temporary folder (the table is
named by the file name: `results.csv`), imported (all or nothing) in a child process with a
memory and a time limit (`selstats.store.import_process`), so that no file can take the
server down, and the folder removed, whatever happened. A file over `SELSTATS_MAX_UPLOAD_MB`
(default 200, as Streamlit's `server.maxUploadSize` in .streamlit/config.toml) is refused
before anything is saved. On success the pages' caches are cleared and the store reopened,
so every page shows the new data; on failure the import's problems are shown one row per
problem (file, row, column, value, the sentence in the user's language) and nothing was
written. Another import on the same store makes this one wait, and the panel says so.

Only users with `Permission.IMPORT` (`may_import`) get the panel; the import log records
their user name. `import_uploads`, `save_uploads`, `summary_frame` and `problems_frame`
need no Streamlit; `import_panel` draws the uploader, runs the import and shows the outcome.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

import polars as pl
import streamlit as st

from selstats.access.roles import Permission
from selstats.access.scope import Access
from selstats.i18n import translate
from selstats.ingest.messages import notice, render_warning, warnings_summary
from selstats.ingest.problems import Code, Problem
from selstats.settings import settings
from selstats.store.import_process import Limits, import_in_child
from selstats.store.imports import TABLE_ORDER
from selstats.ui.i18n import current_lang, t
from selstats.ui.session import audited, current_access
from selstats.ui.table import show_table

# What the uploader accepts; the import decides the rest (selstats.ingest).
UPLOAD_TYPES: Final = ("csv", "xlsx", "parquet")
# Recorded in the import log when the session has no user name (never, through the frame).
ANONYMOUS: Final = "dashboard"
# The largest file the panel takes, in MB: SELSTATS_MAX_UPLOAD_MB. The default is
# Streamlit's server.maxUploadSize in .streamlit/config.toml (`selstats serve` passes the
# setting on to Streamlit, so the uploader refuses the same files).
MB: Final = 1024 * 1024

# Session-state keys of the panel (prefixed with the caller's key).
_OUTCOME: Final = "_import_outcome"
_ROUND: Final = "_import_round"  # bumped after a success: a fresh, empty uploader
_REQUESTED: Final = "_import_requested"  # the import button was clicked

_log = logging.getLogger(__name__)


class Upload(Protocol):
    """What the import needs of an uploaded file (Streamlit's UploadedFile has it)."""

    @property
    def name(self) -> str: ...

    def getvalue(self) -> bytes: ...


@dataclass(frozen=True)
class ImportOutcome:
    """The result of one import, kept in session state to be shown after the rerun."""

    files: tuple[str, ...]
    rows_by_table: tuple[tuple[str, int], ...]  # in import order
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()  # columns not used: shown, never blocking

    @property
    def ok(self) -> bool:
        return not self.problems


def safe_name(name: str) -> str:
    """The file's own name without any folder part (a browser may send a path)."""
    base = Path(name.replace("\\", "/")).name
    return base if base not in ("", ".", "..") else "upload"


def save_uploads(files: Iterable[Upload], folder: Path) -> list[Path]:
    """Write the uploads into `folder` under their own names. A name that comes twice goes
    into a numbered subfolder, so that the import sees (and reports) both files."""
    paths: list[Path] = []
    seen: dict[str, int] = {}
    for upload in files:
        name = safe_name(upload.name)
        count = seen.get(name.lower(), 0)
        seen[name.lower()] = count + 1
        target_dir = folder / str(count) if count else folder
        target_dir.mkdir(parents=True, exist_ok=True)
        path = target_dir / name
        path.write_bytes(upload.getvalue())
        paths.append(path)
    return paths


def max_upload_mb() -> int:
    """The largest upload in MB (SELSTATS_MAX_UPLOAD_MB, default 200)."""
    return settings().max_upload_mb


def too_large(files: Sequence[Upload], limit_mb: int) -> list[Problem]:
    """A problem for each upload over `limit_mb`."""
    problems = []
    for upload in files:
        size = len(upload.getvalue())
        if size > limit_mb * MB:
            params = {"variant": "size", "size": f"{size / MB:.1f} MB", "limit": f"{limit_mb} MB"}
            problems.append(
                Problem(file=safe_name(upload.name), code=Code.FILE_TOO_LARGE, params=params)
            )
    return problems


def import_uploads(
    files: Sequence[Upload],
    db: Path,
    *,
    imported_by: str | None,
    progress: Callable[[str], None] | None = None,
    waiting: Callable[[str], None] | None = None,
    limits: Limits | None = None,
) -> ImportOutcome:
    """Import the uploaded files into the store at `db`, all or nothing, in a child process
    with `limits` (default: from the environment). `progress` hears each file's name as it
    is read, `waiting` the store's path when another import holds it."""
    names = tuple(safe_name(upload.name) for upload in files)
    oversized = too_large(files, max_upload_mb())
    if oversized:
        _log.info("upload refused: %d file(s) over the size limit", len(oversized))
        return ImportOutcome(files=names, rows_by_table=(), problems=tuple(oversized))

    def on_event(kind: str, value: str) -> None:
        if kind == "reading" and progress is not None:
            progress(value)
        elif kind == "waiting" and waiting is not None:
            waiting(value)

    with tempfile.TemporaryDirectory(prefix="selstats-upload-") as tmp:
        paths = save_uploads(files, Path(tmp))
        _log.info("importing %d uploaded file(s) into %s", len(paths), db)
        result = import_in_child(
            paths, db, imported_by=imported_by, limits=limits, on_event=on_event
        )
    order = {table: i for i, table in enumerate(TABLE_ORDER)}
    rows = sorted(result.rows_by_table.items(), key=lambda item: order.get(item[0], len(order)))
    if result.problems:
        _log.info("import rejected: %d problem(s)", len(result.problems))
    return ImportOutcome(
        files=tuple(path.name for path in paths),
        rows_by_table=tuple(rows) if result.ok else (),
        problems=tuple(result.problems),
        warnings=tuple(result.warnings),
    )


def summary_frame(outcome: ImportOutcome) -> pl.DataFrame:
    """One row per table the import wrote: its name and how many rows (the import log's
    figures, table_name and rows_imported)."""
    return pl.DataFrame(
        list(outcome.rows_by_table),
        schema={"table_name": pl.String, "rows_imported": pl.Int64},
        orient="row",
    )


def problems_frame(problems: Iterable[Problem], lang: str) -> pl.DataFrame:
    """One row per problem: file, row, column, value and the sentence in `lang` (figures of
    the catalogue's import area)."""
    return pl.DataFrame(
        [(p.file, p.row, p.column, p.value, p.message(lang)) for p in problems],
        schema={
            "file_name": pl.String,
            "problem_row": pl.Int64,
            "problem_column": pl.String,
            "problem_value": pl.String,
            "problem": pl.String,
        },
        orient="row",
    )


def refresh_store() -> None:
    """Forget every cached result and the open connection, so that the pages read the
    store the import has just replaced."""
    st.cache_data.clear()
    st.cache_resource.clear()


def may_import(access: Access | None) -> bool:
    """Whether the user may import files (`Permission.IMPORT`: the admin role)."""
    return access is not None and access.may(Permission.IMPORT)


def may_see_import_log(access: Access | None) -> bool:
    """The import log names files of every organisation: for those who import or audit."""
    return access is not None and (
        access.may(Permission.IMPORT) or access.may(Permission.VIEW_AUDIT)
    )


def importer(access: Access | None) -> str:
    """Who imports, for the import log: the logged-in user's name."""
    return access.username if access is not None and access.username else ANONYMOUS


# ---- the panel ----------------------------------------------------------------------------


def _run_with_status(files: Sequence[Upload], db: Path) -> ImportOutcome:
    total = len(files)
    with st.status(t("explore.import_running", count=total), expanded=True) as status:
        bar = st.progress(0.0)
        read = 0

        def progress(name: str) -> None:
            nonlocal read
            read += 1
            status.text(t("explore.import_reading", file=name))
            bar.progress(min(read / (total + 1), 1.0))

        def waiting(store: str) -> None:
            status.text(notice("store_waiting", current_lang(), store=Path(store).name))

        outcome = import_uploads(
            files, db, imported_by=importer(current_access()), progress=progress, waiting=waiting
        )
        bar.progress(1.0)
        if outcome.ok:
            status.update(label=t("explore.import_done"), state="complete", expanded=False)
        else:
            status.update(label=t("explore.import_failed_short"), state="error", expanded=False)
    return outcome


def _request_import(requested_key: str) -> None:
    st.session_state[requested_key] = True


# The most sentences listed in full above the table (the table and its downloads hold all).
LISTED: Final = 50
# Above this many sentences the list scrolls in a box of this height (px).
LIST_HEIGHT: Final = 320
_MARKDOWN_SPECIAL: Final = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~$"})


def problem_lines(problems: Sequence[Problem], lang: str, limit: int = LISTED) -> list[str]:
    """The sentences of the first `limit` problems in `lang`, whole (a table cell cuts a
    long sentence off), and one line saying how many more the table holds."""
    lines = [p.message(lang) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(translate(lang, "explore.import_more", count=len(problems) - limit))
    return lines


def _show_lines(lines: Sequence[str]) -> None:
    """The sentences as a list whose lines wrap; what users typed is never Markdown."""
    text = "\n".join(f"- {line.translate(_MARKDOWN_SPECIAL)}" for line in lines)
    box = st.container(height=LIST_HEIGHT) if len(lines) > 8 else st.container()
    box.markdown(text)


def show_warnings(warnings: Sequence[Problem], lang: str) -> None:
    """What does not stop an import (columns not used, a file without data rows): a warning
    that says how many, each sentence in full, and the table (file, column, sentence)."""
    if not warnings:
        return
    st.warning(warnings_summary(len(warnings), lang))
    _show_lines([render_warning(w, lang) for w in warnings])
    # a column has neither a row nor a value
    shown = problems_frame(warnings, lang).drop("problem_row", "problem_value")
    with st.expander(t("explore.import_as_table")):
        show_table(shown, key="import_warnings", download="import_warnings")


def show_outcome(outcome: ImportOutcome, lang: str) -> None:
    """The summary of a successful import, or its problems, each sentence in full and as a
    table one row per problem; and what it warns about, either way."""
    if outcome.ok:
        st.success(t("explore.import_succeeded", files=len(outcome.files)))
        show_table(summary_frame(outcome), key="import_summary")
        show_warnings(outcome.warnings, lang)
        return
    st.error(t("explore.import_failed", count=len(outcome.problems)))
    _show_lines(problem_lines(outcome.problems, lang))
    with st.expander(t("explore.import_as_table")):
        show_table(
            problems_frame(outcome.problems, lang),
            key="import_problems",
            download="import_problems",
        )
    show_warnings(outcome.warnings, lang)


def import_panel(db: Path, key: str) -> None:
    """The uploader (several CSV/XLSX/Parquet files), the import button, and the outcome of
    the last import. After a successful import the caches are cleared and the app reruns,
    so that the sidebar and every page read the new store."""
    round_key, outcome_key, requested_key = key + _ROUND, key + _OUTCOME, key + _REQUESTED
    files = st.file_uploader(
        t("explore.upload"),
        type=list(UPLOAD_TYPES),
        accept_multiple_files=True,
        help=t("explore.upload_help"),
        key=f"{key}_files_{st.session_state.get(round_key, 0)}",
    )
    # The click is kept in session state by the button's callback, not read from its
    # return value: a run the frame cuts short with `st.rerun` (see
    # `selstats.ui.frame.run_through_frame`) would lose a button's one-run value.
    st.button(
        t("explore.import_button"),
        key=f"{key}_run",
        disabled=not files,
        type="primary",
        on_click=_request_import,
        args=(requested_key,),
    )
    if st.session_state.pop(requested_key, False) and files:
        # Audited with the user, the client and the outcome (the store's import log has
        # successful imports only).
        names = [safe_name(f.name) for f in files]
        with audited("import", {"files": names, "source": "dashboard"}) as record:
            outcome = _run_with_status(list(files), db)
            record.detail["rows"] = dict(outcome.rows_by_table)
            if not outcome.ok:
                record.detail["problems"] = len(outcome.problems)
                record.fail("ImportProblems")
        st.session_state[outcome_key] = outcome
        if outcome.ok:
            refresh_store()
            st.session_state[round_key] = st.session_state.get(round_key, 0) + 1
            st.rerun()
    last = st.session_state.get(outcome_key)
    if isinstance(last, ImportOutcome):
        show_outcome(last, current_lang())
