"""How long browsers and caches may keep each kind of file, and what type it is: one policy
for nginx (``services.nginx``) and object storage (``services.s3``)."""

from __future__ import annotations

import mimetypes

# Content-hashed names: a changed file gets a new name, so the old one may be kept forever.
STATIC = "public, max-age=31536000, immutable"
# Image renditions keep their name when an editor replaces an image's file.
MEDIA = "public, max-age=86400"
# The search index and the mirror list change with publishing, not with every page.
INDEX = "public, max-age=300"
# Pages, feeds, sitemaps: a publish reaches readers within a minute.
PAGE = "public, max-age=60"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".avif": "image/avif",
}


def cache_control(name: str, *, never_stored: str | tuple[str, ...] = "") -> str:
    """``never_stored``: the folder of the "Contact us securely" page (``contact-securely/``),
    or of each language edition's, which no cache may keep
    (``core.security.SOURCE_PAGE_HEADERS``)."""
    if never_stored and name.startswith(never_stored):
        from masthead.core.security import SOURCE_PAGE_HEADERS

        return SOURCE_PAGE_HEADERS["Cache-Control"]
    if name.startswith("static/"):
        return STATIC
    if name.startswith("media/"):
        return MEDIA
    if name.startswith("pagefind/") or name == "mirrors.json":
        return INDEX
    return PAGE


def content_type(name: str, recorded: str = "") -> str:
    """The type the app sent for this file when it was rendered, or one from its name."""
    if recorded:
        return recorded
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    if suffix in _TYPES:
        return _TYPES[suffix]
    guessed, _encoding = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"
