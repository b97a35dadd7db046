"""Calendar feeds: the subscription URL itself, and each person's page to manage theirs.

The feed URL carries no session: calendar apps fetch it on their own. It is
`@public`, and any token that is not valid answers the same 404.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import SelectChoice

from app.access import login_required_role, public
from app.config import get_config
from app.db import get_session, utcnow
from app.errors import InvalidInput
from app.models import Role, User
from app.scope import Scope
from app.services import calendar_feeds
from app.services.feed_serving import serve_feed
from app.web.forms.calendar_feeds import FeedForm, RenameFeedForm
from app.web.forms.staff_schedules import ConfirmForm

bp = Blueprint("calendar_feeds", __name__)

CLIENT_ROLES = (Role.CUSTOMER, Role.STAFF, Role.CLIENT_ADMIN)
_MINE = "/account/calendar-feeds"


@bp.get("/feeds/<token>.ics")
@public
def feed(token: str) -> ResponseReturnValue:
    """The iCalendar feed of a valid token; 304 when the caller's copy is current."""
    answer = serve_feed(
        get_session(), token, fresh=request.if_none_match.contains_weak, now=utcnow()
    )
    response = Response(answer.body or b"", status=200 if answer.body else 304)
    response.content_type = "text/calendar; charset=utf-8"
    response.set_etag(answer.etag)
    # Only the subscriber's own app may keep it, and it must ask again (cheaply) each time.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route(_MINE, methods=["GET", "POST"])
@login_required_role(*CLIENT_ROLES)
def my_feeds() -> ResponseReturnValue:
    """GET: the person's feeds. POST: make one and show its URL, this once."""
    user = _actor()
    form = _feed_form(user)
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        schedule_id = uuid.UUID(form.schedule.data) if form.schedule.data else None
        try:
            made = calendar_feeds.create_feed(
                get_session(), user, name=form.name.data, schedule_id=schedule_id, now=utcnow()
            )
        except InvalidInput as refused:
            form.name.errors.append(str(refused))
        else:
            return _shown_once(made)
    return _page(user, form), status


@bp.post(_MINE + "/<uuid:feed_id>/rename")
@login_required_role(*CLIENT_ROLES)
def rename(feed_id: uuid.UUID) -> ResponseReturnValue:
    """POST: give a feed a new name."""
    user = _actor()
    form = RenameFeedForm()
    if not form.validate_on_submit():
        flash("Give the feed a name of at most 100 characters.", "error")
        return redirect(url_for("calendar_feeds.my_feeds")), 303
    try:
        calendar_feeds.rename_feed(get_session(), user, feed_id, name=form.name.data)
    except InvalidInput as refused:
        flash(str(refused), "error")
    return redirect(url_for("calendar_feeds.my_feeds")), 303


@bp.post(_MINE + "/<uuid:feed_id>/revoke")
@login_required_role(*CLIENT_ROLES)
def revoke(feed_id: uuid.UUID) -> ResponseReturnValue:
    """POST: stop a feed at once."""
    if ConfirmForm().validate_on_submit():
        calendar_feeds.revoke_feed(get_session(), _actor(), feed_id, now=utcnow())
        flash("The feed is revoked: its URL no longer works.", "success")
    return redirect(url_for("calendar_feeds.my_feeds")), 303


@bp.post(_MINE + "/<uuid:feed_id>/regenerate")
@login_required_role(*CLIENT_ROLES)
def regenerate(feed_id: uuid.UUID) -> ResponseReturnValue:
    """POST: replace a feed's URL; the old one stops working."""
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("calendar_feeds.my_feeds")), 303
    made = calendar_feeds.regenerate_feed(get_session(), _actor(), feed_id, now=utcnow())
    return _shown_once(made)


def _shown_once(made: calendar_feeds.NewFeed) -> ResponseReturnValue:
    # The configured public address, never the Host header a request happened to carry.
    url = get_config().base_url.rstrip("/") + url_for("calendar_feeds.feed", token=made.token)
    response = Response(
        render_template("account/calendar_feed_created.html", feed=made.feed, url=url)
    )
    # The page holds a secret: nothing may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(user: User, form: FeedForm) -> str:
    return render_template(
        "account/calendar_feeds.html",
        feeds=calendar_feeds.my_feeds(get_session(), user),
        form=form,
        rename_form=RenameFeedForm(formdata=None),
        confirm=ConfirmForm(),
    )


def _feed_form(user: User) -> FeedForm:
    form = FeedForm()
    scope = Scope.for_user(user)
    if scope.is_customer:
        form.schedule.choices = [SelectChoice("", "Your appointments")]
    else:
        schedules = calendar_feeds.visible_schedules(get_session(), scope)
        form.schedule.choices = [SelectChoice("", "All schedules")] + [
            SelectChoice(str(schedule.id), schedule.name) for schedule in schedules
        ]
    return form


def _actor() -> User:
    return current_user._get_current_object()
