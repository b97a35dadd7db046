"""Customers creating their own account, under the client's password rules."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.config import Config
from app.models import Client, Role, User
from app.services.accounts import create_user
from app.services.client_policy import client_policy
from app.services.passwords import refuse_weak_password


def register_customer(
    session: Session,
    config: Config,
    client: Client,
    *,
    email: str,
    display_name: str,
    password: str,
) -> User:
    """Create and commit a customer account of `client`.

    `PasswordRefused` (on field "password") lists every rule the password breaks;
    otherwise as `accounts.create_user`.
    """
    refuse_weak_password(
        password,
        client_policy(session, client.id),
        email=email.strip(),
        business_name=client.name,
        field="password",
    )
    return create_user(
        session,
        config,
        client_slug=client.slug,
        role=Role.CUSTOMER,
        email=email,
        display_name=display_name,
        password=password,
    )
