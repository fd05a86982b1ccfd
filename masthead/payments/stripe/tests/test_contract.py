"""Stripe passes the shared provider contract (checkout against localstripe)."""

import pytest
from django.urls import reverse

from masthead.payments.stripe.tests.helpers import event_body, signature
from masthead.payments.tests.contract import CheckoutContract, WebhookContract


class TestStripeProvider(WebhookContract, CheckoutContract):
    @pytest.fixture(autouse=True)
    def _stripe(self, stripe_settings):
        return stripe_settings

    @pytest.fixture
    def provider_name(self):
        return "stripe"

    @pytest.fixture
    def sign(self):
        return signature

    @pytest.fixture
    def forge(self):
        return lambda body: signature(body, secret="whsec_somebody_else")

    @pytest.fixture
    def paid_event(self):
        def build(contribution, event_id):
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

        return build

    @pytest.fixture
    def unknown_event(self):
        def build(event_id):
            intent = {
                "id": "pi_never_seen",
                "object": "payment_intent",
                "amount": 700,
                "currency": "usd",
                "status": "succeeded",
                "metadata": {},
            }
            return event_body(event_id, "payment_intent.succeeded", intent)

        return build

    @pytest.fixture
    def payment_data(self, stripe_client):
        def complete(contribution):
            contribution.refresh_from_db()
            setup = contribution.provider_data["setup_intent"]
            # What Stripe.js does in the browser once the reader typed a card in.
            stripe_client.v1.setup_intents.confirm(setup, {"payment_method": "pm_card_visa"})
            return {"setup_intent": setup}

        return complete

    @pytest.fixture
    def pay_path(self):
        return lambda contribution: reverse(
            "supporters:pay-card", args=[contribution.checkout_token]
        )

    def test_an_old_signature_is_refused(self, client, url, contribution, paid_event):
        import time

        body = paid_event(contribution, "evt_old")
        headers = signature(body, timestamp=int(time.time()) - 3600)
        response = client.post(url, data=body, content_type="application/json", **headers)
        assert response.status_code == 400
