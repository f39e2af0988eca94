"""The small SQLite files all server processes share (access/shared_file.py): a new file's
first connections, opened at once by several threads or processes, all get in."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import cast

import pytest

from selstats.access import shared_file as module
from selstats.access.shared_file import shared_file

SCHEMA = "create table if not exists t (a integer);"


class _Unavailable(Exception):
    pass


class _RacedConnection:
    """Answers the WAL switch with "database is locked" `losses` times, as SQLite does at
    once (without its busy timeout) when another connection's switch is under way."""

    def __init__(self, losses: int) -> None:
        self.losses = losses
        self.switches = 0

    def execute(self, sql: str) -> sqlite3.Cursor:
        real = sqlite3.connect(":memory:")
        if sql == "pragma journal_mode":
            return real.execute("select 'delete'")
        self.switches += 1
        if self.switches <= self.losses:
            raise sqlite3.OperationalError("database is locked")
        return real.execute("select 'wal'")


def test_a_lost_race_for_the_wal_switch_is_tried_again() -> None:
    raced = _RacedConnection(losses=2)
    module._wal(cast(sqlite3.Connection, raced))
    assert raced.switches == 3  # two lost, the third one took


def test_a_switch_locked_for_longer_than_the_busy_timeout_gives_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(module, "BUSY_TIMEOUT_S", 0.05)
    with pytest.raises(sqlite3.OperationalError):
        module._wal(cast(sqlite3.Connection, _RacedConnection(losses=10**9)))


def test_many_first_connections_at_once_all_get_in(tmp_path: Path) -> None:
    """40 new files, 4 threads opening each at the same moment: before the retry about 1 in
    100 of such openings failed with "database is locked"."""
    failures: list[BaseException] = []
    for n in range(40):
        path = tmp_path / f"f{n}.sqlite3"
        start = threading.Barrier(4)

        def first_use(path: Path = path, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                with shared_file(path, SCHEMA, "a test file", _Unavailable) as con:
                    con.execute("insert into t values (1)")
            except _Unavailable as error:
                failures.append(error)

        threads = [threading.Thread(target=first_use) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        con = sqlite3.connect(path)
        try:
            assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
            assert con.execute("select count(*) from t").fetchone()[0] == 4
        finally:
            con.close()
    assert failures == []
