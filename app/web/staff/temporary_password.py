"""An administrator gives someone who lost their password a temporary one, shown once.

GET asks for confirmation; POST sets it and shows it on the answer page only:
it is never put in a redirect, the session or a flash message, and signed-in
pages are not cached (see app.web.session_guard).
"""

from __future__ import annotations

import uuid

from flask import render_template
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.config import get_config
from app.db import get_session
from app.errors import InvalidInput
from app.models import Role
from app.services.passwords import set_temporary_password, temporary_password_target
from app.web.forms.staff_schedules import ConfirmForm
from app.web.staff import common


@login_required_role(Role.CLIENT_ADMIN)
def temporary_password(user_id: uuid.UUID) -> ResponseReturnValue:
    """GET: what a temporary password does; POST: set one and show it once."""
    session, scope, actor = get_session(), common.scope(), common.actor()
    form = ConfirmForm()
    try:
        person = temporary_password_target(session, scope, user_id, actor)
    except InvalidInput as refused:
        return render_template("staff/temporary_password.html", problem=str(refused)), 400
    if not form.validate_on_submit():
        return render_template("staff/temporary_password.html", person=person, form=form)
    issued = set_temporary_password(session, get_config(), scope, user_id, actor, now=common.now())
    return render_template("staff/temporary_password_set.html", issued=issued)
