"""Imports in a child process with memory and time limits (issue 13, item 5): a good import
lands and reports as data; a child over its memory cap or its time is stopped and said so
clearly, the store unchanged and no working copy left; a crafted workbook is refused by
the CLI naming the file.

Stores start from the fixture store (tests/fixtures/small_store.py).
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from selstats.store.import_process import ChildImport, Limits, _why_stopped, import_in_child
from selstats.store.lock import exclusive_writer
from tests.fixtures.small_store import build_small_store
from tests.ingest.lying_zip import lying_xlsx

from . import TEST_KEY_HEX, read_table, run_cli, sha256, text, write_text

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The child inherits the environment: a known pseudonym key, never the key file."""
    monkeypatch.setenv("SELSTATS_PSEUDONYM_KEY", TEST_KEY_HEX)
    monkeypatch.setenv("SELSTATS_KEY_FILE", str(tmp_path / "no-key-file-expected.key"))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return build_small_store(tmp_path / "store" / "selstats.duckdb")


def _only_the_store(db: Path) -> None:
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]


def test_an_import_in_a_child_lands_and_reports_as_data(store: Path, tmp_path: Path) -> None:
    events: list[tuple[str, str]] = []
    path = write_text(tmp_path / "in" / "organisations.csv", "org_id,name\nORG-X,Dienst X\n")
    result = import_in_child([path], store, imported_by="tester", on_event=_record(events))
    assert result == ChildImport(rows_by_table={"organisations": 1})
    assert events == [("reading", "organisations.csv")]
    assert "ORG-X" in read_table(store, "organisations")["org_id"].to_list()
    log = read_table(store, "import_log").select("imported_by", "file_name", "rows").rows()
    assert log == [("tester", "organisations.csv", 1)]
    _only_the_store(store)


def test_problems_come_back_with_row_column_and_words(store: Path, tmp_path: Path) -> None:
    """A refused file: the problems cross the process boundary whole (row 3's status)."""
    path = write_text(
        tmp_path / "in" / "list_entries.csv",
        "procedure_code,candidate_ref,status\nP-A1,A03,declined\nP-A1,A01,ontslagen\n",
    )
    before = sha256(store)
    result = import_in_child([path], store, imported_by="tester")
    assert [(p.file, p.row, p.column, p.value, p.code) for p in result.problems] == [
        ("list_entries.csv", 3, "status", "ontslagen", "unknown_value")
    ]
    assert result.problems[0].message("fr").startswith("list_entries.csv, ligne 3, colonne status")
    assert result.rows_by_table == {} and result.stopped is None
    assert sha256(store) == before


def test_a_child_over_its_memory_cap_is_stopped_and_nothing_changes(
    store: Path, tmp_path: Path
) -> None:
    """A 1 MB allowance on top of the program, and a 6 MB file to read: the child cannot
    even hold the file's text. Stopped, said so with the limit, the store as it was."""
    lines = ["procedure_code;candidate_ref;step_no;score;outcome"]
    lines += [f"P-B2;X{i:07};1;;geslaagd" for i in range(250_000)]  # 26 bytes a line: 6.5 MB
    path = write_text(tmp_path / "in" / "results.csv", "\n".join(lines) + "\n")
    assert path.stat().st_size > 6 * MB
    before = sha256(store)
    result = import_in_child([path], store, imported_by="x", limits=Limits(1, 120))
    assert result.stopped == "memory"
    [problem] = result.problems
    assert (problem.file, problem.code, problem.params["variant"], problem.params["limit"]) == (
        "results.csv",
        "import_stopped",
        "memory",
        "1 MB",
    )
    assert problem.message("nl") == (
        "results.csv: de import is gestopt: hij had meer geheugen nodig dan toegelaten (1 MB); "
        "er is niets veranderd (splits het bestand, of laat de beheerder "
        "SELSTATS_IMPORT_MEMORY_MB verhogen)"
    )
    assert sha256(store) == before
    _only_the_store(store)


def test_a_child_over_its_time_is_stopped_and_nothing_changes(store: Path, tmp_path: Path) -> None:
    """Half a second is less than the child needs to start: it is killed and said so."""
    path = write_text(tmp_path / "in" / "organisations.csv", "org_id,name\nORG-X,X\n")
    before = sha256(store)
    result = import_in_child([path], store, imported_by="x", limits=Limits(4096, 0.5))
    assert result.stopped == "timeout"
    assert result.problems[0].message("en") == (
        "organisations.csv: the import was stopped: it took longer than allowed (0.5 s); "
        "nothing changed (split the file, or ask the administrator to raise "
        "SELSTATS_IMPORT_TIMEOUT)"
    )
    assert sha256(store) == before
    _only_the_store(store)


def test_a_child_waits_for_another_import_and_says_so(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child takes the same lock as every writer: it tells the page it waits, and past
    SELSTATS_LOCK_TIMEOUT gives up with a sentence."""
    monkeypatch.setenv("SELSTATS_LOCK_TIMEOUT", "1")
    events: list[tuple[str, str]] = []
    path = write_text(tmp_path / "in" / "organisations.csv", "org_id,name\nORG-X,X\n")
    with exclusive_writer(store, timeout=0):
        result = import_in_child([path], store, imported_by="x", on_event=_record(events))
    assert events == [("reading", "organisations.csv"), ("waiting", str(store))]
    assert [(p.file, p.code) for p in result.problems] == [(str(store), "store_busy")]


@pytest.mark.parametrize(
    ("code", "tail", "why"),
    [
        (-signal.SIGABRT, "memory allocation of 5200051 bytes failed", ("memory", "SIGABRT")),
        (-signal.SIGSEGV, "", ("crashed", "SIGSEGV")),
        (-signal.SIGXCPU, "", ("timeout", "SIGXCPU")),
        (1, "Traceback ... MemoryError", ("memory", "exit 1")),
        (1, "", ("crashed", "exit 1")),
    ],
)
def test_why_a_child_stopped(code: int, tail: str, why: tuple[str, str]) -> None:
    assert _why_stopped(None, code, False, tail) == why


def test_a_lying_workbook_is_refused_by_the_cli_naming_the_file(
    store: Path, tmp_path: Path
) -> None:
    """The attack of the issue in small: a sheet of 64 MB of padding declared as 9,000
    bytes. The CLI refuses it (exit 1, the file named), without the memory it would take."""
    (tmp_path / "in").mkdir()
    path = lying_xlsx(tmp_path / "in" / "results.xlsx", padding=64 * MB)
    before = sha256(store)
    done = run_cli(["import", path, "--db", store, "--lang", "en"], tmp_path)
    assert done.returncode == 1
    assert text(done.stderr) == (
        "results.xlsx: the file is suspiciously highly compressed (> 100:1, maximum 100:1) "
        "and is not opened\n1 problem found; nothing was imported."
    )
    assert sha256(store) == before


def _record(events: list[tuple[str, str]]) -> Callable[[str, str], None]:
    return lambda kind, value: events.append((kind, value))
