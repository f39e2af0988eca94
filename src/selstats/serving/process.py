"""Child processes of `selstats serve --workers N`: started in a session of their own and
stopped with their parent.

A child gets its own process group, so a Ctrl-C in the terminal reaches only the
supervisor, which then stops nginx and the workers in order (instead of every process
receiving SIGINT at once and the supervisor restarting workers that are just quitting).
On Linux each child also asks the kernel for SIGTERM when the supervisor dies, even by
SIGKILL (`PR_SET_PDEATHSIG`), so no worker or nginx outlives it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Final

PR_SET_PDEATHSIG: Final = 1

_log = logging.getLogger(__name__)


def _die_with_parent() -> Callable[[], None] | None:
    """A pre-exec function asking for SIGTERM when the parent dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return None
    libc = ctypes.CDLL(libc_name, use_errno=True)
    parent = os.getpid()

    def pre_exec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl: quit at once
            os.kill(os.getpid(), signal.SIGTERM)

    return pre_exec


def spawn(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdout: IO[bytes] | int | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start `command` as a child in its own session that ends with this process."""
    return subprocess.Popen(
        list(command),
        env=dict(env) if env is not None else None,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.STDOUT if stdout is not None else None,
        start_new_session=True,
        # The supervisor forks from its main thread only (no probe threads): safe.
        preexec_fn=_die_with_parent(),
    )


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    """Send `sig`, wait up to `timeout` seconds, then SIGKILL. A process already gone is
    only reaped."""
    if process.poll() is not None:
        return
    try:
        process.send_signal(sig)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _log.warning("pid %d did not stop within %.0f s: killing it", process.pid, timeout)
        process.kill()
        process.wait(timeout=timeout)
    except ProcessLookupError:
        process.wait(timeout=timeout)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL whatever is left of the process group `process` leads (it was started in a
    session of its own): nginx's worker processes outlive a master killed with SIGKILL,
    still holding the listening socket."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
