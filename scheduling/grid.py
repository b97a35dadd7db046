"""The slot grid: which starts a window offers, and whether an instant is one of them.

Starts step through wall-clock time from the window's wall start (so a 09:00
opening with a 15-minute step offers 09:00, 09:15, ... whatever the offset).
On ordinary days wall time and real time run in step, so the grid is plain
arithmetic on epoch seconds; only a window that contains a clock change walks
wall time start by start.
"""

from __future__ import annotations

from collections.abc import Sequence

from scheduling.model import Schedule
from scheduling.opening import Window
from scheduling.wallclock import start_instant, wall_of


def step_seconds(schedule: Schedule) -> int:
    return int(schedule.step.total_seconds())


def starts_in(window: Window, schedule: Schedule, duration: int) -> Sequence[int]:
    """Every grid start in `window` whose appointment of `duration` seconds fits."""
    step = step_seconds(schedule)
    if window.is_regular(schedule):
        return range(window.opens, window.closes - duration + 1, step)
    starts = []
    wall = window.wall_start
    while wall < window.wall_end:
        start = start_instant(wall, schedule.tz)
        if (
            start is not None
            and window.opens <= start
            and start + duration <= window.closes
        ):
            starts.append(start)
        wall += schedule.step
    return starts


def is_grid_start(window: Window, schedule: Schedule, start: int) -> bool:
    """True when `start` is a grid point of `window` (first occurrence if ambiguous)."""
    wall = wall_of(start, schedule.tz)
    offset = (wall - window.wall_start).total_seconds()
    if offset < 0 or offset % step_seconds(schedule):
        return False
    return start_instant(wall, schedule.tz) == start
