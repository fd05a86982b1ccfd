"""Every provider's webhook parser is total: whatever a signed body holds, ``webhook_parse``
returns events that fit what Masthead records, or raises ``WebhookPayloadError`` (which the
endpoint answers with 400). Property-based: Hypothesis builds bodies from valid events with
any field replaced by any JSON value, and from arbitrary bytes."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.payments.base import ProviderEvent, WebhookPayloadError, event_check
from masthead.payments.registry import providers_installed
from masthead.payments.stripe.provider import StripeProvider
from masthead.payments.test.provider import TestProvider, event_payload

# No example database: a test run leaves no directory behind in the working tree.
FUZZ = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

# Any JSON value, including what Python's json accepts beyond the standard (NaN, Infinity) and
# integers far beyond 64 bits.
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["", "\x00", "\ud800", "x" * 400, "1e20", "usd", "active", "monthly"])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@st.composite
def mutated(draw, valid: dict) -> dict:
    """``valid`` with a few of its fields replaced by any JSON value (nested objects mutated
    in turn) or dropped: mostly valid, so that the parser gets deep before it meets them."""
    result = dict(valid)
    keys = sorted(valid)
    for key in draw(st.sets(st.sampled_from(keys), max_size=2)) if keys else ():
        value = valid[key]
        action = draw(
            st.sampled_from(
                ["replace", "drop", "nest"] if isinstance(value, dict) else ["replace", "drop"]
            )
        )
        if action == "drop":
            del result[key]
        elif action == "nest":
            result[key] = draw(mutated(value))
        else:
            result[key] = draw(json_values)
    return result


def as_body(value) -> bytes:
    return json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass")


def assert_total(provider, body: bytes) -> None:
    try:
        events = provider.webhook_parse(body=body)
    except WebhookPayloadError as exc:
        assert str(exc)  # a reason for the 400
        return
    assert isinstance(events, list)
    for event in events:
        assert isinstance(event, ProviderEvent)
        event_check(event)  # within bounds: applying it cannot fail on the data


def test_every_provider_with_webhooks_is_covered_here():
    with_webhooks = {p.name for p in providers_installed().values() if p.webhooks}
    assert with_webhooks == {"stripe", "test"}


# --- The test provider -------------------------------------------------------------------------

TEST_PAYMENT = event_payload(
    event_id="evt_1",
    type="payment.succeeded",
    checkout="chk",
    payment="pay",
    amount_minor=500,
    currency="USD",
)
TEST_RECURRING = event_payload(
    event_id="evt_2",
    type="recurring.updated",
    recurring="sub",
    status="active",
    current_period_end=1_900_000_000,
    frequency="monthly",
)


@FUZZ
@given(st.sampled_from([TEST_PAYMENT, TEST_RECURRING]).flatmap(mutated))
def test_test_provider_parser_is_total_on_mutated_events(payload):
    assert_total(TestProvider(), as_body(payload))


@FUZZ
@given(st.binary(max_size=200) | json_values.map(as_body))
def test_test_provider_parser_is_total_on_anything(body):
    assert_total(TestProvider(), body)


# --- Stripe ------------------------------------------------------------------------------------

INTENT = {
    "id": "pi_1",
    "object": "payment_intent",
    "amount": 500,
    "amount_received": 500,
    "currency": "usd",
    "invoice": None,
    "metadata": {"masthead_checkout": "chk"},
    "last_payment_error": {"message": "declined"},
}
SUBSCRIPTION = {
    "id": "sub_1",
    "object": "subscription",
    "status": "active",
    "current_period_end": 1_900_000_000,
    "cancel_at_period_end": False,
    "metadata": {"masthead_checkout": "chk"},
    "items": {
        "data": [{"quantity": 1, "plan": {"amount": 500, "currency": "usd", "interval": "month"}}]
    },
}
INVOICE = {
    "id": "in_1",
    "object": "invoice",
    "subscription": "sub_1",
    "amount_paid": 500,
    "amount_due": 500,
    "currency": "usd",
    "billing_reason": "subscription_cycle",
}
STRIPE_EVENTS = [
    ("payment_intent.succeeded", INTENT),
    ("payment_intent.payment_failed", INTENT),
    ("customer.subscription.updated", SUBSCRIPTION),
    ("customer.subscription.deleted", SUBSCRIPTION),
    ("invoice.paid", INVOICE),
    ("invoice.payment_failed", INVOICE),
    ("charge.refunded", {"id": "ch_1"}),
]


@st.composite
def stripe_events(draw) -> dict:
    event_type, obj = draw(st.sampled_from(STRIPE_EVENTS))
    event = {"id": "evt_1", "type": event_type, "created": 1_800_000_000, "data": {"object": obj}}
    return draw(mutated(event))


class FuzzedStripe(StripeProvider):
    """Stripe, with what its API answers about a subscription drawn by Hypothesis too: the
    parser must survive a strange answer as much as a strange event."""

    def __init__(self, answer):
        self.answer = answer

    def _current_subscription(self, reference: str):
        assert isinstance(reference, str) and reference.isascii()  # never a strange id in a URL
        return self.answer


subscription_answers = st.none() | mutated(SUBSCRIPTION)


@FUZZ
@given(stripe_events(), subscription_answers)
def test_stripe_parser_is_total_on_mutated_events(event, answer):
    assert_total(FuzzedStripe(answer), as_body(event))


@FUZZ
@given(st.binary(max_size=200) | json_values.map(as_body))
def test_stripe_parser_is_total_on_anything(body):
    assert_total(FuzzedStripe(None), body)


@pytest.mark.parametrize(
    "created", [1e20, -1, math.inf, math.nan, "1800000000", True, 2**63, 253402300800]
)
def test_stripe_times_out_of_range_are_malformed(created):
    body = as_body(
        {"id": "evt_1", "type": "charge.refunded", "created": created, "data": {"object": {}}}
    )
    with pytest.raises(WebhookPayloadError):
        FuzzedStripe(None).webhook_parse(body=body)
