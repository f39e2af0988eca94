"""Streamlit's command-line options as `selstats serve --workers N` needs them: the public
address and port (nginx's, from --server.port / --server.address as for one process), the
upload limit, the base URL path, and the options every worker gets instead.

An option is given as `--name value` or `--name=value`; the value of a setting is the
command line's, else Streamlit's environment variable (`STREAMLIT_SERVER_PORT`), else the
project's .streamlit/config.toml, else Streamlit's default.
"""

from __future__ import annotations

import logging
import os
import secrets
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from selstats.paths import PROJECT_ROOT

CONFIG_TOML: Final = PROJECT_ROOT / ".streamlit" / "config.toml"
PORT: Final = "server.port"
ADDRESS: Final = "server.address"
MAX_UPLOAD: Final = "server.maxUploadSize"
BASE_URL: Final = "server.baseUrlPath"
COOKIE_SECRET: Final = "server.cookieSecret"
# Streamlit's defaults (`streamlit config show`, 1.67).
DEFAULT_PORT: Final = 8501
DEFAULT_MAX_UPLOAD_MB: Final = 200
WORKER_ADDRESS: Final = "127.0.0.1"

_log = logging.getLogger(__name__)


def option_value(options: Sequence[str], name: str) -> str | None:
    """The last value given for `--name` on the command line, else None."""
    flag = f"--{name}"
    found: str | None = None
    for i, item in enumerate(options):
        if item == flag and i + 1 < len(options):
            found = options[i + 1]
        elif item.startswith(flag + "="):
            found = item[len(flag) + 1 :]
    return found


def without_options(options: Sequence[str], *names: str) -> list[str]:
    """`options` without `--name value` / `--name=value` for each of `names`."""
    flags = {f"--{name}" for name in names}
    kept: list[str] = []
    skip = False
    for item in options:
        if skip:
            skip = False
            continue
        if item in flags:
            skip = True
            continue
        if any(item.startswith(flag + "=") for flag in flags):
            continue
        kept.append(item)
    return kept


def _env_name(name: str) -> str:
    # server.maxUploadSize -> STREAMLIT_SERVER_MAX_UPLOAD_SIZE, as Streamlit names them
    section, key = name.split(".", 1)
    snake = "".join(f"_{c}" if c.isupper() else c for c in key).upper()
    return f"STREAMLIT_{section.upper()}_{snake}"


def _from_toml(name: str, path: Path) -> object:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    section, key = name.split(".", 1)
    table = data.get(section)
    return table.get(key) if isinstance(table, dict) else None


def setting(
    options: Sequence[str],
    name: str,
    environ: Mapping[str, str] | None = None,
    config_toml: Path = CONFIG_TOML,
) -> str | None:
    """The value Streamlit would use for `name` (as text), None when nothing sets it."""
    given = option_value(options, name)
    if given is not None:
        return given
    env = (os.environ if environ is None else environ).get(_env_name(name))
    if env:
        return env
    value = _from_toml(name, config_toml)
    return None if value is None else str(value)


@dataclass(frozen=True)
class ServeOptions:
    """The public side (nginx) and what every worker is started with."""

    address: str  # "" = every interface
    port: int
    max_upload_mb: int
    base_url_path: str  # without slashes; "" = none
    worker_options: tuple[str, ...]  # Streamlit's options minus port and address


def serve_options(
    options: Sequence[str],
    environ: Mapping[str, str] | None = None,
    config_toml: Path = CONFIG_TOML,
) -> ServeOptions:
    def get(name: str) -> str | None:
        return setting(options, name, environ, config_toml)

    port_text = get(PORT)
    upload_text = get(MAX_UPLOAD)
    try:
        port = int(port_text) if port_text else DEFAULT_PORT
        max_upload = int(upload_text) if upload_text else DEFAULT_MAX_UPLOAD_MB
    except ValueError as error:
        raise ValueError(f"--{PORT} and --{MAX_UPLOAD} take whole numbers: {error}") from None
    return ServeOptions(
        address=get(ADDRESS) or "",
        port=port,
        max_upload_mb=max_upload,
        base_url_path=(get(BASE_URL) or "").strip("/"),
        worker_options=tuple(without_options(options, PORT, ADDRESS)),
    )


def worker_environment(
    options: Sequence[str],
    environ: Mapping[str, str] | None = None,
    config_toml: Path = CONFIG_TOML,
) -> dict[str, str]:
    """The workers' environment: this one, plus one cookie secret for all of them when none
    is configured. Streamlit signs its login cookie with `server.cookieSecret` (or
    `[auth] cookie_secret` in secrets.toml) and otherwise makes up a secret per process:
    a browser that moves to another worker would then be logged out. Passed in the
    environment, not on the command line (where `ps` would show it)."""
    env = dict(os.environ if environ is None else environ)
    if setting(options, COOKIE_SECRET, env, config_toml) is None:
        env[_env_name(COOKIE_SECRET)] = secrets.token_hex(32)
    return env
