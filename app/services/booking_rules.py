"""What a booking is checked against, kept per process under the schedule's rules version.

Reading a schedule's rules costs three queries (the schedule with its hours and
services, its date overrides, its closures) and their conversion to engine values,
all under the schedule's lock, where every round trip holds up the next booking.
Every change to those rules bumps `schedules.rules_version` in its own transaction,
under the same lock, and the statement that takes a booking's lock returns the
version. A kept copy is used only when its version is the one just read, so a
booking is never checked against rules older than the lock it holds.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session

import scheduling
from app import models
from app.services.engine_values import engine_schedule, engine_service

#: Schedules whose rules one process keeps; the least recently used go first.
MAX_KEPT = 512


@dataclass(frozen=True)
class OfferedService:
    """A service as a booking on one schedule sees it."""

    engine: scheduling.Service
    is_active: bool


@dataclass(frozen=True)
class BookingRules:
    """One version of a schedule's rules, as plain values (safe to share between requests)."""

    schedule_id: uuid.UUID
    version: int
    engine: scheduling.Schedule
    #: The services the schedule offers, by ID (switched-off ones included).
    services: Mapping[uuid.UUID, OfferedService]
    is_active: bool
    approval_required: bool
    buffer_before_minutes: int
    buffer_after_minutes: int


def rules_of(schedule: models.Schedule) -> BookingRules:
    """The rules of a loaded schedule (its hours, overrides, closures and services)."""
    return BookingRules(
        schedule_id=schedule.id,
        version=schedule.rules_version,
        engine=engine_schedule(schedule),
        services=MappingProxyType(
            {
                service.id: OfferedService(
                    engine_service(service, [schedule.id]), service.is_active
                )
                for service in schedule.services
            }
        ),
        is_active=schedule.is_active,
        approval_required=schedule.approval_required,
        buffer_before_minutes=schedule.buffer_before_minutes,
        buffer_after_minutes=schedule.buffer_after_minutes,
    )


class RulesKeeper:
    """The last rules seen of up to `MAX_KEPT` schedules (safe across threads)."""

    def __init__(self) -> None:
        self._kept: OrderedDict[uuid.UUID, BookingRules] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, schedule_id: uuid.UUID, version: int) -> BookingRules | None:
        with self._lock:
            rules = self._kept.get(schedule_id)
            if rules is None or rules.version != version:
                return None
            self._kept.move_to_end(schedule_id)
            return rules

    def put(self, rules: BookingRules) -> None:
        with self._lock:
            self._kept[rules.schedule_id] = rules
            self._kept.move_to_end(rules.schedule_id)
            while len(self._kept) > MAX_KEPT:
                self._kept.popitem(last=False)


#: One keeper per database: two apps in one process (tests) never share rules.
_KEEPERS: WeakKeyDictionary[Engine, RulesKeeper] = WeakKeyDictionary()


def keeper_for(session: Session) -> RulesKeeper:
    """The keeper of the session's database."""
    engine = session.get_bind().engine
    keeper = _KEEPERS.get(engine)
    if keeper is None:
        keeper = _KEEPERS.setdefault(engine, RulesKeeper())
    return keeper
