"""An import that runs out of disk space (issue 13, item 10): a sentence in the user's
language naming the folder, exit 1, the store as it was, and no working file left behind.

For real, on a tiny tmpfs mounted for the test (root only; skipped where mounting is not
allowed): once with no room for the working copy at all, once with room for the copy but
not for what the import adds (DuckDB's own write fails). A third test needs no mount: the
copy step raises ENOSPC through the writer's file-copy seam (`shutil.copyfile`, not DuckDB).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from selstats.store import writer
from selstats.store.imports import import_paths
from tests.fixtures.small_store import build_small_store

from . import run_cli, sha256, text, write_text

MB = 1024 * 1024


def _mount_tmpfs(folder: Path, size: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not allowed here: {done.stderr.decode().strip()}")


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder for a tmpfs (`_mount_tmpfs`), unmounted after the test."""
    folder = tmp_path / "disk"
    yield folder
    subprocess.run(["umount", str(folder)], capture_output=True, check=False)


def _big_results(path: Path, candidates: int) -> Path:
    """`candidates` more candidates who pass P-B2's screening (step 1; fixture store)."""
    lines = ["procedure_code;candidate_ref;step_no;score;outcome"]
    lines += [f"P-B2;X{i:07};1;;geslaagd" for i in range(candidates)]
    return write_text(path, "\n".join(lines) + "\n")


def _used(folder: Path) -> int:
    stat = os.statvfs(folder)
    return (stat.f_blocks - stat.f_bfree) * stat.f_frsize


def _assert_nothing_changed(
    db: Path, before: str, used_before: int, done: subprocess.CompletedProcess[bytes]
) -> None:
    assert done.returncode == 1, text(done.stdout)
    err = text(done.stderr)
    assert (
        f"{db}: not enough disk space in {db.parent}: the import was not done; nothing changed"
        in err
    ), err
    assert "Traceback" not in err and "TransactionException" not in err and "IO Error" not in err
    assert err.endswith("1 problem found; nothing was imported.")
    assert sha256(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]  # no working file left
    assert _used(db.parent) == used_before  # the space is free again


def test_no_room_for_the_working_copy(tmp_path: Path, tiny_disk: Path) -> None:
    source = build_small_store(tmp_path / "source" / "selstats.duckdb")
    size = source.stat().st_size
    _mount_tmpfs(tiny_disk, size + MB)  # the store fits, a copy of it does not
    db = tiny_disk / "selstats.duckdb"
    shutil.copyfile(source, db)
    before, used = sha256(db), _used(tiny_disk)
    path = write_text(tmp_path / "organisations.csv", "org_id,name\nORG-X,Dienst X\n")
    done = run_cli(["import", path, "--db", db, "--lang", "en"], tmp_path)
    _assert_nothing_changed(db, before, used, done)


def test_room_for_the_copy_but_not_for_the_import(tmp_path: Path, tiny_disk: Path) -> None:
    """The copy fits (with 2 MB to spare); 200,000 more results do not: DuckDB's write of
    them fails inside the transaction, and that is what the user must not see raw."""
    source = build_small_store(tmp_path / "source" / "selstats.duckdb")
    size = source.stat().st_size
    _mount_tmpfs(tiny_disk, 2 * size + 2 * MB)
    db = tiny_disk / "selstats.duckdb"
    shutil.copyfile(source, db)
    before, used = sha256(db), _used(tiny_disk)
    path = _big_results(tmp_path / "big" / "results.csv", 200_000)
    done = run_cli(["import", path, "--db", db, "--lang", "en"], tmp_path)
    _assert_nothing_changed(db, before, used, done)

    # The same in Dutch; and once the disk has room, the import goes through (nothing the
    # failed one left stands in its way).
    nl = run_cli(["import", path, "--db", db], tmp_path)
    assert nl.returncode == 1
    assert f"niet genoeg schijfruimte in {db.parent}: de import is niet uitgevoerd" in text(
        nl.stderr
    )
    subprocess.run(["mount", "-o", f"remount,size={4 * size}", str(tiny_disk)], check=True)
    ok = run_cli(["import", path, "--db", db], tmp_path)
    assert ok.returncode == 0, text(ok.stderr)
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]


def test_enospc_from_the_copy_without_a_mount(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where mounting is not allowed: the writer's copy step fails the way a full disk
    makes it fail (a partial copy, then OSError ENOSPC); the report says so, the partial
    copy is gone and the store is as it was."""
    db = build_small_store(tmp_path / "store" / "selstats.duckdb")
    before = sha256(db)

    def copy_until_full(src: Path, dst: Path) -> None:
        Path(dst).write_bytes(Path(src).read_bytes()[: MB // 2])  # what fitted
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr(writer.shutil, "copyfile", copy_until_full)
    path = write_text(tmp_path / "in" / "organisations.csv", "org_id,name\nORG-X,Dienst X\n")
    report = import_paths([path], db)
    assert [(p.file, p.code) for p in report.problems] == [(str(db), "disk_full")]
    assert report.problems[0].message("fr") == (
        f"{db}: pas assez d'espace disque dans {db.parent} : l'import n'a pas été effectué ; "
        "rien n'a changé"
    )
    assert sha256(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]
