"""The suppression list: addresses that receive nothing until they confirm again."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from masthead.newsletters import signals
from masthead.newsletters.models import AuditEntry, Subscriber, Suppression
from masthead.newsletters.services.audit import audit_record

logger = logging.getLogger(__name__)

# Anymail's normalized event types that mean "stop sending to this address".
SUPPRESSING_EVENTS = {
    "bounced": Suppression.Reason.BOUNCED,
    "complained": Suppression.Reason.COMPLAINED,
    "rejected": Suppression.Reason.REJECTED,
}


def suppression_add(*, email: str, reason: str, detail: str = "", actor=None) -> bool:
    """Suppress ``email``. Idempotent: returns False when it was already suppressed."""
    email = email.strip().lower()
    try:
        with transaction.atomic():
            Suppression.objects.create(email=email, reason=reason, detail=detail[:300])
            audit_record(
                action=AuditEntry.Action.SUPPRESSED,
                actor=actor,
                subscriber=Subscriber.objects.filter(email=email).first(),
                reason=reason,
            )
            transaction.on_commit(
                lambda: signals.address_suppressed.send(Suppression, email=email, reason=reason)
            )
    except IntegrityError:
        return False
    logger.info("Suppressed an address (%s)", reason)
    return True


def suppression_lift(*, email: str, actor=None, why: str = "confirmed again") -> bool:
    """Remove ``email`` from the list (it confirmed again, or an editor lifted it)."""
    email = email.strip().lower()
    with transaction.atomic():
        deleted, _ = Suppression.objects.filter(email=email).delete()
        if deleted:
            audit_record(
                action=AuditEntry.Action.UNSUPPRESSED,
                actor=actor,
                subscriber=Subscriber.objects.filter(email=email).first(),
                why=why,
            )
    return bool(deleted)


def tracking_event_apply(*, event_type: str, recipient: str | None, description: str = "") -> bool:
    """A bounce, complaint or rejection reported by the mail service. Idempotent by address:
    a repeated webhook finds the address already suppressed and changes nothing."""
    reason = SUPPRESSING_EVENTS.get(event_type)
    if reason is None or not recipient:
        return False
    return suppression_add(email=recipient, reason=reason, detail=description or "")
