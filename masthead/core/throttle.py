"""Who the client is (``trusted_client_network``) and rate limits that never store it: one
mechanism for every public form (``core.public_forms``) and the admin sign-in.

The counts live in the cache every process shares (files, or Redis when ``REDIS_URL`` is
set). A key is a keyed hash (BLAKE2b with a key derived from ``SECRET_KEY``) of the scope,
the subject (a client's network, an email address) and the current window, and it expires
with the window. Neither the address nor anything that could be reversed into it is stored
anywhere, and because the window is part of the hash, keys from different windows cannot be
linked to one client.

Counters that every page view posts (the readership beacon, appeal impressions) would cost two
cache writes a view there; they are counted ``per_process`` instead: in this process's memory,
under the same keyed hashes, for the same windows. Their limit then holds per web process (a
client spread over P processes may make P times as many counted posts), which bounds how far
one client can move a figure without a shared write on every view. The table is bounded
(``LOCAL_SUBJECTS``); subjects past it are counted in the shared cache as usual.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def _hash_key() -> bytes:
    return hashlib.blake2b(
        settings.SECRET_KEY.encode(), digest_size=32, person=b"mh-throttle"
    ).digest()


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr) for cidr in cidrs)


def _parse_address(raw: str) -> Address | None:
    """An address as a proxy writes it: ``192.0.2.1``, ``192.0.2.1:4711``, ``[2001:db8::1]:443``
    or ``2001:db8::1``. None for anything else (``unknown``, garbage)."""
    raw = raw.strip()
    if raw.startswith("["):
        raw = raw[1:].partition("]")[0]
    elif raw.count(":") == 1:
        raw = raw.partition(":")[0]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address | None, networks) -> bool:
    # No address at all is a Unix socket: only something on this host can reach it, as trusted
    # as loopback (nginx proxying to gunicorn's socket).
    if address is None:
        address = ipaddress.ip_address("127.0.0.1")
    return any(address in network for network in networks)


def _network_of(address: Address) -> str:
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def trusted_client_network(request: HttpRequest) -> str | None:
    """The client's IPv4 address or IPv6 /64, or None when no real client address is known.

    The connecting peer is the client unless it is one of ``MASTHEAD_TRUSTED_PROXIES``: then
    ``X-Forwarded-For`` is walked from the right, skipping trusted hops, and the first hop that
    is not trusted is the client (anything left of it was written by the client itself, and is
    ignored). ``X-Forwarded-For`` from a peer that is not trusted is ignored entirely.

    None when the address found is loopback or unspecified (the Tor daemon reaches an onion
    service from loopback; a local proxy that is not configured as trusted), or when a trusted
    proxy reported something that is not an address. Callers treat None as "no address":
    one shared budget, never the address of a proxy standing in for many readers.

    Worked out once per request (the guard and the readership tally both ask) and kept on the
    request, which goes with it.
    """
    try:
        return request.masthead_client_network
    except AttributeError:
        network = request.masthead_client_network = _client_network(request)
        return network


def _client_network(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    peer = _parse_address(remote) if remote.strip() else None
    if remote.strip() and peer is None:
        return None  # the server gave something that is not an address
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    client = peer
    if networks and _trusted(peer, networks):
        # A trusted address is never the client: a proxy stands in for many readers. If every
        # hop is trusted (the Tor daemon on loopback, a health check) no client is known.
        client = None
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        for hop in reversed([hop for hop in hops if hop.strip()]):
            address = _parse_address(hop)
            if address is None:
                return None  # a trusted proxy wrote something that is not an address
            if not _trusted(address, networks):
                client = address
                break
    if client is None or client.is_loopback or client.is_unspecified:
        return None
    return _network_of(client)


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


# Subjects one process counts in memory per window before it counts the rest in the cache:
# about 10 MB at most.
LOCAL_SUBJECTS = 50_000


class _LocalCounts:
    """This process's per-window counts (``per_process``): one table for the current window
    of each length, dropped when that window ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tables: dict[int, tuple[int, dict[str, int]]] = {}

    def add(self, key: str, *, window: int) -> int | None:
        """The count after this one, or None when the table is full and ``key`` not in it."""
        bucket = int(time.time() // window)
        with self._lock:
            current, counts = self._tables.get(window, (None, None))
            if current != bucket:
                counts = {}
                self._tables[window] = (bucket, counts)
            count = counts.get(key)
            if count is None:
                if len(counts) >= LOCAL_SUBJECTS:
                    return None
                count = 0
            counts[key] = count + 1
            return count + 1

    def forget(self) -> None:
        with self._lock:
            self._tables.clear()


_local = _LocalCounts()


def forget() -> None:
    """Drop this process's in-memory counts (tests start each with none, as with the cache)."""
    _local.forget()


def subject_allowed(
    *, subject: str, scope: str, limit: int, window: int, per_process: bool = False
) -> bool:
    """Count one request of ``scope`` for ``subject`` (a client's network, an email address,
    one checkout); False once it made more than ``limit`` in the current window of ``window``
    seconds. A cache that fails lets the request through. ``per_process`` counts in this
    process's memory (module docstring)."""
    key = _key(scope, window, subject)
    if per_process and (count := _local.add(key, window=window)) is not None:
        return count <= limit
    return _allowed(key, limit=limit, window=window)


def subject_over_limit(*, subject: str, scope: str, limit: int, window: int) -> bool:
    """Whether ``subject_allowed`` has already counted ``limit`` events in the current window,
    without counting one more (sign-in: look before trying the password, count only failures).
    A cache that fails answers False, as ``subject_allowed`` lets the request through."""
    try:
        count = cache.get(_key(scope, window, subject), 0)
    except Exception:  # noqa: BLE001 - a rate limit must not take the endpoint down
        logger.warning("Rate-limit cache unavailable; request let through", exc_info=True)
        return False
    return int(count) >= limit
