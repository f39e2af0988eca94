"""The one place selstats relies on Streamlit's internals (`selstats.ui.frame.
run_through_frame`): with a `pages/` folder beside app.py, Streamlit 1.67 runs a deep link's
page file alone on a fresh server until some session calls `st.navigation`. These tests fail
loudly when an upgrade changes any part of that, so the workaround is looked at again (and
dropped if Streamlit no longer needs it). The browser test of a deep link as a fresh
server's first request is tests/e2e/test_access.py."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit
from streamlit.commands import navigation
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner

from selstats.ui import frame

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_process_flag() -> Iterator[None]:
    saved = PagesManager.uses_pages_directory
    PagesManager.uses_pages_directory = None
    yield
    PagesManager.uses_pages_directory = saved


def test_the_streamlit_version_the_workaround_was_checked_with() -> None:
    assert streamlit.__version__ == "1.67.0", (
        "Streamlit changed: check whether a deep link on a fresh server still runs the page "
        "without app.py (tests/e2e/test_access.py) and whether run_through_frame is needed"
    )


def test_a_pages_folder_beside_the_entry_point_means_legacy_mode(
    fresh_process_flag: None, tmp_path: Path
) -> None:
    assert (ROOT / "pages").is_dir()
    PagesManager(str(ROOT / "app.py"))
    assert PagesManager.uses_pages_directory is True
    PagesManager.uses_pages_directory = None
    (tmp_path / "app.py").write_text("")
    PagesManager(str(tmp_path / "app.py"))  # no pages/ beside it
    assert PagesManager.uses_pages_directory is False


def test_legacy_mode_runs_the_page_file_instead_of_the_entry_point() -> None:
    runner = inspect.getsource(script_runner.ScriptRunner)
    assert "if PagesManager.uses_pages_directory:" in runner
    assert "_mpa_v1(self._main_script_path)" in runner
    legacy = inspect.getsource(script_runner._mpa_v1)
    assert 'pages_folder.glob("*.py")' in legacy


def test_st_navigation_clears_the_flag_as_the_frame_does() -> None:
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(navigation.navigation)
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(frame.run_through_frame)
