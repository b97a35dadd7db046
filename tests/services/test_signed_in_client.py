"""The client read with the signed-in user stands in for a query by slug, in that transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.db import get_db
from app.models import Role
from app.services.sessions import load_signed_in, signed_in_client


@pytest.fixture
def session(app):
    """A session of its own, like a request's."""
    with get_db(app).session() as session:
        yield session


def test_the_users_own_open_client_is_known_in_the_same_transaction(session, make_user):
    customer = make_user()
    load_signed_in(session, customer.id, None)

    known = signed_in_client(session, customer.client.slug)

    assert known is not None and known.id == customer.client_id
    assert signed_in_client(session, "some-other-client") is None


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_a_new_transaction_reads_the_client_again(session, make_user, end):
    customer = make_user()
    load_signed_in(session, customer.id, None)

    getattr(session, end)()

    assert signed_in_client(session, customer.client.slug) is None


def test_a_client_closed_in_the_same_transaction_is_not_handed_out(session, make_user):
    customer = make_user()
    user = load_signed_in(session, customer.id, None)

    user.client.closed_at = datetime.now(UTC)

    assert signed_in_client(session, customer.client.slug) is None


def test_a_platform_user_still_loads_and_brings_no_client(session, make_user, make_client):
    elsewhere = make_client()
    admin = make_user(role=Role.PLATFORM_ADMIN)

    assert load_signed_in(session, admin.id, None).id == admin.id
    assert signed_in_client(session, elsewhere.slug) is None
