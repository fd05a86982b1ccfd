"""The worker's heartbeat: ``masthead worker`` writes one every few seconds, ``/healthz`` reads it.

Kept in the shared cache (files on one machine, Redis across machines), one key for every
worker of the deployment: the health check asks whether *a* worker is alive, not which. A
thread of its own writes it, not the task loop: a newsletter send holds the loop for minutes
while the process is perfectly healthy.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache

from masthead.core import forking

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "worker:heartbeat"
# Seconds between two beats of one worker; the health check allows several missed beats.
BEAT_SECONDS = 10.0


@dataclass(frozen=True)
class Heartbeat:
    worker_id: str
    at: float  # time.time() of the beat


def heartbeat_record(*, worker_id: str, now: float | None = None) -> None:
    beat = {"worker": worker_id, "at": time.time() if now is None else now}
    # Expires by itself: a key left by a worker that died is soon no key at all.
    cache.set(HEARTBEAT_KEY, beat, timeout=int(BEAT_SECONDS * 30))


def heartbeat_latest() -> Heartbeat | None:
    beat = cache.get(HEARTBEAT_KEY)
    if not isinstance(beat, dict) or not isinstance(beat.get("at"), int | float):
        return None
    return Heartbeat(worker_id=str(beat.get("worker", "")), at=float(beat["at"]))


def heartbeat_loop(stop: threading.Event, *, worker_id: str, every: float = BEAT_SECONDS) -> None:
    """Beat until ``stop`` is set (run in a daemon thread of the worker)."""
    while not stop.is_set():
        try:
            with forking.held():  # the worker may fork render processes (core.forking)
                heartbeat_record(worker_id=worker_id)
        except Exception:
            logger.warning("Could not record the worker's heartbeat; will try again", exc_info=True)
        stop.wait(every)
