"""The audit log: events appended to <store>.audit.jsonl, store changes in `audit_log` inside
their own transaction, imports from `import_log`, all read back newest first."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from selstats.access.audit import (
    audit_events,
    audit_path,
    read_file_events,
    record_event,
    record_in_store,
)
from selstats.access.roles import Role
from selstats.access.scope import Access
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

    from selstats.access.audit import render_audit_log
    from selstats.access.roles import Role
    from selstats.access.scope import Access

    role = Role(os.environ["AUDIT_TEST_ROLE"])
    st.session_state["_selstats_access"] = Access("someone", (role,))
    render_audit_log()


@pytest.mark.parametrize(("role", "shown"), [("admin", True), ("analyst", False), ("bosa", False)])
def test_the_audit_log_is_for_admins(
    store: Path, monkeypatch: pytest.MonkeyPatch, role: str, shown: bool
) -> None:
    from streamlit.testing.v1 import AppTest

    from selstats.ui.i18n import translate

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
