"""Writes of the payments layer: receiving webhook events exactly once."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from masthead.payments import registry
from masthead.payments.base import ProviderEvent
from masthead.payments.models import WebhookEvent

logger = logging.getLogger(__name__)

DUPLICATE = "duplicate"


def webhook_event_receive(*, provider: str, event: ProviderEvent) -> str:
    """Record ``event`` and apply it to Masthead's records with the registered handler
    (``registry.event_handler``), in one transaction; return the outcome. An event id
    already recorded for this provider changes nothing (``"duplicate"``).

    The record is inserted first, in its own savepoint: a concurrent delivery of the same event
    waits on the unique constraint and then finds it taken, while an error in applying rolls
    the record back with everything else, so the provider's retry is processed afresh.
    """
    # The handler lives with the records it changes, in an app above this one.
    apply = registry.event_handler()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = WebhookEvent.objects.create(
                    provider=provider,
                    event_id=event.event_id[:255],
                    provider_type=event.provider_type[:100],
                    outcome=WebhookEvent.Outcome.IGNORED,
                )
        except IntegrityError:
            return DUPLICATE
        outcome, detail = apply(provider=provider, event=event)
        # An answer outside the known outcomes is a bug in the handler: roll back, retry.
        outcome = WebhookEvent.Outcome(outcome)
        record.outcome = outcome
        record.detail = detail[:255]
        record.save(update_fields=["outcome", "detail"])
    if outcome == WebhookEvent.Outcome.UNMATCHED:
        logger.warning(
            "%s event %s (%s) is about an object Masthead does not know: %s",
            provider,
            event.event_id,
            event.provider_type,
            detail,
        )
    return outcome


def webhook_events_forget(*, before) -> int:
    """Delete event records older than ``before``. Providers stop retrying within days (Stripe:
    three), so an id older than that will not come back; keeping it longer guards nothing."""
    deleted, _ = WebhookEvent.objects.filter(received_at__lt=before).delete()
    return deleted
