"""No private data in logs, error pages or audit details, whatever is sent to any form.

Unique marker values (a name, an e-mail address, phone numbers, a note) are sent through
every form and error path while all log output is captured at DEBUG on the root logger.
Every POST view is reached by walking the URL map, so a new form is covered the day it
is added. A hit means a leak: the markers appear nowhere else.
"""

from __future__ import annotations

import html
import itertools
import json
import logging
import re
import uuid

import pytest
from flask import Flask, request
from sqlalchemy import select

from app import create_app
from app.access import public
from app.db import get_db
from app.errors import InvalidInput
from app.log_redaction import RedactPrivateData, redact
from app.models.audit import AuditEvent
from tests.data_rights_setup import (
    MARK_EMAIL,
    MARK_PHONE,
    MARKERS,
    leaked,
    make_marked,
)
from tests.settings import make_test_config
from tests.web.staff.helpers import sign_in

_CONTROL_VALUES = re.compile(r'value="[^"]*"|<textarea[^>]*>.*?</textarea>', re.S)
_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


class Probe:
    """Sends requests carrying fresh marker values and keeps every error body with them.

    Each request gets values of its own, so a page that shows a value stored by an
    earlier request (staff may see a customer's notes) is told apart from a page that
    repeats what was just sent to it.
    """

    def __init__(self) -> None:
        self.count = itertools.count(1)
        self.sent: list[str] = []
        self.echoes: list[tuple[str, list[str], str]] = []

    def fields(self, size: int = 0) -> dict[str, str]:
        """Every form field the application uses, each with a new marker (padded to `size`)."""
        n = next(self.count)
        name, email = f"Zanthe Quillmarsh{n:04d}", f"zanthe.quillmarsh{n:04d}@example.net"
        phone, note = f"+44 7700 9{n:05d}", f"umbral-ledger-{n:05d} note"
        reason = f"umbral-reason-{n:05d}"
        self.sent += [name, email, phone, note, reason]
        values = {
            "email": email,
            "display_name": name,
            "name": name,
            "phone": phone,
            "contact_phone": phone,
            "notes": note,
            "reason": reason,
            "password": note,
            "confirm": note,
            "current_password": note,
            "new_password": note,
            "code": phone,
            "start": note,
            "tz": name,
            "day": phone,
            "customer": name,
            "service": name,
            "schedule": name,
            "appointment_days": phone,
            "login_log_days": phone,
            "next": f"/x?email={email}",
        }
        return {key: value + " " + "z" * size if size else value for key, value in values.items()}

    def post(self, client, url: str, where: str, *, token: str | None = None, size: int = 0):
        """POST every field (and a query string) with new markers; keep any echo."""
        data = self.fields(size)
        sent = self.sent[-5:]
        if token is not None:
            data["csrf_token"] = token
        query = f"email={self.fields()['email']}&notes={self.fields()['notes']}"
        return self.note(client.post(f"{url}?{query}", data=data), where, self.sent[-10:] + sent)

    def note(self, response, where: str, sent: list[str] | None = None):
        """Keep `response` if it is an error page that repeats any of the values it was sent."""
        sent = sent or self.sent[-5:]
        if response.status_code >= 400:
            # A re-shown form may hold what the person typed in its fields; that is their
            # own input, shown back to them. Anything else on the page must not repeat it.
            body = html.unescape(_CONTROL_VALUES.sub("", response.get_data(as_text=True)))
            found = [value for value in sent if value in body]
            if found:
                at = body.index(found[0])
                self.echoes.append((where, found, body[max(0, at - 200) : at + 80]))
        return response


@pytest.fixture
def captured(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture
def world(db_session, make_client, make_user, make_service, make_schedule, make_appointment):
    return make_marked(
        db_session, make_client, make_user, make_service, make_schedule, make_appointment
    )


def _log_leaks(caplog, probe: Probe) -> list[str]:
    lines = [caplog.text] + [record.getMessage() for record in caplog.records]
    return leaked(lines, (*MARKERS, *probe.sent))


def _audit_leaks(db_session, probe: Probe) -> list[str]:
    db_session.rollback()
    texts = []
    for event in db_session.scalars(select(AuditEvent)):
        texts += [str(getattr(event, c.key)) for c in AuditEvent.__mapper__.column_attrs]
    return leaked(texts, (*MARKERS, *probe.sent))


def _assert_nothing_leaked(caplog, probe: Probe, db_session) -> None:
    assert _log_leaks(caplog, probe) == []
    assert probe.echoes == []
    assert _audit_leaks(db_session, probe) == []


def _token(client, path: str = "/") -> str:
    match = _TOKEN.search(client.get(path, follow_redirects=True).get_data(as_text=True))
    assert match, path
    return match[1]


def _url(rule, world) -> str:
    """The rule's URL with real IDs where the name says which record, random ones otherwise."""
    known = {
        "slug": world.client.slug,
        "appointment_id": world.upcoming.id,
        "schedule_id": world.schedule.id,
        "service_id": world.service.id,
        "customer_id": world.customer.id,
        "user_id": world.customer.id,
        "day": "2031-03-03",
    }
    values = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        kind = type(converter).__name__
        if name in known:
            values[name] = known[name]
        elif kind == "UUIDConverter":
            values[name] = uuid.uuid4()
        elif kind == "AnyConverter":
            values[name] = sorted(converter.items)[0]
        elif kind in ("IntegerConverter", "NumberConverter"):
            values[name] = 1
        else:
            values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


def _post_views(app: Flask):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())),
        key=lambda rule: rule.rule,
    )


