"""Providers' webhook events, applied to our records.

Called by ``masthead.payments.services.webhook_event_receive`` inside the transaction that
records the event id, so an event is applied exactly once. Every path is also idempotent by
itself (a payment already received stays received, a renewal is recorded once per provider
reference, an older state never overwrites a newer one), so replays change nothing.
"""

from __future__ import annotations

from masthead.payments.base import EventKind, ProviderEvent, RecurringStatus
from masthead.supporters.models import Contribution, RecurringSupport
from masthead.supporters.services.audit import audit_record
from masthead.supporters.services.contributions import (
    contribution_renewal_record,
    contribution_succeed,
)
from masthead.supporters.services.recurring import recurring_state_apply

APPLIED, UNCHANGED, STALE, UNMATCHED, IGNORED = (
    "applied",
    "unchanged",
    "stale",
    "unmatched",
    "ignored",
)


def payment_event_apply(*, provider: str, event: ProviderEvent) -> tuple[str, str]:
    """Apply one event; return its outcome and a short detail for the record."""
    actor = f"provider:{provider}"
    if event.kind == EventKind.IGNORED:
        return IGNORED, ""
    if event.kind == EventKind.RECURRING_UPDATED:
        return _recurring_updated(provider, event, actor)

    contribution = _contribution_for(provider, event)
    if contribution is not None:
        return _contribution_payment(contribution, event, actor)
    recurring = _recurring_for(provider, event)
    if recurring is None:
        return UNMATCHED, _describe(event)
    return _recurring_payment(recurring, event, actor)


def _describe(event: ProviderEvent) -> str:
    refs = [
        f"{name} {value}"
        for name, value in (
            ("payment", event.payment_reference),
            ("recurring", event.recurring_reference),
            ("checkout", event.checkout_reference[:8] + "…" if event.checkout_reference else ""),
        )
        if value
    ]
    return "no record for " + (", ".join(refs) or "an object without references")


def _contribution_for(provider: str, event: ProviderEvent) -> Contribution | None:
    """The contribution this payment is for: by the provider's payment reference, else by our
    checkout reference (a payment confirmed by the provider before the payment step saw it).
    A renewal carries the checkout reference of the first payment: it is not that one."""
    rows = Contribution.objects.select_for_update()
    if event.payment_reference:
        found = rows.filter(provider=provider, provider_reference=event.payment_reference).first()
        if found is not None:
            return found
    if event.checkout_reference and not event.is_renewal:
        found = rows.filter(provider=provider, checkout_token=event.checkout_reference).first()
        already_paid_otherwise = (
            found is not None
            and found.is_recurring
            and found.status == Contribution.Status.SUCCEEDED
            and found.provider_reference not in ("", event.payment_reference)
        )
        if found is not None and not already_paid_otherwise:
            return found
    return None


def _recurring_for(provider: str, event: ProviderEvent) -> RecurringSupport | None:
    reference = event.recurring_reference or (event.recurring.reference if event.recurring else "")
    if not reference:
        return None
    return (
        RecurringSupport.objects.select_for_update()
        .filter(provider=provider, provider_reference=reference)
        .first()
    )


def _contribution_payment(contribution: Contribution, event: ProviderEvent, actor: str):
    c = contribution
    if event.kind == EventKind.PAYMENT_SUCCEEDED:
        changed = contribution_succeed(
            contribution=c,
            payment_reference=event.payment_reference,
            recurring=event.recurring,
            actor=actor,
            at=event.occurred_at,
        )
        return (APPLIED if changed else UNCHANGED), f"contribution {c.pk}"
    # A failure never undoes a payment already received (events may arrive out of order).
    if c.status in (Contribution.Status.STARTED, Contribution.Status.PENDING):
        c.status = Contribution.Status.FAILED
        c.failure_message = event.message[:255]
        c.save(update_fields=["status", "failure_message", "updated_at"])
        audit_record(actor=actor, action="contribution.failed", contribution=c)
        return APPLIED, f"contribution {c.pk}"
    return UNCHANGED, f"contribution {c.pk}"


def _recurring_payment(recurring: RecurringSupport, event: ProviderEvent, actor: str):
    r = recurring
    outcome = UNCHANGED
    if event.kind == EventKind.PAYMENT_SUCCEEDED:
        first = r.contributions.select_for_update().filter(is_renewal=False).first()
        if (
            first is not None
            and first.status != Contribution.Status.SUCCEEDED
            and not event.is_renewal
        ):
            # The first payment, confirmed by the provider before the payment step was.
            if contribution_succeed(
                contribution=first,
                payment_reference=event.payment_reference,
                recurring=None,
                actor=actor,
                at=event.occurred_at,
            ):
                outcome = APPLIED
        elif event.payment_reference and contribution_renewal_record(
            recurring=r,
            payment_reference=event.payment_reference,
            amount_minor=event.amount_minor,
            currency=event.currency,
            actor=actor,
            at=event.occurred_at,
        ):
            outcome = APPLIED
    if event.recurring is not None:
        if recurring_state_apply(recurring=r, state=event.recurring, actor=actor) == APPLIED:
            outcome = APPLIED
    elif (
        event.kind == EventKind.PAYMENT_FAILED
        and r.status == RecurringStatus.ACTIVE
        and (r.state_observed_at is None or event.occurred_at >= r.state_observed_at)
    ):
        # No state came with the failure: the support is past due from the failure on.
        r.status = RecurringSupport.Status.PAST_DUE
        r.state_observed_at = event.occurred_at
        r.save(update_fields=["status", "state_observed_at"])
        audit_record(actor=actor, action="recurring.payment_failed", recurring=r)
        outcome = APPLIED
    return outcome, f"recurring {r.pk}"


def _recurring_updated(provider: str, event: ProviderEvent, actor: str) -> tuple[str, str]:
    recurring = _recurring_for(provider, event)
    if recurring is None and event.checkout_reference:
        # The subscription was created, and its event arrived before the payment step had
        # recorded it: attach it to the contribution that asked for it.
        contribution = (
            Contribution.objects.select_for_update()
            .filter(provider=provider, checkout_token=event.checkout_reference)
            .first()
        )
        if contribution is not None and contribution.is_recurring and event.recurring:
            state = event.recurring
            recurring = contribution.recurring or RecurringSupport.objects.create(
                supporter=contribution.supporter,
                provider=provider,
                provider_reference=state.reference,
                amount_minor=state.amount_minor or contribution.amount_minor,
                currency=state.currency or contribution.currency,
                frequency=state.frequency or contribution.frequency,
                is_test=contribution.is_test,
            )
            if contribution.recurring_id != recurring.pk:
                contribution.recurring = recurring
                contribution.save(update_fields=["recurring", "updated_at"])
    if recurring is None or event.recurring is None:
        return UNMATCHED, _describe(event)
    return recurring_state_apply(recurring=recurring, state=event.recurring, actor=actor), (
        f"recurring {recurring.pk}"
    )
