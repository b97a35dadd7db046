"""Admins reach an account's security page from the team and customer pages."""

from app.models import Role
from tests.web.forms import sign_in


def test_admins_find_account_controls_from_team_and_customer_pages(client, make_user):
    admin = make_user(role=Role.CLIENT_ADMIN)
    colleague = make_user(client=admin.client, role=Role.STAFF)
    customer = make_user(client=admin.client)
    sign_in(client, admin)
    team = client.get("/staff/team").get_data(as_text=True)
    assert f"/staff/security/accounts/{colleague.id}" in team
    page = client.get(f"/staff/customers/{customer.id}").get_data(as_text=True)
    assert f"/staff/security/accounts/{customer.id}" in page
    account = client.get(f"/staff/security/accounts/{customer.id}").get_data(as_text=True)
    assert f"/staff/users/{customer.id}/temporary-password" in account


def test_staff_see_no_link_to_account_controls(client, make_user):
    staff = make_user(role=Role.STAFF)
    customer = make_user(client=staff.client)
    sign_in(client, staff)
    page = client.get(f"/staff/customers/{customer.id}").get_data(as_text=True)
    assert "/staff/security/accounts/" not in page


def test_a_customers_page_links_each_appointment_to_its_staff_page(
    client, make_user, make_appointment
):
    admin = make_user(role=Role.CLIENT_ADMIN)
    appointment = make_appointment(customer=make_user(client=admin.client))
    sign_in(client, admin)
    page = client.get(f"/staff/customers/{appointment.customer_id}").get_data(as_text=True)
    assert f"/staff/appointments/{appointment.id}" in page
