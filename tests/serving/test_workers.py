"""The supervisor's worker pool: workers that die or hang are started again, on their port,
with a growing delay when they keep dying. Workers are stand-ins (tests/serving/backend.py)
or commands that exit at once; the pool's clock is a fake one where a test needs time to
pass."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator

import pytest

from selstats.serving import workers as workers_module
from selstats.serving.workers import (
    MAX_BACKOFF_S,
    MOVE_AFTER_QUICK_EXITS,
    PROBE_INTERVAL_S,
    UNHEALTHY_AFTER,
    WorkerPool,
    health_probe,
)

from .conftest import backend_command, wait_until


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    running = WorkerPool(2, command_for=backend_command("worker"), probe=health_probe())
    running.start()
    try:
        yield running
    finally:
        running.stop()


def _checked_until_ready(pool: WorkerPool) -> None:
    def ready() -> bool:
        pool.check()
        return pool.ready() == len(pool.workers)

    wait_until(ready)


def test_a_killed_worker_is_started_again_on_its_port(pool: WorkerPool) -> None:
    _checked_until_ready(pool)
    victim = pool.workers[1]
    old_pid, port = victim.pid, victim.port
    assert victim.process is not None
    victim.process.send_signal(signal.SIGKILL)
    victim.process.wait(timeout=10)
    pool.check()  # sees the exit and, not a quick one (none before), starts it at once
    assert victim.pid is not None and victim.pid != old_pid
    assert victim.port == port
    assert victim.restarts == 1
    _checked_until_ready(pool)
    assert pool.workers[0].restarts == 0


def test_stop_ends_every_worker(pool: WorkerPool) -> None:
    processes = [w.process for w in pool.workers]
    pool.stop()
    assert all(p is not None and p.poll() is not None for p in processes)


def test_a_worker_that_stops_answering_is_replaced() -> None:
    clock = FakeClock()
    answering = {"yes": True}
    pool = WorkerPool(
        1,
        command_for=backend_command("worker"),
        probe=lambda port: answering["yes"],
        clock=clock,
    )
    pool.start()
    try:
        worker = pool.workers[0]
        first_pid = worker.pid
        pool.check()
        assert worker.healthy
        answering["yes"] = False  # hung: alive, but no answer
        for probe in range(1, UNHEALTHY_AFTER):
            clock.now += PROBE_INTERVAL_S
            pool.check()
            assert worker.failed_probes == probe
            assert worker.pid == first_pid  # a few missed probes: only busy
        clock.now += PROBE_INTERVAL_S
        pool.check()
        assert worker.pid != first_pid
        assert worker.restarts == 1
        assert worker.failed_probes == 0
    finally:
        pool.stop()


def test_a_worker_that_keeps_dying_waits_longer_each_time_then_moves_port() -> None:
    clock = FakeClock()
    moved: list[list[int]] = []
    pool = WorkerPool(
        1,
        command_for=lambda port: [sys.executable, "-c", "raise SystemExit(3)"],
        probe=lambda port: False,
        clock=clock,
        on_ports_changed=moved.append,
    )
    pool.start()
    worker = pool.workers[0]
    first_port = worker.port
    delays = []
    try:
        for _ in range(MOVE_AFTER_QUICK_EXITS):
            assert worker.process is not None
            worker.process.wait(timeout=10)
            clock.now += 1
            pool.check()  # sees the exit: waits 1, 2, 4 ... s before the next start
            assert worker.process is None
            delays.append(worker.next_start - clock.now)
            clock.now = worker.next_start
            pool.check()
        # 1 s after the first quick exit, then twice as long each time
        assert delays == [1, 2, 4][:MOVE_AFTER_QUICK_EXITS]
        # the last start came after MOVE_AFTER_QUICK_EXITS quick exits: on a new port
        assert worker.port != first_port
        assert moved == [[worker.port]]
        assert worker.restarts == MOVE_AFTER_QUICK_EXITS
    finally:
        pool.stop()
    assert MAX_BACKOFF_S >= 2 ** (MOVE_AFTER_QUICK_EXITS - 1)


def test_a_worker_that_never_answers_is_replaced_after_the_start_timeout() -> None:
    clock = FakeClock()
    pool = WorkerPool(1, command_for=backend_command("worker"), probe=lambda p: False, clock=clock)
    pool.start()
    try:
        worker = pool.workers[0]
        first_pid = worker.pid
        clock.now += workers_module.STARTUP_TIMEOUT_S - 1
        pool.check()
        assert worker.pid == first_pid  # slow start: waited for
        clock.now += 2
        pool.check()
        assert worker.pid != first_pid
    finally:
        pool.stop()
