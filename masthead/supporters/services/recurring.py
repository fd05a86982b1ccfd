"""Recurring support: its state as the provider reports it, and the supporter's changes."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from masthead.payments import registry
from masthead.payments.base import (
    Frequency,
    ProviderUnavailableError,
    RecurringState,
    RecurringStatus,
)
from masthead.supporters.models import RecurringSupport
from masthead.supporters.services.audit import audit_record
from masthead.supporters.signals import recurring_changed

APPLIED, UNCHANGED, STALE = "applied", "unchanged", "stale"


def recurring_reference_lock(*, provider: str, reference: str) -> None:
    """Step (1) of the lock order (see ``services.events``): hold the subscription's reference
    until the transaction ends, so that keeping an event about it as unmatched and creating
    the recurring support (neither row exists yet: no row lock can) happen one after the
    other. SQLite needs nothing: its writers are serialised already (IMMEDIATE)."""
    if reference and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"masthead.recurring:{provider}:{reference}"],
            )


def recurring_state_of(*, recurring: RecurringSupport) -> RecurringState:
    return RecurringState(
        reference=recurring.provider_reference,
        status=RecurringStatus(recurring.status),
        observed_at=recurring.state_observed_at or recurring.created_at,
        current_period_end=recurring.current_period_end,
        cancel_at_period_end=recurring.cancel_at_period_end,
        amount_minor=recurring.amount_minor,
        currency=recurring.currency,
        frequency=Frequency(recurring.frequency),
    )


def recurring_state_apply(*, recurring: RecurringSupport, state: RecurringState, actor: str) -> str:
    """Take the provider's state, unless we already hold a newer one. Events arrive late, twice
    and out of order; each carries when its state was true, and only newer states win, so
    every order of delivery ends in the same place. Cancellation is final."""
    r = recurring
    if r.state_observed_at is not None and state.observed_at < r.state_observed_at:
        return STALE
    if r.status == RecurringSupport.Status.CANCELLED and state.status != RecurringStatus.CANCELLED:
        return STALE
    previous = r.status
    updates = {
        "status": state.status.value,
        "cancel_at_period_end": state.cancel_at_period_end,
        "current_period_end": state.current_period_end or r.current_period_end,
        "amount_minor": state.amount_minor or r.amount_minor,
        "currency": state.currency or r.currency,
        "frequency": state.frequency.value if state.frequency else r.frequency,
    }
    changed = {k: v for k, v in updates.items() if getattr(r, k) != v}
    r.state_observed_at = state.observed_at
    now = timezone.now()
    if state.status == RecurringStatus.ACTIVE and r.started_at is None:
        r.started_at = now
    if state.status == RecurringStatus.CANCELLED and r.ended_at is None:
        r.ended_at = now
    for key, value in changed.items():
        setattr(r, key, value)
    r.save()
    if not changed:
        return UNCHANGED
    audit_record(
        actor=actor,
        action="recurring.updated",
        recurring=r,
        **{k: str(v) for k, v in changed.items()},
    )
    if "status" in changed:
        recurring_changed.send(sender=RecurringSupport, recurring=r, previous_status=previous)
    return APPLIED


def _provider(recurring: RecurringSupport):
    provider = registry.provider_get(recurring.provider)
    if provider is None:
        raise ProviderUnavailableError(f"the provider {recurring.provider!r} is not installed")
    return provider


def _apply_own_change(recurring: RecurringSupport, state: RecurringState, action: str, actor: str):
    with transaction.atomic():
        r = RecurringSupport.objects.select_for_update().get(pk=recurring.pk)
        recurring_state_apply(recurring=r, state=state, actor=actor)
        audit_record(actor=actor, action=action, recurring=r)
    return r


def recurring_update(
    *, recurring: RecurringSupport, amount_minor: int, frequency: str, actor: str
) -> RecurringSupport:
    """Change the amount, or switch between monthly and annual. The provider first: if it
    refuses, nothing changes here either."""
    state = _provider(recurring).recurring_update(
        current=recurring_state_of(recurring=recurring),
        amount_minor=amount_minor,
        currency=recurring.currency,
        frequency=Frequency(frequency),
    )
    return _apply_own_change(recurring, state, "recurring.changed_by_supporter", actor)


def recurring_cancel(*, recurring: RecurringSupport, actor: str) -> RecurringSupport:
    """Stop at the end of the period already paid for."""
    state = _provider(recurring).recurring_cancel(current=recurring_state_of(recurring=recurring))
    return _apply_own_change(recurring, state, "recurring.cancel_requested", actor)


def recurring_resume(*, recurring: RecurringSupport, actor: str) -> RecurringSupport:
    state = _provider(recurring).recurring_resume(current=recurring_state_of(recurring=recurring))
    return _apply_own_change(recurring, state, "recurring.resumed", actor)
