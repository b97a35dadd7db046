"""Arranging slots for a viewer: by local day in the viewer's own zone.

A customer in New York booking a London schedule sees London's 09:00 as 04:00
(or 05:00, depending on the week), listed under New York's date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scheduling.model import Slot


def by_local_day(slots: Iterable[Slot], viewer_tz: ZoneInfo) -> dict[date, list[Slot]]:
    """Slots grouped under the viewer's local date, days and slots in time order."""
    days: dict[date, list[Slot]] = {}
    for slot in sorted(slots, key=lambda s: s.start):
        days.setdefault(slot.start.astimezone(viewer_tz).date(), []).append(slot)
    return days


def local_start(slot: Slot, viewer_tz: ZoneInfo) -> datetime:
    """The slot's start as the viewer's clock shows it."""
    return slot.start.astimezone(viewer_tz)
