"""The safeslot command line: migrate, create-client, create-user, demo load."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import create_app
from app.blind_index import email_lookup
from app.cli import CliState, main
from app.db import get_db
from app.models import Appointment, Client, Role, Schedule, Service, User
from auth.passwords import verify_password
from tests.settings import make_test_config

PASSWORD = "a long enough password"


def run(app: Flask, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), obj=CliState(app), input=input)


def test_migrate_builds_an_empty_database_and_is_repeatable(tmp_path: Path) -> None:
    config = make_test_config(
        instance_path=tmp_path, database_url=f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    )
    app = create_app(config)
    try:
        first = run(app, "migrate")
        second = run(app, "migrate")
    finally:
        get_db(app).engine.dispose()
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "revision" in second.output


def test_create_client_creates_one_client(app: Flask, db_session: Session) -> None:
    result = run(
        app,
        "create-client",
        "--slug",
        "harbour",
        "--name",
        "Harbour Clinic",
        "--timezone",
        "Europe/Dublin",
    )
    assert result.exit_code == 0, result.output
    client = db_session.scalars(select(Client).where(Client.slug == "harbour")).one()
    assert (client.name, client.timezone) == ("Harbour Clinic", "Europe/Dublin")


@pytest.mark.parametrize(
    ("slug", "timezone", "message"),
    [
        ("Bad Slug", "Europe/London", "slug"),
        ("fine", "Nowhere/Special", "time zone"),
    ],
)
def test_create_client_rejects_bad_input_clearly(
    app: Flask, slug: str, timezone: str, message: str
) -> None:
    result = run(app, "create-client", "--slug", slug, "--name", "X", "--timezone", timezone)
    assert result.exit_code == 1
    assert message in result.output


def test_create_client_refuses_a_taken_slug(app: Flask, make_client) -> None:
    make_client(slug="taken")
    result = run(app, "create-client", "--slug", "taken", "--name", "X", "--timezone", "UTC")
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_create_user_reads_the_password_from_stdin_and_stores_only_a_hash(
    app: Flask, db_session: Session, make_client
) -> None:
    make_client(slug="harbour")
    result = run(
        app,
        "create-user",
        "--client",
        "harbour",
        "--role",
        "staff",
        "--email",
        "Nurse@Harbour.example",
        "--name",
        "Nurse Joy",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output

    config = app.config["SAFESLOT"]
    lookup = email_lookup("nurse@harbour.example", config.blind_index_key)
    user = db_session.scalars(select(User).where(User.email_lookup == lookup)).one()
    assert user.role is Role.STAFF
    assert PASSWORD not in user.password_hash
    assert verify_password(PASSWORD, user.password_hash, config.password_pepper)


def test_create_user_prompts_for_the_password_twice(app: Flask, make_client) -> None:
    make_client(slug="harbour")
    result = run(
        app,
        "create-user",
        "--client",
        "harbour",
        "--role",
        "customer",
        "--email",
        "sam@example.org",
        "--name",
        "Sam",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output


def test_create_user_refuses_a_duplicate_address_in_the_same_client(
    app: Flask, make_client
) -> None:
    make_client(slug="harbour")

    def create(email: str) -> Result:
        return run(
            app,
            "create-user",
            "--client",
            "harbour",
            "--role",
            "customer",
            "--email",
            email,
            "--name",
            "Sam",
            "--password-stdin",
            input=PASSWORD,
        )

    assert create("sam@example.org").exit_code == 0
    again = create(" SAM@example.org")
    assert again.exit_code == 1
    assert "already exists" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--client", "nowhere", "--role", "customer"], "no client"),
        (["--role", "customer"], "needs a client"),
        (["--client", "harbour", "--role", "support"], "platform"),
    ],
)
def test_create_user_checks_client_and_role(
    app: Flask, make_client, args: list[str], message: str
) -> None:
    make_client(slug="harbour")
    result = run(
        app,
        "create-user",
        *args,
        "--email",
        "x@example.org",
        "--name",
        "X",
        "--password-stdin",
        input=PASSWORD,
    )
    assert result.exit_code == 1
    assert message in result.output


def test_create_user_refuses_a_short_password(app: Flask, make_client) -> None:
    make_client(slug="harbour")
    result = run(
        app,
        "create-user",
        "--client",
        "harbour",
        "--role",
        "customer",
        "--email",
        "x@example.org",
        "--name",
        "X",
        "--password-stdin",
        input="short",
    )
    assert result.exit_code == 1
    assert "at least" in result.output


def count_rows(session: Session) -> dict[str, int]:
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Client, User, Schedule, Service, Appointment)
    }


def test_demo_load_creates_riverside_and_prints_passwords_once(
    app: Flask, db_session: Session
) -> None:
    first = run(app, "demo", "load")
    assert first.exit_code == 0, first.output
    assert "admin@riverside.example" in first.output

    client = db_session.scalars(select(Client).where(Client.slug == "riverside")).one()
    assert (client.name, client.timezone) == ("Riverside Counselling", "Europe/London")
    schedules = {s.name: s for s in db_session.scalars(select(Schedule))}
    assert set(schedules) == {"Dr. Amara Osei", "Group sessions"}
    assert schedules["Group sessions"].capacity == 6
    hours = [
        (h.weekday, h.start_time.isoformat(), h.end_time.isoformat())
        for h in schedules["Dr. Amara Osei"].weekly_hours
    ]
    assert len(hours) == 10
    assert (0, "09:00:00", "12:30:00") in hours
    assert (4, "13:30:00", "17:00:00") in hours
    durations = {s.name: s.duration_minutes for s in db_session.scalars(select(Service))}
    assert durations == {
        "Initial consultation": 50,
        "Follow-up session": 30,
        "Group workshop": 90,
    }
    assert count_rows(db_session)["Appointment"] > 0

    config = app.config["SAFESLOT"]
    for role in (Role.CLIENT_ADMIN, Role.STAFF, Role.CUSTOMER):
        line = next(
            line for line in first.output.splitlines() if line.strip().startswith(role.value)
        )
        _, email, password = line.split()
        user = db_session.scalars(
            select(User).where(User.email_lookup == email_lookup(email, config.blind_index_key))
        ).one()
        assert user.role is role
        assert verify_password(password, user.password_hash, config.password_pepper)


def test_demo_load_twice_changes_nothing_the_second_time(app: Flask, db_session: Session) -> None:
    assert run(app, "demo", "load").exit_code == 0
    before = count_rows(db_session)
    second = run(app, "demo", "load")
    assert second.exit_code == 0, second.output
    assert "already exists" in second.output
    assert count_rows(db_session) == before
