"""Pages for a client's staff and administrators, under /staff.

This module is the URL table; each feature's views live in their own module.
Every record in a URL is looked up through the signed-in user's `Scope`, so
another client's ID answers 404 exactly like an ID that does not exist.
"""

from __future__ import annotations

from flask import Blueprint

from app.web.staff import (
    access_history,
    account_changes,
    agenda,
    appointments,
    calendar_feeds,
    customers,
    data_retention,
    erasure_requests,
    login_log,
    record_locks,
    reminders_admin,
    schedule_hours,
    schedules,
    security_accounts,
    security_settings,
    services_admin,
    staff_members,
    support_access,
    temporary_password,
    times,
)

bp = Blueprint("staff", __name__, url_prefix="/staff")

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
APPOINTMENT = "/appointments/<uuid:appointment_id>"
SCHEDULE = "/schedules/<uuid:schedule_id>"
ACCOUNT = "/security/accounts/<uuid:user_id>"

#: (rule, view, methods); the endpoint is "staff." + the view's name.
ROUTES = (
    ("/agenda", agenda.agenda, GET),
    ("/appointments/new", times.appointment_new, BOTH),
    (APPOINTMENT, appointments.appointment, GET),
    (f"{APPOINTMENT}/approve", appointments.appointment_approve, POST),
    (f"{APPOINTMENT}/decline", appointments.appointment_decline, POST),
    (f"{APPOINTMENT}/cancel", appointments.appointment_cancel, POST),
    (f"{APPOINTMENT}/outcome", appointments.appointment_outcome, POST),
    (f"{APPOINTMENT}/reschedule", times.appointment_reschedule, BOTH),
    ("/customers", customers.customers, GET),
    ("/customers/<uuid:customer_id>", customers.customer, GET),
    ("/customers/<uuid:customer_id>/lock", record_locks.record_lock, BOTH),
    ("/record-locks", record_locks.record_locks_list, GET),
    ("/customers/<uuid:customer_id>/unlock", record_locks.record_lock_remove, POST),
    ("/support-access", support_access.support_access, BOTH),
    ("/support-access/revoke", support_access.support_access_revoke, POST),
    ("/schedules", schedules.schedules, GET),
    ("/schedules/new", schedules.schedule_new, BOTH),
    (SCHEDULE, schedules.schedule, GET),
    (f"{SCHEDULE}/edit", schedules.schedule_edit, BOTH),
    (f"{SCHEDULE}/hours", schedule_hours.schedule_hours, BOTH),
    (f"{SCHEDULE}/overrides", schedule_hours.schedule_override_add, POST),
    (f"{SCHEDULE}/overrides/<day>/delete", schedule_hours.schedule_override_delete, POST),
    (f"{SCHEDULE}/closures", schedule_hours.schedule_closure_add, POST),
    (
        f"{SCHEDULE}/closures/<uuid:closure_id>/delete",
        schedule_hours.schedule_closure_delete,
        POST,
    ),
    ("/services", services_admin.services, GET),
    ("/services/new", services_admin.service_new, BOTH),
    ("/services/<uuid:service_id>/edit", services_admin.service_edit, BOTH),
    ("/services/<uuid:service_id>/delete", services_admin.service_delete, POST),
    ("/team", staff_members.team, GET),
    ("/team/new", staff_members.team_new, BOTH),
    ("/team/<uuid:user_id>/deactivate", staff_members.team_deactivate, POST),
    ("/security", security_settings.security_settings, BOTH),
    ("/security/log", login_log.security_log, GET),
    ("/security/log.csv", login_log.security_log_csv, GET),
    ("/access-history", access_history.access_history, GET),
    ("/access-history.csv", access_history.access_history_csv, GET),
    ("/security/locked", security_accounts.security_locked, GET),
    ("/security/new-passwords", security_accounts.security_require_new_passwords, BOTH),
    (ACCOUNT, security_accounts.security_account, GET),
    (f"{ACCOUNT}/unlock", security_accounts.security_unlock, POST),
    (f"{ACCOUNT}/new-password", security_accounts.security_require_new_password, POST),
    (f"{ACCOUNT}/sign-out", security_accounts.security_sign_out_everywhere, POST),
    (f"{ACCOUNT}/role", account_changes.security_change_role, POST),
    (f"{ACCOUNT}/schedules", account_changes.security_schedule_access, POST),
    (f"{ACCOUNT}/second-factor/reset", account_changes.security_reset_second_factor, POST),
    ("/users/<uuid:user_id>/temporary-password", temporary_password.temporary_password, BOTH),
    ("/calendar-feeds", calendar_feeds.calendar_feeds_admin, BOTH),
    ("/calendar-feeds/<uuid:feed_id>/revoke", calendar_feeds.calendar_feed_revoke, POST),
    ("/data-retention", data_retention.data_retention, BOTH),
    ("/reminders", reminders_admin.reminder_settings, BOTH),
    ("/reminders/services/<uuid:service_id>", reminders_admin.reminder_service_leads, POST),
    ("/mail-failures", reminders_admin.mail_failures, GET),
    ("/mail-failures/<kind>/<uuid:item_id>/retry", reminders_admin.mail_failure_retry, POST),
    ("/erasure-requests", erasure_requests.erasure_requests, GET),
    (
        "/erasure-requests/<uuid:request_id>/approve",
        erasure_requests.erasure_request_approve,
        POST,
    ),
    (
        "/erasure-requests/<uuid:request_id>/decline",
        erasure_requests.erasure_request_decline,
        POST,
    ),
)

for _rule, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, view_func=_view, methods=_methods)
