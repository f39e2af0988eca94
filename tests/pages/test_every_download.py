"""Every download button of every page and view, in every format, produces its file.

Each page of the app (and each view of the funnel, each table of Explore, one
organisation's certification detail) is run on the demo store (scale S, seed 1) in Dutch;
every download button it draws is then "clicked": the callable the button hands Streamlit
is called, as Streamlit calls it when the browser asks for the file. A page that draws no
download button, or a file that cannot be made, fails the test, naming page, button and
error. (AppTest has no runtime, so Streamlit itself does not keep the callable: the test
catches it on its way to `st.download_button`.)

The issue this guards (issue 15): the Funnel's "all procedures" table's CSV failed on the
server with `TypeError: cannot export to csv: unsupported column type(s) kinds
(List(String))` and the user saw nothing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from selstats.i18n import translate
from selstats.tables import EXPORT_TABLES

APP = "../../app.py"  # AppTest resolves it against this file
TIMEOUT = 120
PAGES = (
    "overview",
    "funnel",
    "pass_rates",
    "salaries",
    "certification",
    "reserve_lists",
    "planner",
    "definitions",
)


class Clicks:
    """The download buttons drawn on the last run: key -> (file name, callable)."""

    def __init__(self) -> None:
        self.buttons: dict[str, tuple[str, Callable[[], Any]]] = {}

    def clear(self) -> None:
        self.buttons.clear()

    def produce(self) -> dict[str, bytes]:
        """Every button's file, by key; an exception names the button."""
        files: dict[str, bytes] = {}
        for key, (name, make) in self.buttons.items():
            try:
                data = make() if callable(make) else make
            except Exception as error:
                pytest.fail(f"{key} ({name}): {type(error).__name__}: {error}", pytrace=False)
            assert isinstance(data, bytes) and data, f"{key} ({name}) gave no bytes"
            files[key] = data
        return files


@pytest.fixture
def clicks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clicks]:
    caught = Clicks()
    original = DeltaGenerator.download_button

    def download_button(self: DeltaGenerator, label: str, data: Any, *args: Any, **kw: Any) -> Any:
        caught.buttons[str(kw.get("key"))] = (str(kw.get("file_name")), data)
        return original(self, label, data, *args, **kw)

    monkeypatch.setattr(DeltaGenerator, "download_button", download_button)
    yield caught


def _app(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    _no_refusal(at)
    return at


_REFUSED = translate("nl", "download.unavailable", formats="").split(" ")[:4]


def _no_refusal(at: AppTest) -> None:
    """No exception, no download refused on the page, and every button enabled."""
    assert not at.exception, [e.value for e in at.exception]
    said = [str(w.value) for w in (*at.warning, *at.error)]
    assert not [s for s in said if s.split(" ")[:4] == _REFUSED], said
    disabled = [b.key for b in at.get("download_button") if b.proto.disabled]
    assert not disabled


def _check(files: dict[str, bytes], clicks: Clicks) -> None:
    """Each file is what its suffix says: a CSV with a header, an XLSX (a zip with a
    workbook), a Parquet file polars reads back."""
    assert files, "the page draws no download button"
    for key, data in files.items():
        name = clicks.buttons[key][0]
        if name.endswith(".csv"):
            text = data.decode("utf-8-sig")
            assert text.strip(), name
        elif name.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(data)) as workbook:
                # the table's sheet and the filter's
                assert "xl/worksheets/sheet2.xml" in workbook.namelist(), name
        elif name.endswith(".parquet"):
            pl.read_parquet(io.BytesIO(data))
        elif name.endswith(".ics"):
            assert data.startswith(b"BEGIN:VCALENDAR"), name
        else:
            pytest.fail(f"unexpected download {name}")


@pytest.mark.parametrize("page", PAGES)
def test_every_download_of_every_page_is_made(demo_store: Path, clicks: Clicks, page: str) -> None:
    _app(page)
    _check(clicks.produce(), clicks)


@pytest.mark.parametrize("view", ["one", "compare", "aggregate"])
def test_every_download_of_the_funnel_views_is_made(
    demo_store: Path, clicks: Clicks, view: str
) -> None:
    at = _app("funnel")
    clicks.clear()
    at.radio(key="funnel_view").set_value(view).run()
    _no_refusal(at)
    _check(clicks.produce(), clicks)


def test_every_download_of_explore_is_made(demo_store: Path, clicks: Clicks) -> None:
    at = _app("explore")
    for table in EXPORT_TABLES:
        clicks.clear()
        at.selectbox(key="table").set_value(table).run()
        _no_refusal(at)
        _check(clicks.produce(), clicks)


def test_every_download_of_one_organisations_certification_is_made(
    demo_store: Path, clicks: Clicks
) -> None:
    _app("certification_organisation", org=_first_organisation(demo_store))
    _check(clicks.produce(), clicks)


def _first_organisation(db: Path) -> str:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.sql("select org_id from organisations order by org_id limit 1").fetchall()
    finally:
        con.close()
    assert rows
    return str(rows[0][0])
