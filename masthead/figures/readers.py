"""Unique readers per day, estimated without keeping anything that could name a reader.

A reader is ``HMAC(salt, truncated address, user agent, day)``: the address cut to its /24
(IPv4) or /48 (IPv6), so the hash never depends on more of it than thousands of others share.
The salt is random, made for one day and kept only in the cache, with an expiry at the end of
that day (plus an hour), so it is rotated every 24 hours and never written anywhere. What is
counted is 64 bits of that hash, added to the sketches of the day's readers
(``figures.sketch``: kept in the web process's memory and merged into the cache, expiring with
the salt; ``figures.tally``). Once a day's salt is gone, its hashes cannot be made again, nor
linked to the next day's.

Without an address (the onion service, a proxy that is not trusted, the <noscript> pixel) no
reader is estimated: those views are counted as ``unmeasured``, and the figures say so.
Hits sent late by a copy of the site (kept in the browser while the API origin could not be
reached) count readers only on the day they arrive, never on a day whose salt is gone.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import threading
from datetime import date, datetime, time, timedelta
from time import monotonic

from django.core.cache import cache
from django.utils import timezone

SALT_SPARE_SECONDS = 3600
# How long a process uses its copy of the day's salt before reading the cache again (a cache
# that lost the salt makes a new one, which every process then takes within this time).
SALT_RECHECK_SECONDS = 60.0
_lock = threading.Lock()
_salt_seen: tuple[date, float, bytes] | None = None  # this process's copy of today's salt


def network_truncate(network: str) -> str:
    """``core.throttle.trusted_client_network``'s answer (an IPv4 address, an IPv6 /64) cut to
    its /24 or /48."""
    address = ipaddress.ip_network(network, strict=False)
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address.network_address}/{prefix}", strict=False))


def seconds_left(day: date) -> int:
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return max(int((end - timezone.now()).total_seconds()), 0) + SALT_SPARE_SECONDS


def day_salt(day: date) -> bytes:
    """Today's salt: made by the first process that asks, shared through the cache."""
    global _salt_seen
    seen = _salt_seen
    if seen is not None and seen[0] == day and monotonic() - seen[1] < SALT_RECHECK_SECONDS:
        return seen[2]
    key = f"figures:salt:{day.isoformat()}"
    with _lock:
        cache.add(key, secrets.token_hex(32), timeout=seconds_left(day))
        salt = bytes.fromhex(cache.get(key) or secrets.token_hex(32))
        _salt_seen = (day, monotonic(), salt)
    return salt


def reader_hash(*, network: str, user_agent: str, day: date) -> bytes:
    message = f"{network_truncate(network)}|{user_agent[:512]}|{day.isoformat()}".encode()
    return hmac.new(day_salt(day), message, hashlib.sha256).digest()


def reader_value(reader: bytes) -> int:
    """The 64-bit number a sketch keeps of a reader (``figures.sketch``)."""
    return int.from_bytes(reader[:8], "big")
