"""Providers' webhook events, applied to our records.

Called by ``masthead.payments.services.webhook_event_receive`` inside the transaction that
records the event id, so an event is applied exactly once. Every path is also idempotent by
itself (a payment already received stays received, a renewal is recorded once per provider
reference, an older state never overwrites a newer one), so replays change nothing.

**Events before their object.** Providers send events in any order, and the reader may close
the tab before the payment step posts back: a subscription's renewal can arrive before
Masthead has recorded the subscription. An event is matched by the provider's payment
reference, else by our checkout reference (kept in the provider's metadata), else by asking
the provider which checkout the subscription belongs to (``PaymentProvider.
recurring_details``). What still matches nothing is kept as an ``UnmatchedEvent`` and applied
in the transaction that records its object (the return page, or the event that creates the
recurring support), in event order, once; its webhook record then says what it did.

**Lock order.** Every path that locks a contribution and a recurring support takes, in this
order: (1) on PostgreSQL, a transaction-scoped advisory lock on the subscription's reference
(``recurring.recurring_reference_lock``: it serialises keeping an event unmatched with creating its
object, which no row lock can, since neither row exists yet); (2) the contributions, by
ascending id (``select_for_update`` ordered by id); (3) the recurring support; (4) its
unmatched events. The contribution comes before the recurring support because it exists
first: the checkout makes it, the subscription comes after, and creating the support is
serialised by the contribution that asked for it. An event is resolved without locks, its
rows are then locked in that order and resolved again; if the answer changed meanwhile, the
savepoint is rolled back (releasing the row locks) and it is resolved afresh.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q

from masthead.payments import registry
from masthead.payments.base import (
    EventKind,
    Frequency,
    ProviderEvent,
    ProviderUnavailableError,
    RecurringState,
    RecurringStatus,
)
from masthead.supporters.models import Contribution, RecurringSupport, UnmatchedEvent
from masthead.supporters.services.audit import audit_record
from masthead.supporters.services.contributions import (
    contribution_renewal_record,
    contribution_succeed,
    recurring_start,
)
from masthead.supporters.services.recurring import (
    recurring_reference_lock,
    recurring_state_apply,
)

logger = logging.getLogger(__name__)

APPLIED, UNCHANGED, STALE, UNMATCHED, IGNORED = (
    "applied",
    "unchanged",
    "stale",
    "unmatched",
    "ignored",
)
# Resolving again after the rows moved under us converges at once in practice (the advisory
# lock serialises one subscription's events); the bound only stops a pathological loop.
MAX_RESOLVE_ATTEMPTS = 5


def payment_event_apply(*, provider: str, event: ProviderEvent) -> tuple[str, str]:
    """Apply one event; return its outcome and a short detail for the record. An event about
    an object Masthead does not know yet is kept and applied when that object appears."""
    if event.kind == EventKind.IGNORED:
        return IGNORED, ""
    recurring_reference_lock(provider=provider, reference=_recurring_reference(event))
    event = _with_provider_details(provider, event)
    outcome, detail, rows = _apply(provider, event)
    if outcome == UNMATCHED:
        _hold(provider, event)
        return outcome, detail
    contribution = rows.first or rows.contribution
    recurring = rows.recurring
    if recurring is None and contribution is not None and contribution.recurring_id:
        recurring = contribution.recurring  # started by this very event
    unmatched_events_apply(provider=provider, contribution=contribution, recurring=recurring)
    return outcome, detail


# --- Unmatched events ---------------------------------------------------------------------------


def unmatched_events_apply(
    *,
    provider: str,
    contribution: Contribution | None = None,
    recurring: RecurringSupport | None = None,
) -> int:
    """Apply the kept events that name ``contribution`` or ``recurring`` (which now exist), in
    the order they happened, each once; return how many were applied. Call it in the
    transaction that created or linked them, after locking them (the lock order above)."""
    from masthead.payments.models import WebhookEvent

    match = Q()
    if recurring is not None and recurring.provider_reference:
        match |= Q(recurring_reference=recurring.provider_reference)
    if contribution is not None:
        match |= Q(checkout_reference=contribution.checkout_token)
        if contribution.provider_reference:
            match |= Q(payment_reference=contribution.provider_reference)
    if not match:
        return 0
    applied = 0
    while True:
        # Applying one may make another matchable (it recorded the payment it names): go
        # round until a pass applies nothing.
        progress = False
        held = (
            UnmatchedEvent.objects.select_for_update()
            .filter(match, provider=provider)
            .order_by("occurred_at", "pk")
        )
        for row in held:
            outcome, detail, _rows = _apply(provider, _event_of(row))
            if outcome == UNMATCHED:
                continue
            row.delete()
            # The webhook record listed it as unmatched (in the admin): say what it did.
            WebhookEvent.objects.filter(provider=provider, event_id=row.event_id).update(
                outcome=outcome, detail=f"applied later: {detail}"[:255]
            )
            applied += 1
            progress = True
        if not progress:
            return applied


def _hold(provider: str, event: ProviderEvent) -> None:
    state = event.recurring
    try:
        with transaction.atomic():
            UnmatchedEvent.objects.get_or_create(
                provider=provider,
                event_id=event.event_id[:255],
                defaults={
                    "kind": event.kind.value,
                    "provider_type": event.provider_type[:100],
                    "occurred_at": event.occurred_at,
                    "checkout_reference": event.checkout_reference[:64],
                    "payment_reference": event.payment_reference[:255],
                    "recurring_reference": _recurring_reference(event)[:255],
                    "amount_minor": event.amount_minor,
                    "currency": event.currency[:3],
                    "is_renewal": event.is_renewal,
                    "message": event.message[:255],
                    "recurring": _state_to_json(state) if state else {},
                },
            )
    except IntegrityError:
        pass  # kept already (a replay under the same id)


def _state_to_json(state: RecurringState) -> dict:
    return {
        "reference": state.reference,
        "status": state.status.value,
        "observed_at": state.observed_at.isoformat(),
        "current_period_end": state.current_period_end.isoformat()
        if state.current_period_end
        else None,
        "cancel_at_period_end": state.cancel_at_period_end,
        "amount_minor": state.amount_minor,
        "currency": state.currency,
        "frequency": state.frequency.value if state.frequency else None,
    }


def _state_from_json(data: dict) -> RecurringState | None:
    if not data:
        return None
    end = data.get("current_period_end")
    return RecurringState(
        reference=data["reference"],
        status=RecurringStatus(data["status"]),
        observed_at=datetime.fromisoformat(data["observed_at"]),
        current_period_end=datetime.fromisoformat(end) if end else None,
        cancel_at_period_end=bool(data.get("cancel_at_period_end")),
        amount_minor=data.get("amount_minor"),
        currency=data.get("currency") or "",
        frequency=Frequency(data["frequency"]) if data.get("frequency") else None,
    )


def _event_of(row: UnmatchedEvent) -> ProviderEvent:
    return ProviderEvent(
        event_id=row.event_id,
        kind=EventKind(row.kind),
        provider_type=row.provider_type,
        occurred_at=row.occurred_at,
        checkout_reference=row.checkout_reference,
        payment_reference=row.payment_reference,
        recurring_reference=row.recurring_reference,
        amount_minor=row.amount_minor,
        currency=row.currency,
        recurring=_state_from_json(row.recurring),
        is_renewal=row.is_renewal,
        message=row.message,
    )


# --- Resolving and locking -----------------------------------------------------------------------


@dataclass
class _Rows:
    contribution: Contribution | None  # the payment the event names, once recorded
    recurring: RecurringSupport | None
    first: Contribution | None  # the contribution that started (or will start) the support

    def key(self) -> tuple:
        return tuple(getattr(row, "pk", None) for row in (self.contribution, self.recurring))


class _Moved(Exception):
    """The rows an event is about changed between resolving and locking them."""


def _recurring_reference(event: ProviderEvent) -> str:
    return event.recurring_reference or (event.recurring.reference if event.recurring else "")


def _with_provider_details(provider: str, event: ProviderEvent) -> ProviderEvent:
    """The event, completed by the provider when it names recurring support that nothing
    here knows and no checkout reference came with it."""
    reference = _recurring_reference(event)
    if not reference or _resolve(provider, event) != _Rows(None, None, None):
        return event
    source = registry.provider_get(provider)
    if source is None:
        return event
    try:
        details = source.recurring_details(reference=reference)
    except ProviderUnavailableError:
        logger.warning("%s: could not ask about %s; keeping the event", provider, reference)
        return event
    if details is None:
        return event
    return dataclasses.replace(
        event,
        checkout_reference=event.checkout_reference or details.checkout_reference,
        recurring=event.recurring or details.state,
    )


def _contribution_for(provider: str, event: ProviderEvent) -> Contribution | None:
    """The contribution this payment is for: by the provider's payment reference, else by our
    checkout reference (a payment confirmed by the provider before the payment step saw it).
    A renewal carries the checkout reference of the first payment: it is not that one."""
    if event.kind == EventKind.RECURRING_UPDATED:
        return None
    rows = Contribution.objects.all()
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


def _resolve(provider: str, event: ProviderEvent) -> _Rows:
    """Which rows the event is about, read without locks."""
    contribution = _contribution_for(provider, event)
    reference = _recurring_reference(event)
    recurring = None
    if reference:
        recurring = RecurringSupport.objects.filter(
            provider=provider, provider_reference=reference
        ).first()
    if recurring is None and contribution is not None and contribution.recurring_id:
        recurring = RecurringSupport.objects.filter(pk=contribution.recurring_id).first()
    first = None
    if recurring is not None:
        first = recurring.contributions.filter(is_renewal=False).order_by("pk").first()
    elif reference and event.checkout_reference:
        # Not recorded yet: the checkout that asked for it may start it now.
        first = Contribution.objects.filter(
            provider=provider, checkout_token=event.checkout_reference
        ).first()
        if first is not None and (not first.is_recurring or first.recurring_id):
            # A one-off, or a checkout whose support is another subscription (an earlier
            # attempt): this subscription is not one Masthead made.
            first = None
    return _Rows(contribution, recurring, first)


def _lock(provider: str, event: ProviderEvent) -> _Rows:
    rows = _resolve(provider, event)
    ids = sorted({c.pk for c in (rows.contribution, rows.first) if c is not None})
    locked = {
        c.pk: c for c in Contribution.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    recurring = None
    if rows.recurring is not None:
        recurring = RecurringSupport.objects.select_for_update().get(pk=rows.recurring.pk)
    again = _resolve(provider, event)
    if again.key() != rows.key() or getattr(again.first, "pk", None) != getattr(
        rows.first, "pk", None
    ):
        raise _Moved
    return _Rows(
        contribution=locked.get(getattr(rows.contribution, "pk", None)),
        recurring=recurring,
        first=locked.get(getattr(rows.first, "pk", None)),
    )


def _apply(provider: str, event: ProviderEvent) -> tuple[str, str, _Rows]:
    for _attempt in range(MAX_RESOLVE_ATTEMPTS):
        try:
            with transaction.atomic():
                rows = _lock(provider, event)
                outcome, detail = _apply_locked(provider, event, rows)
                return outcome, detail, rows
        except _Moved:
            continue
    raise RuntimeError(f"{provider} event {event.event_id}: its records kept changing")


# --- Applying ------------------------------------------------------------------------------------


def _apply_locked(provider: str, event: ProviderEvent, rows: _Rows) -> tuple[str, str]:
    actor = f"provider:{provider}"
    if event.kind == EventKind.RECURRING_UPDATED:
        if rows.recurring is None and rows.first is not None:
            rows.recurring = recurring_start(
                contribution=rows.first,
                reference=_recurring_reference(event),
                state=event.recurring,
                actor=actor,
            )
        if rows.recurring is None or event.recurring is None:
            return UNMATCHED, _describe(event)
        outcome = recurring_state_apply(
            recurring=rows.recurring, state=event.recurring, actor=actor
        )
        return outcome, f"recurring {rows.recurring.pk}"

    if rows.contribution is not None:
        return _contribution_payment(rows.contribution, event, actor)
    if rows.recurring is None and rows.first is not None:
        rows.recurring = recurring_start(
            contribution=rows.first,
            reference=_recurring_reference(event),
            state=event.recurring,
            actor=actor,
        )
    if rows.recurring is None:
        return UNMATCHED, _describe(event)
    return _recurring_payment(rows.recurring, rows.first, event, actor)


def _describe(event: ProviderEvent) -> str:
    refs = [
        f"{name} {value}"
        for name, value in (
            ("payment", event.payment_reference),
            ("recurring", _recurring_reference(event)),
            ("checkout", event.checkout_reference[:8] + "…" if event.checkout_reference else ""),
        )
        if value
    ]
    return "no record for " + (", ".join(refs) or "an object without references")


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


def _recurring_payment(
    recurring: RecurringSupport, first: Contribution | None, event: ProviderEvent, actor: str
):
    r = recurring
    outcome = UNCHANGED
    if event.kind == EventKind.PAYMENT_SUCCEEDED:
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
