"""Stripe events for tests: read from localstripe (its own event log) or built by hand, then
signed with the real ``stripe.WebhookSignature`` scheme and our endpoint secret."""

from __future__ import annotations

import json
import time

import stripe
from django.urls import reverse

from masthead.payments.stripe.tests.conftest import WEBHOOK_SECRET


def signature(body: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> dict:
    header = stripe.WebhookSignature.generate_signature_header(
        body.decode("utf-8", "replace"), secret, timestamp=timestamp
    )
    return {"HTTP_STRIPE_SIGNATURE": header}


def event_body(event_id: str, event_type: str, obj: dict, *, created: int | None = None) -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created": int(time.time()) if created is None else created,
            "data": {"object": obj},
        }
    ).encode()


def localstripe_events(
    client: stripe.StripeClient, *, object_id: str, event_type: str = ""
) -> list[dict]:
    """Events localstripe recorded about one object, oldest first."""
    events = [e.to_dict() for e in client.v1.events.list({"limit": 100}).auto_paging_iter()]
    found = [
        e
        for e in events
        if e["data"]["object"].get("id") == object_id
        and (not event_type or e["type"] == event_type)
    ]
    return sorted(found, key=lambda e: e["created"])


def deliver(django_client, event: dict, *, secret: str = WEBHOOK_SECRET):
    """POST one event to our Stripe endpoint, signed as Stripe signs it."""
    body = json.dumps(event).encode()
    return django_client.post(
        reverse("payments:webhook", args=["stripe"]),
        data=body,
        content_type="application/json",
        **signature(body, secret=secret),
    )
