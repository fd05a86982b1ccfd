"""The audit trail: one entry per change that matters to people, in the change's transaction."""

from __future__ import annotations

from django.db import transaction

from masthead.newsletters.models import AuditEntry, Edition, Newsletter, Subscriber


def audit_record(
    *,
    action: str,
    actor=None,
    newsletter: Newsletter | None = None,
    edition: Edition | None = None,
    subscriber: Subscriber | None = None,
    **detail,
) -> AuditEntry:
    """Write an entry. Must be called inside the transaction that makes the change."""
    assert transaction.get_connection().in_atomic_block, "audit outside a transaction"
    return AuditEntry.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        newsletter=newsletter,
        edition=edition,
        subscriber=subscriber,
        detail=detail,
    )
