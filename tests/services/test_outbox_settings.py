"""Mail settings come from the environment and fail fast when they make no sense;
lead times read the way an administrator types them."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError, load_config
from app.errors import InvalidInput
from app.mail.settings import Dispatch, SmtpTls
from app.services.reminders_settings import format_leads, parse_leads
from tests.settings import environ_for_tests


def mail(tmp_path: Path, **variables: str):
    return load_config(environ_for_tests(**variables), instance_path=tmp_path).mail


def test_without_an_smtp_host_mail_goes_to_the_sink_under_the_instance(tmp_path):
    settings = mail(tmp_path)
    assert settings.uses_sink
    assert settings.sink_dir == tmp_path.resolve() / "mail"


def test_the_smtp_variables_are_read(tmp_path):
    settings = mail(
        tmp_path,
        SAFESLOT_SMTP_HOST="smtp.example.org",
        SAFESLOT_SMTP_TLS="ssl",
        SAFESLOT_SMTP_USERNAME="safeslot",
        SAFESLOT_SMTP_PASSWORD="s3cret-value",
        SAFESLOT_MAIL_FROM="Clinic <bookings@example.org>",
    )
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_tls) == (
        "smtp.example.org",
        465,
        SmtpTls.SSL,
    )
    assert settings.mail_from == "Clinic <bookings@example.org>"
    assert "s3cret-value" not in repr(settings)


def test_the_default_sender_is_at_the_sites_host(tmp_path):
    settings = mail(tmp_path, SAFESLOT_BASE_URL="https://book.example.org")
    assert settings.mail_from == "SafeSlot <no-reply@book.example.org>"


def test_tests_send_only_from_the_sweep_by_default(tmp_path):
    assert mail(tmp_path).dispatch is Dispatch.SWEEP


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"SAFESLOT_SMTP_TLS": "maybe"}, "SAFESLOT_SMTP_TLS"),
        ({"SAFESLOT_SMTP_PORT": "70000"}, "SAFESLOT_SMTP_PORT"),
        ({"SAFESLOT_MAIL_FROM": "nobody"}, "SAFESLOT_MAIL_FROM"),
        ({"SAFESLOT_SMTP_TLS": "none", "SAFESLOT_SMTP_USERNAME": "u"}, "unencrypted"),
    ],
)
def test_settings_that_make_no_sense_stop_the_start_naming_the_variable(tmp_path, variables, named):
    with pytest.raises(ConfigError, match=named):
        mail(tmp_path, **variables)


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("24h, 2h", (1440, 120)),
        ("2, 24", (1440, 120)),
        ("90m", (90,)),
        ("", ()),
        ("2h, 2h", (120,)),
    ],
)
def test_lead_times_read_as_typed(typed, minutes):
    assert parse_leads(typed) == minutes


@pytest.mark.parametrize("typed", ["soon", "1d", "24h, 2h, 1h, 30m", "5m", "337h", "-2h"])
def test_lead_times_that_make_no_sense_are_refused(typed):
    with pytest.raises(InvalidInput):
        parse_leads(typed)


def test_lead_times_are_shown_as_they_are_typed():
    assert format_leads((1440, 120, 90)) == "24h, 2h, 90m"
