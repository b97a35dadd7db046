"""The login log page and its CSV export: one client's attempts, filtered, safe to open."""

import csv
import io
from datetime import timedelta

from app.models import LoginOutcome
from app.web.csv_export import safe_cell
from tests.services.security_setup import WHEN, make_attempt
from tests.web.staff.helpers import csrf_token, sign_in, text

LOG, CSV = "/staff/security/log", "/staff/security/log.csv"
HEADER = ["time_utc", "outcome", "account_name", "account_email", "ip_address", "user_agent"]


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_log_shows_this_clients_attempts_only_in_its_named_zone(
    client, db_session, team, make_client, make_user
):
    other = make_client()
    make_attempt(db_session, other, make_user(client=other, display_name="Olu Elsewhere"))
    team.client.timezone = "America/New_York"
    db_session.commit()
    agent = "Firefox/" + "9" * 100
    make_attempt(db_session, team.client, team.customer, user_agent=agent)
    make_attempt(db_session, team.client, None, outcome=LoginOutcome.UNKNOWN_ACCOUNT)
    sign_in(client, team.admin)
    page = text(client.get(LOG))
    assert "Olu Elsewhere" not in page
    assert "Cara Customer" in page and "unknown account" in page
    assert "America/New_York" in page
    assert "28 Feb 2031, 10:00:00" in page  # 15:00 UTC
    assert "Unknown account" in page and "Success" in page
    assert agent[:59] + "…" in page and agent not in page


def test_the_log_narrows_by_outcome_account_dates_and_ip(client, db_session, team):
    make_attempt(db_session, team.client, team.staff, outcome=LoginOutcome.WRONG_PASSWORD)
    make_attempt(db_session, team.client, team.customer, ip_address="198.51.100.4")
    make_attempt(db_session, team.client, team.customer, at=WHEN - timedelta(days=3))
    sign_in(client, team.admin)  # this sign-in is logged too, today

    def names(query: str) -> tuple[int, str]:
        response = client.get(f"{LOG}?{query}")
        page = text(response)
        return response.status_code, page.count(">Sol Staff</a>"), page.count(">Cara Customer</a>")

    assert names("outcome=wrong_password") == (200, 1, 0)
    assert names(f"email={team.customer.email}") == (200, 0, 2)
    assert names(f"account={team.staff.id}")[1:] == (1, 0)
    assert names("from=2031-02-28&to=2031-02-28") == (200, 1, 1)
    assert names("ip=198.51.100.4") == (200, 0, 1)


def test_unreadable_filters_are_named_and_ignored(client, team):
    sign_in(client, team.admin)
    response = client.get(f"{LOG}?outcome=bogus&from=yesterday&ip=not-an-ip")
    assert response.status_code == 400
    page = text(response)
    assert "Choose an outcome from the list" in page
    assert "“yesterday” is not a date we can read" in page
    assert "“not-an-ip” is not an IP address" in page


def test_the_log_comes_fifty_to_a_page_with_links_that_keep_the_filters(client, db_session, team):
    for minutes in range(51):
        make_attempt(db_session, team.client, team.customer, at=WHEN - timedelta(minutes=minutes))
    sign_in(client, team.admin)
    first = text(client.get(f"{LOG}?account={team.customer.id}"))
    assert first.count(">Cara Customer</a>") == 50 and "Page 1 of 2" in first
    assert f"/staff/security/log?page=2&amp;account={team.customer.id}" in first
    second = text(client.get(f"{LOG}?account={team.customer.id}&page=2"))
    assert second.count(">Cara Customer</a>") == 1


def test_a_real_failed_sign_in_appears_in_the_log(client, team):
    path = f"/c/{team.client.slug}/signin"
    stranger = client.application.test_client()
    stranger.post(
        path,
        data={
            "email": team.staff.email,
            "password": "wrong",
            "csrf_token": csrf_token(stranger, path),
        },
    )
    sign_in(client, team.admin)
    page = text(client.get(f"{LOG}?outcome=wrong_password"))
    assert "Sol Staff" in page and "Wrong password" in page


def test_the_csv_is_a_download_with_a_header_and_the_filtered_rows(client, db_session, team):
    make_attempt(db_session, team.client, team.staff, outcome=LoginOutcome.WRONG_PASSWORD)
    make_attempt(db_session, team.client, team.customer, ip_address="198.51.100.4")
    sign_in(client, team.admin)
    response = client.get(f"{CSV}?outcome=wrong_password")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].startswith("attachment")
    header, *rows = rows_of(response)
    assert header == HEADER
    assert rows == [
        [
            WHEN.isoformat(),
            "wrong_password",
            "Sol Staff",
            team.staff.email,
            "203.0.113.7",
            "Mozilla/5.0 (test)",
        ]
    ]
    assert WHEN.isoformat() == "2031-02-28T15:00:00+00:00"


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client, db_session, team):
    team.customer.display_name = '=HYPERLINK("http://evil.example","x")'
    db_session.commit()
    make_attempt(db_session, team.client, team.customer, user_agent="@SUM(1+1)")
    make_attempt(db_session, team.client, None, user_agent="-2+3")
    make_attempt(db_session, team.client, None, user_agent="+cmd|' /C calc'!A0")
    sign_in(client, team.admin)
    _header, *rows = rows_of(client.get(f"{CSV}?from=2031-02-28&to=2031-02-28"))
    agents = sorted(row[5] for row in rows)
    assert agents == ["'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(1+1)"]
    assert '\'=HYPERLINK("http://evil.example","x")' in [row[2] for row in rows]


def test_safe_cells_leave_ordinary_text_alone():
    assert safe_cell("Mozilla/5.0") == "Mozilla/5.0"
    assert safe_cell("2001:db8::1") == "2001:db8::1"
    assert safe_cell(None) == ""
    assert [safe_cell(v) for v in ("=1", "+1", "-1", "@a", "\t=1", "\r=1")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\t=1",
        "'\r=1",
    ]


def test_the_csv_of_another_clients_account_is_not_found(client, team, make_client, make_user):
    stranger = make_user(client=make_client())
    sign_in(client, team.admin)
    assert client.get(f"{CSV}?account={stranger.id}").status_code == 404
    assert client.get(f"{LOG}?account={stranger.id}").status_code == 404
    assert client.get(f"{CSV}?from=soon").status_code == 400


def test_staff_cannot_download_the_log(client, team):
    sign_in(client, team.staff)
    assert client.get(CSV).status_code == 403
