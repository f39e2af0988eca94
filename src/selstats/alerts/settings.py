"""The alerts' settings, read from the environment in one place (`alert_settings`).

- `SELSTATS_SMTP_HOST`: the SMTP server; unset, nothing can be sent (`--dry-run` works).
- `SELSTATS_SMTP_PORT`: its port (default 587).
- `SELSTATS_SMTP_STARTTLS`: upgrade the connection with STARTTLS before logging in (default
  on; `0`, `false`, `no`, `off` turn it off).
- `SELSTATS_SMTP_USER`, `SELSTATS_SMTP_PASSWORD`: the login (none when the user is empty).
- `SELSTATS_SMTP_FROM`: the sender address (default `selstats@localhost`).
- `SELSTATS_PUBLIC_URL`: the dashboard's address for deep links
  (`https://selstats.example.be`); unset, links are paths (`/reserve_lists?orgs=...`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

DEFAULT_PORT: Final = 587
DEFAULT_SENDER: Final = "selstats@localhost"
_OFF: Final = frozenset({"0", "false", "no", "off"})


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class AlertSettings:
    """Where and how alerts are sent. The password is left out of `repr`."""

    smtp_host: str | None = None
    smtp_port: int = DEFAULT_PORT
    starttls: bool = True
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    sender: str = DEFAULT_SENDER
    public_url: str = ""

    @property
    def can_send(self) -> bool:
        return bool(self.smtp_host)


def alert_settings(env: Mapping[str, str] | None = None) -> AlertSettings:
    """The settings from `env` (default: the process environment)."""
    env = os.environ if env is None else env

    def get(name: str) -> str:
        return env.get(f"SELSTATS_{name}", "").strip()

    port_text = get("SMTP_PORT")
    try:
        port = int(port_text) if port_text else DEFAULT_PORT
    except ValueError:
        raise SettingsError(f"SELSTATS_SMTP_PORT={port_text!r} is not a port number") from None
    if not 0 < port < 65536:
        raise SettingsError(f"SELSTATS_SMTP_PORT={port} is not a port number (1-65535)")
    return AlertSettings(
        smtp_host=get("SMTP_HOST") or None,
        smtp_port=port,
        starttls=get("SMTP_STARTTLS").lower() not in _OFF,
        smtp_user=get("SMTP_USER") or None,
        smtp_password=env.get("SELSTATS_SMTP_PASSWORD") or None,
        sender=get("SMTP_FROM") or DEFAULT_SENDER,
        public_url=get("PUBLIC_URL").rstrip("/"),
    )
