"""The shared cache of a single machine without Redis: Django's file cache, made cheap to
write to.

Django's ``FileBasedCache`` lists its whole directory on every write, to decide whether to
cull: with the page cache's thousands of entries that listing costs far more than the write,
and every public form (whose rate limits write to the cache) and every beacon hit pays it.
Here the directory is listed once every ``CULL_EVERY`` writes of the process instead; the
cache may then hold up to ``CULL_EVERY`` entries per process beyond ``MAX_ENTRIES`` for a
moment, which only costs disk space.
"""

from __future__ import annotations

import itertools

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 500


class FileCache(FileBasedCache):
    def __init__(self, dir, params):  # noqa: A002 - Django's own parameter name
        super().__init__(dir, params)
        self._writes = itertools.count(1)

    def _cull(self) -> None:
        # Called by ``FileBasedCache.set`` before every write (pinned in the tests).
        if next(self._writes) % CULL_EVERY == 0:
            super()._cull()
