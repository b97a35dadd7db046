"""Public reads: a client's services, and the open slots of one of them."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask.blueprints import BlueprintSetupState

from app.access import public
from app.api import bp, ok, ok_body
from app.api.schemas import AvailabilityQuery
from app.db import get_session, utcnow
from app.services.public_availability import AvailabilityAsk, BodyCache, availability_body
from app.services.public_offer import OfferedService, offered_services
from app.web.slot_cache import get_slot_cache

_BODY_CACHE = "safeslot.api.availability_bodies"
#: Public data, but it changes with every booking: a browser may keep it, never reuse it unasked.
PUBLIC_CACHE_CONTROL = "private, max-age=0"


@bp.record_once
def _init_body_cache(state: BlueprintSetupState) -> None:
    app: Flask = state.app
    app.extensions[_BODY_CACHE] = BodyCache()


@bp.get("/clients/<slug>/services")
@public
def services(slug: str) -> Response:
    """The client's active services, each with the schedules offering it."""
    response = ok([_service(s) for s in offered_services(get_session(), slug)])
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
    return response


@bp.get("/clients/<slug>/availability")
@public
def availability(slug: str) -> Response:
    """Open slots of `service` on `schedule` (or any) for `days` local days from `from`."""
    query = AvailabilityQuery.model_validate(request.args.to_dict())
    body = availability_body(
        get_session(),
        get_slot_cache(),
        current_app.extensions[_BODY_CACHE],
        client_slug=slug,
        ask=AvailabilityAsk(
            service_id=query.service,
            schedule_id=query.schedule,
            first_day=query.first_day,
            days=query.days,
            zone=query.tz,
        ),
        now=utcnow(),
    )
    response = ok_body(body)
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
    return response


def _service(service: OfferedService) -> dict[str, object]:
    return {
        "id": str(service.id),
        "name": service.name,
        "description": service.description,
        "duration_minutes": service.duration_minutes,
        "schedules": [
            {"id": str(s.id), "name": s.name, "timezone": s.timezone} for s in service.schedules
        ],
    }
