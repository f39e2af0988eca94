"""Where and how alerts are sent, taken from the deployment's settings (`selstats.settings`:
SELSTATS_SMTP_HOST, _SMTP_PORT, _SMTP_STARTTLS, _SMTP_USER, _SMTP_PASSWORD, _SMTP_FROM and
SELSTATS_PUBLIC_URL are declared, typed and documented there)."""

from __future__ import annotations

from dataclasses import dataclass, field

from selstats.settings import Settings, SettingsError, settings

__all__ = ["AlertSettings", "SettingsError", "alert_settings"]


@dataclass(frozen=True)
class AlertSettings:
    """Where and how alerts are sent. The password is left out of `repr`."""

    smtp_host: str | None = None
    smtp_port: int = 587
    starttls: bool = True
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    sender: str = "selstats@localhost"
    public_url: str = ""

    @property
    def can_send(self) -> bool:
        return bool(self.smtp_host)


def alert_settings(source: Settings | None = None) -> AlertSettings:
    """The alert settings of `source` (default: the deployment's settings, checked)."""
    s = settings() if source is None else source
    return AlertSettings(
        smtp_host=s.smtp_host or None,
        smtp_port=s.smtp_port,
        starttls=s.smtp_starttls,
        smtp_user=s.smtp_user or None,
        smtp_password=s.smtp_password.get_secret_value() if s.smtp_password else None,
        sender=s.smtp_from,
        public_url=s.public_url,
    )
