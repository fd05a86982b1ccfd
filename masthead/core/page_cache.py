"""Full-page cache for public pages.

Public pages are the same for every reader, so a rendered page can be answered to anyone
who asks for the same URL. The cache sits outermost in the middleware stack and stores the
finished response (body and headers, security headers included). Entries are keyed by a
generation number: publishing, unpublishing, moving or deleting a page, or editing a snippet
or setting shown on pages, moves the generation on and every older entry is never read again
(and expires by itself). Kept in files under the data directory by default, shared by every
process on the machine; in Redis when
``REDIS_URL`` is set.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# Paths that are never public pages, or differ per visitor.
UNCACHED_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/api/", "/static/", "/media/")
# Headers a cached response must not replay to someone else.
PRIVATE_HEADERS = ("Set-Cookie", "Vary")


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def invalidate(**_kwargs) -> None:
    """Forget every cached page. Cheap: one counter increment."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, 2, timeout=None)


def connect_invalidation() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(invalidate, dispatch_uid=f"page-cache-{signal}")
    # Snippets and settings shown on every page (authors, publication settings, images).
    from masthead.core.models import PublicationSettings

    for model_path in ("publishing.Author", "wagtailimages.Image", "wagtailcore.Site"):
        post_save.connect(
            invalidate, sender=model_path, dispatch_uid=f"page-cache-save-{model_path}"
        )
        post_delete.connect(
            invalidate, sender=model_path, dispatch_uid=f"page-cache-del-{model_path}"
        )
    post_save.connect(invalidate, sender=PublicationSettings, dispatch_uid="page-cache-settings")
    post_delete.connect(invalidate, sender="wagtailcore.Page", dispatch_uid="page-cache-page-del")


def _cache_key(request: HttpRequest, generation: int) -> str:
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(raw.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
    return f"page-cache:{generation}:{digest}"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def _cacheable_request(self, request: HttpRequest) -> bool:
        if not settings.PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
            return False
        if request.path.startswith(UNCACHED_PREFIXES):
            return False
        # Signed-in staff see the Wagtail user bar and previews; readers carry no session.
        return settings.SESSION_COOKIE_NAME not in request.COOKIES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._cacheable_request(request):
            return self.get_response(request)
        try:
            key = _cache_key(request, current_generation())
        except Exception:  # noqa: BLE001 - an unreachable cache must not take the site down
            logger.warning("Page cache unavailable; serving uncached", exc_info=True)
            return self.get_response(request)
        stored = cache.get(key)
        if stored is not None:
            status, headers, body = stored
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response.headers[name] = value
            response.headers["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._cacheable_response(response):
            headers = [(k, v) for k, v in response.headers.items() if k not in PRIVATE_HEADERS]
            cache.set(
                key, (response.status_code, headers, response.content), settings.PAGE_CACHE_SECONDS
            )
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
