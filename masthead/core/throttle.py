"""Per-client rate limits that never store a client's address: one mechanism for every
public endpoint that takes posts (newsletter signup, contributions and payments, appeal
counters).

The cache key is a keyed hash (BLAKE2b with a key derived from ``SECRET_KEY``) of the scope,
the client's network and the current window, and it expires with the window. Neither the
address nor anything that could be reversed into it is stored anywhere, and because the
window is part of the hash, keys from different windows cannot be linked to one client.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def _hash_key() -> bytes:
    return hashlib.blake2b(
        settings.SECRET_KEY.encode(), digest_size=32, person=b"mh-throttle"
    ).digest()


def client_network(request: HttpRequest) -> str:
    """The client's IPv4 address or IPv6 /64 (one household or phone holds a whole /64).

    Behind a proxy that we trust (``MASTHEAD_BEHIND_PROXY``) the address is the last one the
    proxy appended to ``X-Forwarded-For``; anything before it came from the client itself.
    """
    raw = request.META.get("REMOTE_ADDR", "")
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            raw = forwarded.split(",")[-1].strip()
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64]
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def client_key(request: HttpRequest, *, scope: str, window: int) -> str:
    """The cache key counting this client's requests of ``scope`` in the current window."""
    return _key(scope, window, client_network(request))


def _key(scope: str, window: int, subject: str) -> str:
    bucket = int(time.time() // window)
    digest = hashlib.blake2b(
        f"{scope}|{bucket}|{subject}".encode(), key=_hash_key(), digest_size=16
    ).hexdigest()
    return f"throttle:{scope}:{digest}"


def _allowed(key: str, *, limit: int, window: int) -> bool:
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    except Exception:  # noqa: BLE001 - a rate limit must not take the endpoint down
        logger.warning("Rate-limit cache unavailable; request let through", exc_info=True)
        return True
    return count <= limit


def client_allowed(*, request: HttpRequest, scope: str, limit: int, window: int) -> bool:
    """Count one request for this client; False once it made more than ``limit`` in the
    current window of ``window`` seconds. A cache that fails lets the request through."""
    return _allowed(client_key(request, scope=scope, window=window), limit=limit, window=window)


def subject_allowed(*, subject: str, scope: str, limit: int, window: int) -> bool:
    """The same count for something other than the client (e.g. a hashed email address)."""
    return _allowed(_key(scope, window, subject), limit=limit, window=window)
