"""Full-page cache for public pages.

Public pages are the same for every reader, so a rendered page can be answered to anyone
who asks for the same URL. The cache sits outermost in the middleware stack and stores the
finished response (body and headers, security headers included). Entries are keyed by a
generation number: publishing, unpublishing, moving or deleting a page, or editing a snippet
or setting shown on pages, moves the generation on and every older entry is never read again
(and expires by itself). Kept in files under the data directory by default, shared by every
process on the machine; in Redis when ``REDIS_URL`` is set.

A hit costs one cache read and one ``stat``: each process keeps the generation number it
last read and asks the cache again only when the machine's stamp file says it moved, or
after ``GENERATION_TTL`` seconds (for processes on other machines sharing Redis).

Query strings: every view (or page type) that reads query parameters declares them once, with
``QueryParameters`` (``reads_query`` on a view function), each with a function that cleans a
value. The view then sees only those parameters, cleaned: what it renders depends on the path
and the declared parameters alone, so the cache keys on exactly those. After a render, the
cache remembers (per path and generation) which declarations answered it; later requests for
that path drop every other parameter (``?utm_source=``, ``?fbclid=``) before the key is made,
and are answered the same bytes. A path no declaration answered keys on its full query.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# Worst-case staleness. Every invalidation also stamps a file in the data directory; a process
# on the same machine sees the stamp on its next request and rereads the generation, so it
# stops answering old pages at once. A process on another machine (web servers sharing Redis,
# each with its own data directory) rereads the generation at least this often, so it may go
# on answering the previous version of a page for up to this long after the commit.
GENERATION_TTL = 1.0
# Bumped when the stored entry's shape changes, so entries of the old shape are never read.
ENTRY_FORMAT = 2
# Paths that are never public pages, or differ per visitor.
UNCACHED_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/api/", "/static/", "/media/")
# Headers a cached response must not replay to someone else (compared in lower case).
PRIVATE_HEADERS = frozenset({"set-cookie", "vary"})
HIT_HEADER = ("X-Page-Cache", "hit")
# Set in the WSGI environ of a request that must be rendered from the database, neither read
# from nor written to the cache (a static build's). Only an in-process caller can set it: a
# header from the network arrives as ``HTTP_…``.
BYPASS_ENVIRON = "masthead.page_cache.bypass"

# (stamp, time.monotonic(), generation) when last read. Replaced whole: threads need no lock.
_generation_seen: tuple[int, float, int] | None = None


@functools.cache
def _stamp_path() -> str:
    return os.path.join(settings.DATA_DIR, "page-cache-generation")


def _stamp() -> int:
    try:
        return os.stat(_stamp_path()).st_mtime_ns
    except OSError:
        return 0


def _stamp_touch() -> None:
    # An explicit nanosecond time, not the file system's coarse clock: two invalidations in
    # quick succession must leave two different stamps.
    path, now = _stamp_path(), time.time_ns()
    try:
        try:
            os.utime(path, ns=(now, now))
        except FileNotFoundError:
            with open(path, "a"):
                pass
            os.utime(path, ns=(now, now))
    except OSError:
        logger.warning(
            "Cannot stamp %s; other processes see the new generation within %s s",
            path,
            GENERATION_TTL,
            exc_info=True,
        )


def _fresh_generation() -> int:
    # A counter that went missing (evicted, culled from a full file cache, cleared) restarts
    # from the clock, not from 1: entries stored under a low number less than
    # PAGE_CACHE_SECONDS ago must not become readable again.
    return time.time_ns() // 1000


def current_generation() -> int:
    global _generation_seen
    # The stamp is read before the generation: a bump in between is then noticed next time.
    seen, stamp, now = _generation_seen, _stamp(), time.monotonic()
    if seen is not None and seen[0] == stamp and now - seen[1] < GENERATION_TTL:
        return seen[2]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
        if generation is None:  # the cache keeps nothing: never match an older entry
            return _fresh_generation()
    _generation_seen = (stamp, now, generation)
    return generation


def _bump_generation() -> None:
    global _generation_seen
    try:
        cache.incr(GENERATION_KEY)
        # Django's file cache implements incr as get and set, and the set gives the key the
        # default timeout (300 s): keep the counter for good.
        cache.touch(GENERATION_KEY, timeout=None)
    except ValueError:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
    _generation_seen = None
    _stamp_touch()


def invalidate(**_kwargs) -> None:
    """Forget every cached page. Cheap: one counter increment.

    Inside a transaction the counter moves twice: now, and again once the transaction
    commits. Between the two, a request in another process can render the page from the
    database as it was before the commit and store it under the new generation; the second
    move abandons that entry.
    """
    _bump_generation()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump_generation, robust=True)


# Saves that only record facts about a file (Wagtail fills these in lazily, on first render).
BOOKKEEPING_FIELDS = frozenset({"file_hash", "file_size", "width", "height"})


def invalidate_on_change(created=False, update_fields=None, **kwargs) -> None:
    """A new row cannot be on a cached page yet; bookkeeping saves change nothing shown."""
    if created or (update_fields and set(update_fields) <= BOOKKEEPING_FIELDS):
        return
    invalidate()


def connect_invalidation() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from masthead.core.models import PublicationSettings

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(invalidate, dispatch_uid=f"page-cache-{signal}")
    # Snippets, images and settings that appear on pages.
    for model in (
        "publishing.Author",
        "wagtailimages.Image",
        "wagtailcore.Site",
        PublicationSettings,
    ):
        uid = f"page-cache-{model}"
        post_save.connect(invalidate_on_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"{uid}-delete")
    post_delete.connect(
        invalidate, sender="wagtailcore.Page", dispatch_uid="page-cache-page-delete"
    )
    # An edition's wording of the publication is shown as soon as it exists, even new.
    for signal in (post_save, post_delete):
        signal.connect(
            invalidate,
            sender="core.PublicationWording",
            dispatch_uid=f"page-cache-wording-{signal}",
        )
    # A page made private (or public again) must leave (or join) what readers are answered.
    uid = "page-cache-view-restriction"
    post_save.connect(invalidate, sender="wagtailcore.PageViewRestriction", dispatch_uid=uid)
    post_delete.connect(
        invalidate, sender="wagtailcore.PageViewRestriction", dispatch_uid=f"{uid}-delete"
    )


def warm(paths: list[str]) -> dict[str, int]:
    """Ask for ``paths`` on the main site as a reader would (no cookie, through every
    middleware), so that the page cache stores them now rather than at the next reader's
    cost. Returns each path's status."""
    from urllib.parse import urlsplit

    from django.test import Client

    base = urlsplit(settings.BASE_URL)
    client = Client(HTTP_HOST=base.netloc, raise_request_exception=False)
    secure = base.scheme == "https"
    return {path: client.get(path, secure=secure).status_code for path in paths}


