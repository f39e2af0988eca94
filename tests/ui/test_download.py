"""The download buttons: a download that cannot be made is said on the page, in the user's
language, and logged; never a silent failure.

- a format that cannot hold the table's columns (a struct) is a disabled button and a
  sentence, drawn with the buttons;
- a file that fails at the click is logged with its traceback, and the page says so on its
  next run (Streamlit runs the callable off the script, where nothing can be drawn);
- the callable Streamlit keeps is a deferred one (the file is made at the click).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import polars as pl
import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from selstats.i18n import translate
from selstats.ui.download import DOWNLOADS, content, told_on_failure, unavailable


def _page(lang: str) -> None:
    import polars as pl
    import streamlit as st

    from selstats.access.roles import Role
    from selstats.access.scope import Access
    from selstats.ui import download
    from selstats.ui.session import ACCESS_KEY

    st.session_state["lang"] = lang
    st.session_state[ACCESS_KEY] = Access("t", roles=(Role.BOSA,), mode="demo")
    if "_struct" in st.session_state:
        frame = pl.DataFrame({"step_no": [1], "s": [{"a": 1}]})
    else:
        frame = pl.DataFrame({"step_no": [1, 2], "kinds": [["written"], None]})
    download.download_buttons(frame, "funnel", key="t")


@pytest.fixture
def buttons(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Callable[[], Any]]]:
    """The callables the buttons hand Streamlit, by key (AppTest has no runtime to keep
    them)."""
    caught: dict[str, Callable[[], Any]] = {}
    original = DeltaGenerator.download_button

    def download_button(self: DeltaGenerator, label: str, data: Any, *args: Any, **kw: Any) -> Any:
        caught[str(kw.get("key"))] = data
        return original(self, label, data, *args, **kw)

    monkeypatch.setattr(DeltaGenerator, "download_button", download_button)
    yield caught


def test_a_format_that_cannot_hold_the_table_is_said_and_disabled() -> None:
    frame = pl.DataFrame({"step_no": [1], "s": [{"a": 1}]})
    # a struct fits no CSV or XLSX cell; Parquet holds it
    assert [d.name for d in unavailable(frame)] == ["csv", "csv_excel", "xlsx"]
    listed = pl.DataFrame({"kinds": [["written"]]})
    assert unavailable(listed) == []  # a list is joined, never refused


def test_a_failure_at_the_click_is_logged_and_kept_for_the_page(
    caplog: pytest.LogCaptureFixture,
) -> None:
    failures: dict[str, str] = {}

    def broken() -> bytes:
        raise OSError("disk full")

    run = told_on_failure(broken, failures, "t_download_xlsx", "funnel.xlsx")
    with caplog.at_level(logging.ERROR, logger="selstats.ui.download"), pytest.raises(OSError):
        run()
    assert failures == {"t_download_xlsx": "funnel.xlsx"}
    assert "funnel.xlsx" in caplog.text and "disk full" in caplog.text  # with its traceback


def test_content_is_made_only_at_the_click_in_the_users_language() -> None:
    frame = pl.DataFrame({"step_no": [1], "outcome": ["not_registered"]})
    clicks: list[str] = []
    make = content(frame, DOWNLOADS[1], lambda: clicks.append("x"), lang="fr", file="f.csv")
    assert clicks == []
    data = make()
    assert clicks == ["x"]
    # CSV for Excel: BOM, ';', the French labels, the code named
    assert data.decode("utf-8-sig").splitlines() == ["Étape;Résultat", "1;non inscrit"]


def test_the_page_says_a_refused_format_and_a_failed_click(
    monkeypatch: pytest.MonkeyPatch, buttons: dict[str, Callable[[], Any]]
) -> None:
    from selstats.ui import download

    at = AppTest.from_function(_page, args=("fr",))
    at.session_state["_struct"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    formats = "CSV, CSV pour Excel, XLSX"
    assert [w.value for w in at.warning] == [
        translate("fr", "download.unavailable", formats=formats)
    ]
    disabled = {b.key: b.proto.disabled for b in at.get("download_button")}
    assert disabled == {
        "t_download_csv": True,
        "t_download_csv_excel": True,
        "t_download_xlsx": True,
        "t_download_parquet": False,
    }

    # a click that fails: Streamlit calls the callable, it raises; the next run says so
    at = AppTest.from_function(_page, args=("fr",))
    at.run()
    assert not at.warning and not at.error
    monkeypatch.setattr(download, "export_bytes", _broken)
    with pytest.raises(RuntimeError):
        buttons["t_download_xlsx"]()
    at.run()
    said = translate("fr", "download.failed", file="funnel.xlsx")
    assert [e.value for e in at.error] == [said]
    at.run()
    assert not at.error  # told once


def _broken(*args: object, **kwargs: object) -> bytes:
    raise RuntimeError("broken writer")
