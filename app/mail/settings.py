"""Mail settings, read from the environment with the rest of the configuration."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit


class SmtpTls(enum.StrEnum):
    #: Plain SMTP: only for a relay on the same machine or a private network.
    NONE = "none"
    #: Connect in plain text, then upgrade with STARTTLS before anything else is sent.
    STARTTLS = "starttls"
    #: TLS from the first byte (SMTPS, usually port 465).
    SSL = "ssl"


DEFAULT_PORTS = {SmtpTls.NONE: 25, SmtpTls.STARTTLS: 587, SmtpTls.SSL: 465}


class Dispatch(enum.StrEnum):
    #: After a commit, a Celery task sends what it queued (the sweep is the backstop).
    CELERY = "celery"
    #: After a commit, the same process sends at once (tests and one-off scripts).
    INLINE = "inline"
    #: Only the every-minute sweep sends.
    SWEEP = "sweep"


@dataclass(frozen=True, kw_only=True)
class MailSettings:
    """Where e-mail goes: an SMTP server, or (no host set) the sink under `instance/mail/`."""

    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_tls: SmtpTls = SmtpTls.STARTTLS
    #: CA certificates (PEM) to trust for the server instead of the system's (a private CA).
    smtp_ca_file: Path | None = None
    #: Seconds an SMTP conversation may stall before the attempt counts as failed.
    smtp_timeout: float = 30.0
    mail_from: str = "SafeSlot <no-reply@localhost>"
    #: Directory of the local mail sink used when no SMTP host is set.
    sink_dir: Path | None = None
    dispatch: Dispatch = Dispatch.CELERY

    @property
    def uses_sink(self) -> bool:
        """True when messages are written as files instead of sent."""
        return not self.smtp_host


def mail_settings_from_env(
    env_vars: Mapping[str, str], *, instance_path: Path, base_url: str, testing: bool
) -> MailSettings:
    """The mail settings named by the SAFESLOT_SMTP_* and SAFESLOT_MAIL_FROM variables."""
    tls = _tls(env_vars.get("SAFESLOT_SMTP_TLS"))
    username = env_vars.get("SAFESLOT_SMTP_USERNAME") or None
    if username and tls is SmtpTls.NONE:
        _fail(
            "SAFESLOT_SMTP_USERNAME with SAFESLOT_SMTP_TLS=none would send the password "
            "unencrypted; use starttls or ssl"
        )
    host = urlsplit(base_url).hostname or "localhost"
    return MailSettings(
        smtp_host=env_vars.get("SAFESLOT_SMTP_HOST") or None,
        smtp_port=_port(env_vars.get("SAFESLOT_SMTP_PORT"), tls),
        smtp_username=username,
        smtp_password=env_vars.get("SAFESLOT_SMTP_PASSWORD") or None,
        smtp_tls=tls,
        smtp_ca_file=_ca_file(env_vars.get("SAFESLOT_SMTP_CA_FILE")),
        mail_from=_sender(env_vars.get("SAFESLOT_MAIL_FROM") or f"SafeSlot <no-reply@{host}>"),
        sink_dir=instance_path / "mail",
        # Tests send only when they ask to: nothing runs behind their back after a commit.
        dispatch=Dispatch.SWEEP if testing else Dispatch.CELERY,
    )


def _tls(value: str | None) -> SmtpTls:
    try:
        return SmtpTls((value or "starttls").strip().lower())
    except ValueError:
        _fail(f"SAFESLOT_SMTP_TLS must be none, starttls or ssl, not {value!r}")
        raise  # unreachable: _fail raises


def _port(value: str | None, tls: SmtpTls) -> int:
    if not value:
        return DEFAULT_PORTS[tls]
    if not value.strip().isdigit() or not 1 <= int(value) <= 65535:
        _fail(f"SAFESLOT_SMTP_PORT must be a port number from 1 to 65535, not {value!r}")
    return int(value)


def _ca_file(value: str | None) -> Path | None:
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        _fail(
            f"SAFESLOT_SMTP_CA_FILE must name a PEM file of CA certificates; {value!r} is not one"
        )
    return path


def _sender(value: str) -> str:
    _name, address = parseaddr(value)
    if "@" not in address or any(c in value for c in "\r\n"):
        _fail(f"SAFESLOT_MAIL_FROM must be an e-mail address, not {value!r}")
    return value


def _fail(message: str) -> None:
    from app.config import ConfigError  # app.config imports this module

    raise ConfigError(message)
