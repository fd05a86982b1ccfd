"""Contributions: started by the form, paid on the payment step, confirmed by providers or,
for offline methods, by editors."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from masthead.core.editions import known_language
from masthead.payments.base import (
    Checkout,
    Frequency,
    Outcome,
    PaymentPage,
    PaymentProvider,
    PaymentResult,
    RecurringState,
)
from masthead.supporters.models import Contribution, RecurringSupport, Supporter
from masthead.supporters.services.audit import audit_record
from masthead.supporters.signals import contribution_started, contribution_succeeded

logger = logging.getLogger(__name__)

# How long a payment submission may take before another request may try again.
SUBMISSION_LEASE = timedelta(seconds=60)
# Without JavaScript the form sends no key of its own: the same details from the same address
# within this window are taken for the same request (a double click, a reload, a retry).
IDEMPOTENCY_WINDOW_SECONDS = 1800


def contribution_idempotency_keys(
    *,
    client_key: str,
    email: str,
    amount_minor: int,
    fee_cover_minor: int,
    currency: str,
    frequency: str,
    provider: str,
    campaign: str,
    now: float | None = None,
) -> list[str]:
    """The idempotency key of a form submission, then any earlier key that the same
    submission could have been given (the previous time window)."""
    details = "|".join(
        [email.strip().lower(), str(amount_minor), str(fee_cover_minor), currency, frequency]
        + [provider, campaign]
    )
    if client_key:
        return [hashlib.sha256(f"client|{client_key}|{details}".encode()).hexdigest()]
    window = int((time.time() if now is None else now) // IDEMPOTENCY_WINDOW_SECONDS)
    return [
        hashlib.sha256(f"window|{w}|{details}".encode()).hexdigest() for w in (window, window - 1)
    ]


def contribution_start(
    *,
    email: str,
    amount_minor: int,
    fee_cover_minor: int,
    currency: str,
    frequency: str,
    provider: str,
    campaign: str,
    idempotency_keys: list[str],
    is_test: bool,
    source_page: str = "",
    language: str | None = None,
) -> tuple[Contribution, bool]:
    """Record what the reader asked to give, before any money moves; return it and whether
    it is new. A request whose key was seen before returns that contribution instead.
    ``language`` is the edition given from (the default's when not given): the receipt is
    written in it, and so are the renewal notices of the support it starts."""
    existing = Contribution.objects.filter(idempotency_key__in=idempotency_keys).first()
    if existing is not None:
        return existing, False
    email = email.strip().lower()
    try:
        with transaction.atomic():
            supporter, _ = Supporter.objects.get_or_create(email=email)
            contribution = Contribution.objects.create(
                supporter=supporter,
                amount_minor=amount_minor,
                fee_cover_minor=fee_cover_minor,
                currency=currency,
                frequency=frequency,
                provider=provider,
                campaign=campaign,
                idempotency_key=idempotency_keys[0],
                checkout_token=secrets.token_urlsafe(24),
                is_test=is_test,
                language=known_language(language),
            )
            audit_record(
                actor="reader",
                action="contribution.started",
                contribution=contribution,
                amount_minor=amount_minor,
                currency=currency,
                frequency=frequency,
                provider=provider,
            )
            contribution_started.send(
                sender=Contribution, contribution=contribution, source_page=source_page
            )
    except IntegrityError:
        # The same request, a moment earlier, in another process.
        existing = Contribution.objects.filter(idempotency_key__in=idempotency_keys).first()
        if existing is None:
            raise
        return existing, False
    return contribution, True


def contribution_checkout(*, contribution: Contribution, site_name: str) -> Checkout:
    """What the provider may know about this contribution."""
    frequency = Frequency(contribution.frequency)
    what = "A gift" if frequency == Frequency.ONCE else f"{frequency.label} support"
    return Checkout(
        reference=contribution.checkout_token,
        amount_minor=contribution.amount_minor,
        currency=contribution.currency,
        frequency=frequency,
        description=f"{what} for {site_name}",
        idempotency_key=contribution.idempotency_key or contribution.checkout_token,
        provider_data={k: str(v) for k, v in (contribution.provider_data or {}).items()},
        test_mode=contribution.is_test,
    )


def contribution_provider_data_save(*, contribution: Contribution, data: Mapping[str, str]) -> None:
    merged = {**(contribution.provider_data or {}), **data}
    if merged != contribution.provider_data:
        Contribution.objects.filter(pk=contribution.pk).update(provider_data=merged)
        contribution.provider_data = merged


def contribution_payment_page(
    *, contribution: Contribution, provider: PaymentProvider, site_name: str, action_url: str
) -> tuple[Contribution, PaymentPage | None]:
    """The payment step's page for ``contribution``, and the contribution as it is now; no
    page when it can no longer be paid (a submission in another tab has just paid it).

    Whatever the provider prepared (a Customer, a SetupIntent) is kept on the contribution
    before the page is shown, so that a reload or a second tab reuses it. Preparing takes the
    same short claim as submitting: a second opening of the page while the first is still at
    the provider waits for it and reuses its objects instead of making its own. Raises
    ``ProviderUnavailableError``."""
    claimed = contribution_submission_claim(contribution=contribution)
    if claimed:
        current = Contribution.objects.get(pk=contribution.pk)
    else:
        current = contribution_submission_wait(contribution=contribution)
    if current.status not in (Contribution.Status.STARTED, Contribution.Status.FAILED):
        if claimed:
            contribution_submission_release(contribution=current)
        return current, None
    try:
        checkout = contribution_checkout(contribution=current, site_name=site_name)
        page = provider.checkout_page(checkout=checkout, action_url=action_url)
        contribution_provider_data_save(contribution=current, data=page.provider_data)
    finally:
        if claimed:
            contribution_submission_release(contribution=current)
    return current, page


def contribution_submission_claim(*, contribution: Contribution) -> bool:
    """Take the right to submit this contribution's payment to the provider, for a while.
    False when it is paid already, or another request is submitting it right now. No lock is
    held during the provider's call: the claim is a compare-and-set on one row."""
    now = timezone.now()
    return bool(
        Contribution.objects.filter(
            Q(submitting_until__isnull=True) | Q(submitting_until__lt=now),
            pk=contribution.pk,
            status__in=[Contribution.Status.STARTED, Contribution.Status.FAILED],
        ).update(submitting_until=now + SUBMISSION_LEASE)
    )


def contribution_submission_release(*, contribution: Contribution) -> None:
    Contribution.objects.filter(pk=contribution.pk).update(submitting_until=None)


def contribution_submission_wait(
    *, contribution: Contribution, timeout: float = 20
) -> Contribution:
    """The contribution once the submission in progress is over (or ``timeout`` passed)."""
    deadline = time.monotonic() + timeout
    while True:
        current = Contribution.objects.get(pk=contribution.pk)
        busy = current.submitting_until is not None and current.submitting_until > timezone.now()
        if not busy or time.monotonic() > deadline:
            return current
        time.sleep(0.2)


def contribution_checkout_apply(
    *, contribution: Contribution, result: PaymentResult
) -> Contribution:
    """Record what the provider answered on the payment step (and end the submission), then
    apply the provider's events that arrived before it and were kept unmatched."""
    from masthead.supporters.services.events import unmatched_events_apply
    from masthead.supporters.services.recurring import recurring_reference_lock

    with transaction.atomic():
        # The lock order of ``services.events``: the subscription, the contribution, then
        # (in ``contribution_succeed``) its recurring support.
        recurring_reference_lock(
            provider=contribution.provider,
            reference=result.recurring.reference if result.recurring else "",
        )
        c = Contribution.objects.select_for_update().get(pk=contribution.pk)
        c.submitting_until = None
        c.provider_data = {**(c.provider_data or {}), **result.provider_data}
        if result.outcome == Outcome.SUCCEEDED:
            contribution_succeed(
                contribution=c,
                payment_reference=result.payment_reference,
                recurring=result.recurring,
                actor=f"provider:{c.provider}",
            )
        elif result.outcome == Outcome.PENDING:
            if c.status in (Contribution.Status.STARTED, Contribution.Status.FAILED):
                c.status = Contribution.Status.PENDING
                c.failure_message = ""
                if result.payment_reference and not c.provider_reference:
                    c.provider_reference = result.payment_reference
                audit_record(actor="reader", action="contribution.pending", contribution=c)
        elif result.outcome == Outcome.FAILED:
            if c.status in (Contribution.Status.STARTED, Contribution.Status.FAILED):
                c.status = Contribution.Status.FAILED
                c.failure_message = result.message[:255]
                audit_record(
                    actor=f"provider:{c.provider}",
                    action="contribution.failed",
                    contribution=c,
                    message=result.message,
                )
        elif result.outcome == Outcome.ACTION_REQUIRED and c.status in (
            Contribution.Status.STARTED,
            Contribution.Status.FAILED,
        ):
            c.status = Contribution.Status.STARTED
            c.failure_message = ""
        # Only what this function sets: the receipt task may have run already (immediate
        # tasks) and marked the receipt sent on the row.
        c.save(
            update_fields=[
                "submitting_until",
                "provider_data",
                "status",
                "failure_message",
                "provider_reference",
                "succeeded_at",
                "recurring",
                "updated_at",
            ]
        )
        unmatched_events_apply(provider=c.provider, contribution=c, recurring=c.recurring)
    return c


def contribution_succeed(
    *,
    contribution: Contribution,
    payment_reference: str,
    recurring: RecurringState | None,
    actor: str,
    at: datetime | None = None,
) -> bool:
    """Mark the payment received, once. Call inside a transaction holding the row. For
    recurring support, the arrangement is created or updated from ``recurring``. Returns
    whether anything changed."""
    from masthead.supporters.services.recurring import recurring_state_apply
    from masthead.supporters.tasks import receipt_email

    c = contribution
    changed = False
    if c.is_recurring and recurring is not None:
        linked = c.recurring_id
        r = recurring_start(
            contribution=c, reference=recurring.reference, state=recurring, actor=actor
        )
        if linked != r.pk:
            changed = True
        if recurring_state_apply(recurring=r, state=recurring, actor=actor) == "applied":
            changed = True
    if c.status == Contribution.Status.SUCCEEDED:
        return changed  # (``recurring_start`` saved the link)
    if payment_reference and not c.provider_reference:
        c.provider_reference = payment_reference
    c.status = Contribution.Status.SUCCEEDED
    c.succeeded_at = at or timezone.now()
    c.failure_message = ""
    c.save()
    audit_record(
        actor=actor,
        action="contribution.succeeded",
        contribution=c,
        recurring=c.recurring,
        reference=c.provider_reference,
    )
    # In the same transaction: the receipt is queued exactly when the payment is recorded.
    receipt_email.enqueue(contribution_id=c.pk)
    contribution_succeeded.send(sender=Contribution, contribution=c, first_payment=not c.is_renewal)
    return True


def recurring_start(
    *, contribution: Contribution, reference: str, state: RecurringState | None, actor: str
) -> RecurringSupport:
    """The recurring support ``contribution`` asked for, known to the provider as
    ``reference``: found or created (an audit entry by ``actor``), locked, and linked to the
    contribution. Call it holding the contribution's lock: the support comes after it in the
    lock order (see ``services.events``). The caller applies ``state``."""
    c = contribution
    rows = RecurringSupport.objects.select_for_update()
    r = rows.filter(pk=c.recurring_id).first() if c.recurring_id else None
    if r is None and reference:
        r = rows.filter(provider=c.provider, provider_reference=reference).first()
    if r is None:
        r = RecurringSupport.objects.create(
            supporter=c.supporter,
            provider=c.provider,
            provider_reference=reference,
            amount_minor=(state.amount_minor if state else None) or c.amount_minor,
            currency=(state.currency if state else "") or c.currency,
            frequency=(state.frequency if state and state.frequency else c.frequency),
            is_test=c.is_test,
            language=c.language,
        )
        audit_record(
            actor=actor,
            action="recurring.created",
            recurring=r,
            contribution=c,
            reference=reference,
        )
    if c.recurring_id != r.pk:
        c.recurring = r
        c.save(update_fields=["recurring", "updated_at"])
    return r


def contribution_renewal_record(
    *,
    recurring: RecurringSupport,
    payment_reference: str,
    amount_minor: int | None,
    currency: str,
    actor: str,
    at: datetime,
) -> bool:
    """A renewal payment of recurring support, recorded once per provider reference."""
    from masthead.supporters.tasks import receipt_email

    if Contribution.objects.filter(
        provider=recurring.provider, provider_reference=payment_reference
    ).exists():
        return False
    try:
        with transaction.atomic():
            c = Contribution.objects.create(
                supporter=recurring.supporter,
                recurring=recurring,
                is_renewal=True,
                amount_minor=amount_minor or recurring.amount_minor,
                currency=currency or recurring.currency,
                frequency=recurring.frequency,
                provider=recurring.provider,
                provider_reference=payment_reference,
                status=Contribution.Status.SUCCEEDED,
                checkout_token=secrets.token_urlsafe(24),
                is_test=recurring.is_test,
                succeeded_at=at,
                # Nobody is on a page: the receipt is in the language the support began in.
                language=recurring.language,
            )
    except IntegrityError:
        return False  # recorded meanwhile by a concurrent delivery
    audit_record(actor=actor, action="contribution.renewed", contribution=c, recurring=recurring)
    receipt_email.enqueue(contribution_id=c.pk)
    contribution_succeeded.send(sender=Contribution, contribution=c, first_payment=False)
    return True


def contribution_mark_received(*, contribution: Contribution, editor: str) -> bool:
    """An editor confirms that an offline gift arrived. Returns False when it was not
    pending (already confirmed by someone else, or never promised)."""
    with transaction.atomic():
        c = Contribution.objects.select_for_update().get(pk=contribution.pk)
        if c.status != Contribution.Status.PENDING:
            return False
        return contribution_succeed(
            contribution=c,
            payment_reference=c.provider_reference,
            recurring=None,
            actor=f"editor:{editor}",
        )


def contribution_mark_not_received(*, contribution: Contribution, editor: str) -> bool:
    with transaction.atomic():
        c = Contribution.objects.select_for_update().get(pk=contribution.pk)
        if c.status != Contribution.Status.PENDING:
            return False
        c.status = Contribution.Status.CANCELLED
        c.save(update_fields=["status", "updated_at"])
        audit_record(actor=f"editor:{editor}", action="contribution.not_received", contribution=c)
    return True