# --- Query parameters ----------------------------------------------------------------------

# A cleaner takes a parameter's raw value and returns the value the view reads, or None to
# drop it. It must map the endless malformed values onto few (one, or none): every distinct
# result is a distinct cache entry.
Cleaner = Callable[[str], str | None]

# Declarations by name: the cache stores names, each process finds the cleaners here.
_declared: dict[str, QueryParameters] = {}
# On the request: the names of the declarations that read its query, for the cache to note.
READS_ATTR = "page_cache_reads"


class QueryParameters:
    """The query parameters one view, page type or middleware reads, each with its cleaner.

    ``apply(request)`` (in a view) leaves the view only these parameters, cleaned; ``declare``
    (in a middleware, which must not take parameters from the views inside it) only says they
    are read. Either way the page cache keys this path's later requests on them alone.
    Declared once, at import time, under a unique ``name``.
    """

    def __init__(self, name: str, **cleaners: Cleaner) -> None:
        self.name, self.cleaners = name, cleaners
        _declared[name] = self

    def clean(self, query: QueryDict) -> QueryDict:
        return _query_clean(query, self.cleaners)

    def declare(self, request: HttpRequest) -> None:
        reads = getattr(request, READS_ATTR, None)
        if reads is not None:  # set by the page cache on requests it may store
            reads.add(self.name)

    def apply(self, request: HttpRequest) -> None:
        self.declare(request)
        _request_query_replace(request, self.clean(request.GET))


