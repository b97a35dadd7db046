"""What each feed looked like last time it was served, kept in memory per process.

A calendar app polls the same URL over and over. Each entry remembers the client's
change marker (a one-index-look-up summary of all its appointments), the feed's
precise ETag and its body at that moment. While the marker is unchanged nothing in
the feed can have changed, so a poll needs no other query and no rendering.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass

#: Feeds kept; the least recently fetched one is dropped first.
MAX_FEEDS = 256


@dataclass(frozen=True)
class Seen:
    """One feed as last served: the client's marker, the feed's ETag, its body if rendered."""

    marker: str
    etag: str
    body: bytes | None


_lock = threading.Lock()
_seen: OrderedDict[uuid.UUID, Seen] = OrderedDict()


def last_seen(feed_id: uuid.UUID) -> Seen | None:
    """What was kept for `feed_id`, if anything."""
    with _lock:
        entry = _seen.get(feed_id)
        if entry is not None:
            _seen.move_to_end(feed_id)
        return entry


def keep(feed_id: uuid.UUID, seen: Seen) -> None:
    """Remember `seen` as the feed's latest state."""
    with _lock:
        _seen[feed_id] = seen
        _seen.move_to_end(feed_id)
        while len(_seen) > MAX_FEEDS:
            _seen.popitem(last=False)


def forget(feed_id: uuid.UUID | None = None) -> None:
    """Drop what was kept for a revoked feed (or, without an ID, for every feed)."""
    with _lock:
        if feed_id is None:
            _seen.clear()
        else:
            _seen.pop(feed_id, None)
