"""`selstats serve --workers N`: N Streamlit workers behind nginx, kept alive until SIGTERM
or SIGINT.

The supervisor is the `selstats serve` process itself. It

1. reads the public address and port from Streamlit's options (`selstats.serving.options`),
   writes nginx's configuration into a private run directory and lets nginx check it;
2. starts the workers on loopback ports (`selstats.serving.workers`), then nginx on the
   public port (`selstats.serving.proxy`);
3. every `TICK_S`: restarts a worker that exited or hangs, and nginx if it exited;
4. on SIGTERM or SIGINT stops nginx first (no new requests), then the workers, and exits 0.

The run directory is `$SELSTATS_RUN_DIR` when set (kept afterwards, with nginx's
access.log and error.log), else a new temporary directory removed at the end.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Final

from selstats.serving.options import ServeOptions, serve_options, worker_environment
from selstats.serving.proxy import Nginx, ProxyConfig, ProxyError, find_nginx, unprivileged_user
from selstats.serving.workers import WorkerPool, free_ports, health_probe, streamlit_command
from selstats.settings import settings

TICK_S: Final = 0.5
# nginx that died this many times in a row, each within QUICK_DEATH_S of its start, is not
# started again: the supervisor stops everything and exits 1.
NGINX_MAX_QUICK_DEATHS: Final = 5
QUICK_DEATH_S: Final = 10.0

_log = logging.getLogger(__name__)


class Supervisor:
    def __init__(
        self,
        count: int,
        options: ServeOptions,
        run_dir: Path,
        nginx_executable: str,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.options = options
        self.run_dir = run_dir
        self.pool = WorkerPool(
            count,
            command_for=streamlit_command(options.worker_options),
            probe=health_probe(options.base_url_path),
            env=env,
            on_ports_changed=self._ports_changed,
        )
        self.nginx = Nginx(self._proxy_config(free_ports(count)), nginx_executable)
        self._stop_signal: int | None = None
        self._announced = False
        self._nginx_started = 0.0
        self._nginx_quick_deaths = 0

    def _proxy_config(self, ports: Sequence[int]) -> ProxyConfig:
        return ProxyConfig(
            listen_address=self.options.address,
            listen_port=self.options.port,
            worker_ports=tuple(ports),
            run_dir=self.run_dir,
            max_upload_mb=self.options.max_upload_mb,
            user=unprivileged_user() if os.geteuid() == 0 else None,
        )

    def _ports_changed(self, ports: list[int]) -> None:
        self.nginx.reload(ports)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self._stop_signal is None:
            _log.info("%s: stopping nginx and the workers", signal.Signals(signum).name)
        self._stop_signal = signum

    @property
    def public_url(self) -> str:
        host = self.options.address or "0.0.0.0"
        host = f"[{host}]" if ":" in host else host
        base = f"/{self.options.base_url_path}" if self.options.base_url_path else ""
        return f"http://{host}:{self.options.port}{base}"

    def start(self) -> None:
        """Check nginx's configuration, start the workers, then nginx."""
        self.nginx.write_config()
        self.nginx.test_config()  # a refused configuration stops here, before any worker
        self.pool.start(self.nginx.config.worker_ports)
        self.nginx.start()
        self._nginx_started = time.monotonic()
        self.nginx.wait_listening()

    def check(self) -> None:
        self.pool.check()
        if not self.nginx.alive():
            quick = time.monotonic() - self._nginx_started < QUICK_DEATH_S
            self._nginx_quick_deaths = self._nginx_quick_deaths + 1 if quick else 0
            if self._nginx_quick_deaths >= NGINX_MAX_QUICK_DEATHS:
                raise ProxyError(
                    f"nginx exited {self._nginx_quick_deaths} times in a row right after its "
                    f"start; the last time ({self.nginx.exit_code()}):\n"
                    + self.nginx.error_log_tail()
                )
            _log.error(
                "nginx exited (%s); starting it again. Its error log:\n%s",
                self.nginx.exit_code(),
                self.nginx.error_log_tail(),
            )
            self.nginx.clean_up()
            self.nginx.start()
            self._nginx_started = time.monotonic()
        if not self._announced and self.pool.ready() == len(self.pool.workers):
            self._announced = True
            _log.info(
                "serving %s: %d workers behind nginx (run directory %s)",
                self.public_url,
                len(self.pool.workers),
                self.run_dir,
            )

    def stop(self) -> None:
        self.nginx.stop()
        self.pool.stop()

    def run(self) -> int:
        """Serve until SIGTERM or SIGINT; the exit status."""
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            self.start()
            while self._stop_signal is None:
                self.check()
                time.sleep(TICK_S)
            return 0
        except ProxyError as error:
            _log.error("%s", error)
            return 1
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            _log.info("stopped")


def run(count: int, options: Sequence[str]) -> int:
    """`selstats serve --workers count [STREAMLIT OPTIONS]` until stopped; the exit status."""
    try:
        executable = find_nginx()
        parsed = serve_options(options)
    except (ProxyError, ValueError) as error:
        _log.error("%s", error)
        return 2 if isinstance(error, ValueError) else 1
    given = settings().run_dir
    run_dir = given.resolve() if given else Path(tempfile.mkdtemp(prefix="selstats-serve-"))
    try:
        env = worker_environment(options)
        return Supervisor(count, parsed, run_dir, executable, env).run()
    finally:
        if not given:
            shutil.rmtree(run_dir, ignore_errors=True)
