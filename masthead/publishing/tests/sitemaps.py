"""The sitemap as a crawler reads it: the index at ``/sitemap.xml``, then each part it names."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from django.conf import settings

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
Getter = Callable[[str], bytes | str]


def sitemap_parts(get: Getter, base: str | None = None) -> dict[str, str]:
    """Each part's address (a path) → its text, in the index's order. ``get(path)`` answers a
    path's body; the index must be one, and name only addresses on the canonical origin
    (``base``: the settings' unless given)."""
    base = settings.BASE_URL if base is None else base
    index = ET.fromstring(_text(get("/sitemap.xml")))
    assert index.tag == f"{{{NS}}}sitemapindex", index.tag
    locations = [loc.text.strip() for loc in index.iter(f"{{{NS}}}loc")]
    assert locations and all(loc.startswith(base + "/sitemaps/") for loc in locations)
    return {loc.removeprefix(base): _text(get(loc.removeprefix(base))) for loc in locations}


def sitemap_urls(get: Getter, base: str | None = None) -> list[ET.Element]:
    """Every ``<url>`` entry of every part, in order."""
    return [
        entry
        for text in sitemap_parts(get, base).values()
        for entry in ET.fromstring(text).iter(f"{{{NS}}}url")
    ]


def sitemap_text(get: Getter, base: str | None = None) -> str:
    """The parts' texts one after the other: for a search through every entry."""
    return "\n".join(sitemap_parts(get, base).values())


def _text(body: bytes | str) -> str:
    return body.decode() if isinstance(body, bytes) else body
