"""Trying to get in through the payment webhooks: forged, replayed and malformed deliveries to
every provider's endpoint change nothing, and an endpoint without its secret does not exist.

Each test compares every row of the apps a webhook could change (payments, supporters,
newsletters) before and after. The security audit log is left out on purpose: refusals are
traced there, at most once per endpoint, reason and hour.
"""

from __future__ import annotations

import json
import time

import pytest
from django.apps import apps
from django.urls import reverse

from masthead.audit.models import SecurityEvent
from masthead.payments import registry
from masthead.payments.models import WebhookEvent
from masthead.payments.stripe.tests.helpers import event_body, signature
from masthead.payments.test.provider import SIGNATURE_HEADER, event_payload, signature_header
from masthead.supporters.models import Contribution
from masthead.supporters.tests import factories

pytestmark = pytest.mark.django_db

TEST_HEADER = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")


def snapshot() -> dict[str, list[dict]]:
    """Every row of every model of the apps a webhook could change."""
    rows = {}
    for label in ("payments", "supporters", "newsletters"):
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def url(provider: str) -> str:
    return reverse("payments:webhook", args=[provider])


def post(client, provider: str, body: bytes, headers: dict, content_type="application/json"):
    return client.post(url(provider), data=body, content_type=content_type, **headers)


def sign_test(body: bytes, **kwargs) -> dict:
    return {TEST_HEADER: signature_header(body, **kwargs)}


def sign_stripe(body: bytes, **kwargs) -> dict:
    return signature(body, **kwargs)


@pytest.fixture
def stripe_secret(settings):
    # Signing needs no Stripe server: only events about subscriptions read from it.
    settings.STRIPE_WEBHOOK_SECRET = "whsec_masthead_test_secret"
    return settings


@pytest.fixture
def contribution(test_mode):
    return factories.contribution(provider="test")


@pytest.fixture
def stripe_contribution(test_mode):
    return factories.contribution(provider="stripe")


def provider_paid(contribution) -> bytes:
    payload = event_payload(
        event_id="evt_paid",
        type="payment.succeeded",
        checkout=contribution.checkout_token,
        payment=f"test_pay_{contribution.pk}",
        amount_minor=contribution.amount_minor,
        currency=contribution.currency,
    )
    return json.dumps(payload).encode()


def stripe_paid(contribution, event_id="evt_paid") -> bytes:
    intent = {
        "id": f"pi_test{contribution.pk}",
        "object": "payment_intent",
        "amount": contribution.amount_minor,
        "amount_received": contribution.amount_minor,
        "currency": contribution.currency.lower(),
        "status": "succeeded",
        "invoice": None,
        "metadata": {"masthead_checkout": contribution.checkout_token},
    }
    return event_body(event_id, "payment_intent.succeeded", intent)


# --- No secret, no endpoint --------------------------------------------------------------------


def test_stripe_without_its_webhook_secret_has_no_endpoint(client, settings, stripe_contribution):
    settings.STRIPE_WEBHOOK_SECRET = ""
    before = snapshot()
    body = stripe_paid(stripe_contribution)
    for headers in ({}, sign_stripe(body), sign_stripe(body, secret="")):
        response = post(client, "stripe", body, headers)
        assert response.status_code == 404
    assert client.get(url("stripe")).status_code in (404, 405)
    assert snapshot() == before


