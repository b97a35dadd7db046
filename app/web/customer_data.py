"""A customer's own data at one client: download a copy, or ask for it to be erased."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.access import login_required_role
from app.db import get_session, utcnow
from app.errors import Conflict
from app.models import Client, Role
from app.services import erasure
from app.services.data_export import export_customer_data
from app.web.accounts import load_client
from app.web.customer_gate import customer_scope, register_page_errors
from app.web.forms.data_rights import DownloadForm, ErasureForm

bp = Blueprint("customer_data", __name__)
register_page_errors(bp)

_DATA = "/c/<slug>/account/data"


@bp.get(_DATA)
@login_required_role(Role.CUSTOMER)
def my_data(slug: str) -> ResponseReturnValue:
    """What we hold, the download button, and the erasure request (or its state)."""
    client = load_client(slug)
    customer_scope(client)
    return _page(client)


@bp.post(_DATA + "/download")
@login_required_role(Role.CUSTOMER)
def download(slug: str) -> ResponseReturnValue:
    """POST: a zip of the customer's data as JSON and their appointments as .ics."""
    client = load_client(slug)
    scope = customer_scope(client)
    if not DownloadForm().validate_on_submit():
        return _page(client, status=400)
    export = export_customer_data(
        get_session(), scope, actor=current_user._get_current_object(), now=utcnow()
    )
    return Response(
        export.content,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            # It holds a person's data: no shared cache may keep it.
            "Cache-Control": "private, no-store",
        },
    )


@bp.post(_DATA + "/erasure")
@login_required_role(Role.CUSTOMER)
def request_erasure(slug: str) -> ResponseReturnValue:
    """POST (with the confirmation ticked): ask the client to erase the account."""
    client = load_client(slug)
    scope = customer_scope(client)
    form = ErasureForm()
    if not form.validate_on_submit():
        return _page(client, erasure_form=form, status=400)
    try:
        erasure.request_erasure(
            get_session(), scope, actor=current_user._get_current_object(), now=utcnow()
        )
    except Conflict as refused:
        return _page(client, problem=str(refused), status=409)
    flash(
        f"Your request is sent. {client.name} will erase your data once an administrator "
        "approves it; you can keep using your account until then.",
        "success",
    )
    return redirect(url_for("customer_data.my_data", slug=client.slug))


def _page(
    client: Client,
    *,
    erasure_form: ErasureForm | None = None,
    problem: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    latest = erasure.latest_request(get_session(), customer_scope(client))
    return render_template(
        "customer/data.html",
        client=client,
        download_form=DownloadForm(),
        erasure_form=erasure_form or ErasureForm(formdata=None),
        latest=latest,
        problem=problem,
    ), status
