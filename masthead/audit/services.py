"""Writing to the security audit log. Call ``security_event_record`` inside the transaction
that makes the change, so the change and its trace commit or roll back together."""

from __future__ import annotations

import logging
from typing import Any

from django.db import models

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