def test_the_filter_is_on_the_handler_that_captures_the_logs(app, captured) -> None:
    assert any(isinstance(f, RedactPrivateData) for f in captured.handler.filters)


def test_redaction_replaces_addresses_phones_and_query_strings() -> None:
    line = f"GET /c/x/book?notes=secret HTTP/1.1 from {MARK_EMAIL} call {MARK_PHONE}"
    cleaned = redact(line)
    assert leaked([cleaned]) == [] and "secret" not in cleaned
    kept = "appointment 0b8f0c6e-3d1a-4b55-9c1e-426614174000 at 2031-03-03 10:00 from 10.0.0.12"
    assert redact(kept) == kept


def test_every_post_view_as_anyone(app, client, world, captured, db_session) -> None:
    probe = Probe()
    for rule in _post_views(app):
        url = _url(rule, world)
        probe.post(client, url, rule.endpoint)
        probe.post(client, url, rule.endpoint, token=_token(client))
    _assert_nothing_leaked(captured, probe, db_session)


@pytest.mark.parametrize("who", ["customer", "admin"])
def test_every_post_view_when_signed_in(app, client, world, who, captured, db_session) -> None:
    user, probe = getattr(world, who), Probe()
    for rule in _post_views(app):
        if "Sign out" not in client.get("/", follow_redirects=True).text:
            sign_in(client, user)  # an earlier form may have signed them out
        url, where = _url(rule, world), f"{who} {rule.endpoint}"
        probe.post(client, url, where)  # no CSRF token: refused before anything is read
        token = _token(client)
        probe.post(client, url, where, token=token)
        probe.post(client, url, where, token=token, size=3000)  # too large to store
    _assert_nothing_leaked(captured, probe, db_session)


def test_sign_in_and_registration_failures(client, world, captured, db_session) -> None:
    probe = Probe()
    slug = world.client.slug
    token = _token(client, f"/c/{slug}/signin")
    fields = probe.fields()
    wrong = {"email": fields["email"], "password": fields["notes"], "csrf_token": token}
    probe.note(client.post(f"/c/{slug}/signin?phone={fields['phone']}", data=wrong), "signin")
    probe.note(client.post(f"/c/{slug}/signin", data={**wrong, "csrf_token": "x"}), "csrf")
    wrong["email"] = MARK_EMAIL  # an existing account, the wrong password
    probe.note(client.post(f"/c/{slug}/signin", data=wrong), "signin", [MARK_EMAIL])
    token = _token(client, f"/c/{slug}/register")
    fields = probe.fields()
    weak = {
        "email": fields["email"],
        "display_name": fields["name"],
        "password": fields["email"],
        "confirm": fields["notes"],
        "csrf_token": token,
    }
    probe.note(client.post(f"/c/{slug}/register", data=weak), "register")
    _assert_nothing_leaked(captured, probe, db_session)


def test_customer_booking_cancel_and_move_with_bad_input(
    client, world, captured, db_session
) -> None:
    probe = Probe()
    sign_in(client, world.customer)
    slug, token = world.client.slug, _token(client)
    confirm = f"/c/{slug}/book/confirm?service={world.service.id}&schedule=any"
    fields = probe.fields()
    bad = {
        "start": "2031-03-03T10:00:00Z",
        "notes": fields["notes"] * 100,
        "contact_phone": fields["phone"] * 10,
        "csrf_token": token,
    }
    probe.note(client.post(confirm, data=bad), "book: too long")
    probe.note(client.post(confirm, data={**bad, "start": fields["name"]}), "book: bad start")
    fields = probe.fields()
    probe.note(client.get(f"{confirm}&start={fields['email']}&tz={fields['name']}"), "book: link")
    base = f"/c/{slug}/appointments/{world.upcoming.id}"
    fields = probe.fields()
    probe.note(client.post(f"{base}/cancel", data={"tz": fields["name"]}), "cancel: no token")
    fields = probe.fields()
    probe.note(
        client.get(f"{base}/reschedule?day={fields['phone']}&tz={fields['email']}"), "move: day"
    )
    fields = probe.fields()
    moved = {"start": fields["notes"], "tz": fields["name"], "csrf_token": token}
    probe.note(client.post(f"{base}/reschedule/confirm", data=moved), "move: bad start")
    _assert_nothing_leaked(captured, probe, db_session)


