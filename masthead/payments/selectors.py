"""Reads of the payments layer."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from masthead.payments.models import WebhookEvent


def webhook_events_unmatched(*, since: datetime | None = None) -> QuerySet[WebhookEvent]:
    """Events about objects Masthead did not know: each one is worth a look."""
    events = WebhookEvent.objects.filter(outcome=WebhookEvent.Outcome.UNMATCHED)
    if since is not None:
        events = events.filter(received_at__gte=since)
    return events.order_by("-received_at")
