"""Changing a password, temporary passwords from an administrator, and registration's rules."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.errors import AccessDenied, InvalidInput, NotFound
from app.models import LoginAttempt, PasswordHistory, Role, SecurityPolicyRow, User, UserSession
from app.scope import Scope
from app.services import passwords, sessions
from app.services.passwords import (
    CANNOT_STORE,
    HISTORY_KEPT,
    PasswordRefused,
    change_password,
    set_temporary_password,
)
from app.services.registration import register_customer
from app.services.signin import Attempt, sign_in
from auth.password_rules import MAX_LENGTH
from auth.passwords import verify_password
from tests.factories import DEFAULT_PASSWORD

NOW = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
NEW = "purple walrus juggles teacups"


@pytest.fixture
def bcrypt_calls(monkeypatch):
    """Counts of bcrypt checks and hashes made by the password service."""
    calls = {"verify": 0, "hash": 0}
    real_verify, real_hash = passwords.verify_password, passwords.hash_password

    def verify(*args):
        calls["verify"] += 1
        return real_verify(*args)

    def hash_(*args):
        calls["hash"] += 1
        return real_hash(*args)

    monkeypatch.setattr(passwords, "verify_password", verify)
    monkeypatch.setattr(passwords, "hash_password", hash_)
    return calls


def set_policy(db_session, client, **settings):
    db_session.add(SecurityPolicyRow(client_id=client.id, **settings))
    db_session.commit()


def change(db_session, config, user, new=NEW, current=DEFAULT_PASSWORD, confirm=None, now=NOW):
    return change_password(
        db_session, config, user.id, current, new, new if confirm is None else confirm, now=now
    )


def refusal(db_session, config, user, new, **kwargs) -> PasswordRefused:
    with pytest.raises(PasswordRefused) as refused:
        change(db_session, config, user, new, **kwargs)
    return refused.value


def stored_hash(db_session, user):
    db_session.expire_all()
    return db_session.get(User, user.id).password_hash


def signs_in_with(db_session, config, user, password):
    return verify_password(password, stored_hash(db_session, user), config.password_pepper)


# -- changing one's own password ----------------------------------------------------------


def test_a_change_stores_the_new_password_and_keeps_the_old_one_in_history(
    db_session, config, make_user
):
    user = make_user(must_change_password=True)
    old_hash, old_version = user.password_hash, user.session_version
    change(db_session, config, user)
    assert signs_in_with(db_session, config, user, NEW)
    assert not signs_in_with(db_session, config, user, DEFAULT_PASSWORD)
    user = db_session.get(User, user.id)
    assert (user.password_changed_at, user.must_change_password) == (NOW, False)
    assert user.session_version == old_version + 1
    [entry] = db_session.scalars(select(PasswordHistory)).all()
    assert (entry.user_id, entry.password_hash, entry.created_at) == (user.id, old_hash, NOW)


def test_a_change_needs_the_current_password(db_session, config, make_user):
    user = make_user()
    refused = refusal(db_session, config, user, NEW, current="not my password at all")
    assert (refused.field, refused.problems) == ("current", ["That is not your current password."])
    assert signs_in_with(db_session, config, user, DEFAULT_PASSWORD)


def test_a_wrong_current_password_is_not_a_failed_sign_in(db_session, config, make_user):
    user = make_user()
    for _ in range(10):  # twice the default lockout threshold
        refusal(db_session, config, user, NEW, current="a guess at the password")
    user = db_session.get(User, user.id)
    assert (user.failed_attempts, user.locked_at) == (0, None)
    assert db_session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


@pytest.mark.parametrize(
    ("new", "policy", "sentence"),
    [
        ("short one", {}, "Use at least 12 characters: a few unrelated words work well."),
        ("leavemealone", {}, "That is one of the most common passwords. Please choose another."),
        (
            "ada.lovelace@example.org rules",
            {},
            "Do not use your e-mail address or its first part in your password.",
        ),
        ("riverside counselling 2031", {}, "Do not use the name of the business in your password."),
        ("sixteen characters", {"min_length": 20}, "Use at least 20 characters"),
        (
            "no digits or capitals here",
            {"required_classes": "digit,upper"},
            "Include an upper-case letter and a digit.",
        ),
        ("", {}, "Use at least 12 characters"),
        ("x" * (MAX_LENGTH + 1), {}, f"Use at most {MAX_LENGTH} characters."),
    ],
)
def test_each_rule_is_refused_with_its_sentence(
    db_session, config, make_client, make_user, bcrypt_calls, new, policy, sentence
):
    business = make_client(name="Riverside Counselling")
    set_policy(db_session, business, **policy)
    user = make_user(client=business, email="ada.lovelace@example.org")
    refused = refusal(db_session, config, user, new)
    assert refused.field == "new"
    assert any(problem.startswith(sentence) for problem in refused.problems), refused.problems
    # The rules are checked before any bcrypt work is spent.
    assert bcrypt_calls == {"verify": 0, "hash": 0}
    assert signs_in_with(db_session, config, user, DEFAULT_PASSWORD)


def test_the_repeated_password_must_match(db_session, config, make_user):
    user = make_user()
    refused = refusal(db_session, config, user, NEW, confirm=NEW + "!")
    assert refused.field == "confirm"


@pytest.mark.parametrize("depth", [1, 3, 5])
def test_each_of_the_last_n_passwords_is_refused_with_n_from_the_clients_policy(
    db_session, config, make_client, make_user, depth
):
    business = make_client()
    set_policy(db_session, business, history_depth=depth)
    user = make_user(client=business)
    used = [DEFAULT_PASSWORD] + [f"{word} lantern meadow" for word in "abcdef"[:depth]]
    for n, (before, after) in enumerate(zip(used, used[1:], strict=False), start=1):
        change(db_session, config, user, after, current=before, now=NOW + timedelta(days=n))
    current = used[-1]
    recent, older = used[-depth:], used[:-depth]
    for password in recent:
        refused = refusal(db_session, config, user, password, current=current)
        assert refused.field == "new" and "choose" in refused.problems[0].lower()
    for password in older:  # one further back is allowed again
        change(db_session, config, user, password, current=current, now=NOW + timedelta(days=30))
        current = password


def test_a_history_depth_of_zero_allows_reusing_the_current_password(
    db_session, config, make_client, make_user
):
    business = make_client()
    set_policy(db_session, business, history_depth=0)
    user = make_user(client=business)
    change(db_session, config, user, DEFAULT_PASSWORD)
    assert signs_in_with(db_session, config, user, DEFAULT_PASSWORD)


def test_the_reuse_check_costs_at_most_n_bcrypt_checks_however_long_the_history(
    db_session, config, make_client, make_user, bcrypt_calls
):
    business = make_client()
    set_policy(db_session, business, history_depth=0)
    user = make_user(client=business)
    current = DEFAULT_PASSWORD
    for n in range(12):
        change(db_session, config, user, f"passphrase number {n}", current=current)
        current = f"passphrase number {n}"
    db_session.get(SecurityPolicyRow, business.id).history_depth = 5
    db_session.commit()
    bcrypt_calls.update(verify=0, hash=0)
    change(db_session, config, user, current=current)
    # One check of the current password; the current one counts among the 5 without a
    # check of its own (it was just typed), so 4 earlier hashes; then one new hash.
    assert bcrypt_calls == {"verify": 1 + 4, "hash": 1}


def test_history_keeps_the_deepest_any_policy_allows(db_session, config, make_client, make_user):
    business = make_client()
    set_policy(db_session, business, history_depth=0)
    user = make_user(client=business)
    current = DEFAULT_PASSWORD
    for n in range(HISTORY_KEPT + 3):
        new = f"passphrase number {n}"
        change(db_session, config, user, new, current=current, now=NOW + timedelta(days=n))
        current = new
    kept = db_session.scalars(
        select(PasswordHistory.created_at).order_by(PasswordHistory.created_at)
    ).all()
    assert HISTORY_KEPT == 24 and len(kept) == 24
    assert kept[0] == NOW + timedelta(days=3)  # the three oldest went


def test_a_very_long_password_is_accepted_whole(db_session, config, make_user):
    user = make_user()
    long_one = "correct horse battery staple " * 5  # 145 characters
    change(db_session, config, user, long_one)
    assert signs_in_with(db_session, config, user, long_one)
    assert not signs_in_with(db_session, config, user, long_one[:-1])


def test_a_password_set_in_full_width_characters_works_typed_in_ascii(
    db_session, config, make_user
):
    user = make_user()
    change(db_session, config, user, "Ｐｕｒｐｌｅ Ｗａｌｒｕｓ Ｔｅａｃｕｐｓ")
    assert signs_in_with(db_session, config, user, "Purple Walrus Teacups")
    attempt = Attempt(user.email, "Purple Walrus Teacups", "203.0.113.7", "test")
    assert sign_in(db_session, config, user.client, attempt, now=NOW).user.id == user.id


@pytest.mark.parametrize(
    "damaged", ["purple walrus \ud800 teacups", "purple walrus \ufffd teacups"]
)
def test_characters_that_cannot_be_stored_are_refused_clearly(
    db_session, config, make_user, damaged
):
    user = make_user()
    refused = refusal(db_session, config, user, damaged)
    assert (refused.field, refused.problems) == ("new", [CANNOT_STORE])


def test_a_change_ends_every_session_of_the_person(db_session, config, make_user):
    user, other = make_user(), make_user()
    for person in (user, user, other):
        sessions.open_session(db_session, person, now=NOW, ip_address="", user_agent="")
    change(db_session, config, user)
    open_rows = db_session.scalars(select(UserSession).where(UserSession.ended_at.is_(None)))
    assert [row.user_id for row in open_rows] == [other.id]


def test_a_password_changed_elsewhere_meanwhile_is_not_overwritten(
    db_session, config, make_user, monkeypatch
):
    user = make_user()
    real_hash = passwords.hash_password

    def hash_while_another_change_lands(*args):
        # Another browser saves its change while this one is still hashing.
        db_session.get(User, user.id).password_hash = real_hash("someone else's", b"x", 4)
        db_session.commit()
        return real_hash(*args)

    monkeypatch.setattr(passwords, "hash_password", hash_while_another_change_lands)
    refused = refusal(db_session, config, user, NEW)
    assert refused.field == "current"
    assert not signs_in_with(db_session, config, user, NEW)


# -- an administrator's temporary password ------------------------------------------------


@pytest.fixture
def people(make_client, make_user):
    business = make_client(name="Riverside Counselling")
    admin = make_user(client=business, role=Role.CLIENT_ADMIN)
    return business, admin, Scope.for_user(admin)


def test_a_temporary_password_replaces_the_old_one_and_must_be_changed(
    db_session, config, people, make_user
):
    business, admin, scope = people
    customer = make_user(client=business, failed_attempts=5, locked_at=NOW, locked_until=None)
    sessions.open_session(db_session, customer, now=NOW, ip_address="", user_agent="")
    old_hash = customer.password_hash
    issued = set_temporary_password(db_session, config, scope, customer.id, admin, now=NOW)
    assert signs_in_with(db_session, config, customer, issued.password)
    assert not signs_in_with(db_session, config, customer, DEFAULT_PASSWORD)
    customer = db_session.get(User, customer.id)
    assert customer.must_change_password and customer.locked_at is None
    assert customer.failed_attempts == 0
    assert db_session.scalar(select(PasswordHistory.password_hash)) == old_hash
    assert db_session.scalar(select(UserSession.end_reason)) is not None
    attempt = Attempt(customer.email, issued.password, "203.0.113.7", "test")
    assert sign_in(db_session, config, business, attempt, now=NOW).must_change_password


def test_a_temporary_password_meets_the_clients_rules(db_session, config, people, make_user):
    business, admin, scope = people
    set_policy(db_session, business, min_length=40, required_classes="upper,digit,symbol")
    staff = make_user(client=business, role=Role.STAFF)
    issued = set_temporary_password(db_session, config, scope, staff.id, admin, now=NOW)
    assert len(issued.password) >= 40


def test_only_an_administrator_sets_temporary_passwords(db_session, config, people, make_user):
    business, _admin, scope = people
    staff, customer = make_user(client=business, role=Role.STAFF), make_user(client=business)
    with pytest.raises(AccessDenied):
        set_temporary_password(db_session, config, scope, customer.id, staff, now=NOW)
    assert signs_in_with(db_session, config, customer, DEFAULT_PASSWORD)


def test_another_clients_account_is_not_found(db_session, config, people, make_user):
    _business, admin, scope = people
    stranger = make_user()
    with pytest.raises(NotFound):
        set_temporary_password(db_session, config, scope, stranger.id, admin, now=NOW)
    assert signs_in_with(db_session, config, stranger, DEFAULT_PASSWORD)


def test_an_administrator_cannot_give_themselves_one(db_session, config, people):
    _business, admin, scope = people
    with pytest.raises(InvalidInput, match="own password"):
        set_temporary_password(db_session, config, scope, admin.id, admin, now=NOW)


# -- registration ------------------------------------------------------------------------


def test_registration_refuses_a_common_password_with_the_sentence(db_session, config, make_client):
    business = make_client()
    with pytest.raises(PasswordRefused) as refused:
        register_customer(
            db_session,
            config,
            business,
            email="ada@example.org",
            display_name="Ada",
            password="leavemealone",
        )
    assert refused.value.field == "password"
    assert refused.value.problems == [
        "That is one of the most common passwords. Please choose another."
    ]
    assert db_session.scalar(select(func.count()).select_from(User)) == 0


def test_registration_applies_the_clients_minimum_and_name(db_session, config, make_client):
    business = make_client(name="Harbour Physio")
    set_policy(db_session, business, min_length=16)
    with pytest.raises(PasswordRefused) as refused:
        register_customer(
            db_session,
            config,
            business,
            email="ada@example.org",
            display_name="Ada",
            password="harbour physio!",
        )
    assert refused.value.problems == [
        "Use at least 16 characters: a few unrelated words work well.",
        "Do not use the name of the business in your password.",
    ]
