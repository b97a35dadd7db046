"""The platform's backups page: platform administrators see every backup and its status."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.models import Backup, BackupStatus, Role
from tests.factories import DEFAULT_PASSWORD
from tests.web.forms import sign_in, submit

STARTED = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def platform_sign_in(client: FlaskClient, user) -> None:
    response = submit(
        client, "/platform/sign-in", {"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def add_backups(session: Session) -> None:
    session.add_all(
        [
            Backup(
                file_name="safeslot-good.ssbk",
                engine="sqlite",
                key_id="bk-0123456789ab",
                status=BackupStatus.SUCCEEDED,
                started_at=STARTED,
                finished_at=STARTED,
                size=12345,
                sha256="a" * 64,
                verified_at=STARTED,
                verify_ok=True,
                verify_message="restored 20 tables, 99 rows, counts match",
            ),
            Backup(
                file_name="safeslot-bad.ssbk",
                engine="sqlite",
                key_id="bk-0123456789ab",
                status=BackupStatus.FAILED,
                started_at=STARTED.replace(day=21),
                message="No space left on device",
            ),
        ]
    )
    session.commit()


def test_platform_admin_sees_backups_with_failures_flagged(
    client: FlaskClient, db_session: Session, make_user
) -> None:
    admin = make_user(role=Role.PLATFORM_ADMIN, client=None)
    add_backups(db_session)
    platform_sign_in(client, admin)

    page = client.get("/platform/backups")

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "safeslot-good.ssbk" in text and "counts match" in text
    assert "safeslot-bad.ssbk" in text and "No space left on device" in text
    assert "1 backup failed" in text


def test_support_staff_may_not_see_the_backups_page(
    client: FlaskClient, db_session: Session, make_user
) -> None:
    support = make_user(role=Role.SUPPORT, client=None)
    platform_sign_in(client, support)
    assert client.get("/platform/backups").status_code == 403


def test_a_client_admin_may_not_see_the_backups_page(
    client: FlaskClient, make_user, make_client
) -> None:
    admin = make_user(role=Role.CLIENT_ADMIN, client=make_client())
    sign_in(client, admin)
    assert client.get("/platform/backups").status_code == 403


def test_signed_out_visitors_are_asked_to_sign_in(client: FlaskClient) -> None:
    assert client.get("/platform/backups").status_code in (302, 401)
