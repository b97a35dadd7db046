"""The login log as administrators read it: only their client's attempts, filtered, paged."""

from datetime import date, timedelta

import pytest

from app.errors import NotFound
from app.models import LoginOutcome, Role
from app.scope import Scope
from app.services import login_log
from app.services.login_log import PAGE_SIZE, LogFilter
from tests.services.security_setup import WHEN, make_attempt
from tests.settings import TEST_BLIND_INDEX_KEY


@pytest.fixture
def clinic(make_client, make_user):
    client = make_client(timezone="America/New_York")
    return {
        "client": client,
        "ada": make_user(client=client, role=Role.CLIENT_ADMIN, email="ada@example.org"),
        "cara": make_user(client=client, email="cara@example.org"),
        "scope": Scope(client.id),
    }


def read(session, clinic, number=1, **filters):
    return login_log.page(
        session,
        clinic["scope"],
        LogFilter(**filters),
        lookup_key=TEST_BLIND_INDEX_KEY,
        number=number,
    )


def test_only_the_clients_own_attempts_are_listed_newest_first(
    db_session, clinic, make_client, make_user
):
    other = make_client()
    make_attempt(db_session, other, make_user(client=other))
    older = make_attempt(db_session, clinic["client"], clinic["ada"], at=WHEN - timedelta(hours=1))
    newer = make_attempt(db_session, clinic["client"], clinic["cara"], at=WHEN)
    log = read(db_session, clinic)
    assert [e.at for e in log.entries] == [newer.attempted_at, older.attempted_at]
    assert [e.account_name for e in log.entries] == [
        clinic["cara"].display_name,
        clinic["ada"].display_name,
    ]
    assert log.total == 2 and log.zone.key == "America/New_York"


def test_an_attempt_on_no_account_is_listed_without_a_name(db_session, clinic):
    make_attempt(db_session, clinic["client"], None)
    [entry] = read(db_session, clinic).entries
    assert (entry.user_id, entry.account_name, entry.outcome) == (
        None,
        None,
        LoginOutcome.UNKNOWN_ACCOUNT,
    )


def test_the_log_narrows_to_an_outcome_an_account_an_address_and_an_ip(db_session, clinic):
    client, ada, cara = clinic["client"], clinic["ada"], clinic["cara"]
    make_attempt(db_session, client, ada, outcome=LoginOutcome.WRONG_PASSWORD)
    make_attempt(db_session, client, cara, ip_address="198.51.100.4")
    make_attempt(db_session, client, None)

    def outcomes(**filters):
        return sorted(e.outcome.value for e in read(db_session, clinic, **filters).entries)

    assert outcomes(outcome=LoginOutcome.WRONG_PASSWORD) == ["wrong_password"]
    assert outcomes(account_id=cara.id) == ["success"]
    assert outcomes(email=" ADA@example.org ") == ["wrong_password"]
    assert outcomes(email="nobody@example.org") == []
    assert outcomes(ip_address="198.51.100.4") == ["success"]


def test_the_date_range_is_read_in_the_clients_zone(db_session, clinic):
    # 03:00 UTC on 1 March is still 28 February in New York.
    late_evening = make_attempt(
        db_session, clinic["client"], clinic["ada"], at=WHEN.replace(day=1, month=3, hour=3)
    )
    make_attempt(
        db_session, clinic["client"], clinic["ada"], at=WHEN.replace(day=1, month=3, hour=6)
    )
    feb_28 = date(2031, 2, 28)
    [entry] = read(db_session, clinic, first_day=feb_28, last_day=feb_28).entries
    assert entry.at == late_evening.attempted_at
    assert read(db_session, clinic, first_day=date(2031, 3, 1)).total == 1


def test_the_log_comes_fifty_to_a_page(db_session, clinic):
    for minutes in range(PAGE_SIZE + 1):
        make_attempt(
            db_session, clinic["client"], clinic["ada"], at=WHEN - timedelta(minutes=minutes)
        )
    first, second = read(db_session, clinic, 1), read(db_session, clinic, 2)
    assert (len(first.entries), len(second.entries)) == (PAGE_SIZE, 1)
    assert (first.has_next, second.has_next, second.has_previous) == (True, False, True)
    assert second.entries[0].at == WHEN - timedelta(minutes=PAGE_SIZE)
    assert read(db_session, clinic, 99).number == 2  # past the end: the last page


def test_another_clients_account_cannot_be_named_in_a_filter(
    db_session, clinic, make_client, make_user
):
    stranger = make_user(client=make_client())
    with pytest.raises(NotFound):
        read(db_session, clinic, account_id=stranger.id)
    with pytest.raises(NotFound):
        login_log.export_statement(
            db_session, clinic["scope"], LogFilter(account_id=stranger.id), lookup_key=b"k"
        )


def test_an_address_of_another_client_matches_nothing_here(
    db_session, clinic, make_client, make_user
):
    other = make_client()
    stranger = make_user(client=other, email="stranger@example.org")
    make_attempt(db_session, other, stranger)
    make_attempt(db_session, clinic["client"], clinic["ada"])
    assert read(db_session, clinic, email="stranger@example.org").total == 0


def test_the_export_has_every_matching_attempt(db_session, clinic):
    for minutes in range(PAGE_SIZE + 5):
        make_attempt(
            db_session, clinic["client"], clinic["ada"], at=WHEN - timedelta(minutes=minutes)
        )
    make_attempt(db_session, clinic["client"], None)
    statement = login_log.export_statement(
        db_session,
        clinic["scope"],
        LogFilter(account_id=clinic["ada"].id),
        lookup_key=TEST_BLIND_INDEX_KEY,
    )
    entries = list(login_log.export_entries(db_session, clinic["scope"], statement))
    assert len(entries) == PAGE_SIZE + 5
    assert entries == sorted(entries, key=lambda e: e.at, reverse=True)
