"""Protection for forms on public pages, which carry no CSRF token (see DESIGN.md).

Public pages are the same for every reader and may be served as static files, so their forms
cannot hold a per-reader token. Instead a POST must come from one of the site's own origins
(``Origin``, or ``Referer`` when a browser sends no ``Origin``), and each client is
rate-limited under a key that cannot be turned back into its IP address: a keyed hash of the
address and the day, kept only in the cache and only for the window it counts.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def site_origins() -> set[str]:
    return {o.lower().rstrip("/") for o in [settings.BASE_URL, *settings.PUBLIC_ORIGINS]}


def origin_allowed(request: HttpRequest) -> bool:
    """The POST came from a page of this site (main site, a mirror, the onion address)."""
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.lower().rstrip("/") in site_origins()
    referer = request.headers.get("Referer")
    if referer:
        return _origin_of(referer) in site_origins()
    return False


def _client_address(request: HttpRequest) -> str:
    if settings.SECURE_PROXY_SSL_HEADER:
        # Behind a proxy we trust: the address it saw is the last one it appended.
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def client_key(request: HttpRequest, *, scope: str) -> str:
    """An opaque per-client key: HMAC of (address, day) under the secret key. The address
    itself is never stored; the key changes every day."""
    day = timezone.now().date().isoformat()
    message = f"{scope}|{_client_address(request)}|{day}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.blake2s).hexdigest()
    return f"rate:{scope}:{digest[:32]}"


def rate_limit_hit(request: HttpRequest, *, scope: str, limit: int, window: int) -> bool:
    """Count one request; True when this client went over ``limit`` in ``window`` seconds."""
    key = client_key(request, scope=scope)
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return False
    return count > limit
