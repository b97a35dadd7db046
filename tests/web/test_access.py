"""Deny by default: every endpoint declares who may use it; undeclared ones answer 403."""

from __future__ import annotations

import uuid

from flask import Flask
from flask_login import login_user

from app.access import EXEMPT_ENDPOINTS, access_rule, login_required_role, public
from app.db import get_session
from app.login import load_user
from app.models import Role, User


def test_every_endpoint_declares_who_may_use_it(app: Flask) -> None:
    undeclared = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in EXEMPT_ENDPOINTS
        and access_rule(app.view_functions[rule.endpoint]) is None
    )
    assert undeclared == [], f"endpoints without @public or @login_required_role: {undeclared}"


def test_an_undeclared_view_is_refused(app: Flask) -> None:
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    response = app.test_client().get("/forgotten")
    assert response.status_code == 403
    assert b"secret" not in response.data


def add_probe_routes(app: Flask) -> None:
    """Routes that sign a user in and that only staff may see."""

    @public
    def sign_in(user_id: str) -> str:
        login_user(get_session().get(User, uuid.UUID(user_id)))
        return "signed in"

    @login_required_role(Role.STAFF, Role.CLIENT_ADMIN)
    def staff_only() -> str:
        return "staff page"

    @login_required_role()
    def anyone_signed_in() -> str:
        return "members page"

    app.add_url_rule("/probe/sign-in/<user_id>", "sign_in", sign_in)
    app.add_url_rule("/probe/staff", "staff_only", staff_only)
    app.add_url_rule("/probe/members", "anyone_signed_in", anyone_signed_in)


def test_role_gated_view_answers_401_to_anonymous_and_403_to_other_roles(
    app: Flask, make_user
) -> None:
    add_probe_routes(app)
    customer = make_user(role=Role.CUSTOMER)
    client = app.test_client()

    assert client.get("/probe/staff").status_code == 401
    assert client.get("/probe/members").status_code == 401

    client.get(f"/probe/sign-in/{customer.id}")
    assert client.get("/probe/staff").status_code == 403
    assert client.get("/probe/members").status_code == 200


def test_role_gated_view_admits_its_roles(app: Flask, make_user) -> None:
    add_probe_routes(app)
    staff = make_user(role=Role.STAFF)
    client = app.test_client()
    client.get(f"/probe/sign-in/{staff.id}")
    response = client.get("/probe/staff")
    assert response.status_code == 200
    assert response.text == "staff page"


def test_bumping_the_session_version_signs_the_user_out(app: Flask, db_session, make_user) -> None:
    user = make_user()
    old_session_id = user.get_id()
    with app.test_request_context():
        assert load_user(old_session_id) is not None
    user.session_version += 1
    db_session.commit()
    with app.test_request_context():
        assert load_user(old_session_id) is None
        assert load_user(user.get_id()) is not None


def test_inactive_users_and_garbage_ids_do_not_load(app: Flask, db_session, make_user) -> None:
    user = make_user(is_active=False)
    with app.test_request_context():
        assert load_user(user.get_id()) is None
        assert load_user("not-a-uuid:1") is None
        assert load_user(f"{user.id}") is None
