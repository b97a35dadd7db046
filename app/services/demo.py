"""Demo data: the "Riverside Counselling" client with schedules, services and a week of
appointments. Idempotent: loading it again changes nothing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.blind_index import email_lookup
from app.config import Config
from app.models import (
    Appointment,
    AppointmentStatus,
    AppointmentStatusChange,
    Client,
    Role,
    Schedule,
    Service,
    User,
    WeeklyHours,
)
from app.services import reminders
from auth.passwords import hash_password

DEMO_SLUG = "riverside"
DEMO_TIMEZONE = "Europe/London"
#: Opening hours of both demo schedules, Monday to Friday, with a lunch break.
DEMO_HOURS = ((time(9, 0), time(12, 30)), (time(13, 30), time(17, 0)))

#: (role, display name, e-mail) of the accounts whose passwords are printed.
DEMO_ACCOUNTS = (
    (Role.CLIENT_ADMIN, "Jordan Reed", "admin@riverside.example"),
    (Role.STAFF, "Dr. Amara Osei", "amara.osei@riverside.example"),
    (Role.CUSTOMER, "Sam Taylor", "sam.taylor@example.org"),
)
#: Other customers, so staff pages have more than one person in them; no one signs in as them.
DEMO_OTHER_CUSTOMERS = (
    ("Priya Shah", "priya.shah@example.org"),
    ("Tom Becker", "tom.becker@example.org"),
    ("Lena Novak", "lena.novak@example.org"),
    ("Marcus Hill", "marcus.hill@example.org"),
)


@dataclass(frozen=True)
class DemoSignIn:
    """An account created by the demo and its one-time password."""

    role: Role
    email: str
    password: str


@dataclass(frozen=True)
class DemoResult:
    """What `load_demo` did: `sign_ins` is empty when the demo was already there."""

    created: bool
    client_slug: str
    sign_ins: tuple[DemoSignIn, ...] = ()


def load_demo(session: Session, config: Config, *, now: datetime) -> DemoResult:
    """Create the demo client and its data unless it exists; commit; return sign-ins."""
    if session.scalar(select(Client.id).where(Client.slug == DEMO_SLUG)) is not None:
        return DemoResult(created=False, client_slug=DEMO_SLUG)

    client = Client(slug=DEMO_SLUG, name="Riverside Counselling", timezone=DEMO_TIMEZONE)
    session.add(client)
    session.flush()  # assigns client.id
    sign_ins = []
    people: dict[str, User] = {}
    for role, name, email in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        people[email] = _user(config, client, role, name, email, password)
        sign_ins.append(DemoSignIn(role=role, email=email, password=password))
    for name, email in DEMO_OTHER_CUSTOMERS:
        people[email] = _user(config, client, Role.CUSTOMER, name, email, secrets.token_urlsafe(24))
    session.add_all(people.values())

    initial = Service(
        client_id=client.id,
        name="Initial consultation",
        duration_minutes=50,
        description="A first conversation to understand what you need.",
    )
    follow_up = Service(
        client_id=client.id,
        name="Follow-up session",
        duration_minutes=30,
        description="A shorter session for existing clients.",
    )
    workshop = Service(
        client_id=client.id,
        name="Group workshop",
        duration_minutes=90,
        description="A facilitated group session (up to six people).",
    )
    one_to_one = _schedule(client, "Dr. Amara Osei", "dr-amara-osei", capacity=1)
    one_to_one.buffer_after_minutes = 10
    one_to_one.services = [initial, follow_up]
    one_to_one.staff = [people["amara.osei@riverside.example"]]
    group = _schedule(client, "Group sessions", "group-sessions", capacity=6)
    group.services = [workshop]
    session.add_all([initial, follow_up, workshop, one_to_one, group])
    session.flush()

    customers = [u for u in people.values() if u.role is Role.CUSTOMER]
    _add_week_of_appointments(session, client, one_to_one, group, customers, now=now)
    _add_reminder_demo(session, client, group, people["sam.taylor@example.org"], now=now)
    session.commit()
    return DemoResult(created=True, client_slug=DEMO_SLUG, sign_ins=tuple(sign_ins))


def _user(config: Config, client: Client, role: Role, name: str, email: str, password: str) -> User:
    return User(
        client=client,
        role=role,
        email=email,
        email_lookup=email_lookup(email, config.blind_index_key),
        display_name=name,
        password_hash=hash_password(password, config.password_pepper, config.bcrypt_cost),
    )


def _schedule(client: Client, name: str, slug: str, *, capacity: int) -> Schedule:
    hours = [
        WeeklyHours(weekday=weekday, start_time=start, end_time=end)
        for weekday in range(5)
        for start, end in DEMO_HOURS
    ]
    return Schedule(
        client_id=client.id,
        name=name,
        slug=slug,
        timezone=DEMO_TIMEZONE,
        capacity=capacity,
        weekly_hours=hours,
    )


def _add_week_of_appointments(
    session: Session,
    client: Client,
    one_to_one: Schedule,
    group: Schedule,
    customers: list[User],
    *,
    now: datetime,
) -> None:
    zone = ZoneInfo(DEMO_TIMEZONE)
    today = now.astimezone(zone).date()
    initial, follow_up = one_to_one.services
    (workshop,) = group.services
    n = 0
    for offset in range(7):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for start, service in (
            (time(9, 0), initial),
            (time(11, 0), follow_up),
            (time(14, 0), follow_up),
            (time(15, 30), initial),
        ):
            status = AppointmentStatus.REQUESTED if n % 7 == 3 else AppointmentStatus.CONFIRMED
            _book(
                session,
                client,
                one_to_one,
                service,
                customers[n % len(customers)],
                _at(day, start, zone),
                status,
                now,
            )
            n += 1
        for seat in range(3):  # three people in each day's workshop
            _book(
                session,
                client,
                group,
                workshop,
                customers[(n + seat) % len(customers)],
                _at(day, time(10, 0), zone),
                AppointmentStatus.CONFIRMED,
                now,
            )


def _add_reminder_demo(
    session: Session, client: Client, group: Schedule, customer: User, *, now: datetime
) -> None:
    """A workshop seat for the demo customer a little over two hours ahead, so that its
    two-hour reminder reaches the mail sink (instance/mail/) a few minutes after the first
    start; then every demo appointment gets its reminders planned."""
    (workshop,) = group.services
    start = (now + timedelta(hours=2, minutes=3)).replace(second=0, microsecond=0)
    _book(session, client, group, workshop, customer, start, AppointmentStatus.CONFIRMED, now)
    session.flush()
    booked = session.scalars(select(Appointment).where(Appointment.client_id == client.id))
    for appointment in booked.all():
        reminders.refresh(session, appointment, now=now)


def _at(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _book(
    session: Session,
    client: Client,
    schedule: Schedule,
    service: Service,
    customer: User,
    start_at: datetime,
    status: AppointmentStatus,
    now: datetime,
) -> None:
    appointment = Appointment(
        client_id=client.id,
        schedule=schedule,
        service=service,
        customer=customer,
        start_at=start_at,
        end_at=start_at + timedelta(minutes=service.duration_minutes),
        buffer_before_minutes=schedule.buffer_before_minutes,
        buffer_after_minutes=schedule.buffer_after_minutes,
        status=status,
    )
    appointment.status_changes.add(
        AppointmentStatusChange(
            from_status=None, to_status=status, changed_at=now, changed_by=customer.id
        )
    )
    session.add(appointment)
