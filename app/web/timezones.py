"""The viewer's time zone: which one applies, and how times read in it.

Times are stored in UTC and each schedule keeps its own zone, but a customer
reads them on their own clock. The zone comes from the `tz` query parameter
(set by a form, or by booking.js from the browser), else the one the viewer
chose earlier in this browser session, else the client's zone. Every time
shown names its zone, so nobody has to guess which clock it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask import session

from app.errors import InvalidInput
from scheduling import Period

#: The longest IANA zone name is 32 characters; anything much longer is not one.
MAX_ZONE_NAME = 64
_SESSION_KEY = "viewer_tz"


@cache
def _known_zones() -> frozenset[str]:
    # A fixed list rather than ZoneInfo(name) alone: ZoneInfo also accepts, or fails
    # oddly on, directory names and paths, and those are not zones to show anyone.
    return frozenset(available_timezones())


def parse_zone(name: str) -> ZoneInfo:
    """The zone called `name`, or `InvalidInput` saying what a zone name looks like."""
    if len(name) > MAX_ZONE_NAME:
        raise InvalidInput("That time zone name is too long. Use a name such as Europe/London.")
    if name not in _known_zones():
        # Never quote the input back: error pages do not echo what was sent.
        raise InvalidInput(
            "We do not know the time zone you asked for. Use a name such as Europe/London "
            "or America/New_York."
        )
    return ZoneInfo(name)


def viewer_for(values: Mapping[str, str], default: str) -> Viewer:
    """The viewer of this request: zone `tz` from `values`, else the remembered one,
    else `default` (the client's zone)."""
    name = values.get("tz")
    if name:
        zone = parse_zone(name)
        session[_SESSION_KEY] = zone.key
        return Viewer(zone, chosen=True)
    remembered = session.get(_SESSION_KEY)
    if isinstance(remembered, str) and remembered in _known_zones():
        return Viewer(ZoneInfo(remembered), chosen=True)
    return Viewer(ZoneInfo(default))


def month_period(first: date, zone: ZoneInfo) -> Period:
    """The real-time span of the calendar month starting `first`, as `zone` counts days."""
    following = next_month(first)
    start = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(following, time(0), tzinfo=zone).astimezone(UTC)
    return Period(start, end)


def next_month(first: date) -> date:
    """The first day of the month after the one starting `first`."""
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    """The first day of the month before the one starting `first`."""
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def iso_utc(instant: datetime) -> str:
    """`instant` as the UTC text booking links carry, e.g. 2031-03-03T10:00:00Z."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Viewer:
    """Formats instants on the viewer's clock; templates get one as `viewer`."""

    tz: ZoneInfo
    #: False while the zone is only the client's default: booking.js may then offer the
    #: browser's own zone instead. A zone someone chose is never overridden.
    chosen: bool = False

    @property
    def zone(self) -> str:
        """The IANA name of the viewer's zone."""
        return self.tz.key

    def local(self, instant: datetime) -> datetime:
        """`instant` as the viewer's clock shows it."""
        return instant.astimezone(self.tz)

    def today(self, now: datetime) -> date:
        """The viewer's date at `now`."""
        return self.local(now).date()

    def time(self, instant: datetime) -> str:
        """'09:30'."""
        return f"{self.local(instant):%H:%M}"

    def when(self, instant: datetime) -> str:
        """'Monday 3 March 2031, 09:30 (Europe/London)'."""
        local = self.local(instant)
        return f"{long_day(local.date())}, {local:%H:%M} ({self.zone})"

    def iso(self, instant: datetime) -> str:
        """The machine-readable local time for a `<time datetime>` attribute."""
        return self.local(instant).isoformat(timespec="minutes")

    def elsewhere(self, instant: datetime, zone_name: str) -> str:
        """`instant` on another zone's clock (a schedule's), zone named."""
        return Viewer(ZoneInfo(zone_name)).when(instant)

    def day_name(self, day: date) -> str:
        """'Monday 3 March 2031' (a local date needs no conversion)."""
        return long_day(day)

    def differs_from(self, zone_name: str) -> bool:
        """True if `zone_name` (a schedule's zone) is not the viewer's."""
        return zone_name != self.zone


def long_day(day: date) -> str:
    """'Monday 3 March 2031'."""
    return f"{day:%A} {day.day} {day:%B %Y}"
