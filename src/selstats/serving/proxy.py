"""nginx in front of the workers: its configuration, and nginx as a child process.

`render_config` fills in `nginx.conf` (the template next to this module; what each part is
for is written there); `Nginx` checks the configuration (`nginx -t`) and runs nginx in the
foreground (`daemon off`) with everything it writes in the run directory. Debian's nginx
package is installed by scripts/setup.sh; nginx is never started as a system service.
"""

from __future__ import annotations

import dataclasses
import grp
import logging
import os
import pwd
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from selstats.serving.process import kill_group, spawn, stop

TEMPLATE: Final = Path(__file__).with_name("nginx.conf")
# Where Debian puts it; /usr/sbin is not on a normal user's PATH.
NGINX_CANDIDATES: Final = (
    "/usr/sbin/nginx",
    "/usr/local/sbin/nginx",
    "/usr/local/nginx/sbin/nginx",
)
LOOPBACK: Final = "127.0.0.1"
# Workers fail over within this long: a refused connection marks a worker failed for it.
FAIL_TIMEOUT_S: Final = 5
STOP_TIMEOUT_S: Final = 10.0
START_TIMEOUT_S: Final = 30.0
# A run directory nginx's workers (user nobody, when started as root) must traverse.
RUN_DIR_MODE_ROOT: Final = 0o711
TEMP_DIRS: Final = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")

_PLACEHOLDER: Final = re.compile(r"\{\{ (\w+) \}\}")
_log = logging.getLogger(__name__)


class ProxyError(RuntimeError):
    """nginx is missing, its configuration is refused, or it would not start."""


@dataclass(frozen=True)
class ProxyConfig:
    """What the generated configuration depends on."""

    listen_address: str  # "" = every interface, as Streamlit's default
    listen_port: int
    worker_ports: tuple[int, ...]
    run_dir: Path
    max_upload_mb: int = 200
    nginx_workers: int = 1
    # Only when nginx starts as root: the user its worker processes run as.
    user: tuple[str, str] | None = None


def find_nginx() -> str:
    """The nginx executable; a clear error when it is not installed."""
    found = shutil.which("nginx") or next(
        (c for c in NGINX_CANDIDATES if os.access(c, os.X_OK)), None
    )
    if found is None:
        raise ProxyError(
            "nginx is not installed: `selstats serve --workers N` runs it in front of the "
            "workers. Run scripts/setup.sh (it installs Debian's nginx), or as root: "
            "apt-get install -y nginx"
        )
    return found


def unprivileged_user() -> tuple[str, str]:
    """The user and group nginx's worker processes take when nginx runs as root."""
    entry = pwd.getpwnam("nobody")
    return entry.pw_name, grp.getgrgid(entry.pw_gid).gr_name


def _listen(address: str, port: int) -> str:
    if not address or address == "0.0.0.0":
        return str(port)
    if ":" in address:  # IPv6
        return f"[{address.strip('[]')}]:{port}"
    return f"{address}:{port}"


def _server(port: int, backup: bool = False) -> str:
    role = " backup" if backup else ""
    return f"        server {LOOPBACK}:{port}{role} max_fails=1 fail_timeout={FAIL_TIMEOUT_S}s;"


def worker_name(index: int) -> str:
    """The worker's name in the sticky cookie and its upstream: w0, w1, ..."""
    return f"w{index}"


def render_config(config: ProxyConfig, template: str | None = None) -> str:
    """The nginx configuration for `config` (the template with its placeholders filled)."""
    ports = config.worker_ports
    if not ports:
        raise ValueError("at least one worker port")
    if len(set(ports)) != len(ports):
        raise ValueError(f"worker ports must differ: {ports}")
    run_dir = str(config.run_dir)
    if re.search(r"[\s;{}'\"$]", run_dir):
        raise ValueError(f"the run directory may not contain spaces or ;{{}}'\"$: {run_dir}")
    names = [worker_name(i) for i in range(len(ports))]
    worker_upstreams = []
    for i, port in enumerate(ports):
        others = [_server(p, backup=True) for j, p in enumerate(ports) if j != i]
        worker_upstreams += [
            f"    upstream selstats_{names[i]} {{",
            _server(port),
            *others,
            "        keepalive 16;",
            "    }",
        ]
    values = {
        "nginx_workers": str(config.nginx_workers),
        "user_directive": f"user {config.user[0]} {config.user[1]};" if config.user else "",
        "run_dir": run_dir,
        "max_upload_mb": str(config.max_upload_mb),
        "cookie_routes": "\n".join(f"        {name}  selstats_{name};" for name in names),
        "answered_by": "\n".join(
            f"        ~{re.escape(LOOPBACK)}:{port}$  {name};"
            for name, port in zip(names, ports, strict=True)
        ),
        "servers_any": "\n".join(_server(p) for p in ports),
        "worker_upstreams": "\n".join(worker_upstreams),
        "listen": _listen(config.listen_address, config.listen_port),
        "tries": str(len(ports)),
    }
    text = template if template is not None else TEMPLATE.read_text(encoding="utf-8")

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"nginx.conf: unknown placeholder {{{{ {name} }}}}")
        return values[name]

    return _PLACEHOLDER.sub(fill, text)


