"""Administrators: every calendar feed of the client, revoking any, and what feeds reveal."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.db import get_session
from app.errors import InvalidInput
from app.models import Role
from app.services import calendar_feeds
from app.web.forms.calendar_feeds import FeedPrivacyForm
from app.web.forms.staff_schedules import ConfirmForm
from app.web.staff import common


@login_required_role(Role.CLIENT_ADMIN)
def calendar_feeds_admin() -> ResponseReturnValue:
    """GET: all feeds and the privacy level. POST: change the privacy level."""
    form = FeedPrivacyForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            calendar_feeds.set_feed_privacy(
                get_session(), common.scope(), actor=common.actor(), privacy=form.privacy.data
            )
        except InvalidInput as refused:
            status = common.show_on_form(form, refused)
        else:
            flash("Calendar feeds now show what you chose.", "success")
            return redirect(url_for("staff.calendar_feeds_admin")), 303
    if not form.is_submitted():
        form.privacy.data = common.actor().client.feed_privacy.value
    feeds = calendar_feeds.client_feeds(get_session(), common.scope(), actor=common.actor())
    page = render_template(
        "staff/calendar_feeds.html", feeds=feeds, form=form, confirm=ConfirmForm()
    )
    return page, status


@login_required_role(Role.CLIENT_ADMIN)
def calendar_feed_revoke(feed_id: uuid.UUID) -> ResponseReturnValue:
    """POST: stop any feed of the client at once."""
    if ConfirmForm().validate_on_submit():
        calendar_feeds.admin_revoke_feed(
            get_session(), common.scope(), feed_id, actor=common.actor(), now=common.now()
        )
        flash("The feed is revoked: its address no longer works.", "success")
    return redirect(url_for("staff.calendar_feeds_admin")), 303
