"""Forking a process that runs threads of its own.

The worker forks render processes for a large update of the static output
(``distribution``), and it also runs background threads (the heartbeat, the schedule) that
talk to the database and the cache. A fork copies the whole memory but only the thread that
forks: a lock another thread held at that instant (inside the SQLite library, say) stays held
in the child for ever, and the child's first query there waits for ever.

So a background thread does its work inside ``held()``, and whoever forks does it inside
``forking()``, which takes the same lock: no thread is half-way through a library call when
the process is copied.
The lock is taken for milliseconds at a time; a fork waits at most for one beat of the
heartbeat or one look at the schedule.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Iterator

_lock = threading.RLock()


@contextlib.contextmanager
def held() -> Iterator[None]:
    """No fork happens in this process while the block runs (for a background thread's
    database or cache work; and around a fork itself)."""
    with _lock:
        yield


@contextlib.contextmanager
def forking() -> Iterator[None]:
    """Around the creation of forked processes: waits for the background threads to be out of
    their library calls (``held``). Python warns that forking a process with threads may
    deadlock the child; those threads are held off while it forks, and the warning, which
    would fill the worker's log at every large update, is not shown. (Warning filters are the
    whole process's; the threads that could warn meanwhile are the ones held off.)"""
    with _lock, warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r".*is multi-threaded, use of fork\(\)", category=DeprecationWarning
        )
        yield
