"""A real SMTP server for the alerts tests (aiosmtpd on 127.0.0.1, STARTTLS with a
certificate made here, login required), and the store the alerts are worked out on.

The store is tests/fixtures/small_store.py with two changes, so that on 2026-03-20 every
kind of alert is due somewhere:
- P-B1 (ORG-B) has its list on 2024-05-01 (deadline 2024-04-01), valid 24 months: usable
  through 2026-04-30, the day before the anniversary.
- ORG-A's last certification review was on 2025-04-15: the next one is 2026-04-15.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import shutil
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from selstats.alerts.settings import AlertSettings
from selstats.store.certification import rederive_certification
from selstats.store.reference_sync import sync_reference
from selstats.store.writer import write_store
from tests.fixtures import small_store

SMTP_USER = "selstats"
SMTP_PASSWORD = "s3cret-for-tests"


# ---- the store ----------------------------------------------------------------------------


def build_alerts_store(path: Path) -> Path:
    procedures = small_store.PROCEDURES.with_columns(
        application_deadline=pl.when(pl.col("procedure_code") == "P-B1")
        .then(pl.lit(date(2024, 4, 1)))
        .otherwise(pl.col("application_deadline")),
        list_date=pl.when(pl.col("procedure_code") == "P-B1")
        .then(pl.lit(date(2024, 5, 1)))
        .otherwise(pl.col("list_date")),
    )
    organisations = small_store.ORGANISATIONS.with_columns(
        review_date=pl.when(pl.col("org_id") == "ORG-A")
        .then(pl.lit(date(2025, 4, 15)))
        .otherwise(pl.col("review_date"))
    )
    with write_store(path, fresh=True) as writer:
        sync_reference(writer)
        writer.upsert("organisations", organisations)
        writer.upsert("procedures", procedures)
        writer.upsert("steps", small_store.STEPS)
        writer.upsert_results(small_store._results())
        writer.upsert("list_entries", small_store.LIST_ENTRIES)
        writer.upsert("consultants", small_store.CONSULTANTS)
        writer.upsert("qchecks", small_store.QCHECKS)
        rederive_certification(writer)
    return path


@pytest.fixture(scope="session")
def alerts_store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_alerts_store(tmp_path_factory.mktemp("alerts") / "template.duckdb")


@pytest.fixture
def alerts_store(
    alerts_store_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A copy of the store of its own per test (its state and audit files beside it)."""
    monkeypatch.delenv("SELSTATS_STATE_DIR", raising=False)
    path = tmp_path / "store" / "selstats.duckdb"
    path.parent.mkdir()
    shutil.copyfile(alerts_store_template, path)
    return path


# ---- the SMTP server ----------------------------------------------------------------------


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed e-mail."""

    mail_from: str
    rcpt_tos: list[str]
    email: EmailMessage

    def body(self, subtype: str) -> str:
        part = self.email.get_body(preferencelist=(subtype,))
        assert part is not None, f"no text/{subtype} part"
        return str(part.get_content())


@dataclass
class Sink:
    """The server's handler: keeps what it accepts; refuses the recipients in `refuse`."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    logins: list[str] = field(default_factory=list)
    tls: list[bool] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.tls.append(session.ssl is not None)
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == SMTP_USER
            and data.password.decode() == SMTP_PASSWORD
        )
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok, handled=False)


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost / 127.0.0.1 and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class SmtpServer:
    sink: Sink
    port: int
    client_tls: ssl.SSLContext

    def settings(self, public_url: str = "https://selstats.example.be") -> AlertSettings:
        return AlertSettings(
            smtp_host="127.0.0.1",
            smtp_port=self.port,
            starttls=True,
            smtp_user=SMTP_USER,
            smtp_password=SMTP_PASSWORD,
            sender="selstats@bosa.example",
            public_url=public_url,
        )

    def env(self) -> dict[str, str]:
        return {
            "SELSTATS_SMTP_HOST": "127.0.0.1",
            "SELSTATS_SMTP_PORT": str(self.port),
            "SELSTATS_SMTP_STARTTLS": "1",
            "SELSTATS_SMTP_USER": SMTP_USER,
            "SELSTATS_SMTP_PASSWORD": SMTP_PASSWORD,
            "SELSTATS_SMTP_FROM": "selstats@bosa.example",
            "SELSTATS_PUBLIC_URL": "https://selstats.example.be/",
        }


@pytest.fixture
def smtp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmtpServer]:
    """aiosmtpd on a free loopback port: STARTTLS required, then a login."""
    cert, key = _certificate(tmp_path_factory.mktemp("tls"))
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    sink = Sink()
    port = _free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        loop=asyncio.new_event_loop(),
        tls_context=server_tls,
        require_starttls=True,
        auth_required=True,
        authenticator=sink.authenticate,
    )
    controller.start()
    try:
        yield SmtpServer(sink, port, ssl.create_default_context(cafile=str(cert)))
    finally:
        controller.stop()
