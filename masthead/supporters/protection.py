"""Public forms act on no session, so they carry no CSRF token: instead they accept posts
only from the site's own origins, and each client gets a limited number of posts per hour.

Clients are told apart as ``core.throttle`` does it: a keyed hash of their address (IPv6 by
its /64), kept in the cache for one window; the address itself is never stored. Requests turned away are
counted per day and kind, for the admin, and nothing else is kept about them.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from masthead.core import throttle

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


def allow(request: HttpRequest, *, scope: str, limit: int, extra: str = "") -> bool:
    """Count one request of ``scope`` from this client (and ``extra``, e.g. a hashed email
    address); False, and the refusal counted, once ``limit`` is passed within the window."""
    key_scope, window = f"supporters:{scope}", WINDOW_SECONDS
    allowed = throttle.client_allowed(request=request, scope=key_scope, limit=limit, window=window)
    if extra:
        # Counted whatever the client's count says: testers rotate addresses.
        by_subject = throttle.subject_allowed(
            subject=extra, scope=key_scope, limit=limit, window=window
        )
        allowed = by_subject and allowed
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
