"""`selstats serve` and the warm-up it starts (the server itself: tests/e2e, which start it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

from selstats import cli, serve
from selstats.ui import warmup


class Served(Exception):
    """Raised by the stand-in for `serve` instead of running a server."""


def test_serve_hands_streamlits_options_over_and_the_store_to_the_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given: list[tuple[list[str], int]] = []

    def fake_serve(options: list[str], workers: int = 1) -> NoReturn:
        given.append((list(options), workers))
        raise Served

    monkeypatch.setattr(serve, "serve", fake_serve)
    monkeypatch.delenv("SELSTATS_DB", raising=False)
    db = tmp_path / "x.duckdb"
    with pytest.raises(Served):
        cli.main(["serve", "--server.port", "8600", "--db", str(db), "--server.headless", "true"])
    with pytest.raises(Served):
        cli.main(["serve", "--workers", "3", "--server.port=8700"])
    assert given == [
        (["--server.port", "8600", "--server.headless", "true"], 1),  # default: one process
        (["--server.port=8700"], 3),
    ]
    assert os.environ["SELSTATS_DB"] == str(db.resolve())


def test_serve_refuses_zero_workers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(serve, "serve", lambda *a: pytest.fail("must not serve"))
    assert cli.main(["serve", "--workers", "0"]) == cli.EXIT_USAGE
    assert "--workers" in capsys.readouterr().err


def test_other_commands_still_refuse_unknown_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["check", "--server.port", "8600"])
    assert exit_info.value.code == cli.EXIT_USAGE
    assert "unrecognized arguments: --server.port 8600" in capsys.readouterr().err


def test_the_warm_up_imports_what_the_scripts_import(tmp_path: Path) -> None:
    script = tmp_path / "page.py"
    script.write_text(
        "import polars as pl\n"
        "import streamlit as st\n"
        "from selstats import query\n"
        "from selstats.ui.db import cached_query\n"
        "from . import relative\n"
        "def later():\n"
        "    import altair\n",
        encoding="utf-8",
    )
    # `from a import b`: b may be a module (selstats.query) or not (cached_query); the
    # warm-up tries both. Relative and nested imports are left to the run.
    assert warmup.imported_modules([script]) == [
        "polars",
        "streamlit",
        "selstats",
        "selstats.query",
        "selstats.ui.db",
        "selstats.ui.db.cached_query",
    ]


def test_the_app_and_every_page_are_warmed_up() -> None:
    scripts = warmup.app_scripts()
    assert scripts[0] == warmup.APP
    assert {p.name for p in scripts[1:]} >= {"overview.py", "funnel.py", "explore.py"}
    names = warmup.imported_modules(scripts)
    assert {"selstats.ui.filters", "selstats.ui.db", "streamlit"} <= set(names)
    # names that are not modules are skipped, modules are imported
    assert list(warmup._import_all(["selstats.ui.db", "selstats.ui.db.cached_query"])) == [
        "selstats.ui.db.cached_query"
    ]


def test_without_a_warm_up_nothing_waits() -> None:
    # AppTest and a plain `streamlit run app.py` never start one: app.py's wait() returns
    if not warmup._started:
        warmup.wait()


def test_what_the_warm_up_relies_on_is_still_there() -> None:
    # Streamlit's once-per-process check the warm-up marks done: renamed in a later
    # Streamlit, the warm-up would silently stop saving its ~0.2-0.9 s
    from streamlit import delta_generator, string_util

    assert isinstance(delta_generator._use_warning_has_been_displayed, bool)
    assert string_util.extract_leading_emoji("— x") == ("", "— x")
    # the sidebar's queries, by name: each is a query file the sidebar runs
    from selstats.paths import QUERIES_DIR

    sidebar = (Path(warmup.__file__).parent / "filters.py").read_text(encoding="utf-8")
    for name in warmup.SIDEBAR_QUERIES:
        assert (QUERIES_DIR / f"{name}.sql").is_file(), name
        assert f'"{name}"' in sidebar, name


def test_the_warm_up_runs_the_sidebar_queries_on_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from selstats import query
    from tests.fixtures.small_store import build_small_store

    db = build_small_store(tmp_path / "small.duckdb")
    monkeypatch.setenv("SELSTATS_DB", str(db))
    ran: list[str] = []
    original = query.run

    def recording(con: object, name: str, **params: object) -> object:
        ran.append(name)
        return original(con, name, **params)  # type: ignore[arg-type]

    monkeypatch.setattr(query, "run", recording)
    warmup._open_store()
    assert ran == list(warmup.SIDEBAR_QUERIES)
