"""`safeslot close-client`: a closed client serves nothing; shredding its keys is the last step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from click.testing import CliRunner, Result
from flask import Flask

from app.cli import CliState, main
from app.crypto.events import UNREADABLE
from app.db import get_db
from app.models import AppointmentStatus, AuditEvent, Client, DataKey, Role, SupportGrant, User
from tests.web.forms import sign_in
from tests.web.platform.helpers import grant
from tests.web.test_calendar_feeds import make_feed

PAST = datetime(2020, 3, 2, 10, 0, tzinfo=UTC)


def run(app: Flask, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), obj=CliState(app), input=input)


def _get(app: Flask, model, row_id):
    with get_db(app).session() as session:
        return session.get_one(model, row_id)


def _business(make_client, make_user, slug="closing"):
    client = make_client(slug=slug)
    return {
        "client": client,
        "admin": make_user(client=client, role=Role.CLIENT_ADMIN),
        "customer": make_user(client=client, display_name="Closing Customer"),
    }


def test_a_client_with_appointments_to_come_is_not_closed(
    app: Flask, make_client, make_user, make_appointment
) -> None:
    shop = _business(make_client, make_user)
    make_appointment(customer=shop["customer"], start_at=datetime.now(UTC) + timedelta(days=3))

    result = run(app, "close-client", "closing", input="closing\n")

    assert result.exit_code != 0
    assert "1 appointment(s) of this client are still to come" in result.output
    assert _get(app, Client, shop["client"].id).closed_at is None
    assert _get(app, User, shop["customer"].id).is_active


def test_closing_signs_everyone_out_stops_feeds_and_pages_and_keeps_the_keys_when_asked(
    app: Flask, client, db_session, make_client, make_user, make_appointment
) -> None:
    shop = _business(make_client, make_user)
    other = _business(make_client, make_user, slug="still-open")
    support = grant(db_session, shop["client"], shop["admin"], start=datetime.now(UTC))
    elsewhere = grant(db_session, other["client"], other["admin"], start=datetime.now(UTC))
    make_appointment(customer=shop["customer"], start_at=PAST, status=AppointmentStatus.COMPLETED)
    feed = make_feed(client, shop["admin"])
    customer_browser = app.test_client()
    sign_in(customer_browser, shop["customer"])
    assert client.get(feed).status_code == 200

    result = run(app, "close-client", "closing", input="closing\nn\n")

    assert result.exit_code == 0, result.output
    assert "2 user(s) deactivated" in result.output
    assert "1 calendar feed(s) and 1 support grant(s) revoked" in result.output
    assert "Keys kept; `safeslot keys shred closing` destroys them later." in result.output
    assert client.get(feed).status_code == 404
    assert client.get("/c/closing/signin").status_code == 404
    assert client.get("/c/closing").status_code == 404
    assert customer_browser.get("/api/v1/clients/closing/appointments").status_code in (401, 404)
    assert not _get(app, User, shop["admin"].id).is_active
    assert _get(app, SupportGrant, support.id).revoked_at is not None
    assert _get(app, SupportGrant, elsewhere.id).revoked_at is None
    # The keys stay: the record still reads, for whoever may still need it.
    assert _get(app, User, shop["customer"].id).display_name == "Closing Customer"
    # Another client goes on as before.
    assert client.get("/c/still-open/signin").status_code == 200
    assert _get(app, User, other["admin"].id).is_active
    with get_db(app).session() as session:
        actions = session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.client_id == shop["client"].id)
        ).all()
    assert "client.close" in actions


def test_shredding_as_the_last_step_makes_the_closed_clients_data_unreadable(
    app: Flask, make_client, make_user
) -> None:
    shop = _business(make_client, make_user)
    other = _business(make_client, make_user, slug="still-open")

    result = run(app, "close-client", "closing", input="closing\ny\n")

    assert result.exit_code == 0, result.output
    assert "Shredded 1 data key(s) of client 'closing'" in result.output
    assert _get(app, User, shop["customer"].id).display_name == UNREADABLE
    assert _get(app, User, other["customer"].id).display_name == "Closing Customer"
    with get_db(app).session() as session:
        keys = session.scalars(
            sa.select(DataKey).where(DataKey.client_id == shop["client"].id)
        ).all()
    assert [key.wrapped_key for key in keys] == [None]


def test_the_slug_must_be_typed_and_a_closed_client_is_closed_once(
    app: Flask, make_client, make_user
) -> None:
    shop = _business(make_client, make_user)

    refused = run(app, "close-client", "closing", input="other\n")
    assert refused.exit_code != 0 and "nothing was closed" in refused.output
    assert _get(app, Client, shop["client"].id).closed_at is None

    assert run(app, "close-client", "closing", "--yes", "--keep-keys").exit_code == 0
    again = run(app, "close-client", "closing", "--yes", "--keep-keys")
    assert again.exit_code == 0 and "was closed already" in again.output
    unknown = run(app, "close-client", "nobody", "--yes")
    assert unknown.exit_code != 0 and "nobody" in unknown.output


def test_no_user_can_be_added_to_a_closed_client(app: Flask, make_client, make_user) -> None:
    _business(make_client, make_user)
    assert run(app, "close-client", "closing", "--yes", "--keep-keys").exit_code == 0

    result = run(
        app,
        "create-user",
        "--client",
        "closing",
        "--role",
        "customer",
        "--email",
        "late@example.org",
        "--name",
        "Late Person",
        input="a long enough passphrase\na long enough passphrase\n",
    )

    assert result.exit_code != 0 and "is closed" in result.output