def reads_query(**cleaners: Cleaner):
    """Decorate a view function with the query parameters it reads (none if called bare)."""

    def decorator(view):
        declaration = QueryParameters(f"{view.__module__}.{view.__qualname__}", **cleaners)

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            declaration.apply(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _query_clean(query: QueryDict, cleaners: dict[str, Cleaner]) -> QueryDict:
    # One value per parameter, the last one (what ``QueryDict.get`` reads), in name order.
    cleaned = QueryDict(mutable=True)
    for name in sorted(cleaners.keys() & query.keys()):
        value = cleaners[name](query[name])
        if value is not None:
            cleaned[name] = value
    return QueryDict(cleaned.urlencode())  # read-only, like the request's own


def _request_query_replace(request: HttpRequest, query: QueryDict) -> None:
    # ``GET`` is a cached attribute computed from QUERY_STRING: set both, so that
    # ``get_full_path()`` (the cache key, redirects) agrees with what the view reads.
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode(safe="/:,")


def _reads_key(request: HttpRequest, generation: int) -> str:
    raw = f"{request.scheme}://{request.get_host()}{request.path}"
    digest = hashlib.blake2b(raw.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
    return f"page-cache:{ENTRY_FORMAT}:{generation}:reads:{digest}"


def _query_canonicalise(request: HttpRequest, generation: int) -> bool:
    """Leave the request only the parameters its path's views read, if they are known."""
    names = cache.get(_reads_key(request, generation))
    if names is None or not all(name in _declared for name in names):
        return False
    cleaners = {}
    for name in names:
        cleaners.update(_declared[name].cleaners)
    _request_query_replace(request, _query_clean(request.GET, cleaners))
    return True


def _cache_key(request: HttpRequest, generation: int) -> str:
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(raw.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
    return f"page-cache:{ENTRY_FORMAT}:{generation}:{digest}"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def _cacheable_request(self, request: HttpRequest) -> bool:
        if not settings.PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
            return False
        if request.META.get(BYPASS_ENVIRON):
            return False
        if request.path.startswith(UNCACHED_PREFIXES):
            return False
        # Signed-in staff see the Wagtail user bar and previews; readers carry no session.
        return settings.SESSION_COOKIE_NAME not in request.COOKIES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._cacheable_request(request):
            return self.get_response(request)
        readers_known = False
        try:
            generation = current_generation()
            if request.META.get("QUERY_STRING"):
                readers_known = _query_canonicalise(request, generation)
            key = _cache_key(request, generation)
            stored = cache.get(key)
        except Exception:  # noqa: BLE001 - an unreachable cache must not take the site down
            logger.warning("Page cache unavailable; serving uncached", exc_info=True)
            return self.get_response(request)
        if stored is not None:
            # Stored as (status, headers with X-Page-Cache: hit, body): one constructor call
            # rebuilds the response, the hot path of every cached page.
            status, headers, body = stored
            return HttpResponse(body, status=status, headers=headers)
        setattr(request, READS_ATTR, set())
        response = self.get_response(request)
        if self._cacheable_response(response):
            headers = tuple(
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in PRIVATE_HEADERS
            )
            entry = (response.status_code, (*headers, HIT_HEADER), response.content)
            reads = getattr(request, READS_ATTR)
            try:
                cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
                if reads and not readers_known and response.status_code == 200:
                    # Who reads this path's query: later requests for it, with any query, keep
                    # only their parameters in the key. Only a page (200) shows every reader
                    # of the path: a middleware's early redirect skips the view's.
                    cache.set(
                        _reads_key(request, generation),
                        tuple(sorted(reads)),
                        settings.PAGE_CACHE_SECONDS,
                    )
            except Exception:  # noqa: BLE001 - the page is rendered; answer it anyway
                logger.warning("Page cache unavailable; page not stored", exc_info=True)
            else:
                response.headers["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _cacheable_response(response: HttpResponse) -> bool:
        return (
            response.status_code in (200, 301, 404)
            and not response.streaming
            and not response.cookies
            and "private" not in response.headers.get("Cache-Control", "")
            and "no-store" not in response.headers.get("Cache-Control", "")
        )
