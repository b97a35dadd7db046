"""Seats in use over time, and the peak within many windows at once.

Busy time becomes spans in epoch seconds (buffers included, rounded outwards);
an appointment takes its seats over its span, a block takes every seat. The
engine needs, for each candidate window, the most seats in use at any moment
of it:

- capacity 1 (one-to-one): any overlapping span fills the window, so two
  sorted lists of span edges answer each window with two binary searches;
- capacity N (classes): a step function of seats in use, then one
  sliding-window maximum over all windows.

Either way the cost is a sort of the busy edges plus one pass, not slots
times busy intervals.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterable, Sequence

from scheduling.model import Busy, BusyKind

# An edge of the step function is packed into one int, time << 16 | (BIAS +
# change), so a plain integer sort orders edges by time with releases before
# takes at equal times (spans are half-open); ints sort several times faster
# than tuples.
_SHIFT = 16
_BIAS = 1 << 15
_MASK = (1 << _SHIFT) - 1


def span_of(item: Busy) -> tuple[int, int]:
    """A busy item's span in epoch seconds, buffers included, rounded outwards."""
    start = item.start.timestamp()
    end = item.end.timestamp()
    if item.buffer_before:
        start -= item.buffer_before.total_seconds()
    if item.buffer_after:
        end += item.buffer_after.total_seconds()
    return math.floor(start), math.ceil(end)


class Spans:
    """The busy spans that meet [start, end), with the seats each takes."""

    def __init__(
        self, busy: Iterable[Busy], capacity: int, start: int, end: int
    ) -> None:
        self.capacity = capacity
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.seats: list[int] = []
        block = BusyKind.BLOCK
        for item in busy:
            # span_of, inlined: this loop runs once per busy interval per request.
            first = item.start.timestamp()
            last = item.end.timestamp()
            if item.buffer_before:
                first -= item.buffer_before.total_seconds()
            if item.buffer_after:
                last += item.buffer_after.total_seconds()
            if last > start and first < end:
                self.starts.append(math.floor(first))
                self.ends.append(math.ceil(last))
                self.seats.append(capacity if item.kind is block else item.seats)

    def peaks(self, windows: Sequence[tuple[int, int]]) -> list[int]:
        """The most seats in use in each window, capped at the capacity.

        Windows must be sorted with both ends ascending (all of one length).
        """
        if self.capacity == 1:
            return self._overlaps(windows)
        return _sliding_peaks(self._profile(), windows)

    def peak(self, start: int, end: int) -> int:
        return self.peaks([(start, end)])[0]

    def _overlaps(self, windows: Sequence[tuple[int, int]]) -> list[int]:
        # Spans meeting [a, b) = spans starting before b minus spans ending by a.
        starts, ends = sorted(self.starts), sorted(self.ends)
        return [
            1 if bisect_left(starts, b) - bisect_right(ends, a) > 0 else 0
            for a, b in windows
        ]

    def _profile(self) -> tuple[list[int], list[int]]:
        edges = [
            (s << _SHIFT) | (_BIAS + n)
            for s, n in zip(self.starts, self.seats, strict=True)
        ]
        edges += [
            (e << _SHIFT) | (_BIAS - n)
            for e, n in zip(self.ends, self.seats, strict=True)
        ]
        edges.sort()
        times: list[int] = []
        levels: list[int] = []
        level = 0
        for edge in edges:
            moment = edge >> _SHIFT
            level += (edge & _MASK) - _BIAS
            if times and times[-1] == moment:
                levels[-1] = level
            else:
                times.append(moment)
                levels.append(level)
        return times, levels


def _sliding_peaks(
    profile: tuple[list[int], list[int]], windows: Sequence[tuple[int, int]]
) -> list[int]:
    # levels[i] seats are in use from times[i] until times[i + 1].
    times, levels = profile
    count = len(times)
    candidates: deque[int] = deque()  # segment indexes, levels decreasing
    next_segment = 0
    result = []
    for start, end in windows:
        while next_segment < count and times[next_segment] < end:
            while candidates and levels[candidates[-1]] <= levels[next_segment]:
                candidates.pop()
            candidates.append(next_segment)
            next_segment += 1
        while (
            candidates
            and candidates[0] + 1 < count
            and times[candidates[0] + 1] <= start
        ):
            candidates.popleft()
        result.append(levels[candidates[0]] if candidates else 0)
    return result
