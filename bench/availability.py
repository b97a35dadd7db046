"""Benchmark: available slots for 30 days and 1 day with 0, 1,000 and 10,000 busy intervals.

Schedule: Mon-Sun 09:00-13:00 and 14:00-18:00 (8-hour days with a lunch break),
15-minute step, 30-minute service, capacity 1, Europe/London. Busy intervals
are appointments of 15 to 60 minutes at random 5-minute starts inside the
30 days. The reference algorithm takes the same candidate starts and, for each
one, scans every busy interval to count the seats it overlaps, which is what
a straightforward implementation does; both must return the same slots.

A class schedule (capacity 6, the step-function path) is timed on the same
busy sets. Prints a table of medians, then one JSON line with every figure.
Run: .venv/bin/python bench/availability.py  (or `make bench`)
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time as clock
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduling import (
    Busy,
    Period,
    Schedule,
    Service,
    Slot,
    TimeRange,
    available_slots,
    weekly_hours,
)
from scheduling.availability import bookable_bounds, candidate_starts, seconds
from scheduling.wallclock import to_seconds_ceil, to_utc

TZ = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
SCHEDULE = Schedule(
    id="bench",
    tz=TZ,
    hours=weekly_hours(
        {
            day: [TimeRange(time(9), time(13)), TimeRange(time(14), time(18))]
            for day in range(7)
        }
    ),
    step=timedelta(minutes=15),
    horizon=timedelta(days=90),
)
SERVICE = Service(
    "consult", "Consultation", timedelta(minutes=30), frozenset({"bench"})
)


def make_busy(count: int, days: int, seed: int = 7) -> list[Busy]:
    rng = random.Random(seed)
    busy = []
    for _ in range(count):
        day = NOW + timedelta(days=rng.randrange(days))
        start = day + timedelta(hours=9, minutes=5 * rng.randrange(96))
        busy.append(
            Busy(start, start + timedelta(minutes=rng.choice((15, 30, 45, 60))))
        )
    return busy


def reference_slots(
    schedule: Schedule, service: Service, busy, now, period
) -> list[Slot]:
    """For each candidate start, scan every busy interval: the obvious algorithm."""
    earliest, latest = bookable_bounds(schedule, now)
    first = max(to_seconds_ceil(period.start), earliest)
    last = min(to_seconds_ceil(period.end) - 1, latest)
    slots = []
    for start in candidate_starts(schedule, seconds(service.duration), first, last):
        slot_start = to_utc(start)
        slot_end = slot_start + service.duration
        taken = 0
        for item in busy:
            if (
                item.start - item.buffer_before < slot_end + schedule.buffer_after
                and item.end + item.buffer_after > slot_start - schedule.buffer_before
            ):
                taken += item.seats
        if taken < schedule.capacity:
            slots.append(Slot(slot_start, slot_end, schedule.capacity - taken))
    return slots


def median_ms(function, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        began = clock.perf_counter()
        function()
        timings.append((clock.perf_counter() - began) * 1000)
    return statistics.median(timings)


def main() -> None:
    figures: dict[str, float] = {}
    rows = []
    for days in (30, 1):
        period = Period(NOW, NOW + timedelta(days=days))
        for count in (0, 1_000, 10_000):
            busy = make_busy(count, 30)
            slots = available_slots(SCHEDULE, SERVICE, busy, now=NOW, period=period)
            expected = reference_slots(SCHEDULE, SERVICE, busy, NOW, period)
            if slots != expected:
                raise SystemExit(
                    f"engine and reference disagree for {days} days, {count} busy"
                )
            ms = median_ms(
                lambda b=busy, p=period: available_slots(
                    SCHEDULE, SERVICE, b, now=NOW, period=p
                ),
                repeats=31,
            )
            ref_ms = median_ms(
                lambda b=busy, p=period: reference_slots(SCHEDULE, SERVICE, b, NOW, p),
                repeats=3 if count == 10_000 and days == 30 else 7,
            )
            figures[f"d{days}_b{count}_ms"] = round(ms, 3)
            figures[f"reference_d{days}_b{count}_ms"] = round(ref_ms, 3)
            rows.append((days, count, len(slots), ms, ref_ms))
    print(
        f"{'days':>4} {'busy':>6} {'slots':>6} {'engine ms':>10} {'reference ms':>13} {'ratio':>7}"
    )
    for days, count, found, ms, ref_ms in rows:
        print(
            f"{days:>4} {count:>6} {found:>6} {ms:>10.3f} {ref_ms:>13.3f} {ref_ms / ms:>6.0f}x"
        )
    classes = replace(SCHEDULE, capacity=6)
    month = Period(NOW, NOW + timedelta(days=30))
    for count in (1_000, 10_000):
        busy = make_busy(count, 30)
        figures[f"d30_b{count}_capacity6_ms"] = round(
            median_ms(
                lambda b=busy: available_slots(
                    classes, SERVICE, b, now=NOW, period=month
                ),
                31,
            ),
            3,
        )
        print(
            f"30 days, {count} busy, capacity 6: {figures[f'd30_b{count}_capacity6_ms']:.3f} ms"
        )
    figures["speedup_d30_b10000"] = round(
        figures["reference_d30_b10000_ms"] / figures["d30_b10000_ms"], 1
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
