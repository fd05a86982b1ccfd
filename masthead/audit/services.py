"""Writing to the security audit log. Call ``security_event_record`` inside the transaction
that makes the change, so the change and its trace commit or roll back together."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, models
from django.utils import timezone

from masthead.audit.models import SecurityAction, SecurityEvent

logger = logging.getLogger("masthead.audit")

# Keys that must never reach the log, whatever a caller passes in ``detail``.
_FORBIDDEN_DETAIL_KEYS = {"ip", "ip_address", "remote_addr", "password", "token", "code", "secret"}


def security_event_record(
    *,
    action: SecurityAction | str,
    user: Any = None,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Record one security event.

    ``user`` is the account that acted (or that a failed sign-in was for); ``target`` the object
    acted on (a user whose factors were reset, an edition, a group). ``detail`` holds small
    facts such as ``{"what": "subscribers", "rows": 120}``; it never holds an address, a
    password, a code or a token, and keys that look like one are refused.
    """
    action = SecurityAction(action)
    detail = dict(detail or {})
    forbidden = _FORBIDDEN_DETAIL_KEYS.intersection(k.lower() for k in detail)
    if forbidden:
        raise ValueError(f"the audit log never stores {', '.join(sorted(forbidden))}")
    event = SecurityEvent(action=action, detail=detail)
    if user is not None and getattr(user, "pk", None) is not None:
        event.user_id = user.pk
        event.username = user.get_username()[:150]
    if target is not None:
        event.object_type = target._meta.label_lower[:100]
        event.object_id = str(target.pk)[:64]
        event.object_repr = str(target)[:200]
    event.save()
    # Also to the log stream, without any address: operators may ship it to their own store.
    logger.info(
        "security event %s user=%s object=%s:%s",
        action.value,
        event.user_id,
        event.object_type,
        event.object_id,
    )
    return event


def security_events_purge(*, days: int, now: datetime | None = None) -> int:
    """Delete entries older than ``days``; return how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = SecurityEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


def security_event_record_once(
    *,
    action: SecurityAction | str,
    key: str,
    window_seconds: int = 3600,
    detail: dict[str, Any] | None = None,
) -> bool:
    """Record ``action`` at most once per ``key`` and window, for events anyone on the web can
    cause (a forged webhook): the log shows that it happens without letting a flood of them
    fill the table. Later ones within the window go to the log stream only. The mark lives in
    the shared cache, so every process agrees (a cache that loses it costs one more entry).
    Returns whether an entry was written. ``key`` must come from a fixed set (an endpoint's
    name), never from the request."""
    from django.core.cache import cache

    action = SecurityAction(action)
    if not cache.add(f"audit-once:{action.value}:{key}", 1, timeout=window_seconds):
        logger.info("security event %s (%s) not recorded again in this window", action.value, key)
        return False
    security_event_record(action=action, detail=detail)
    return True


# --- Webhooks: traces of what anyone on the web can cause --------------------------------------

# Endpoints called while switched off, warned about once per process.
_warned_off: set[str] = set()


def webhook_off_record(*, endpoint: str, why: str = "its secret is not configured") -> None:
    """An ESP or payment provider called an endpoint that is off (or someone probed it): warn
    once per process, and leave one trace per endpoint and hour in the audit log."""
    if endpoint not in _warned_off:
        _warned_off.add(endpoint)
        logger.warning("webhook %s called, but it is off: %s", endpoint, why)
    try:
        security_event_record_once(
            action=SecurityAction.WEBHOOK_SECRET_MISSING,
            key=endpoint,
            detail={"endpoint": endpoint},
        )
    except DatabaseError:
        logger.exception("webhook %s: could not record the call", endpoint)


def webhook_refused_record(*, endpoint: str, reason: str) -> None:
    """A forged, replayed or unreadable delivery was refused: log it every time, and leave one
    trace per endpoint, reason and hour in the audit log (a flood of forgeries must not become
    a flood of rows). No address is kept."""
    logger.warning("webhook %s refused: %s", endpoint, reason)
    try:
        security_event_record_once(
            action=SecurityAction.WEBHOOK_REFUSED,
            key=f"{endpoint}:{reason}",
            detail={"endpoint": endpoint, "reason": reason, "repeats": "logged only, 1 h"},
        )
    except DatabaseError:
        # The refusal stands whatever happens to its trace.
        logger.exception("webhook %s: could not record the refusal", endpoint)
