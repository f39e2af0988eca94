"""The explore page: per-column filters (pure), the download buttons, the upload -> import
flow, and the page itself with AppTest, against the hand-computed fixture store
(tests/fixtures/small_store.py: 3 laureates, A01 and A03 on P-A1, B01 on P-B1; A01 hired
2025-05-01, the others available)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from selstats.export import EXCEL_CSV, to_bytes
from selstats.i18n import translate
from selstats.store.writer import write_store
from selstats.tables import EXPORT_TABLES, Scope, export_table, table_params
from selstats.ui.download import DOWNLOADS, content, file_name
from selstats.ui.table_filter import (
    Between,
    Contains,
    FilterKind,
    ValueIn,
    apply_filters,
    bounds,
    choices,
    kind_for,
)
from selstats.ui.upload import (
    ImportOutcome,
    import_uploads,
    problems_frame,
    safe_name,
    save_uploads,
    summary_frame,
)
from tests.fixtures.small_store import build_small_store

APP = "../../app.py"
PAGE = "pages/explore.py"
TIMEOUT = 60

# A03 on P-A1 declined on 2026-02-01 and B01's place on P-B1 extended.
GOOD_ENTRIES = (
    b"procedure_code;candidate_ref;status;status_date;extended_until\r\n"
    b"P-A1;A03;declined;01/02/2026;\r\n"
    b"P-B1;B01;available;;2028-12-31\r\n"
)
# Row 3: a status that does not exist; row 4: a candidate who is not on the list.
BAD_ENTRIES = b"procedure_code,candidate_ref,status\nP-A1,A03,declined\nP-A1,A01,ontslagen\n"


PROBLEM_COLUMNS = ["file_name", "problem_row", "problem_column", "problem_value", "problem"]


@pytest.fixture(autouse=True)
def clear_streamlit_caches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # never create a pseudonym key file in the repository's data/ folder
    monkeypatch.setenv("SELSTATS_PSEUDONYM_KEY", "00" * 32)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return build_small_store(tmp_path / "s.duckdb")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        from selstats.demo import build_demo
    except ImportError as error:  # the demo generator is being written
        pytest.skip(f"selstats.demo.build_demo does not import yet: {error}")
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    try:
        build_demo(path, scale="S", seed=1)
    except Exception as error:
        pytest.skip(f"the demo store does not build yet: {error!r}")
    return path


# ---- per-column filters -------------------------------------------------------------------

PEOPLE = pl.DataFrame(
    {
        "ref": ["A01", "a.02", "B01", None],
        "status": ["hired", "available", "available", None],
        "rank": [1, 2, None, 4],
        "score": [80.0, 70.5, 130.0, None],
        "ranked": [True, True, False, None],
        "day": [date(2025, 5, 1), date(2026, 1, 1), None, date(2026, 4, 4)],
        "at": [
            datetime(2026, 1, 1, 9, 0),
            datetime(2026, 1, 2, 23, 59),
            datetime(2026, 1, 3, 0, 0),
            None,
        ],
    }
)


def refs(frame: pl.DataFrame) -> list[str | None]:
    return frame.get_column("ref").to_list()


def test_contains_ignores_case_and_is_literal() -> None:
    assert refs(apply_filters(PEOPLE, [Contains("ref", "a0")])) == ["A01"]
    assert refs(apply_filters(PEOPLE, [Contains("ref", "b")])) == ["B01"]
    # "." is a dot, not "any character": only a.02
    assert refs(apply_filters(PEOPLE, [Contains("ref", "A.")])) == ["a.02"]
    # blank text restricts nothing, empty cells included
    assert apply_filters(PEOPLE, [Contains("ref", "  ")]).equals(PEOPLE)
    # on a number column: its text
    assert refs(apply_filters(PEOPLE, [Contains("score", "70.5")])) == ["a.02"]


def test_value_in() -> None:
    assert refs(apply_filters(PEOPLE, [ValueIn("status", ("available",))])) == ["a.02", "B01"]
    assert refs(apply_filters(PEOPLE, [ValueIn("status", ("hired", None))])) == ["A01", None]
    assert refs(apply_filters(PEOPLE, [ValueIn("ranked", (False,))])) == ["B01"]
    assert apply_filters(PEOPLE, [ValueIn("status", ())]).equals(PEOPLE)


def test_between_numbers_and_dates_ends_included() -> None:
    assert refs(apply_filters(PEOPLE, [Between("rank", 2, 4)])) == ["a.02", None]
    assert refs(apply_filters(PEOPLE, [Between("score", None, 80.0)])) == ["A01", "a.02"]
    assert refs(apply_filters(PEOPLE, [Between("day", date(2026, 1, 1), None)])) == [
        "a.02",
        None,
    ]
    # a date range on a date-time column compares the date: 2026-01-02 23:59 is in
    assert refs(apply_filters(PEOPLE, [Between("at", date(2026, 1, 2), date(2026, 1, 2))])) == [
        "a.02"
    ]
    assert apply_filters(PEOPLE, [Between("rank")]).equals(PEOPLE)


def test_filters_add_up_and_unknown_columns_are_ignored() -> None:
    chosen = apply_filters(
        PEOPLE,
        [ValueIn("status", ("available",)), Between("score", 100.0, None), Contains("x", "y")],
    )
    assert refs(chosen) == ["B01"]


def test_kind_for_each_type() -> None:
    assert kind_for(pl.String(), 3) == FilterKind.IN
    assert kind_for(pl.String(), 51) == FilterKind.CONTAINS
    assert kind_for(pl.Boolean(), 2) == FilterKind.IN
    assert kind_for(pl.Int32(), 100) == FilterKind.RANGE
    assert kind_for(pl.Float64(), 100) == FilterKind.RANGE
    assert kind_for(pl.Date(), 100) == FilterKind.RANGE
    assert kind_for(pl.Datetime("us"), 100) == FilterKind.RANGE
    assert kind_for(pl.List(pl.String), 1) is None


def test_choices_and_bounds() -> None:
    assert choices(PEOPLE, "status") == ["available", "hired", None]
    assert bounds(PEOPLE, "rank") == (1, 4)
    assert bounds(PEOPLE, "at") == (date(2026, 1, 1), date(2026, 1, 3))
    assert bounds(PEOPLE.clear(), "rank") == (None, None)


# ---- downloads ----------------------------------------------------------------------------


def test_download_file_names() -> None:
    assert [file_name("laureates", d) for d in DOWNLOADS] == [
        "laureates.csv",
        "laureates-excel.csv",
        "laureates.xlsx",
        "laureates.parquet",
    ]
    csv = DOWNLOADS[0]
    assert file_name("laureates_VO/2024 01", csv) == "laureates_VO_2024_01.csv"
    assert file_name("../..", csv) == "selstats.csv"


def test_download_content_is_the_frame_exactly() -> None:
    frame = pl.DataFrame({"candidate_ref": ["A01", "=1+1"], "score": [80.5, 70.0]})
    plain, excel, xlsx, parquet = (content(frame, d)() for d in DOWNLOADS)
    assert plain == to_bytes(frame, "csv")
    assert excel == to_bytes(frame, "csv", EXCEL_CSV)
    assert excel.startswith(b"\xef\xbb\xbf") and b"80,5" in excel and b";" in excel
    assert xlsx[:2] == b"PK"
    assert pl.read_parquet(io.BytesIO(parquet)).equals(frame)


def test_download_records_the_click_first() -> None:
    clicks: list[str] = []
    make = content(pl.DataFrame({"a": [1]}), DOWNLOADS[0], lambda: clicks.append("x"))
    assert clicks == []  # nothing happens before the click
    assert make() == b"a\n1\n"
    assert clicks == ["x"]


# ---- the import, without Streamlit --------------------------------------------------------


@dataclass(frozen=True)
class FakeUpload:
    name: str
    data: bytes

    def getvalue(self) -> bytes:
        return self.data


def test_save_uploads_keeps_names_and_both_of_a_pair(tmp_path: Path) -> None:
    assert safe_name("C:\\Users\\x\\results.csv") == "results.csv"
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..") == "upload"
    paths = save_uploads(
        [
            FakeUpload("results.csv", b"1"),
            FakeUpload("steps.xlsx", b"2"),
            FakeUpload("results.csv", b"3"),
        ],
        tmp_path,
    )
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        "results.csv",
        "steps.xlsx",
        "1/results.csv",
    ]
    assert [p.read_bytes() for p in paths] == [b"1", b"2", b"3"]


def _store_rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_import_uploads_writes_the_store(small_db: Path) -> None:
    outcome = import_uploads(
        [FakeUpload("list_entries.csv", GOOD_ENTRIES)], small_db, imported_by="tester"
    )
    assert outcome.ok, [p.message("en") for p in outcome.problems]
    assert outcome.files == ("list_entries.csv",)
    assert summary_frame(outcome).rows() == [("list_entries", 2)]
    assert _store_rows(
        small_db,
        "select candidate_ref, status, status_date, extended_until from list_entries "
        "where candidate_ref in ('A03', 'B01') order by candidate_ref",
    ) == [
        ("A03", "declined", date(2026, 2, 1), None),
        ("B01", "available", None, date(2028, 12, 31)),
    ]
    assert _store_rows(
        small_db, "select imported_by, file_name, table_name, rows, sha256 from import_log"
    ) == [
        ("tester", "list_entries.csv", "list_entries", 2, hashlib.sha256(GOOD_ENTRIES).hexdigest())
    ]


def test_a_rejected_import_changes_nothing_and_says_why_row_by_row(small_db: Path) -> None:
    before = small_db.read_bytes()
    outcome = import_uploads(
        [FakeUpload("list_entries.csv", BAD_ENTRIES)], small_db, imported_by="x"
    )
    assert not outcome.ok
    assert outcome.rows_by_table == ()
    assert small_db.read_bytes() == before
    frame = problems_frame(outcome.problems, "fr")
    assert frame.columns == [
        "file_name",
        "problem_row",
        "problem_column",
        "problem_value",
        "problem",
    ]
    # row 3 (header = row 1): 'ontslagen' is no status
    assert ("list_entries.csv", 3, "status", "ontslagen") in frame.select(
        "file_name", "problem_row", "problem_column", "problem_value"
    ).rows()
    message = frame.filter(pl.col("problem_row") == 3)["problem"].item()
    assert "ligne 3" in message and "ontslagen" in message


def test_problems_frame_is_empty_with_its_columns() -> None:
    frame = problems_frame(ImportOutcome((), (), ()).problems, "nl")
    assert frame.is_empty() and frame.columns == [
        "file_name",
        "problem_row",
        "problem_column",
        "problem_value",
        "problem",
    ]


# ---- the page -----------------------------------------------------------------------------


def _page(db: Path, monkeypatch: pytest.MonkeyPatch, role: str = "bosa", **params: str) -> AppTest:
    monkeypatch.setenv("SELSTATS_DB", str(db))
    monkeypatch.setenv("SELSTATS_DEMO", "1")  # the demo role switcher: bosa by default
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    if role != "bosa":
        at.sidebar.selectbox(key="_selstats_demo_role").set_value(role).run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def _laureates(db: Path) -> pl.DataFrame:
    con = duckdb.connect(str(db), read_only=True)  # before the app opens the store
    try:
        params = table_params(con, Scope(), as_of=date.today())
        return export_table(con, "laureates", params)
    finally:
        con.close()


def test_page_shows_a_table_as_the_export_does(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _laureates(small_db)
    at = _page(small_db, monkeypatch)
    assert [t.value for t in at.title] == ["Verkennen"]
    at.selectbox(key="table").select("laureates").run()
    assert not at.exception
    shown = at.dataframe[0].value
    # the 3 laureates: A01, A03 (P-A1), B01 (P-B1)
    assert list(shown["candidate_ref"]) == ["A01", "A03", "B01"]
    assert list(shown.columns) == expected.columns
    # the export keeps the codes; the page names them in the user's language
    assert expected["status"].to_list() == ["hired", "available", "available"]
    assert list(shown["status"]) == ["aangeworven", "beschikbaar", "beschikbaar"]
    assert "3 van 3 rijen." in [c.value for c in at.caption]
    assert len(at.get("download_button")) == 4


def test_page_column_filters_narrow_what_is_shown(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(small_db, monkeypatch, table="laureates")
    at.selectbox(key="table").select("laureates").run()
    at.multiselect(key="explore_laureates_columns").select("status").run()
    at.multiselect(key="explore_laureates_filter_status").select("hired").run()
    assert not at.exception
    assert list(at.dataframe[0].value["candidate_ref"]) == ["A01"]
    assert "1 van 3 rijen." in [c.value for c in at.caption]
    at.multiselect(key="explore_laureates_columns").select("candidate_ref").run()
    at.multiselect(key="explore_laureates_filter_status").unselect("hired").run()
    at.multiselect(key="explore_laureates_filter_candidate_ref").select("B01").run()
    assert list(at.dataframe[0].value["candidate_ref"]) == ["B01"]


def test_page_follows_the_sidebar(small_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(small_db, monkeypatch, orgs="ORG-B")
    at.selectbox(key="table").select("laureates").run()
    assert list(at.dataframe[0].value["candidate_ref"]) == ["B01"]


def test_only_an_admin_may_import(small_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(small_db, monkeypatch)
    assert not at.file_uploader
    assert translate("nl", "explore.import_not_allowed") in [i.value for i in at.info]


def test_upload_imports_and_the_pages_show_the_new_data(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(small_db, monkeypatch, role="admin")
    assert translate("nl", "explore.import_log_empty") in [i.value for i in at.info]
    at.file_uploader[0].set_value(("list_entries.csv", GOOD_ENTRIES, "text/csv")).run()
    at.button(key="explore_import_run").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [translate("nl", "explore.import_succeeded", files=1)]
    summary = next(
        d.value for d in at.dataframe if {"table_name", "rows_imported"} == set(d.value.columns)
    )
    tables = {tuple(r) for r in summary[["table_name", "rows_imported"]].itertuples(index=False)}
    assert tables == {("list_entries", 2)}
    log = next(d.value for d in at.dataframe if "imported_by" in d.value.columns)
    assert list(log["imported_by"]) == ["demo-admin"]
    assert list(log["file_name"]) == ["list_entries.csv"]
    assert list(log["rows_imported"]) == [2]
    assert list(log["sha256"]) == [hashlib.sha256(GOOD_ENTRIES).hexdigest()]
    # a fresh uploader for the next import
    assert at.file_uploader[0].key == "explore_import_files_1"
    # the reserve lists page reads the new store: A03 declined, so P-A1 has 0 available
    at.sidebar.selectbox(key="_selstats_demo_role").set_value("bosa").run()
    at.switch_page("pages/reserve_lists.py").run()
    assert not at.exception
    lists = at.dataframe[0].value
    a1 = lists[lists["procedure_code"] == "P-A1"].iloc[0]
    assert (a1["available"], a1["hired"], a1["declined"]) == (0, 1, 1)


def test_rejected_upload_shows_the_problems_row_by_row(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(small_db, monkeypatch, role="admin")
    before = small_db.read_bytes()
    at.file_uploader[0].set_value(("list_entries.csv", BAD_ENTRIES, "text/csv")).run()
    at.button(key="explore_import_run").click().run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith("Er is niets geïmporteerd")
    # (the admin's audit log below it now lists the refused import too)
    problems = next(d.value for d in at.dataframe if "problem" in d.value.columns)
    assert list(problems.columns) == [
        "file_name",
        "problem_row",
        "problem_column",
        "problem_value",
        "problem",
    ]
    row3 = problems[problems["problem_row"] == 3].iloc[0]
    assert (row3["file_name"], row3["problem_column"], row3["problem_value"]) == (
        "list_entries.csv",
        "status",
        "ontslagen",
    )
    assert "rij 3" in row3["problem"]
    assert small_db.read_bytes() == before
    assert translate("nl", "explore.import_log_empty") in [i.value for i in at.info]


def test_upload_names_the_columns_it_does_not_use(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A consultants file with `test_certified` (meant: tests_certified): imported, and the
    column is named under a warning, with the suggestion, one row per column."""
    at = _page(small_db, monkeypatch, role="admin")
    upload = b"consultant_ref,org_id,language_role,test_certified\nCB1,ORG-B,nl,ja\n"
    at.file_uploader[0].set_value(("consultants.csv", upload, "text/csv")).run()
    at.button(key="explore_import_run").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [translate("nl", "explore.import_succeeded", files=1)]
    assert "1 waarschuwing; ze houdt de import niet tegen" in [w.value for w in at.warning]
    shown = next(d.value for d in at.dataframe if "problem" in d.value.columns)
    assert list(shown.columns) == ["file_name", "problem_column", "problem"]
    assert list(shown["problem_column"]) == ["test_certified"]
    assert "bedoelde u tests_certified?" in shown["problem"].iloc[0]