def prepare_run_dir(run_dir: Path) -> None:
    """The run directory and nginx's temporary directories in it."""
    run_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        # nginx's workers run as `nobody` and write their temporary files under it.
        run_dir.chmod(RUN_DIR_MODE_ROOT)
    for name in TEMP_DIRS:
        (run_dir / "tmp" / name).mkdir(parents=True, exist_ok=True)


class Nginx:
    """nginx running `config` as a child process (`start`, `alive`, `stop`)."""

    def __init__(self, config: ProxyConfig, executable: str | None = None) -> None:
        self.config = config
        self.executable = executable or find_nginx()
        self.conf_path = config.run_dir / "nginx.conf"
        self.process: subprocess.Popen[bytes] | None = None

    def _command(self, *extra: str) -> list[str]:
        # -p: relative paths in nginx's own defaults resolve in the run directory;
        # -e: the error log before the configuration is read (Debian's default is stderr).
        return [
            self.executable,
            "-p",
            f"{self.config.run_dir}/",
            "-c",
            str(self.conf_path),
            "-e",
            str(self.config.run_dir / "error.log"),
            *extra,
        ]

    def write_config(self) -> None:
        prepare_run_dir(self.config.run_dir)
        self.conf_path.write_text(render_config(self.config), encoding="utf-8")

    def test_config(self) -> None:
        """`nginx -t`: refuses a configuration nginx would not start with."""
        done = subprocess.run(self._command("-t", "-q"), capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise ProxyError(f"nginx refused {self.conf_path}:\n{done.stderr.strip()}")

    @property
    def pid_path(self) -> Path:
        return self.config.run_dir / "nginx.pid"

    def start(self) -> None:
        self.write_config()
        self.test_config()
        self.pid_path.unlink(missing_ok=True)  # nginx writes it once it listens
        log = (self.config.run_dir / "nginx.out").open("ab")
        try:
            self.process = spawn(self._command(), stdout=log)
        finally:
            log.close()
        _log.info(
            "nginx (pid %d) listening on %s, config %s",
            self.process.pid,
            _listen(self.config.listen_address, self.config.listen_port),
            self.conf_path,
        )

    def wait_listening(self, timeout: float = START_TIMEOUT_S) -> None:
        """Return once nginx listens (its pid file appears after its sockets are bound);
        a ProxyError when it exits or cannot bind its port (it would retry for seconds)."""
        deadline = time.monotonic() + timeout
        while not self.pid_path.exists():
            failed = re.search(r".*bind\(\) to \S+ failed.*", self.error_log_tail())
            if failed or not self.alive():
                self.stop()
                reason = failed.group(0) if failed else f"exit {self.exit_code()}"
                raise ProxyError(f"nginx did not start: {reason}\n{self.error_log_tail()}")
            if time.monotonic() > deadline:
                raise ProxyError(f"nginx did not listen within {timeout:.0f} s")
            time.sleep(0.05)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def reload(self, worker_ports: Sequence[int]) -> None:
        """New worker ports: rewrite the configuration, let nginx re-read it (SIGHUP)."""
        self.config = dataclasses.replace(self.config, worker_ports=tuple(worker_ports))
        self.write_config()
        self.test_config()
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGHUP)

    def stop(self) -> None:
        """Fast shutdown (SIGTERM: open websockets are closed, not waited for); then
        whatever of nginx is left (`clean_up`)."""
        if self.process is not None:
            stop(self.process, signal.SIGTERM, STOP_TIMEOUT_S)
            self.clean_up()

    def clean_up(self) -> None:
        """Kill what is left of an nginx whose master exited: its workers keep serving
        (and the port) without it, unaware of a new configuration."""
        if self.process is not None and self.process.poll() is not None:
            kill_group(self.process)

    def error_log_tail(self, limit: int = 2000) -> str:
        path = self.config.run_dir / "error.log"
        try:
            return path.read_text(errors="replace")[-limit:]
        except OSError:
            return ""