def test_api_payload_errors(client, world, captured, db_session) -> None:
    probe = Probe()
    sign_in(client, world.customer)
    headers = {"X-CSRFToken": _token(client)}
    path = f"/api/v1/clients/{world.client.slug}/appointments"
    fields = probe.fields()
    start, service = "2031-03-03T10:00:00Z", str(world.service.id)
    bodies = [
        json.dumps({"service": fields["name"], "start": fields["email"], "notes": "x"}),
        json.dumps({"service": service, "start": start, "notes": [fields["notes"]]}),
        json.dumps({"service": service, "start": start, "notes": fields["notes"] * 100}),
        json.dumps({"service": service, "start": start, "phone": fields["phone"]}),
        f'{{"service": "{fields["name"]}", "start": ',
    ]
    for body in bodies:
        response = client.post(path, data=body, content_type="application/json", headers=headers)
        probe.note(response, "api", probe.sent[-5:])
        assert response.status_code in (400, 422)
    probe.note(client.post(path, data=bodies[0], content_type="application/json"), "no token")
    probe.note(client.get(f"/api/v1/nothing?email={fields['email']}"), "api: 404")
    _assert_nothing_leaked(captured, probe, db_session)


def test_not_found_method_not_allowed_and_bad_requests(client, world, captured, db_session):
    probe = Probe()
    fields = probe.fields()
    probe.note(client.get(f"/nothing/{fields['name']}?email={fields['email']}"), "404")
    probe.note(client.get(f"/c/{fields['email']}/signin"), "404 slug")
    probe.note(client.put(f"/c/{world.client.slug}/signin?phone={fields['phone']}"), "405")
    probe.note(
        client.post(
            f"/c/{world.client.slug}/signin",
            data=f"email={fields['email']}&password=%ZZ",
            content_type="multipart/form-data; boundary=broken",
        ),
        "400",
    )
    _assert_nothing_leaked(captured, probe, db_session)


def test_too_many_requests(app, tmp_path, database_url, world, captured, db_session) -> None:
    limited = create_app(
        make_test_config(
            instance_path=tmp_path / "limited", database_url=database_url, ratelimit_enabled=True
        )
    )
    client, probe = limited.test_client(), Probe()
    path = f"/c/{world.client.slug}/signin"
    token = _token(client, path)
    statuses = set()
    for _ in range(12):
        fields = probe.fields()
        wrong = {"email": fields["email"], "password": fields["notes"], "csrf_token": token}
        response = client.post(f"{path}?name={fields['name']}", data=wrong)
        statuses.add(probe.note(response, "429").status_code)
    get_db(limited).engine.dispose()
    assert 429 in statuses
    _assert_nothing_leaked(captured, probe, db_session)


def test_an_unexpected_error_quoting_its_input(app, client, captured, db_session) -> None:
    @public
    def fails() -> str:
        # A bug that puts what was sent into an exception message.
        raise RuntimeError(f"could not handle {request.form.get('name')} <{MARK_EMAIL}>")

    app.add_url_rule("/fails", "fails", fails, methods=["POST"])
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    probe = Probe()

    response = probe.note(client.post("/fails", data={"name": probe.fields()["name"]}), "500")

    assert response.status_code == 500
    assert "unhandled error" in captured.text  # the traceback is logged, redacted
    _assert_nothing_leaked(captured, probe, db_session)


def test_database_logging_at_debug_shows_no_rows(client, world, captured, db_session) -> None:
    captured.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    probe = Probe()
    sign_in(client, world.admin)

    for page in ("/staff/customers", f"/staff/customers/{world.customer.id}"):
        assert client.get(page).status_code == 200

    assert any(r.name.startswith("sqlalchemy.engine") for r in captured.records)
    _assert_nothing_leaked(captured, probe, db_session)


def test_an_unhandled_refusal_shows_the_generic_page(app, client, captured, db_session) -> None:
    @public
    def refuses() -> str:
        raise InvalidInput(f"{request.args.get('name')} is not allowed here")

    app.add_url_rule("/refuses", "refuses", refuses)
    probe = Probe()
    name = probe.fields()["name"]

    response = probe.note(client.get(f"/refuses?name={name}"), "400")

    assert response.status_code == 400
    _assert_nothing_leaked(captured, probe, db_session)
