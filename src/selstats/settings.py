"""Deployment settings: every `SELSTATS_*` environment variable, declared once, typed, with
its default and what it does. One checkout serves several deployments; a setting that
changes a figure is shown in the UI next to that figure.

    from selstats.settings import settings
    settings().lock_timeout          # 600.0 unless SELSTATS_LOCK_TIMEOUT says otherwise

A bad value is refused, never replaced by the default: `settings()` raises `SettingsError`
naming the variable, the value and what is allowed (`selstats` exits with status 2, the
dashboard shows the sentence and nothing else). Both read the settings first thing, so a
mistyped `SELSTATS_QCHECK_MODE=per_consultnt` stops the start instead of silently changing
a certification figure.

Read once: the values are parsed and checked on the first call and kept for the process
(`functools.cache`). Whoever changes the environment afterwards calls
`settings.cache_clear()` (`selstats serve --db` does, before Streamlit starts). In the tests
`monkeypatch.setenv("SELSTATS_...", ...)` is enough: tests/conftest.py clears the cache
around every test and whenever a test sets or removes a variable.

Adding a setting: one field below, with its type, default and `description` (the README's
table of settings must list it: tests/test_settings.py checks both ways).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Final

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from selstats.domain.enums import QcheckMode

PREFIX: Final = "SELSTATS_"


class SettingsError(ValueError):
    """One or more `SELSTATS_*` variables hold a value that is not allowed; the message
    names each, with the value and what is allowed."""


class Settings(BaseSettings):
    """The deployment's settings. Field `x` is the variable `SELSTATS_X`."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        case_sensitive=False,
        env_ignore_empty=True,  # SELSTATS_X= (empty) is the default, as if unset
        extra="ignore",
        frozen=True,
    )

    # ---- the store --------------------------------------------------------------------
    db: Path | None = Field(
        default=None,
        description="The store file the dashboard and the commands use "
        "(default: data/selstats.duckdb; `--db` overrides it for a command).",
    )
    lock_timeout: float = Field(
        default=600.0,
        ge=0,
        description="Seconds a write (import, demo, purge, an upload) waits for another "
        "writer of the same store before giving up; 0: no wait.",
    )
    retention_months: int = Field(
        default=24,
        ge=0,
        description="`selstats purge`: candidate-level rows of lists that expired more than "
        "this many months ago are removed (`--months` overrides it).",
    )

    # ---- imports from the dashboard ---------------------------------------------------
    max_upload_mb: int = Field(
        default=200,
        gt=0,
        description="The largest file the Explore page accepts, in MB (handed to "
        "Streamlit's `server.maxUploadSize` by `selstats serve`).",
    )
    import_timeout: float = Field(
        default=1800.0,
        gt=0,
        description="Seconds an import started from the dashboard may take, waiting for "
        "another import included, before its child process is stopped.",
    )
    import_memory_mb: int = Field(
        default=4096,
        gt=0,
        description="Address space in MB an import started from the dashboard may use "
        "beyond the program itself (`RLIMIT_AS` of its child process).",
    )

    # ---- pseudonyms -------------------------------------------------------------------
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description="The key of the national-number pseudonyms (hex or text, 32 random "
        "bytes advised); without it the key file is used.",
    )
    key_file: Path | None = Field(
        default=None,
        description="The pseudonym key file, created on first use "
        "(default: data/.pseudonym.key). Back it up.",
    )

    # ---- access -----------------------------------------------------------------------
    users: Path | None = Field(
        default=None,
        description="The users file (roles, organisations, password hashes) "
        "(default: users.toml in the project folder).",
    )
    demo: bool = Field(
        default=False,
        description="Demo mode (1, true or yes): a switcher lets anyone take any role. "
        "`make run` sets it for the demo store; never on real data.",
    )
    state_dir: Path | None = Field(
        default=None,
        description="Folder of the login throttle's file (shared by every server process; "
        "default: beside the users file) and of the alerts' once-only record (default: "
        "beside the store).",
    )
    proxy_hops: int = Field(
        default=0,
        ge=0,
        description="How many trusted reverse proxies stand in front of the server: the "
        "client address is then read from X-Forwarded-For, counted from the right.",
    )
    session_cookie: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Cookie names (comma-separated), set HttpOnly by the reverse proxy, that "
        "a login is bound to besides Streamlit's XSRF cookie.",
    )
    claims_map: Path | None = Field(
        default=None,
        description="The claims mapping (TOML): which identity-provider claims (groups, "
        "roles, an organisation attribute) give which roles and organisations; unset, OIDC "
        "users get roles from the users file only.",
    )
    session_idle_minutes: float = Field(
        default=30.0,
        gt=0,
        description="Minutes without a click after which a login expires and the dashboard "
        "asks for a new one.",
    )
    session_max_hours: float = Field(
        default=12.0,
        gt=0,
        description="Hours after a login (for OIDC: the ID token's issue time) after which "
        "the dashboard asks for a new login however active the user is; so a role or "
        "organisation taken away at the identity provider counts at most this late.",
    )
    min_cell: int = Field(
        default=5,
        ge=0,
        description="Small-cell threshold: counts of people below it show as '<N' to roles "
        "with suppression (analyst), and the rates computed from them are hidden.",
    )

    # ---- figures ----------------------------------------------------------------------
    qcheck_mode: QcheckMode = Field(
        default=QcheckMode.ALL_CHECKS,
        description="How the 80 % Q-check average is taken: all_checks (the mean of all "
        "Q-checks, the literal reading) or per_consultant (the mean of each consultant's "
        "mean). Shown next to the figures.",
    )

    # ---- alerts (`selstats alerts`) ---------------------------------------------------
    smtp_host: str | None = Field(
        default=None,
        description="The SMTP server alerts are sent through; unset, nothing can be sent "
        "(`selstats alerts --dry-run` still prints them).",
    )
    smtp_port: int = Field(default=587, gt=0, lt=65536, description="The SMTP server's port.")
    smtp_starttls: bool = Field(
        default=True,
        description="Upgrade the SMTP connection with STARTTLS before logging in "
        "(0, false, no or off: do not).",
    )
    smtp_user: str | None = Field(
        default=None, description="The SMTP login; none when unset (no login)."
    )
    smtp_password: SecretStr | None = Field(
        default=None, description="The SMTP password (never shown in logs or errors)."
    )
    smtp_from: str = Field(
        default="selstats@localhost", description="The sender address of alert e-mails."
    )
    public_url: str = Field(
        default="",
        description="The dashboard's address for the deep links in alerts and calendar "
        "feeds (https://selstats.example.be); unset, links are paths (/reserve_lists?...).",
    )

    # ---- serving ----------------------------------------------------------------------
    run_dir: Path | None = Field(
        default=None,
        description="`selstats serve --workers N`: the run directory (nginx's configuration "
        "and logs), kept afterwards; default: a temporary one, removed.",
    )

    @field_validator("smtp_host", "smtp_user", "smtp_from", "public_url", mode="before")
    @classmethod
    def _stripped(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("public_url")
    @classmethod
    def _without_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("session_cookie", mode="before")
    @classmethod
    def _names(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
        return value


def variable(field: str) -> str:
    """The environment variable of a setting: `variable("min_cell")` is SELSTATS_MIN_CELL."""
    return PREFIX + field.upper()


VARIABLES: Final = tuple(variable(name) for name in Settings.model_fields)
_SECRET: Final = frozenset(
    name for name, f in Settings.model_fields.items() if f.annotation == SecretStr | None
)


def _explain(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        shown = "(hidden)" if field in _SECRET else repr(item.get("input"))
        lines.append(f"{variable(field)}={shown}: {item['msg']}")
    return "; ".join(lines) + " (see 'Settings' in the README)"


@cache
def settings() -> Settings:
    """The deployment's settings from the environment, checked; `SettingsError` (with a
    message naming each bad variable) when a value is not allowed. Kept after the first
    successful call (`settings.cache_clear()` to read the environment again)."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(_explain(error)) from None
