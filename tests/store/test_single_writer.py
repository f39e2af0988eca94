"""One writer at a time (issue 13, item 4): two `selstats import` runs on one store both land
their rows; a writer that cannot get the store within the timeout is refused with a sentence
and changes nothing; a waiting writer never removes the working copy of the one it waits
for.

Stores start from the fixture store (tests/fixtures/small_store.py): organisations ORG-A
and ORG-B; P-B2 has B21 and B22 through step 1 and no step 2 results yet.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from selstats.store.lock import StoreBusy, exclusive_writer
from selstats.store.writer import write_store
from tests.fixtures.small_store import build_small_store

from . import cli_env, read_table, run_cli, sha256, text, write_text

WAITING = "another import is running on"


def _start_import(tmp: Path, db: Path, path: Path, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "selstats", "import", str(path), "--db", str(db), "--lang", "en"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(tmp, **env),
        cwd=tmp,
    )


class _Stderr:
    """A process's standard error read as it comes, so a test can wait for a line."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.data = b""
        assert process.stderr is not None
        stream = process.stderr
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: object) -> None:
        for chunk in iter(lambda: stream.read1(4096), b""):  # type: ignore[attr-defined]
            self.data += chunk

    def wait_for(self, needle: str, process: subprocess.Popen[bytes], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while needle.encode() not in self.data:
            assert process.poll() is None, f"ended early: {self.data.decode()}"
            assert time.monotonic() < deadline, f"no {needle!r} in {self.data.decode()!r}"
            time.sleep(0.02)

    def text(self) -> str:
        self._thread.join(timeout=30)
        return text(self.data)


def test_the_lock_waits_then_refuses(tmp_path: Path) -> None:
    """In one process too: the lock belongs to an open descriptor, not to the process."""
    store = tmp_path / "s.duckdb"
    told: list[Path] = []
    with exclusive_writer(store, timeout=0):
        start = time.monotonic()
        with (
            pytest.raises(StoreBusy) as busy,
            exclusive_writer(store, timeout=0.3, on_wait=told.append),
        ):
            pass
        assert time.monotonic() - start >= 0.3
        assert busy.value.waited >= 0.3
    assert told == [store]  # told once, not once per poll
    with exclusive_writer(store, timeout=0, on_wait=told.append):  # released: free again
        pass
    assert told == [store]


def test_two_imports_at_once_both_land(tmp_path: Path) -> None:
    """Both imports start while a third party (the test) holds the store, so both are
    running and waiting at the same moment; when it lets go they race for the store. Each
    must end with exit 0 and the store must hold the rows of both: without the lock, each
    copies the same old store and the second replacement loses the first one's rows."""
    db = build_small_store(tmp_path / "store" / "selstats.duckdb")
    organisations = write_text(
        tmp_path / "a" / "organisations.csv", "org_id,name,government\nORG-X,Dienst X,federal\n"
    )
    # P-B2 step 2 /100, pass 50 %: B21 61 passes, B22 49 fails
    results = write_text(
        tmp_path / "b" / "results.csv",
        "procedure_code;candidate_ref;step_no;score\nP-B2;B21;2;61\nP-B2;B22;2;49\n",
    )
    orgs_before = read_table(db, "organisations")["org_id"].to_list()
    assert "ORG-X" not in orgs_before
    with exclusive_writer(db, timeout=0):
        first = _start_import(tmp_path, db, organisations)
        second = _start_import(tmp_path, db, results)
        errs = [_Stderr(first), _Stderr(second)]
        for process, err in zip((first, second), errs, strict=True):
            err.wait_for(WAITING, process, 120)
    assert first.wait(timeout=120) == 0, errs[0].text()
    assert second.wait(timeout=120) == 0, errs[1].text()
    assert f"{WAITING} {db}; waiting…" in errs[0].text()

    orgs = read_table(db, "organisations")["org_id"].to_list()
    assert sorted(orgs) == sorted([*orgs_before, "ORG-X"])
    stored = read_table(db, "results", ["procedure_code", "candidate_ref", "step_no"])
    step2 = stored.filter((stored["procedure_code"] == "P-B2") & (stored["step_no"] == 2))
    assert step2.select("candidate_ref", "score", "outcome").rows() == [
        ("B21", 61.0, "passed"),
        ("B22", 49.0, "failed"),
    ]
    log = read_table(db, "import_log", ["file_name"]).select("file_name", "table_name").rows()
    assert log == [("organisations.csv", "organisations"), ("results.csv", "results")]
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]


def test_an_import_that_cannot_get_the_store_is_refused_and_changes_nothing(
    tmp_path: Path,
) -> None:
    """The store is held (here by the test, as a long import would) longer than
    SELSTATS_LOCK_TIMEOUT: the import says it waits, then that it gave up, exits 1, and the
    store and the holder's working copy are as they were."""
    db = build_small_store(tmp_path / "store" / "selstats.duckdb")
    before = sha256(db)
    path = write_text(tmp_path / "organisations.csv", "org_id,name\nORG-X,Dienst X\n")
    with exclusive_writer(db, timeout=0):
        live_copy = db.parent / (db.name + ".writing-0f0f0f0f")  # the holder's own copy
        live_copy.write_bytes(b"the other writer is working on this")
        done = run_cli(
            ["import", path, "--db", db, "--lang", "en"],
            tmp_path,
            env=cli_env(tmp_path, SELSTATS_LOCK_TIMEOUT="1"),
        )
        assert live_copy.read_bytes() == b"the other writer is working on this"
    assert done.returncode == 1
    err = text(done.stderr)
    assert f"{WAITING} {db}; waiting…" in err
    assert (
        f"{db}: another import is running on this store and had not finished after 1 s; "
        "nothing was imported (try again later, or raise SELSTATS_LOCK_TIMEOUT)" in err
    )
    assert err.endswith("1 problem found; nothing was imported.")
    assert sha256(db) == before

    # The holder is gone (killed, say): the next writer gets the store and clears its copy.
    again = run_cli(["import", path, "--db", db, "--lang", "en"], tmp_path)
    assert again.returncode == 0, text(again.stderr)
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]


def test_a_demo_build_waits_for_the_lock_too(tmp_path: Path) -> None:
    """Every write goes through the writer: a demo build on a held store is refused in the
    user's language."""
    db = tmp_path / "store" / "selstats.duckdb"
    db.parent.mkdir()
    with exclusive_writer(db, timeout=0):
        done = run_cli(
            ["demo", "--db", db, "--lang", "fr"],
            tmp_path,
            env=cli_env(tmp_path, SELSTATS_LOCK_TIMEOUT="0"),
        )
    assert done.returncode == 1
    assert (
        f"{db}: un autre import est en cours sur cette base de données et n'était pas "
        "terminé après 0 s ; rien n'a changé" in text(done.stderr)
    )
    assert not db.exists()


def test_write_store_in_process_waits_for_the_lock(tmp_path: Path) -> None:
    """The dashboard's upload and the tests use `write_store` directly: same lock."""
    db = build_small_store(tmp_path / "store" / "selstats.duckdb")
    before = sha256(db)
    with (
        exclusive_writer(db, timeout=0),
        pytest.raises(StoreBusy),
        write_store(db, lock_timeout=0.2),
    ):
        pytest.fail("must not get the store")
    assert sha256(db) == before