def _listed(at: AppTest) -> str:
    """The Markdown lists the panel shows, as read (without their escapes)."""
    return "\n".join(m.value.replace("\\", "") for m in at.markdown if m.value.startswith("- "))


def test_upload_reports_value_and_reference_problems_in_the_same_run(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15: row 2 has a date that does not exist (a value problem, found when the file
    is read), row 3 a procedure nobody has (a reference problem, which the store finds).
    Before, the page said only the first; now both in the first attempt, each sentence in
    full (a table cell cut it off)."""
    at = _page(small_db, monkeypatch, role="admin")
    upload = (
        b"procedure_code,candidate_ref,status,status_date\n"
        b"P-A1,A03,declined,2026-02-31\nP-NOPE,Z9,available,\n"
    )
    at.file_uploader[0].set_value(("list_entries.csv", upload, "text/csv")).run()
    at.button(key="explore_import_run").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("Er is niets geïmporteerd: 2 problemen gevonden.")
    problems = next(d.value for d in at.dataframe if "problem" in d.value.columns)
    assert list(zip(problems["problem_row"], problems["problem_column"], strict=True)) == [
        (2, "status_date"),
        (3, "procedure_code"),
    ]
    listed = _listed(at)
    for sentence in problems["problem"]:
        assert f"- {sentence}" in listed  # whole, not cut off
    assert "'P-NOPE'" in listed


def test_an_upload_without_data_rows_is_a_warning(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(small_db, monkeypatch, role="admin")
    upload = b"procedure_code;candidate_ref;status\r\n"
    at.file_uploader[0].set_value(("list_entries.csv", upload, "text/csv")).run()
    at.button(key="explore_import_run").click().run()
    assert not at.exception
    assert "1 waarschuwing; ze houdt de import niet tegen" in [w.value for w in at.warning]
    assert (
        "- WAARSCHUWING: list_entries.csv: het bestand heeft een kopregel maar geen "
        "gegevensrijen; er is niets uit ingelezen (verwacht: minstens één rij onder de kopregel)"
    ) in _listed(at)


def test_page_on_an_empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "empty.duckdb"
    with write_store(path, fresh=True):
        pass
    at = _page(path, monkeypatch)
    at.selectbox(key="table").select("laureates").run()
    assert not at.exception
    assert translate("nl", "explore.empty") in [i.value for i in at.info]


@pytest.mark.parametrize("table", list(EXPORT_TABLES))
def test_page_on_the_demo_store(demo_db: Path, monkeypatch: pytest.MonkeyPatch, table: str) -> None:
    at = _page(demo_db, monkeypatch)
    at.selectbox(key="table").select(table).run()
    assert not at.exception
    assert not at.error
    assert len(at.dataframe[0].value) > 0


def test_an_analyst_gets_no_candidate_rows(small_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(small_db, monkeypatch, role="analyst")
    at.selectbox(key="table").select("laureates").run()
    assert not at.exception
    infos = [i.value for i in at.info]
    assert translate("nl", "access.no_candidates") in infos
    assert translate("nl", "explore.empty") in infos
    assert not at.get("download_button")


def test_the_conditions_on_one_person_are_in_words_and_only_for_who_sees_persons(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`fragile_roles` of ORG-A (all Q-checks; derived in
    tests/rules/test_certification_advisor.py::test_org_a_fragile_roles) in Dutch, each
    condition once with the consultants it hangs on; an analyst does not get the column,
    which names consultants (privacy "person")."""
    at = _page(small_db, monkeypatch, table="certification")
    shown = at.dataframe[0].value
    org_a = shown[shown["org_id"] == "ORG-A"]
    assert list(org_a["fragile_roles"]) == [
        "AZ-consultant, Nederlandse taalrol: CA1; AZ-consultant, Franse taalrol: CA2; "
        "selectietestconsultant, Nederlandse taalrol: CA3; selectietestconsultant, Franse "
        "taalrol: CA4; 4 gecertificeerde medewerkers: CA1, CA2, CA3, CA4; PRO Partner: CA5; "
        "Q-check-gemiddelde van 80 %: CA1"
    ]
    at = _page(small_db, monkeypatch, role="analyst", table="certification")
    shown = at.dataframe[0].value
    assert "ORG-A" in list(shown["org_id"])
    assert "fragile_roles" not in shown.columns
    assert not any("CA1" in str(v) for v in shown.to_numpy().ravel())
