"""The audit log: events appended to <store>.audit.jsonl, store changes in `audit_log` inside
their own transaction, imports from `import_log`, all read back newest first."""

from __future__ import annotations

import getpass
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from selstats.access.audit import (
    audit_events,
    audit_path,
    read_file_events,
    record_event,
    recorded,
)
from selstats.access.origin import Origin, session_hash
from selstats.access.roles import Role
from selstats.access.scope import Access
from selstats.store.audit_log import record_in_store
from selstats.store.connection import open_reader
from selstats.store.writer import write_store


def test_events_are_appended_as_json_lines(store: Path) -> None:
    access = Access("hr-b", (Role.HR,), ("ORG-B",))
    record_event("login", access=access, detail={"mode": "local"})
    record_event(
        "export",
        access=access,
        detail={"table": "funnel", "orgs": ("ORG-B",), "allowed": ("ORG-B",), "year_from": None},
    )
    lines = audit_path(store).read_text(encoding="utf-8").splitlines()
    assert audit_path(store) == store.with_name("small.duckdb.audit.jsonl")
    records = [json.loads(line) for line in lines]
    assert [r["event"] for r in records] == ["login", "export"]
    assert records[1]["user"] == "hr-b" and records[1]["roles"] == ["hr"]
    assert records[1]["detail"] == {
        "table": "funnel",
        "orgs": ["ORG-B"],
        "allowed": ["ORG-B"],
        "year_from": None,
    }
    with pytest.raises(ValueError, match="unknown audit event"):
        record_event("coffee", user="x")


def test_concurrent_appends_never_interleave(store: Path) -> None:
    def write(n: int) -> None:
        for i in range(50):
            record_event("export", user=f"u{n}", detail={"i": i, "pad": "x" * 500})

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = audit_path(store).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 8 * 50
    assert all(json.loads(line)["event"] == "export" for line in lines)


