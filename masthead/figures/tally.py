"""The fast path of a hit: counts added up in this process's memory, written to the daily
tables (``services.readership_apply``) a few seconds later in one transaction.

A hit costs a dictionary update and, when a reader can be estimated, adding a 64-bit number
to two in-memory sketches (``figures.sketch``): the row's readers and the host's readers. No
cache or database call is made for a hit. A flush runs on a timer thread
``MASTHEAD_FIGURES_FLUSH_SECONDS`` after the first hit it holds, and when the process exits:

1. each sketch touched since the last flush is merged with the one every process shares in
   the cache (one entry per shard of scopes and day, expiring with the day's salt), and the
   union is written back and kept here: so readers seen by several processes count once;
2. views are added to the daily rows and ``readers`` set to the union's count (never
   lowered), in one transaction.

Two processes that merge the same shard at the same moment can each write over the other's
addition; the loser's readers come back with its next flush of that scope, and the row never
goes down. A flush that fails puts its counts back. Only counts and sketches are held: no
address, no user agent.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import threading
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache

from masthead.figures.sketch import Sketch

logger = logging.getLogger(__name__)

SHARDS = 64


class RowKey(NamedTuple):
    day: date
    path: str
    host_kind: str
    host: str
    referrer: str
    language: str


class SiteKey(NamedTuple):
    day: date
    host_kind: str
    host: str


class Tally:
    """Counts waiting to be written: ``rows`` (views, unmeasured) and ``sites``
    (unmeasured), and the scopes whose readers changed."""

    def __init__(self) -> None:
        self.rows: dict[RowKey, list[int]] = {}
        self.sites: dict[SiteKey, list[int]] = {}

    def add(self, row: RowKey, site: SiteKey, *, measured: bool) -> None:
        counts = self.rows.get(row)
        if counts is None:
            counts = self.rows[row] = [0, 0]
        counts[0] += 1
        totals = self.sites.get(site)
        if totals is None:
            totals = self.sites[site] = [0]
        if not measured:
            counts[1] += 1
            totals[0] += 1

    def merge(self, other: Tally) -> None:
        for key, counts in other.rows.items():
            mine = self.rows.setdefault(key, [0, 0])
            for i, n in enumerate(counts):
                mine[i] += n
        for key, counts in other.sites.items():
            mine = self.sites.setdefault(key, [0])
            mine[0] += counts[0]

    def __bool__(self) -> bool:
        return bool(self.rows or self.sites)


_pending = Tally()
# This process's readers per scope (a RowKey or a SiteKey), for the days it still counts.
_sketches: dict[RowKey | SiteKey, Sketch] = {}
_lock = threading.Lock()
_timer: threading.Timer | None = None


def hit_add(row: RowKey, *, reader: int | None) -> None:
    """Count a view of ``row``; ``reader`` is a 64-bit number from the reader's keyed hash,
    or None when no reader can be estimated."""
    site = SiteKey(row.day, row.host_kind, row.host)
    with _lock:
        _pending.add(row, site, measured=reader is not None)
        if reader is not None:
            for scope in (row, site):
                sketch = _sketches.get(scope)
                if sketch is None:
                    sketch = _sketches[scope] = Sketch()
                sketch.add(reader)
        if _timer is None:
            _schedule()


def _schedule() -> None:
    """Start the flush timer unless one is waiting (called with ``_lock`` held)."""
    global _timer
    if _timer is None:
        _timer = threading.Timer(settings.FIGURES_FLUSH_SECONDS, flush)
        _timer.daemon = True
        _timer.start()


def _digest(scope: RowKey | SiteKey) -> bytes:
    return hashlib.blake2b(repr(tuple(scope)).encode(), digest_size=12).digest()


def _shared_counts(scopes: list[RowKey | SiteKey], *, timeout: int) -> dict:
    """Merge this process's sketches of ``scopes`` with the cache's; return their counts."""
    by_shard: dict[str, list[tuple[bytes, RowKey | SiteKey]]] = {}
    for scope in scopes:
        digest = _digest(scope)
        key = f"figures:sketches:{scope.day.isoformat()}:{digest[0] % SHARDS}"
        by_shard.setdefault(key, []).append((digest, scope))
    counts = {}
    for key, members in by_shard.items():
        shared = cache.get(key) or {}
        for digest, scope in members:
            with _lock:
                mine = _sketches.get(scope)
                if mine is None:
                    continue
                if digest in shared:
                    # An entry of another format is replaced by ours.
                    with contextlib.suppress(ValueError):
                        mine.merge(Sketch.from_bytes(shared[digest]))
                shared[digest] = mine.to_bytes()
                counts[scope] = mine.count()
        cache.set(key, shared, timeout=timeout)
    return counts


def flush() -> int:
    """Write what this process holds; return the number of rows written."""
    global _pending, _timer
    from django.utils import timezone

    from masthead.figures import readers, services

    with _lock:
        taken, _pending = _pending, Tally()
        _timer = None
    if not taken:
        return 0
    try:
        scopes = [s for s in [*taken.rows, *taken.sites] if s in _sketches]
        day = max((s.day for s in scopes), default=timezone.localdate())
        readers_now = _shared_counts(scopes, timeout=readers.seconds_left(day))
        return services.readership_apply(tally=taken, readers=readers_now)
    except Exception:  # noqa: BLE001 - keep the counts for the next flush
        logger.warning("Figures not written; kept for the next flush", exc_info=True)
        with _lock:
            taken.merge(_pending)
            _pending = taken
            _schedule()
        return 0
    finally:
        today = timezone.localdate()
        with _lock:
            for scope in [s for s in _sketches if s.day < today and s not in _pending.rows]:
                if not isinstance(scope, SiteKey) or scope not in _pending.sites:
                    del _sketches[scope]
        from django.db import connection

        if threading.current_thread() is not threading.main_thread():
            connection.close()  # the timer thread's own connection


def discard() -> None:
    """Drop what this process holds and stop its timer (tests: each starts with nothing)."""
    global _pending, _timer
    with _lock:
        if _timer is not None:
            _timer.cancel()
        _pending, _timer = Tally(), None
        _sketches.clear()


atexit.register(flush)
