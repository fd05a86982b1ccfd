from __future__ import annotations

from masthead.supporters.models import AuditEntry, Contribution, RecurringSupport, Supporter


def audit_record(
    *,
    actor: str,
    action: str,
    supporter: Supporter | None = None,
    contribution: Contribution | None = None,
    recurring: RecurringSupport | None = None,
    **detail,
) -> AuditEntry:
    """Write an audit entry. Call it inside the transaction that makes the change."""
    if supporter is None:
        supporter = getattr(contribution, "supporter", None) or getattr(
            recurring, "supporter", None
        )
    return AuditEntry.objects.create(
        actor=actor[:100],
        action=action[:60],
        supporter=supporter,
        contribution=contribution,
        recurring=recurring,
        detail={k: v for k, v in detail.items() if v not in (None, "")},
    )
