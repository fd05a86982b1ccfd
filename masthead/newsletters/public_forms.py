"""Protection for forms on public pages, which carry no CSRF token (see DESIGN.md).

Public pages are the same for every reader and may be served as static files, so their forms
cannot hold a per-reader token. Instead a POST must come from one of the site's own origins
(``Origin``, or ``Referer`` when a browser sends no ``Origin``), and each client is
rate-limited (``core.throttle``) under a key that cannot be turned back into its IP address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


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