def test_a_failed_write_does_not_raise(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.duckdb"
    record_event("login", user="x", db=missing)  # logged as an error, the user goes on


def test_store_events_commit_with_their_change(store: Path) -> None:
    with write_store(store) as writer:
        record_in_store(writer.con, "retention", user="admin", detail={"months": 24})
    with pytest.raises(RuntimeError), write_store(store) as writer:
        record_in_store(writer.con, "retention", user="admin", detail={"months": 1})
        raise RuntimeError("rolled back")
    con = open_reader(store)
    try:
        rows = con.sql("select event, username, detail from audit_log").fetchall()
    finally:
        con.close()
    assert rows == [("retention", "admin", '{"months": 24}')]


def test_everything_read_back_newest_first(store: Path) -> None:
    record_event("login", user="hr-b")
    with write_store(store) as writer:
        writer.log_import("imp1", "results.csv", "results", "abc", 17, "admin")
        writer.log_import("imp1", "steps.csv", "steps", "def", 3, "admin")
        record_in_store(writer.con, "retention", user="admin", detail={"months": 24})
    audit_path(store).open("a").write("not json\n")  # a damaged line is skipped
    con = open_reader(store)
    try:
        events = audit_events(con, store)
    finally:
        con.close()
    assert sorted(events["event"].to_list()) == ["import", "login", "retention"]
    imported = events.filter(events["event"] == "import").row(0, named=True)
    assert imported["user"] == "admin"
    assert json.loads(imported["detail"]) == {
        "import_id": "imp1",
        "files": ["results.csv (results, 17)", "steps.csv (steps, 3)"],
    }
    assert read_file_events(audit_path(store)).height == 1


def _audit_page() -> None:
    """A page that shows the audit log (run by AppTest.from_function, as a script)."""
    import os

    import streamlit as st

    from selstats.access.roles import Role
    from selstats.access.scope import Access
    from selstats.ui.audit_view import render_audit_log

    role = Role(os.environ["AUDIT_TEST_ROLE"])
    st.session_state["_selstats_access"] = Access("someone", (role,))
    render_audit_log()


@pytest.mark.parametrize(("role", "shown"), [("admin", True), ("analyst", False), ("bosa", False)])
def test_the_audit_log_is_for_admins(
    store: Path, monkeypatch: pytest.MonkeyPatch, role: str, shown: bool
) -> None:
    from streamlit.testing.v1 import AppTest

    from selstats.i18n import translate

    record_event("login", user="hr-b", detail={"mode": "local"})
    record_event("login_failed", user="mallory", detail={"reason": "credentials"})
    monkeypatch.setenv("AUDIT_TEST_ROLE", role)
    at = AppTest.from_function(_audit_page, default_timeout=60).run()
    assert not at.exception
    if shown:
        table = at.dataframe[0].value
        assert sorted(table["user"]) == ["hr-b", "mallory"]
        assert [s.value for s in at.subheader] == [translate("nl", "access.audit_title")]
    else:
        assert [i.value for i in at.info] == [translate("nl", "access.audit_denied")]
        assert len(at.dataframe) == 0


def _import_log_page() -> None:
    import os

    import streamlit as st

    from selstats.access.roles import Role
    from selstats.access.scope import Access
    from selstats.ui.db import cached_query

    role = Role(os.environ["AUDIT_TEST_ROLE"])
    st.session_state["_selstats_access"] = Access("someone", (role,))
    st.text(f"rows={cached_query('import_log').height}")


@pytest.mark.parametrize(("role", "rows"), [("admin", 1), ("bosa", 0), ("hr", 0), ("analyst", 0)])
def test_an_audit_query_is_empty_for_others(
    store: Path, monkeypatch: pytest.MonkeyPatch, role: str, rows: int
) -> None:
    """`-- access: audit` (queries/import_log.sql): enforced in cached_query, not the page."""
    from streamlit.testing.v1 import AppTest

    with write_store(store) as writer:
        writer.log_import("imp1", "results.csv", "results", "abc", 17, "admin")
    monkeypatch.setenv("AUDIT_TEST_ROLE", role)
    at = AppTest.from_function(_import_log_page, default_timeout=60).run()
    assert not at.exception
    # the small store's own build logged nothing: one row, the import above
    assert [t.value for t in at.text] == [f"rows={rows}"]


# ---- outcome, client, session (issue 13, item 8) --------------------------------------------


def _file_events(store: Path) -> list[dict[str, object]]:
    path = audit_path(store)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_recorded_says_what_happened(store: Path) -> None:
    origin = Origin(source="dashboard", client="192.0.2.10", session="0123456789abcdef")
    with recorded("export", user="hr-b", detail={"file": "a.csv"}, origin=origin) as record:
        record.detail["rows"] = 3
    with pytest.raises(OSError), recorded("export", user="hr-b", origin=origin):
        raise OSError("disk full")
    with recorded("import", user="admin", origin=origin) as record:
        record.fail("ImportProblems")
    events = _file_events(store)
    assert [(e["event"], e["outcome"], e["error"]) for e in events] == [
        ("export", "ok", None),
        ("export", "failed", "OSError"),
        ("import", "failed", "ImportProblems"),
    ]
    assert events[0]["detail"] == {"file": "a.csv", "rows": 3}
    assert {(e["source"], e["client"], e["session"]) for e in events} == {
        ("dashboard", "192.0.2.10", "0123456789abcdef")
    }
    # the admin's view: outcome with its error, where from, the session's hash
    shown = read_file_events(audit_path(store))
    assert shown["outcome"].to_list() == ["ok", "failed (OSError)", "failed (ImportProblems)"]
    assert set(shown["client"]) == {"192.0.2.10"}
    with pytest.raises(ValueError, match="unknown outcome"):
        record_event("export", user="x", outcome="maybe")  # type: ignore[arg-type]


def test_old_lines_and_store_events_fit_the_view(store: Path) -> None:
    audit_path(store).write_text('{"at":"2026-01-01T10:00:00","event":"login","user":"x"}\n')
    with write_store(store) as writer:
        record_in_store(writer.con, "retention", user="admin", detail={"months": 24})
    con = open_reader(store)
    try:
        events = audit_events(con, store)
    finally:
        con.close()
    rows = {r["event"]: r for r in events.iter_rows(named=True)}
    assert rows["login"]["outcome"] == ""  # written before outcomes were: unknown
    assert rows["retention"]["outcome"] == "ok"  # in the store only if it happened


# ---- the command line ----------------------------------------------------------------------


def test_a_cli_export_to_a_file_is_recorded(store: Path, tmp_path: Path) -> None:
    from selstats.cli import main

    out = tmp_path / "funnel.csv"
    assert (
        main(["export", "funnel", "--procedure", "P-A1", "--db", str(store), "--out", str(out)])
        == 0
    )
    (event,) = _file_events(store)
    assert (event["event"], event["outcome"], event["source"]) == ("export", "ok", "cli")
    assert event["user"] == getpass.getuser()  # the operating system's user
    assert event["client"] is None and event["session"] is None
    # P-A1 has three steps (Screening, Schriftelijk, Interview): three rows, as in the file
    assert event["detail"] == {
        "table": "funnel",
        "format": "csv",
        "file": str(out),
        "procs": ["P-A1"],
        "rows": 3,
    }
    assert len(out.read_text().splitlines()) == 1 + 3


def test_a_cli_export_to_standard_output_is_recorded(
    store: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    from selstats.cli import main

    assert main(["export", "funnel", "--procedure", "P-A1", "--excel", "--db", str(store)]) == 0
    (event,) = _file_events(store)
    assert event["outcome"] == "ok"
    assert event["detail"]["file"] == "-" and event["detail"]["format"] == "csv-excel"
    assert event["detail"]["rows"] == 3


def test_a_failed_cli_export_is_recorded_as_failed(store: Path, tmp_path: Path) -> None:
    from selstats.cli import main

    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(OSError):  # the output is a folder: nothing can be written
        main(["export", "funnel", "--db", str(store), "--out", str(folder)])
    (event,) = _file_events(store)
    assert event["outcome"] == "failed"
    assert event["error"] == "IsADirectoryError"
    assert "rows" not in event["detail"]


# ---- dashboard downloads --------------------------------------------------------------------

GUARDS: list[Any] = []  # the guards a test page made (AppTest runs it in this process)


def _download_page() -> None:
    """Draws nothing; makes the guard a download button of this run would get."""
    import os

    import streamlit as st

    from selstats.access.roles import Role
    from selstats.access.scope import Access
    from selstats.ui.session import download_guard
    from tests.access import test_audit

    access = Access("hr-b", (Role.HR,), ("ORG-B",), mode=os.environ["AUDIT_TEST_MODE"])
    st.session_state["_selstats_access"] = access
    test_audit.GUARDS.append(download_guard(access, {"file": "funnel.csv", "rows": 2}))


def _guard_made_by_a_run(monkeypatch: pytest.MonkeyPatch, mode: str = "local") -> Any:
    from streamlit.testing.v1 import AppTest

    from selstats.access.session_binding import fingerprint

    from .conftest import BROWSER

    GUARDS.clear()
    monkeypatch.setenv("AUDIT_TEST_MODE", mode)
    at = AppTest.from_function(_download_page, default_timeout=60)
    at.session_state["_selstats_binding"] = fingerprint(BROWSER.cookies)  # logged in here
    at.run()
    assert not at.exception
    (guard,) = GUARDS
    return guard


def test_a_download_is_recorded_once_the_file_exists(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guard = _guard_made_by_a_run(monkeypatch)
    made: list[bytes] = []

    def make() -> bytes:
        assert _file_events(store) == []  # nothing recorded before the file exists
        made.append(b"a,b\n1,2\n3,4\n")
        return made[-1]

    assert guard(make) == b"a,b\n1,2\n3,4\n"  # at the click, off the script run
    (event,) = _file_events(store)
    assert (event["event"], event["outcome"], event["user"]) == ("export", "ok", "hr-b")
    assert event["detail"] == {"file": "funnel.csv", "rows": 2, "bytes": 12}
    assert (event["client"], event["session"]) == ("192.0.2.10", session_hash("test session id"))


def test_a_failed_download_is_recorded_as_failed(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bug: the click was recorded as done before the file was made."""
    guard = _guard_made_by_a_run(monkeypatch)

    def make() -> bytes:
        raise MemoryError("XLSX too large")

    with pytest.raises(MemoryError):
        guard(make)
    (event,) = _file_events(store)
    assert (event["outcome"], event["error"]) == ("failed", "MemoryError")
    assert "bytes" not in event["detail"]


def test_a_download_over_another_connection_is_refused(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from selstats.access.origin import Connection
    from selstats.access.session_binding import SessionBindingError

    from .conftest import connect_as

    guard = _guard_made_by_a_run(monkeypatch)
    connect_as(Connection({}, peer="203.0.113.66"), monkeypatch)  # a hijacker
    made: list[str] = []
    with pytest.raises(SessionBindingError):
        guard(lambda: made.append("x") or b"data")
    assert made == []  # the file was never produced
    (event,) = _file_events(store)
    assert (event["outcome"], event["error"], event["client"]) == (
        "failed",
        "SessionBindingError",
        "203.0.113.66",
    )


def test_a_demo_download_has_no_login_to_check(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from selstats.access.origin import Connection

    from .conftest import connect_as

    guard = _guard_made_by_a_run(monkeypatch, mode="demo")
    connect_as(Connection({}), monkeypatch)
    assert guard(lambda: b"x") == b"x"
    assert [e["outcome"] for e in _file_events(store)] == ["ok"]


# ---- imports started from the page ----------------------------------------------------------


def test_an_import_from_the_page_is_recorded_with_its_outcome(
    store: Path, users_file: Path
) -> None:
    from tests.pages.test_explore import BAD_ENTRIES, GOOD_ENTRIES

    from .conftest import app_as

    at = app_as("admin").run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    at.file_uploader[0].set_value(("list_entries.csv", BAD_ENTRIES, "text/csv")).run()
    at.button(key="explore_import_run").click().run()
    at.file_uploader[0].set_value(("list_entries.csv", GOOD_ENTRIES, "text/csv")).run()
    at.button(key="explore_import_run").click().run()
    assert not at.exception
    imports = [e for e in _file_events(store) if e["event"] == "import"]
    assert [(e["outcome"], e["error"]) for e in imports] == [
        ("failed", "ImportProblems"),
        ("ok", None),
    ]
    # BAD_ENTRIES: one bad row (row 3, status 'ontslagen'); GOOD_ENTRIES: two rows
    assert imports[0]["detail"] == {
        "files": ["list_entries.csv"],
        "source": "dashboard",
        "rows": {},
        "problems": 1,
    }
    assert imports[1]["detail"]["rows"] == {"list_entries": 2}
    assert {(e["user"], e["client"]) for e in imports} == {("admin", "192.0.2.10")}
