"""The fast path of a hit: counts added up in this process's memory, written to the daily
tables (``services.readership_apply``) a few seconds later in one transaction.

A hit costs a dictionary update and, when a reader can be estimated, appending its 64-bit
number to two lists (the row's readers and the host's), under a lock held for nothing else.
No cache or database call is made for a hit. A flush runs on this process's flush thread
``MASTHEAD_FIGURES_FLUSH_SECONDS`` after the first hit it holds, and when the process exits;
it takes what is pending in one swap and does the rest without the hits' lock, so requests
never wait for a sketch merge, the cache or the database:

1. the readers taken are added to this process's sketches (``figures.sketch``; only flushes
   touch them), and each sketch touched is merged with the one every process shares in the
   cache (one entry per shard of scopes and day, expiring with the day's salt), and the
   union is written back and kept here: so readers seen by several processes count once;
2. views are added to the daily rows and ``readers`` set to the union's count (never
   lowered), in one transaction.

Two processes that merge the same shard at the same moment can each write over the other's
addition; the loser's readers come back with its next flush of that scope, and the row never
goes down. A flush that fails puts its counts back (its readers are in the sketches already).
Only counts, sketches and, until the next flush, the readers' 64-bit numbers are held: no
address, no user agent.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import os
import threading
import time
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
    """What waits to be written: ``rows`` (views, unmeasured), ``sites`` (unmeasured) and
    ``readers`` (per scope, the numbers of the readers seen since the last flush)."""

    def __init__(self) -> None:
        self.rows: dict[RowKey, list[int]] = {}
        self.sites: dict[SiteKey, list[int]] = {}
        self.readers: dict[RowKey | SiteKey, list[int]] = {}

    def add(self, row: RowKey, site: SiteKey, *, reader: int | None) -> None:
        counts = self.rows.get(row)
        if counts is None:
            counts = self.rows[row] = [0, 0]
        counts[0] += 1
        totals = self.sites.get(site)
        if totals is None:
            totals = self.sites[site] = [0]
        if reader is None:
            counts[1] += 1
            totals[0] += 1
            return
        for scope in (row, site):
            seen = self.readers.get(scope)
            if seen is None:
                self.readers[scope] = [reader]
            else:
                seen.append(reader)

    def merge(self, other: Tally) -> None:
        for key, counts in other.rows.items():
            mine = self.rows.setdefault(key, [0, 0])
            for i, n in enumerate(counts):
                mine[i] += n
        for key, counts in other.sites.items():
            mine = self.sites.setdefault(key, [0])
            mine[0] += counts[0]
        for scope, values in other.readers.items():
            self.readers.setdefault(scope, []).extend(values)

    def __bool__(self) -> bool:
        return bool(self.rows or self.sites)


# The hits' lock guards ``_pending`` and ``_due`` only: a hit holds it for a few dictionary
# operations. The flush thread waits on ``_due`` through ``_wake``.
_lock = threading.Lock()
_wake = threading.Condition(_lock)
_pending = Tally()
_due: float | None = None  # time.monotonic() of the next flush; None while nothing waits
# This process's readers per scope (a RowKey or a SiteKey), for the days it still counts.
# Touched by flushes only, one at a time (``_flush_lock``).
_sketches: dict[RowKey | SiteKey, Sketch] = {}
_flush_lock = threading.Lock()
_flusher_running = False  # in this process (a forked child has no flush thread)
_flusher_start_lock = threading.Lock()


def hit_add(row: RowKey, *, reader: int | None) -> None:
    """Count a view of ``row``; ``reader`` is a 64-bit number from the reader's keyed hash,
    or None when no reader can be estimated."""
    global _due
    if not _flusher_running:
        _flusher_start()
    site = SiteKey(row.day, row.host_kind, row.host)
    with _lock:
        _pending.add(row, site, reader=reader)
        if _due is None:
            _due = time.monotonic() + settings.FIGURES_FLUSH_SECONDS
            _wake.notify()


def _flusher_start() -> None:
    global _flusher_running
    with _flusher_start_lock:
        if not _flusher_running:
            thread = threading.Thread(target=_flusher, name="figures-flush", daemon=True)
            thread.start()
            _flusher_running = True


def _forked() -> None:
    """In a new child (a gunicorn worker forked after a hit): fresh locks, nothing pending,
    a flush thread of its own on the first hit."""
    global _lock, _wake, _pending, _due, _flush_lock, _flusher_running, _flusher_start_lock
    _lock = threading.Lock()
    _wake = threading.Condition(_lock)
    _pending, _due = Tally(), None
    _flush_lock, _flusher_start_lock = threading.Lock(), threading.Lock()
    _flusher_running = False


def _flusher() -> None:
    """The flush thread: flushes when ``_due`` comes, sleeps while nothing waits."""
    global _due
    while True:
        with _lock:
            while _due is None or (delay := _due - time.monotonic()) > 0:
                _wake.wait(None if _due is None else delay)
            _due = None
        try:
            flush()
        except Exception:  # noqa: BLE001 - the thread must outlive any failure
            logger.exception("Figures flush failed")


def _schedule() -> None:
    """Flush again after the usual delay (called with ``_lock`` held)."""
    global _due
    if _due is None:
        _due = time.monotonic() + settings.FIGURES_FLUSH_SECONDS
        _wake.notify()


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
    with _flush_lock:
        return _flush()


def _flush() -> int:
    global _pending
    from django.utils import timezone

    from masthead.figures import readers, services

    with _lock:
        taken, _pending = _pending, Tally()
    if not taken:
        return 0
    # Readers go into this process's sketches whatever happens next: a failed write keeps
    # the counts, and the sketches already hold their readers.
    taken_readers, taken.readers = taken.readers, {}
    for scope, values in taken_readers.items():
        sketch = _sketches.get(scope)
        if sketch is None:
            sketch = _sketches[scope] = Sketch()
        for value in values:
            sketch.add(value)
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
        old = [scope for scope in _sketches if scope.day < today]
        if old:
            with _lock:
                kept = {s for s in old if s in _pending.rows or s in _pending.sites}
            for scope in old:
                if scope not in kept:
                    del _sketches[scope]
        from django.db import connection

        if threading.current_thread() is not threading.main_thread():
            connection.close()  # the flush thread's own connection


def discard() -> None:
    """Drop what this process holds; nothing is flushed until the next hit (tests: each
    starts with nothing)."""
    global _pending, _due
    with _flush_lock:
        with _lock:
            _pending, _due = Tally(), None
            _wake.notify()
        _sketches.clear()


atexit.register(flush)
os.register_at_fork(after_in_child=_forked)
