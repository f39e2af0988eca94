"""Sending messages over SMTP: one connection per run, STARTTLS before the login when the
settings ask for it (the default), plain text with an HTML alternative.

`Mailer` is a context manager so that a run opens the connection once, sends every
user's message and closes it; a message the server refuses raises for that message only
(`smtplib.SMTPException`), and the run records it as failed and goes on.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from types import TracebackType

from selstats.alerts.render import Message
from selstats.alerts.settings import AlertSettings, SettingsError

TIMEOUT_S = 30.0

_log = logging.getLogger(__name__)


def email_message(message: Message, sender: str) -> EmailMessage:
    """`message` as an e-mail: plain text first, the HTML as its alternative."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=True)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    email["Content-Language"] = message.lang
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    return email


class Mailer:
    """An SMTP connection for one run: `with Mailer(settings) as mailer: mailer.send(m)`.

    `tls_context` is the context STARTTLS verifies the server with (default: the system's
    certificate authorities)."""

    def __init__(self, settings: AlertSettings, tls_context: ssl.SSLContext | None = None):
        if not settings.smtp_host:
            raise SettingsError("SELSTATS_SMTP_HOST is not set: no SMTP server to send to")
        self.settings = settings
        self.tls_context = tls_context
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        settings = self.settings
        assert settings.smtp_host is not None
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_S)
        try:
            smtp.ehlo()
            if settings.starttls:
                smtp.starttls(context=self.tls_context or ssl.create_default_context())
                smtp.ehlo()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
        except BaseException:
            smtp.close()
            raise
        _log.info(
            "connected to %s:%d (STARTTLS %s, login %s)",
            settings.smtp_host,
            settings.smtp_port,
            "on" if settings.starttls else "off",
            "yes" if settings.smtp_user else "no",
        )
        self._smtp = smtp
        return self

    def send(self, message: Message) -> None:
        if self._smtp is None:
            raise RuntimeError("Mailer.send outside `with Mailer(...)`")
        self._smtp.send_message(email_message(message, self.settings.sender))
        _log.info("sent %d alert(s) to %s", len(message.keys), message.to)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except smtplib.SMTPException:
            smtp.close()
