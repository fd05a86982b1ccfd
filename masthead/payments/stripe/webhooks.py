"""Stripe's webhooks: the signature check and the parsing of events into ``ProviderEvent``s,
and how Stripe's objects read (in older and newer API shapes alike).

Only the events Masthead acts on are normalized; every other type comes back as ``IGNORED``
(still recorded, so a replay of it is recognised). Subscription events are not trusted for
their snapshot: Stripe sends them in any order, so the subscription is read afresh and its
current state is what the event carries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import stripe

from masthead.payments.base import (
    EventKind,
    Frequency,
    ProviderEvent,
    RecurringState,
    RecurringStatus,
    WebhookPayloadError,
)

INTERVALS = {Frequency.MONTHLY: "month", Frequency.ANNUAL: "year"}
FREQUENCIES = {v: k for k, v in INTERVALS.items()}
STATUSES = {
    "incomplete": RecurringStatus.INCOMPLETE,
    "trialing": RecurringStatus.ACTIVE,
    "active": RecurringStatus.ACTIVE,
    "past_due": RecurringStatus.PAST_DUE,
    "unpaid": RecurringStatus.PAST_DUE,
    "paused": RecurringStatus.PAST_DUE,
    "canceled": RecurringStatus.CANCELLED,
    "incomplete_expired": RecurringStatus.CANCELLED,
}
PAYMENT_EVENTS = {
    "payment_intent.succeeded": EventKind.PAYMENT_SUCCEEDED,
    "payment_intent.payment_failed": EventKind.PAYMENT_FAILED,
    "invoice.paid": EventKind.PAYMENT_SUCCEEDED,
    "invoice.payment_succeeded": EventKind.PAYMENT_SUCCEEDED,
    "invoice.payment_failed": EventKind.PAYMENT_FAILED,
}
SUBSCRIPTION_EVENTS = {
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
}
# Where our checkout reference travels in Stripe's metadata.
METADATA_KEY = "masthead_checkout"
# As Stripe's own libraries: an older signature is refused, so a captured event cannot be
# replayed later.
SIGNATURE_TOLERANCE_SECONDS = 300

SubscriptionReader = Callable[[str], "dict | None"]
# What an id of Stripe's looks like ("sub_1Q…", "in_…"): checked before it goes into a URL.
STRIPE_ID = re.compile(r"[A-Za-z0-9_]{1,255}")
# Seconds since 1970 that a datetime can hold (up to the year 9999).
MAX_TIMESTAMP = 253402300799


# --- Reading Stripe's objects ----------------------------------------------------------------


def timestamp(value: Any) -> datetime | None:
    """A time Stripe sent as seconds since 1970; None when it sent none (0 or null). Raises
    ``ValueError`` for anything that is not such a number (``1e20``, ``"soon"``, ``true``)."""
    if value is None or value == 0:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("not a timestamp")
    if not 0 < value <= MAX_TIMESTAMP:  # also false for NaN
        raise ValueError("timestamp out of range")
    return datetime.fromtimestamp(int(value), UTC)


def stripe_id(value: Any) -> str:
    """An id we may look up at Stripe; ``ValueError`` for anything else, so that a strange
    id never reaches a URL (nor earns a retry when Stripe refuses it)."""
    if not isinstance(value, str) or not STRIPE_ID.fullmatch(value):
        raise ValueError("not a Stripe id")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def object_id(value: Any) -> str:
    """An id whether Stripe sent the object expanded or as its id."""
    if isinstance(value, dict):
        value = value.get("id")
    if value is not None and not isinstance(value, str):
        raise TypeError("an id is not a string")
    return value or ""


def subscription_state(subscription: dict) -> RecurringState:
    items = (subscription.get("items") or {}).get("data") or [{}]
    item = items[0]
    plan = item.get("plan") or item.get("price") or subscription.get("plan") or {}
    amount = plan.get("amount", plan.get("unit_amount"))
    interval = plan.get("interval") or (plan.get("recurring") or {}).get("interval")
    # Newer API versions keep the period on the item.
    period_end = subscription.get("current_period_end") or item.get("current_period_end")
    return RecurringState(
        reference=subscription["id"],
        status=STATUSES.get(subscription.get("status", ""), RecurringStatus.INCOMPLETE),
        observed_at=datetime.now(UTC),
        current_period_end=timestamp(period_end),
        cancel_at_period_end=bool(subscription.get("cancel_at_period_end")),
        amount_minor=int(amount) * int(item.get("quantity") or 1) if amount is not None else None,
        currency=str(plan.get("currency") or "").upper(),
        frequency=FREQUENCIES.get(interval),
    )


def _checkout(obj: Mapping | None) -> str:
    return str(((obj or {}).get("metadata") or {}).get(METADATA_KEY, ""))


# --- Signature ---------------------------------------------------------------------------------


def signature_valid(body: bytes, headers: Mapping[str, str], *, secret: str) -> bool:
    header = headers.get("Stripe-Signature")
    if not header or not secret:
        return False
    try:
        # Stripe's own check: HMAC-SHA256 compared in constant time, within the tolerance.
        return stripe.WebhookSignature.verify_header(
            body, header, secret, SIGNATURE_TOLERANCE_SECONDS
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError):
        return False


# --- Events ------------------------------------------------------------------------------------


def events_from(body: bytes, *, subscription: SubscriptionReader) -> list[ProviderEvent]:
    """Normalize one verified event body. ``subscription`` reads a subscription's current
    state from Stripe (None when Stripe no longer knows it)."""
    try:
        event = json.loads(body)
        event_id, event_type = _text(event["id"]), _text(event["type"])
        occurred_at = timestamp(event["created"]) or datetime.now(UTC)
        obj = event["data"]["object"]
        if not event_id or not isinstance(obj, dict):
            raise ValueError("no id or object")
    except (ValueError, KeyError, TypeError, IndexError, OverflowError, RecursionError) as exc:
        raise WebhookPayloadError(f"malformed Stripe event ({exc.__class__.__name__})") from None
    base = {"event_id": event_id, "provider_type": event_type, "occurred_at": occurred_at}
    try:
        if event_type in SUBSCRIPTION_EVENTS:
            return [_subscription_event(base, obj, subscription)]
        if event_type.startswith("payment_intent.") and event_type in PAYMENT_EVENTS:
            return [_intent_event(base, obj)]
        if event_type.startswith("invoice.") and event_type in PAYMENT_EVENTS:
            return [_invoice_event(base, obj, subscription)]
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError) as exc:
        raise WebhookPayloadError(
            f"malformed {event_type:.100} object ({exc.__class__.__name__})"
        ) from None
    return [ProviderEvent(kind=EventKind.IGNORED, **base)]


def _subscription_event(base: dict, obj: dict, read: SubscriptionReader) -> ProviderEvent:
    # Gone at Stripe: the snapshot in the event is all there is.
    state = subscription_state(read(stripe_id(obj["id"])) or obj)
    return ProviderEvent(
        kind=EventKind.RECURRING_UPDATED,
        recurring_reference=state.reference,
        recurring=state,
        checkout_reference=_checkout(obj),
        **base,
    )


def _intent_event(base: dict, obj: dict) -> ProviderEvent:
    if obj.get("invoice"):
        # A subscription's payment: the invoice's own event records it.
        return ProviderEvent(kind=EventKind.IGNORED, **base)
    error = (obj.get("last_payment_error") or {}).get("message", "")
    return ProviderEvent(
        kind=PAYMENT_EVENTS[base["provider_type"]],
        checkout_reference=_checkout(obj),
        payment_reference=obj["id"],
        amount_minor=int(obj.get("amount_received") or obj.get("amount") or 0),
        currency=str(obj.get("currency") or "").upper(),
        message=error,
        **base,
    )


def _invoice_event(base: dict, obj: dict, read: SubscriptionReader) -> ProviderEvent:
    reference = object_id(obj.get("subscription")) or object_id(
        ((obj.get("parent") or {}).get("subscription_details") or {}).get("subscription")
    )
    if not reference:
        return ProviderEvent(kind=EventKind.IGNORED, **base)  # not a subscription's invoice
    kind = PAYMENT_EVENTS[base["provider_type"]]
    amount = obj.get("amount_paid") if kind == EventKind.PAYMENT_SUCCEEDED else None
    current = read(stripe_id(reference))
    return ProviderEvent(
        kind=kind,
        payment_reference=obj["id"],
        recurring_reference=reference,
        recurring=subscription_state(current) if current else None,
        # The subscription carries our reference: the first payment can be matched even
        # before the payment step has recorded the subscription.
        checkout_reference=_checkout(current),
        amount_minor=int(amount if amount is not None else obj.get("amount_due") or 0),
        currency=str(obj.get("currency") or "").upper(),
        is_renewal=obj.get("billing_reason") == "subscription_cycle",
        **base,
    )
