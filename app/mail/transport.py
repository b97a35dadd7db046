"""Delivering built messages: to an SMTP server, or to the local sink of the embedded setup."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import smtplib
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from app.mail.settings import MailSettings, SmtpTls

log = logging.getLogger(__name__)


class Connection(Protocol):
    """An open way to deliver messages, one after another."""

    def send(self, message: EmailMessage) -> None:
        """Deliver `message` or raise."""


class PermanentFailure(Exception):
    """The server refused the message for good (e.g. 5xx): retrying will not help."""


@contextlib.contextmanager
def open_connection(settings: MailSettings) -> Iterator[Connection]:
    """A connection to the configured SMTP server, or to the sink when none is set."""
    if settings.uses_sink:
        yield MailSink(settings.sink_dir or Path("instance/mail"))
        return
    with _smtp(settings) as smtp:
        yield SmtpConnection(smtp)


@contextlib.contextmanager
def _smtp(settings: MailSettings) -> Iterator[smtplib.SMTP]:
    host, port, timeout = settings.smtp_host or "", settings.smtp_port, settings.smtp_timeout
    if settings.smtp_tls is SmtpTls.SSL:
        context = _tls(settings.smtp_ca_file)
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if settings.smtp_tls is SmtpTls.STARTTLS:
            smtp.starttls(context=_tls(settings.smtp_ca_file))
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        yield smtp
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()


@functools.cache
def _tls(ca_file: Path | None) -> ssl.SSLContext:
    # Loading the system's CA certificates takes about 0.1 s: once per process is enough.
    # The server's certificate and name are always checked.
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


class LazyConnection:
    """Opens the real connection at the first send, so nothing connects for a batch with
    nothing to send; if opening fails, every later send of the batch fails alike."""

    def __init__(self, settings: MailSettings, stack: contextlib.ExitStack) -> None:
        self._settings = settings
        self._stack = stack
        self._connection: Connection | None = None
        self._error: Exception | None = None

    def send(self, message: EmailMessage) -> None:
        """Send `message`, opening the connection first if need be."""
        if self._error is not None:
            raise self._error
        if self._connection is None:
            try:
                self._connection = self._stack.enter_context(open_connection(self._settings))
            except (OSError, smtplib.SMTPException) as error:
                self._error = error
                raise
        self._connection.send(message)


class SmtpConnection:
    """One SMTP session; 5xx answers become `PermanentFailure`, the rest stay retryable."""

    def __init__(self, smtp: smtplib.SMTP) -> None:
        self._smtp = smtp

    def send(self, message: EmailMessage) -> None:
        """Send `message`; every recipient must be accepted."""
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = {code for code, _text in error.recipients.values()}
            if all(500 <= code < 600 for code in codes):
                raise PermanentFailure(f"SMTP {min(codes)}") from None
            raise
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(f"SMTP {error.smtp_code}") from None
            raise
        if refused:
            raise PermanentFailure("SMTP recipient refused")


class MailSink:
    """Writes each message as `<directory>/<message id>.eml` (owner-only) instead of sending."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, message: EmailMessage) -> None:
        """Write `message` to a file and log one line naming its ID."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = sink_file_name(message)
        path = self.directory / name
        tmp = self.directory / f".{name}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes())
        # Written whole, then renamed: a reader never sees half a message.
        tmp.replace(path)
        log.info("mail sink: wrote %s", name)


def sink_file_name(message: EmailMessage) -> str:
    """The file name for `message`: its Message-ID reduced to safe characters."""
    message_id = str(message.get("Message-ID", "")).strip("<>")
    safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in message_id)
    return f"{safe or 'message'}.eml"
