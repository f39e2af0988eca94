"""The readers cannot reach any file but the store: no reading, no writing, no attaching, no
loading extensions, and the setting cannot be switched back. Both of them: the dashboard's
serving connection (`selstats.ui.db.open_snapshot`, one DuckDB instance per store file
version) and `open_reader` (the command line: export, check, purge's dry run)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from selstats.store.connection import open_reader
from selstats.ui.db import open_snapshot

OUTSIDE = [
    "select * from read_csv('/etc/passwd')",
    "select * from read_text('/etc/passwd')",
    "select * from read_blob('/etc/hostname')",
    "select * from '/etc/passwd'",
    "select * from read_json('/etc/os-release')",
    "select * from read_parquet('/tmp/whatever.parquet')",
    "select * from glob('/etc/*')",
]


@pytest.fixture(params=[open_snapshot, open_reader], ids=["serving", "cli"])
def reader(store: Path, request: pytest.FixtureRequest) -> Iterator[duckdb.DuckDBPyConnection]:
    con = request.param(store)
    # what a page's query gets: a cursor of the process's connection
    yield con.cursor()
    con.close()


@pytest.mark.parametrize("sql", OUTSIDE)
def test_no_file_can_be_read(reader: duckdb.DuckDBPyConnection, sql: str) -> None:
    with pytest.raises(duckdb.Error):
        reader.sql(sql).fetchall()


def test_no_file_can_be_written(reader: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    target = tmp_path / "leak.csv"
    for sql in [
        f"copy (select * from organisations) to '{target}'",
        f"copy organisations to '{target}' (format csv)",
        f"export database '{tmp_path / 'dump'}'",
    ]:
        with pytest.raises(duckdb.Error):
            reader.execute(sql)
    assert not target.exists() and not (tmp_path / "dump").exists()


def test_the_store_cannot_be_changed(reader: duckdb.DuckDBPyConnection) -> None:
    for sql in [
        "delete from results",
        "create table x (a int)",
        "update organisations set name = 'x'",
    ]:
        with pytest.raises(duckdb.Error):
            reader.execute(sql)


def test_nothing_else_can_be_attached_or_loaded(
    reader: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    for sql in [
        f"attach '{tmp_path / 'other.duckdb'}' as other",
        "install httpfs",
        "load httpfs",
    ]:
        with pytest.raises(duckdb.Error):
            reader.execute(sql)
    assert not (tmp_path / "other.duckdb").exists()


@pytest.mark.parametrize(
    "sql",
    [
        "set enable_external_access = true",
        "set lock_configuration = false",
        "reset enable_external_access",
        "set allowed_directories = ['/']",
    ],
)
def test_the_configuration_is_locked(reader: duckdb.DuckDBPyConnection, sql: str) -> None:
    with pytest.raises(duckdb.Error):
        reader.execute(sql)
    with pytest.raises(duckdb.Error):
        reader.sql("select * from read_csv('/etc/passwd')").fetchall()


def test_the_reader_still_reads_the_store(reader: duckdb.DuckDBPyConnection) -> None:
    names = {r[0] for r in reader.sql("select org_id from organisations").fetchall()}
    assert {"ORG-A", "ORG-B"} <= names


def test_the_serving_connection_follows_the_file(store: Path, tmp_path: Path) -> None:
    """A store replaced by the writer is seen by the next connection of the same process,
    while the old connection keeps reading the old file."""
    import os
    import shutil

    old = open_snapshot(store)
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(store, copy)
    writer = duckdb.connect(str(copy))
    writer.execute("update organisations set name = 'Stad Beta (nieuw)' where org_id = 'ORG-B'")
    writer.close()
    os.replace(copy, store)
    new = open_snapshot(store)
    sql = "select name from organisations where org_id = 'ORG-B'"
    assert new.cursor().sql(sql).fetchall() == [("Stad Beta (nieuw)",)]
    assert old.cursor().sql(sql).fetchall() == [("Stad Beta",)]
    old.close()
    new.close()
