"""Periodic jobs: backups on schedule, weekly verification, clean-up, sign-in summaries."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.mail.messages import render
from app.models import (
    Backup,
    BackupStatus,
    JobClaim,
    LoginAttempt,
    LoginOutcome,
    OutboxMessage,
    Role,
    SessionEndReason,
    UserSession,
)
from app.services import housekeeping
from app.services.sign_in_summary import day_bounds, summarise
from workers.beat import BEAT_SCHEDULE
from workers.celery_app import make_celery


def task(app: Flask, name: str):
    return make_celery(app).tasks[f"workers.tasks.{name}"]


def test_the_beat_runs_backups_verification_clean_up_and_summaries() -> None:
    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert {
        "workers.tasks.run_scheduled_backup",
        "workers.tasks.verify_newest_backup",
        "workers.tasks.clean_up_expired",
        "workers.tasks.send_sign_in_summaries",
    } <= tasks


def test_the_backup_task_backs_up_once_per_slot(app: Flask, db_session: Session) -> None:
    run = task(app, "run_scheduled_backup")
    first = run()
    second = run()
    assert first is not None and first["status"] == "succeeded"
    assert second is None
    backup = db_session.scalars(select(Backup)).one()
    assert (app.config["SAFESLOT"].backup_dir / backup.file_name).is_file()
    assert backup.trigger == "scheduled"


def test_the_verify_task_checks_the_newest_backup_once_a_week(
    app: Flask, db_session: Session
) -> None:
    task(app, "run_scheduled_backup")()
    verify = task(app, "verify_newest_backup")
    assert verify() == {"ok": True, "message": verify_message(db_session)}
    assert verify() is None


def verify_message(session: Session) -> str:
    session.expire_all()
    return session.scalars(select(Backup.verify_message)).one()


def open_session(session: Session, user, *, started: datetime, seen: datetime, **extra):
    row = UserSession(
        token_hash=secrets.token_hex(32),
        user_id=user.id,
        client_id=user.client_id,
        started_at=started,
        last_seen_at=seen,
        ip_address="127.0.0.1",
        user_agent="test",
        **extra,
    )
    session.add(row)
    session.commit()
    return row


def test_clean_up_ends_expired_sessions_and_deletes_old_ones(
    app: Flask, db_session: Session, make_user
) -> None:
    user = make_user()
    now = utcnow()
    fresh = open_session(db_session, user, started=now, seen=now)
    idle = open_session(
        db_session, user, started=now - timedelta(hours=3), seen=now - timedelta(hours=2)
    )
    ancient = open_session(db_session, user, started=now - timedelta(days=2), seen=now)
    old_ended = open_session(
        db_session,
        user,
        started=now - timedelta(days=60),
        seen=now - timedelta(days=60),
        ended_at=now - timedelta(days=59),
        end_reason=SessionEndReason.SIGNED_OUT,
    )

    ids = [row.id for row in (fresh, idle, ancient, old_ended)]
    counts = task(app, "clean_up_expired")()

    assert counts["sessions_ended"] == 2
    assert counts["sessions_deleted"] == 1
    db_session.expire_all()
    fresh_row, idle_row, ancient_row, old_row = (db_session.get(UserSession, i) for i in ids)
    assert fresh_row.ended_at is None
    assert idle_row.end_reason is SessionEndReason.IDLE
    assert ancient_row.end_reason is SessionEndReason.ABSOLUTE
    assert old_row is None
    # Twice changes nothing more.
    again = task(app, "clean_up_expired")()
    assert again["sessions_ended"] == again["sessions_deleted"] == 0


def test_clean_up_marks_a_backup_that_never_finished(db_session: Session) -> None:
    now = utcnow()
    db_session.add_all(
        [
            Backup(
                file_name="stuck.ssbk",
                engine="sqlite",
                key_id="bk-x",
                status=BackupStatus.RUNNING,
                started_at=now - timedelta(hours=7),
            ),
            Backup(
                file_name="busy.ssbk",
                engine="sqlite",
                key_id="bk-x",
                status=BackupStatus.RUNNING,
                started_at=now - timedelta(minutes=5),
            ),
            JobClaim(job="backup", period="old", claimed_at=now - timedelta(days=100)),
        ]
    )
    db_session.commit()

    result = housekeeping.clean_up_expired(db_session, now)

    assert result.backups_interrupted == 1
    assert result.claims_deleted == 1
    statuses = dict(db_session.execute(select(Backup.file_name, Backup.status)).all())
    assert statuses == {"stuck.ssbk": BackupStatus.FAILED, "busy.ssbk": BackupStatus.RUNNING}


def fail_sign_in(session: Session, client, user, at: datetime, outcome=LoginOutcome.WRONG_PASSWORD):
    session.add(
        LoginAttempt(
            client_id=client.id,
            user_id=user.id if user else None,
            attempted_at=at,
            outcome=outcome,
            ip_address="203.0.113.9",
            user_agent="test",
        )
    )
    session.commit()


def test_client_admins_get_yesterdays_failed_sign_ins_once(
    app: Flask, db_session: Session, make_client, make_user
) -> None:
    client = make_client(timezone="UTC")
    admin = make_user(client=client, role=Role.CLIENT_ADMIN)
    customer = make_user(client=client, display_name="Pat Example")
    yesterday = utcnow().replace(hour=12, minute=0) - timedelta(days=1)
    for minutes in range(3):
        fail_sign_in(db_session, client, customer, yesterday + timedelta(minutes=minutes))
    fail_sign_in(db_session, client, None, yesterday, LoginOutcome.UNKNOWN_ACCOUNT)
    fail_sign_in(db_session, client, customer, utcnow() - timedelta(days=3))  # not yesterday
    customer.locked_at = yesterday + timedelta(minutes=3)
    db_session.commit()

    send = task(app, "send_sign_in_summaries")
    assert send() == 1
    assert send() == 0

    mail = db_session.scalars(select(OutboxMessage)).one()
    assert (mail.template, mail.to_user_id, mail.client_id) == (
        "sign_in_summary",
        admin.id,
        client.id,
    )
    assert mail.context["failed_total"] == 4
    assert mail.context["locked_total"] == 1
    assert mail.context["unknown_failed"] == 1
    assert mail.context["accounts"] == [{"id": str(customer.id), "failed": 3, "locked": True}]
    assert customer.email not in str(mail.context)
    with app.app_context():
        rendered = render("sign_in_summary", {**mail.context, "base_url": "https://x.example"})
    assert "Failed sign-ins:    4" in rendered.text
    assert f"3 failed, locked: https://x.example/staff/security/accounts/{customer.id}" in (
        rendered.text
    )
    assert "Pat Example" not in rendered.text


def test_a_quiet_day_sends_no_summary(app: Flask, db_session: Session, make_client, make_user):
    client = make_client()
    make_user(client=client, role=Role.CLIENT_ADMIN)
    assert task(app, "send_sign_in_summaries")() == 0
    assert db_session.scalars(select(OutboxMessage)).all() == []


def test_the_backup_failure_mail_renders_without_private_data(app: Flask) -> None:
    context = {
        "what": "backup",
        "backup_id": "0b5e...",
        "file_name": "safeslot-20261122T020000Z-0b5e.ssbk",
        "message": "No space left on device",
        "base_url": "https://book.example.org",
    }
    with app.app_context():
        rendered = render("backup_failed", context)
    assert rendered.subject == "SafeSlot backup failed"
    assert "No space left on device" in rendered.text
    assert "https://book.example.org/platform/backups" in rendered.text
    assert rendered.html is not None and "safeslot-20261122T020000Z-0b5e.ssbk" in rendered.html


def test_yesterday_is_the_clients_own_yesterday(db_session: Session, make_client, make_user):
    client = make_client(timezone="Pacific/Auckland")
    customer = make_user(client=client)
    # 2026-11-21 in Auckland (UTC+13) runs from 2026-11-20 11:00 to 2026-11-21 11:00 UTC.
    start, end = day_bounds(date(2026, 11, 21), ZoneInfo("Pacific/Auckland"))
    assert (start, end) == (
        datetime(2026, 11, 20, 11, tzinfo=UTC),
        datetime(2026, 11, 21, 11, tzinfo=UTC),
    )
    fail_sign_in(db_session, client, customer, start)  # first moment of the day: counted
    fail_sign_in(db_session, client, customer, end)  # the next day: not counted
    summary = summarise(db_session, client, date(2026, 11, 21))
    assert summary.failed_total == 1
