"""Public forms act on no session, so they carry no CSRF token: instead they accept posts
only from the site's own origins, and each client gets a limited number of posts per hour.

Clients are told apart by a keyed hash of their address (IPv6 by its /64), kept in the cache
for the length of one window; the address itself is never stored. Requests turned away are
counted per day and kind, for the admin, and nothing else is kept about them.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

WINDOW_SECONDS = 3600


def request_origin(request: HttpRequest) -> str:
    origin = request.headers.get("Origin", "")
    if not origin:
        # Browsers send Origin with every POST; an old one may send only a Referer.
        referer = urlsplit(request.headers.get("Referer", ""))
        if referer.scheme and referer.netloc:
            origin = f"{referer.scheme}://{referer.netloc}"
    return origin.strip().rstrip("/").lower()


def origin_allowed(request: HttpRequest) -> bool:
    origin = request_origin(request)
    return bool(origin) and origin != "null" and origin in settings.PUBLIC_ORIGINS


def _client_address(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    if settings.SECURE_PROXY_SSL_HEADER:
        # Behind our own proxy, the last hop it appended is the client.
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address that changes every day."""
    day = timezone.now().date().isoformat()
    key = hmac.new(settings.SECRET_KEY.encode(), f"rate-limit {day}".encode(), hashlib.sha256)
    return hmac.new(key.digest(), _client_address(request).encode(), hashlib.sha256).hexdigest()[
        :32
    ]


def allow(request: HttpRequest, *, scope: str, limit: int, extra: str = "") -> bool:
    """Count one request of ``scope`` from this client (and ``extra``, e.g. a hashed email
    address); False, and the refusal counted, once ``limit`` is passed within the window."""
    bucket = int(time.time() // WINDOW_SECONDS)
    subjects = [client_key(request)] + ([extra] if extra else [])
    allowed = True
    for subject in subjects:
        key = f"supporters:rate:{scope}:{subject}:{bucket}"
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS)
            count = 1
        allowed = allowed and count <= limit
    if not allowed:
        blocked_attempt_record(scope=scope)
    return allowed


def blocked_attempt_record(*, scope: str) -> None:
    from masthead.supporters.models import BlockedAttempts

    day = timezone.now().date()
    if BlockedAttempts.objects.filter(day=day, scope=scope).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            BlockedAttempts.objects.create(day=day, scope=scope, count=1)
    except IntegrityError:
        BlockedAttempts.objects.filter(day=day, scope=scope).update(count=F("count") + 1)


def email_key(email: str) -> str:
    """For per-address limits: a keyed hash, never the address."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"email {email.strip().lower()}".encode(), hashlib.sha256
    ).hexdigest()[:32]
