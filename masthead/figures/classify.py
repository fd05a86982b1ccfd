"""What a hit says, checked: the page, the edition language, the referrer's kind (decided in
the browser by ``figures.js``; only the kind is ever sent) and where the page was read (decided
here, from the ``Origin`` the browser sends with the beacon and the origins the site knows)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from masthead.core.public_forms import allowed_origins, origin_normalize
from masthead.distribution.models import ONION_HOST, Mirror
from masthead.figures.models import HostKind

PATH_MAX = 200
PATH = re.compile(r"^/[A-Za-z0-9\-._~%/!$&'()*+,;=:@]*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")

SOCIAL_NETWORKS = (
    "facebook",
    "x",
    "vk",
    "ok",
    "instagram",
    "linkedin",
    "reddit",
    "youtube",
    "mastodon",
    "bluesky",
    "threads",
    "whatsapp",
)
# The kinds figures.js may send (it keeps the same list).
REFERRER_KINDS = frozenset(
    {"none", "internal", "search", "telegram", "email", "other"}
    | {f"social-{network}" for network in SOCIAL_NETWORKS}
)
# What the <noscript> pixel is counted as: no script ran, so nothing classified the referrer.
NOSCRIPT = "noscript"


@dataclass(frozen=True)
class Host:
    kind: str
    name: str = ""  # a mirror's host name; empty for the others


def path_clean(raw: str) -> str | None:
    """A path on this site (no query, no fragment), or None."""
    path = raw.strip().split("?", 1)[0].split("#", 1)[0]
    if not path or len(path) > PATH_MAX or path.startswith("//") or not PATH.match(path):
        return None
    return path


def language_clean(raw: str) -> str | None:
    raw = raw.strip()
    if not raw:
        return ""
    return raw.lower() if LANGUAGE.match(raw) else None


# How long a process keeps the mirrors' host names (as public_forms keeps the origins).
MIRRORS_CACHE_SECONDS = 5.0
_mirrors_cached: tuple[float, dict[str, str]] | None = None


def _mirror_hosts() -> dict[str, str]:
    global _mirrors_cached
    cached = _mirrors_cached
    if cached is not None and time.monotonic() - cached[0] < MIRRORS_CACHE_SECONDS:
        return cached[1]
    hosts = {}
    for url in Mirror.objects.values_list("url", flat=True):
        origin = origin_normalize(url)
        if origin:
            hosts[origin] = urlsplit(origin).hostname or ""
    _mirrors_cached = (time.monotonic(), hosts)
    return hosts


def host_classify(origin: str | None, *, mirrors: dict[str, str] | None = None) -> Host | None:
    """Where the page was read, from the beacon's ``Origin`` (normalized by
    ``public_forms.request_origin``; "null" for a copy opened from disk). None for an origin
    that is not ours (the public-form guard refuses those before this is asked)."""
    if origin == "null":
        return Host(HostKind.COPY)
    if not origin:
        return None
    hostname = urlsplit(origin).hostname or ""
    if ONION_HOST.match(hostname):
        return Host(HostKind.ONION)
    if origin == origin_normalize(settings.BASE_URL):
        return Host(HostKind.MAIN)
    known = _mirror_hosts() if mirrors is None else mirrors
    if origin in known:
        return Host(HostKind.MIRROR, known[origin][:100])
    if origin in allowed_origins():
        return Host(HostKind.OTHER, hostname[:100])
    return None
