"""Imported text is data, never markup: organisation names, procedure titles, step names and
candidate references that look like HTML, Markdown, a spreadsheet formula or SQL go in through
`selstats import` and come out literally, through the queries, `selstats export` (CSV with
the formula guarded by a leading `'`, XLSX as plain string cells) and the pages.

The pages' check (AppTest) is on what Streamlit sends: every hostile text reaches the browser
(its organisation filter, the funnel), and none of them inside an element that Streamlit
renders as Markdown (st.markdown/st.write, titles, captions, alerts, metric labels, widget
labels and help) unescaped; there `**bold**` would turn bold. The browser itself is checked
in tests/e2e/test_access.py (the text shows literally, no element is created from it).
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Final

import openpyxl
import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from selstats import query
from selstats.paths import PROJECT_ROOT
from selstats.store.connection import open_reader
from selstats.store.imports import import_paths
from selstats.tables import Scope, table_params
from tests.access.rendered import rendered_elements, rendered_text

SCRIPT: Final = "<script>alert(1)</script>"
BOLD: Final = "**bold**"
FORMULA: Final = "=cmd|' /C calc'!A0"
SQL: Final = "'; drop table results; --"
HOSTILE: Final = (SCRIPT, BOLD, FORMULA, SQL)
SELSTATS: Final = Path(sys.executable).parent / "selstats"
APP: Final = "../app.py"  # AppTest resolves it against this file
PAGES: Final = sorted(p.stem for p in (PROJECT_ROOT / "pages").glob("*.py"))

# Element types whose text Streamlit renders as Markdown, and the fields holding it.
MARKDOWN_TYPES: Final = {
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "divider",
    "latex",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "exception",
}
MARKDOWN_FIELDS: Final = ("label", "help", "placeholder")


def _rotate(n: int) -> list[str]:
    return [*HOSTILE[n:], *HOSTILE[:n]]


def write_import_files(folder: Path) -> Path:
    """Four organisations H-1..H-4, each with one procedure HP-i of one step and one laureate;
    every text column holds each hostile string once (rotated, so each lands in each)."""
    folder.mkdir(parents=True, exist_ok=True)
    codes = [f"HP-{i}" for i in range(1, 5)]
    orgs = [f"H-{i}" for i in range(1, 5)]
    pl.DataFrame({"org_id": orgs, "name": _rotate(0), "government": ["federal"] * 4}).write_csv(
        folder / "organisations.csv"
    )
    pl.DataFrame(
        {
            "procedure_code": codes,
            "org_id": orgs,
            "title": _rotate(1),
            "level": ["A2"] * 4,
            "application_deadline": ["2025-03-01"] * 4,
            "list_date": ["2025-04-01"] * 4,
            "validity_months": [24] * 4,
        }
    ).write_csv(folder / "procedures.csv")
    pl.DataFrame(
        {"procedure_code": codes, "step_no": [1] * 4, "name": _rotate(2), "kind": ["screening"] * 4}
    ).write_csv(folder / "steps.csv")
    pl.DataFrame(
        {
            "procedure_code": codes,
            "candidate_ref": _rotate(3),
            "step_no": [1] * 4,
            "outcome": ["passed"] * 4,
        }
    ).write_csv(folder / "results.csv")
    return folder


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    db = root / "hostile.duckdb"
    report = import_paths([write_import_files(root / "files")], db, imported_by="test")
    assert report.ok, [p.message("en") for p in report.problems]
    return db


def _params(con: Any) -> dict[str, Any]:
    return table_params(con, Scope(orgs=("H-1", "H-2", "H-3", "H-4")), as_of=date(2026, 1, 1))


# ---- (a) read back literally through the queries -----------------------------------------


def test_queries_give_the_texts_back_literally(hostile_store: Path) -> None:
    con = open_reader(hostile_store)
    try:
        params = _params(con)
        orgs = query.run(con, "filter_options_organisations", **params)
        procs = query.run(con, "filter_options_procedures", **params)
        funnel = query.run(con, "funnel", **params)
        laureates = query.run(con, "laureates", **params)
        # the SQL-looking text did what text does: nothing (results are all there)
        results = con.sql("select count(*) from results").fetchall()[0][0]
    finally:
        con.close()
    by_org = dict(zip(orgs["org_id"], orgs["name"], strict=True))
    assert [by_org[f"H-{i}"] for i in range(1, 5)] == _rotate(0)
    titles = dict(zip(procs["procedure_code"], procs["title"], strict=True))
    assert [titles[f"HP-{i}"] for i in range(1, 5)] == _rotate(1)
    assert funnel.sort("procedure_code")["step_name"].to_list() == _rotate(2)
    assert laureates.sort("procedure_code")["candidate_ref"].to_list() == _rotate(3)
    assert results >= 4


# ---- (b) selstats export to CSV and XLSX --------------------------------------------------


def _export(db: Path, table: str, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [str(SELSTATS), "export", table, "--db", str(db), *extra]
    for org in ("H-1", "H-2", "H-3", "H-4"):
        command += ["--org", org]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.parametrize(
    ("table", "column"),
    [("certification", "org_name"), ("funnel", "step_name"), ("laureates", "candidate_ref")],
)
def test_csv_export_guards_the_formula_only(hostile_store: Path, table: str, column: str) -> None:
    rows = list(csv.DictReader(io.StringIO(_export(hostile_store, table).stdout)))
    values = {row[column] for row in rows if row.get("org_id", "").startswith("H-")}
    assert values == {SCRIPT, BOLD, "'" + FORMULA, SQL}


@pytest.mark.parametrize(
    ("table", "column"),
    [("certification", "org_name"), ("funnel", "step_name"), ("laureates", "candidate_ref")],
)
def test_xlsx_export_holds_plain_strings(
    hostile_store: Path, tmp_path: Path, table: str, column: str
) -> None:
    out = tmp_path / f"{table}.xlsx"
    _export(hostile_store, table, "--format", "xlsx", "--out", str(out))
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    index = header.index(column)
    cells = [row[index] for row in sheet.iter_rows(min_row=2)]
    hostile_cells = [c for c in cells if c.value in HOSTILE]
    assert {c.value for c in hostile_cells} == set(HOSTILE)  # the formula unguarded: a string
    assert all(c.data_type == "s" for c in hostile_cells)
    assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []


# ---- (c) the pages --------------------------------------------------------------------------


@pytest.fixture
def serve_hostile(hostile_store: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SELSTATS_DB", str(hostile_store))
    monkeypatch.setenv("SELSTATS_DEMO", "1")  # demo mode: logged in as bosa, sees everything
    st.cache_data.clear()
    st.cache_resource.clear()
    yield hostile_store
    st.cache_data.clear()
    st.cache_resource.clear()


def _markdown_texts(at: AppTest) -> list[str]:
    """The texts of this run that Streamlit renders as Markdown."""
    texts = []
    for node in rendered_elements(at):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        if getattr(node, "type", None) in MARKDOWN_TYPES:
            texts.append(proto.SerializeToString().decode("utf-8", errors="replace"))
            continue
        for descriptor, value in proto.ListFields():
            if descriptor.name in MARKDOWN_FIELDS and isinstance(value, str):
                texts.append(value)
    return texts


@pytest.mark.parametrize("page", PAGES)
def test_pages_show_the_texts_as_text(serve_hostile: Path, page: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["orgs"] = ["H-1", "H-2", "H-3", "H-4"]
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    # the organisation filter (plain-text options) carries every name, literally
    assert set(HOSTILE) <= set(at.sidebar.multiselect(key="filter_orgs").options)
    assert all(text in rendered_text(at) for text in HOSTILE)
    as_markdown = [t for t in _markdown_texts(at) if SCRIPT in t or BOLD in t]
    assert as_markdown == [], f"{page} renders imported text as Markdown: {as_markdown}"
