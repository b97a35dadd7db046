"""Mail to a TLS server: STARTTLS or TLS from the first byte, the certificate checked."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.mail.settings import SmtpTls
from app.models.delivery import DeliveryStatus
from tests.mail_server import running_tls_mail_server
from tests.services.reminders_setup import BOOKED_AT, book_at, make_world, sweep_messages


@pytest.fixture
def world(db_session, make_client, make_service, make_schedule, make_user):
    return make_world(db_session, make_client, make_service, make_schedule, make_user)


def use_server(app, server, tls, ca_file):
    config = app.config["SAFESLOT"]
    mail = replace(
        config.mail,
        smtp_host=server.host,
        smtp_port=server.port,
        smtp_tls=tls,
        smtp_ca_file=ca_file,
        smtp_timeout=10.0,
    )
    app.config["SAFESLOT"] = config.with_overrides(mail=mail)


@pytest.mark.parametrize(("tls", "implicit"), [(SmtpTls.STARTTLS, False), (SmtpTls.SSL, True)])
def test_mail_goes_through_tls_to_a_server_with_a_trusted_certificate(
    app, db_session, world, tmp_path, tls, implicit
):
    with running_tls_mail_server(tmp_path, implicit=implicit) as server:
        use_server(app, server, tls, tmp_path / "smtp-cert.pem")
        book_at(db_session, world)
        assert sweep_messages(app, db_session, BOOKED_AT).sent == 1
    assert len(server.messages) == 1


def test_a_server_whose_certificate_is_not_trusted_gets_nothing(app, db_session, world, tmp_path):
    with running_tls_mail_server(tmp_path, implicit=False) as server:
        use_server(app, server, SmtpTls.STARTTLS, None)  # the system's CAs only
        book_at(db_session, world)
        report = sweep_messages(app, db_session, BOOKED_AT)
    assert (report.sent, report.retrying) == (0, 1)
    assert server.messages == []
    from app.models.outbox import OutboxMessage

    db_session.rollback()
    row = db_session.query(OutboxMessage).one()
    assert (row.status, row.last_error) == (DeliveryStatus.PENDING, "SSLCertVerificationError")