def test_calls_to_an_endpoint_that_is_off_are_audited_once(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.STRIPE_WEBHOOK_SECRET = ""
    for _ in range(5):
        assert post(client, "stripe", b"{}", {}).status_code == 404
    entry = SecurityEvent.objects.get(action="webhook.secret_missing")
    assert entry.detail == {"endpoint": "payments/stripe"}


@pytest.mark.parametrize("provider", ["bank_transfer", "crypto", "no-such-provider"])
def test_providers_without_webhooks_have_no_endpoint(client, provider):
    before = snapshot()
    assert post(client, provider, b"{}", {}).status_code == 404
    assert snapshot() == before


# --- Forged and replayed -----------------------------------------------------------------------


def forgeries(body: bytes, sign) -> list[dict]:
    # (A signature dated in the future is no forgery: only the secret's holder can make one.
    # Stripe's library accepts it; ours does not, and neither needs to.)
    return [
        {},  # unsigned
        sign(body, secret="somebody-else"),  # signed with another secret
        sign(body, timestamp=int(time.time()) - 3600),  # an old capture, replayed
        sign(body + b" "),  # signed for another body
        {TEST_HEADER: "t=²,v1=00", "HTTP_STRIPE_SIGNATURE": "t=²,v1=00"},  # digits int() refuses
        {TEST_HEADER: "t=" + "9" * 5000 + ",v1=00", "HTTP_STRIPE_SIGNATURE": "t=" + "9" * 5000},
        {TEST_HEADER: "garbage", "HTTP_STRIPE_SIGNATURE": "garbage"},
    ]


def test_forged_test_provider_events_change_nothing(client, contribution):
    body = provider_paid(contribution)
    before = snapshot()
    for headers in forgeries(body, sign_test):
        response = post(client, "test", body, headers)
        assert response.status_code == 400, headers
        assert "signature" in response.json()["error"]
    assert snapshot() == before


def test_forged_stripe_events_change_nothing(client, stripe_secret, stripe_contribution):
    body = stripe_paid(stripe_contribution)
    before = snapshot()
    for headers in forgeries(body, sign_stripe):
        response = post(client, "stripe", body, headers)
        assert response.status_code == 400, headers
    assert snapshot() == before


def test_a_replayed_stripe_event_is_applied_once(client, stripe_secret, stripe_contribution):
    body = stripe_paid(stripe_contribution, "evt_once")
    assert post(client, "stripe", body, sign_stripe(body)).json()["outcomes"] == ["applied"]
    after_first = snapshot()
    # The same delivery again, then re-signed now (as Stripe's retries are).
    for headers in (sign_stripe(body), sign_stripe(body)):
        response = post(client, "stripe", body, headers)
        assert response.json()["outcomes"] == ["duplicate"]
    assert snapshot() == after_first
    stripe_contribution.refresh_from_db()
    assert stripe_contribution.status == Contribution.Status.SUCCEEDED


def test_a_flood_of_forgeries_leaves_one_audit_entry_per_reason(client, contribution, caplog):
    from django.core.cache import cache

    cache.clear()  # the once-an-hour mark of an earlier test
    body = provider_paid(contribution)
    for _ in range(30):
        assert post(client, "test", body, {}).status_code == 400
    refused = SecurityEvent.objects.filter(action="webhook.refused")
    assert refused.count() == 1
    assert refused.get().detail["endpoint"] == "payments/test"
    assert caplog.text.count("webhook payments/test refused") == 30


# --- Malformed but signed -------------------------------------------------------------------------

SIGNED_MALFORMED = [
    b"",
    b"{not json",
    b"\xff\xfe",
    b"[]",
    b"null",
    b"1e400",
    b"[" * 100_000 + b"]" * 100_000,  # deeper than the parser recurses
    b'{"id": "evt_x"}',
]


def provider_events(**overrides) -> list[bytes]:
    base = event_payload(
        event_id="evt_m", type="payment.succeeded", checkout="c", payment="p", amount_minor=500
    )
    return [json.dumps({**base, **overrides}).encode()]


def malformed_test_events() -> list[bytes]:
    bodies = []
    for overrides in (
        {"created": 1e20},
        {"created": "soon"},
        {"created": None},
        {"amount": 1e400},
        {"amount": 10**30},
        {"amount": -5},
        {"amount": "five"},
        {"amount": [1]},
        {"id": None},
        {"id": ""},
        {"id": "x" * 300},
        {"id": "evt\x00"},
        {"id": "\ud800"},
        {"currency": "dollars"},
        {"checkout": {"nested": None}},
        {"type": "recurring.updated", "status": "sideways", "recurring": "r"},
        {"type": "recurring.updated", "status": "active", "current_period_end": 1e300},
        {"type": None},
    ):
        bodies += provider_events(**overrides)
    return bodies


def test_malformed_signed_test_events_get_400_and_change_nothing(client, contribution):
    before = snapshot()
    for body in SIGNED_MALFORMED + malformed_test_events():
        response = post(client, "test", body, sign_test(body))
        assert response.status_code == 400, body[:80]
        assert response.json()["error"].startswith("cannot read the event")
    assert snapshot() == before


def malformed_stripe_events(contribution) -> list[bytes]:
    good = json.loads(stripe_paid(contribution, "evt_m"))
    intent = good["data"]["object"]
    variants = [
        {**good, "created": 1e20},
        {**good, "created": -1},
        {**good, "created": float("nan")},
        {**good, "id": 7},
        {**good, "id": None},
        {**good, "id": "evt_" + "x" * 300},
        {**good, "type": ["payment_intent.succeeded"]},
        {**good, "data": None},
        {**good, "data": {"object": None}},
        {**good, "data": {"object": [intent]}},
        {**good, "data": {"object": {**intent, "amount_received": 1e400}}},
        {**good, "data": {"object": {**intent, "amount_received": 2**40}}},
        {**good, "data": {"object": {**intent, "amount_received": "lots"}}},
        {**good, "data": {"object": {**intent, "currency": {"code": "usd"}}}},
        {**good, "data": {"object": {**intent, "metadata": ["x"]}}},
        {**good, "data": {"object": {**intent, "last_payment_error": "no"}}},
        {**good, "type": "customer.subscription.updated", "data": {"object": {"id": None}}},
        {**good, "type": "customer.subscription.updated", "data": {"object": {"id": "../x"}}},
        {**good, "type": "invoice.paid", "data": {"object": {"id": "in_1", "subscription": 5}}},
    ]
    return [json.dumps(v).encode() for v in variants]


def test_malformed_signed_stripe_events_get_400_and_change_nothing(
    client, stripe_secret, stripe_contribution
):
    before = snapshot()
    for body in SIGNED_MALFORMED + malformed_stripe_events(stripe_contribution):
        response = post(client, "stripe", body, sign_stripe(body))
        assert response.status_code == 400, body[:120]
    assert snapshot() == before


def test_wrong_content_type_is_judged_by_the_signature_alone(client, contribution):
    body = provider_paid(contribution)
    before = snapshot()
    assert post(client, "test", body, {}, content_type="text/plain").status_code == 400
    assert snapshot() == before
    response = post(client, "test", body, sign_test(body), content_type="text/plain")
    assert response.json()["outcomes"] == ["applied"]


def test_a_huge_body_is_refused_unread(client, contribution):
    before = snapshot()
    body = b"{" + b" " * (600 * 1024) + b"}"
    assert post(client, "test", body, sign_test(body)).status_code == 413
    assert snapshot() == before


# --- The event handler registry ---------------------------------------------------------------------


def test_without_a_registered_handler_nothing_is_recorded_and_the_provider_retries(
    client, contribution, monkeypatch
):
    monkeypatch.setattr(registry, "_event_handler", None)
    body = provider_paid(contribution)
    before = snapshot()
    assert post(client, "test", body, sign_test(body)).status_code == 503
    assert snapshot() == before


def test_a_second_handler_cannot_take_over():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        registry.event_handler_register(handler=lambda *, provider, event: ("applied", ""))
    assert not WebhookEvent.objects.exists()
