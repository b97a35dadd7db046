"""A real SMTP server in the test process (aiosmtpd) that keeps what it receives.

`running_mail_server()` listens on 127.0.0.1 on a free port for the duration of a block;
`with_mail_server(config, server)` points the application's mail settings at it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.config import Config
from app.mail.settings import Dispatch, SmtpTls


class Collector:
    """An aiosmtpd handler keeping every accepted message; it can refuse on demand."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[EmailMessage] = []
        #: While above zero, each DATA is answered with a temporary failure (451).
        self.fail_next = 0
        #: When set, every DATA is refused for good (550).
        self.refuse_all = False

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        with self._lock:
            if self.refuse_all:
                return "550 mailbox unavailable"
            if self.fail_next > 0:
                self.fail_next -= 1
                return "451 try again later"
            message = message_from_bytes(envelope.content, policy=policy.default)
            self._messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        """The messages received so far, oldest first."""
        with self._lock:
            return list(self._messages)

    def to(self, address: str) -> list[EmailMessage]:
        """The messages addressed to `address`."""
        return [m for m in self.messages if m["To"] == address]


class MailServer:
    """A running aiosmtpd server and its collector."""

    def __init__(self, host: str, port: int, collector: Collector) -> None:
        self.host = host
        self.port = port
        self.collector = collector

    @property
    def messages(self) -> list[EmailMessage]:
        """Every message received so far."""
        return self.collector.messages


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_mail_server() -> tuple[MailServer, Controller]:
    """Start an SMTP server on 127.0.0.1; stop it with `controller.stop()`."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    return MailServer("127.0.0.1", controller.port, collector), controller


@contextlib.contextmanager
def running_mail_server() -> Iterator[MailServer]:
    """An SMTP server for the duration of the block."""
    server, controller = start_mail_server()
    try:
        yield server
    finally:
        controller.stop()


def with_mail_server(
    config: Config, server: MailServer, *, dispatch: Dispatch = Dispatch.SWEEP
) -> Config:
    """`config` sending plain SMTP to `server` (no TLS: it is on this machine)."""
    mail = replace(
        config.mail,
        smtp_host=server.host,
        smtp_port=server.port,
        smtp_tls=SmtpTls.NONE,
        smtp_timeout=10.0,
        mail_from="SafeSlot <no-reply@safeslot.test>",
        dispatch=dispatch,
    )
    return config.with_overrides(mail=mail)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (PEM files), for a TLS mail server."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@contextlib.contextmanager
def running_tls_mail_server(directory: Path, *, implicit: bool) -> Iterator[MailServer]:
    """An SMTP server that speaks TLS: from the first byte (`implicit`) or after STARTTLS,
    which it then requires before accepting mail."""
    cert_path, key_path = self_signed_certificate(directory)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    collector = Collector()
    options = (
        {"ssl_context": context} if implicit else {"tls_context": context, "require_starttls": True}
    )
    controller = Controller(collector, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        yield MailServer("127.0.0.1", controller.port, collector)
    finally:
        controller.stop()
