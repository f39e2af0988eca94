"""The dashboard's upload (issue 13, item 5): files over the upload limit are refused before
anything is saved; an import that a file makes run out of memory is stopped in its child
process, the page says so in the user's language, the store is unchanged and the upload's
temporary folder is gone; the upload limit matches Streamlit's own setting.

The store is the hand-computed fixture store (tests/fixtures/small_store.py).
"""

from __future__ import annotations

import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selstats.paths import PROJECT_ROOT
from selstats.settings import Settings
from selstats.store.import_process import Limits
from selstats.ui.upload import import_uploads
from tests.fixtures.small_store import build_small_store
from tests.store import TEST_KEY_HEX, sha256

MB = 1024 * 1024
APP = "../../app.py"
PAGE = "pages/explore.py"


@dataclass
class FakeUpload:
    name: str
    data: bytes

    def getvalue(self) -> bytes:
        return self.data


@pytest.fixture(autouse=True)
def _key_and_temp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A known pseudonym key; the system's temporary folder is one of the test's own, so
    that what an upload leaves there can be seen."""
    monkeypatch.setenv("SELSTATS_PSEUDONYM_KEY", TEST_KEY_HEX)
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    yield temp


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return build_small_store(tmp_path / "store" / "selstats.duckdb")


def _big_results(rows: int = 250_000) -> bytes:
    """P-B2 screening results, 26 bytes a line: 250,000 lines make 6.5 MB."""
    lines = ["procedure_code;candidate_ref;step_no;score;outcome"]
    lines += [f"P-B2;X{i:07};1;;geslaagd" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_an_upload_over_the_limit_is_refused_before_anything_is_saved(
    db: Path, monkeypatch: pytest.MonkeyPatch, _key_and_temp: Path
) -> None:
    monkeypatch.setenv("SELSTATS_MAX_UPLOAD_MB", "2")
    before = sha256(db)
    files = [
        FakeUpload("organisations.csv", b"org_id,name\nORG-X,X\n"),
        FakeUpload("C:\\exports\\results.csv", _big_results()),  # 6.5 MB > 2 MB
    ]
    outcome = import_uploads(files, db, imported_by="admin")
    assert [(p.file, p.code, p.params) for p in outcome.problems] == [
        ("results.csv", "file_too_large", {"variant": "size", "size": "6.2 MB", "limit": "2 MB"})
    ]  # 51 + 250,000 x 26 = 6,500,051 bytes; / 1,048,576 = 6.2 MB
    assert outcome.problems[0].message("fr") == (
        "results.csv: le fichier est trop volumineux (6.2 MB, maximum 2 MB)"
    )
    assert sha256(db) == before
    assert list(_key_and_temp.iterdir()) == []  # nothing was even saved


def test_an_import_out_of_memory_is_stopped_and_leaves_nothing(
    db: Path, _key_and_temp: Path
) -> None:
    before = sha256(db)
    outcome = import_uploads(
        [FakeUpload("results.csv", _big_results())],
        db,
        imported_by="admin",
        limits=Limits(memory_mb=1, seconds=120),
    )
    assert not outcome.ok and outcome.rows_by_table == ()
    assert [(p.code, p.params["variant"]) for p in outcome.problems] == [
        ("import_stopped", "memory")
    ]
    assert outcome.problems[0].message("fr") == (
        "results.csv: l'import a été arrêté : il demandait plus de mémoire que permis (1 MB) ; "
        "rien n'a changé (divisez le fichier, ou demandez à l'administrateur d'augmenter "
        "SELSTATS_IMPORT_MEMORY_MB)"
    )
    assert sha256(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]
    assert list(_key_and_temp.iterdir()) == []  # the upload's folder is removed


def test_the_page_says_the_import_was_stopped_in_the_users_language(
    db: Path, monkeypatch: pytest.MonkeyPatch, _key_and_temp: Path
) -> None:
    """Through the page: an admin uploads a file the import cannot hold in its 1 MB; the
    server lives on, the page shows the problem in the user's language (Dutch here: the
    demo role switcher's translated labels defeat AppTest in French; the French sentence
    is checked below), nothing changed."""
    monkeypatch.setenv("SELSTATS_DB", str(db))
    monkeypatch.setenv("SELSTATS_DEMO", "1")
    monkeypatch.setenv("SELSTATS_IMPORT_MEMORY_MB", "1")
    before = sha256(db)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.sidebar.selectbox(key="_selstats_demo_role").set_value("admin").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    at.file_uploader[0].set_value(("results.csv", _big_results(), "text/csv")).run()
    at.button(key="explore_import_run").click().run()
    assert not at.exception
    # the problems table (the admin's audit log follows it on the page)
    [problems] = [d.value for d in at.dataframe if "problem" in d.value.columns]
    assert list(problems["file_name"]) == ["results.csv"]
    assert list(problems["problem"]) == [
        "results.csv: de import is gestopt: hij had meer geheugen nodig dan toegelaten (1 MB); "
        "er is niets veranderd (splits het bestand, of laat de beheerder "
        "SELSTATS_IMPORT_MEMORY_MB verhogen)"
    ]
    assert sha256(db) == before
    assert list(_key_and_temp.iterdir()) == []


def test_the_upload_limit_is_streamlits_limit() -> None:
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == Settings.model_fields["max_upload_mb"].default


def test_selstats_serve_hands_the_upload_limit_to_streamlit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    from selstats import cli, serve

    seen: dict[str, str | None] = {}

    def fake_serve(options: list[str], workers: int = 1) -> None:
        seen["limit"] = os.environ.get("STREAMLIT_SERVER_MAX_UPLOAD_SIZE")
        raise SystemExit(0)

    monkeypatch.setattr(serve, "serve", fake_serve)
    monkeypatch.setenv("SELSTATS_MAX_UPLOAD_MB", "50")
    monkeypatch.setenv("STREAMLIT_SERVER_MAX_UPLOAD_SIZE", "stale")  # restored afterwards
    with pytest.raises(SystemExit):
        cli.main(["serve"])
    assert seen == {"limit": "50"}


def test_a_missing_value_shows_as_a_dash_not_none() -> None:
    """A problem with the whole file has no row, column or value: the cells read "—"."""
    import re

    from selstats.ingest.problems import Code, Problem
    from selstats.ui.table import styled
    from selstats.ui.upload import problems_frame

    frame = problems_frame([Problem(file="a.csv", code=Code.EMPTY_FILE)], "nl")
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", styled(frame, "nl").to_html())
    assert cells[:4] == ["a.csv", "—", "—", "—"]
    assert not any(cell in ("None", "nan", "<NA>") for cell in cells)


def test_the_list_holds_every_sentence_whole_and_counts_the_rest() -> None:
    from selstats.ingest.problems import Code, Problem
    from selstats.ui.upload import problem_lines

    long = "x" * 55
    problems = [
        Problem(file="r.csv", row=n, column="score", value=long, code=Code.NOT_A_NUMBER)
        for n in range(2, 6)
    ]
    lines = problem_lines(problems, "en", limit=3)
    assert lines[:3] == [p.message("en") for p in problems[:3]]
    assert all(long in line for line in lines[:3])
    # 4 problems, 3 listed: 1 more
    assert lines[3] == "… and 1 more problem: all are in the table and the downloads below."
