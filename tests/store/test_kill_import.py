"""kill -9 in the middle of a large import: the store is the one from before, and the next
import cleans up what the killed one left and succeeds.

The writer works on a private copy of the store (`<store>.writing-<id>`, see
src/selstats/store/writer.py) that replaces the store only when the transaction commits;
the test waits until that copy exists, lets the import run on it a little, and kills it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.fixtures.small_store import build_small_store

from . import cli_env, run_cli, sha256, text, write_text

pytestmark = pytest.mark.slow

CANDIDATES = 150_000  # two steps each: 300,000 result rows


def _big_results(path: Path) -> None:
    """BIG-1: everyone passes the screening; candidate i scores i mod 101 on the test /100,
    pass mark 50 %. Per 101 candidates, the scores 50..100 pass: 51 passers.
    150000 = 1485 x 101 + 15, and the last 15 score 0..14 -> 1485 x 51 = 75735 passed,
    150000 - 75735 = 74265 failed."""
    lines = ["procedure_code;candidate_ref;step_no;score;outcome"]
    for i in range(CANDIDATES):
        lines.append(f"BIG-1;C{i:06};1;;geslaagd")
        lines.append(f"BIG-1;C{i:06};2;{i % 101};")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _leftovers(db: Path) -> list[Path]:
    return sorted(db.parent.glob(db.name + ".writing-*"))


def _funnel(tmp: Path, db: Path) -> bytes:
    done = run_cli(["export", "funnel", "--db", db], tmp)
    assert done.returncode == 0, text(done.stderr)
    return done.stdout


def test_kill_9_during_a_large_import_leaves_the_old_store(tmp_path: Path) -> None:
    db = build_small_store(tmp_path / "store" / "selstats.duckdb")
    setup = tmp_path / "setup"
    write_text(setup / "procedures.csv", "procedure_code,org_id,title\nBIG-1,ORG-A,Groot\n")
    write_text(
        setup / "steps.csv",
        "procedure_code,step_no,name,kind,max_score,pass_mark,pass_unit\n"
        "BIG-1,1,Screening,screening,,,\nBIG-1,2,Test,written,100,50,percent\n",
    )
    done = run_cli(["import", setup, "--db", db], tmp_path)
    assert done.returncode == 0, text(done.stderr)
    big = tmp_path / "big" / "results.csv"
    big.parent.mkdir()
    _big_results(big)

    before_sha = sha256(db)
    before_funnel = _funnel(tmp_path, db)
    assert not _leftovers(db)

    process = subprocess.Popen(
        [sys.executable, "-m", "selstats", "import", str(big), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=cli_env(tmp_path),
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 240
        while not _leftovers(db) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert _leftovers(db), "the import never started writing its copy"
        time.sleep(0.3)  # well into the transaction on the copy
        assert process.poll() is None, "the import ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=60) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    # The store is the old one, byte for byte, and opens; the killed copy is left beside it.
    assert sha256(db) == before_sha
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.sql(
            "select count(*) from results where procedure_code = 'BIG-1'"
        ).fetchall() == [(0,)]
    finally:
        con.close()
    assert _funnel(tmp_path, db) == before_funnel
    assert _leftovers(db), "expected the killed writer's copy next to the store"
    checked = run_cli(["check", "--db", db, "--lang", "en"], tmp_path)
    assert checked.returncode == 0, text(checked.stdout)

    # The next import finds the killed writer's leftovers beside the store: it removes them
    # and succeeds.
    again = run_cli(["import", big, "--db", db, "--lang", "en"], tmp_path)
    assert again.returncode == 0, text(again.stderr)
    assert text(again.stdout) == "results: 300000 rows"
    assert not _leftovers(db)
    assert _files(db) == [db.name]
    rows = [
        line.split(",")[:11]
        for line in _funnel(tmp_path, db).decode("utf-8").splitlines()
        if line.startswith("BIG-1,")
    ]
    assert rows == [
        ["BIG-1", "1", "Screening", "true", "150000", "150000", "0", "0", "0", "0", "0"],
        ["BIG-1", "2", "Test", "true", "150000", "75735", "74265", "0", "0", "0", "0"],
    ]


def _files(db: Path) -> list[str]:
    """What the store's folder holds, the audit log of the exports aside (it is written next
    to the store, by design: selstats.access.audit)."""
    return sorted(p.name for p in db.parent.iterdir() if not p.name.endswith(".audit.jsonl"))


def test_leftovers_of_a_killed_writer_are_never_read_as_the_store(tmp_path: Path) -> None:
    """A stray `.writing-` copy (here: a garbage file and an empty WAL, as a kill during the
    copy could leave) does not stop a small import, and is cleaned up by it."""
    db = build_small_store(tmp_path / "store" / "selstats.duckdb")
    (db.parent / (db.name + ".writing-deadbeef")).write_bytes(b"\0" * 4096)
    (db.parent / (db.name + ".writing-deadbeef.wal")).write_bytes(b"")
    shutil.copyfile(db, db.parent / (db.name + ".writing-cafebabe"))
    path = write_text(
        tmp_path / "results.csv",
        "procedure_code;candidate_ref;step_no;score;outcome\nP-B2;B21;2;61;\nP-B2;B22;2;49;\n",
    )
    done = run_cli(["import", path, "--db", db], tmp_path)
    assert done.returncode == 0, text(done.stderr)
    assert _files(db) == [db.name]
    funnel = [
        line.split(",")[:11]
        for line in _funnel(tmp_path, db).decode("utf-8").splitlines()
        if line.startswith("P-B2,")
    ]
    # P-B2 step 2 /100, pass 50 %: 61 passes, 49 fails
    assert funnel[1] == ["P-B2", "2", "Schriftelijk", "true", "2", "1", "1", "0", "0", "0", "0"]
