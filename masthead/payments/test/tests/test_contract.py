"""The test provider passes the shared provider contract."""

import json
import time

import pytest
from django.urls import reverse

from masthead.payments.test.provider import SIGNATURE_HEADER, event_payload, signature_header
from masthead.payments.tests.contract import CheckoutContract, WebhookContract

HEADER = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")


class TestTestProvider(WebhookContract, CheckoutContract):
    @pytest.fixture
    def provider_name(self):
        return "test"

    @pytest.fixture
    def sign(self):
        return lambda body: {HEADER: signature_header(body)}

    @pytest.fixture
    def forge(self):
        return lambda body: {HEADER: signature_header(body, secret="not-the-secret")}

    @pytest.fixture
    def paid_event(self):
        def build(contribution, event_id):
            payload = event_payload(
                event_id=event_id,
                type="payment.succeeded",
                checkout=contribution.checkout_token,
                payment=f"test_pay_{contribution.pk}",
                amount_minor=contribution.amount_minor,
                currency=contribution.currency,
            )
            return json.dumps(payload).encode()

        return build

    @pytest.fixture
    def unknown_event(self):
        def build(event_id):
            payload = event_payload(
                event_id=event_id, type="payment.succeeded", payment="test_pay_x"
            )
            return json.dumps(payload).encode()

        return build

    @pytest.fixture
    def payment_data(self):
        return lambda contribution: {"outcome": "succeed"}

    @pytest.fixture
    def pay_path(self):
        return lambda contribution: reverse("supporters:pay", args=[contribution.checkout_token])

    def test_an_old_signature_is_refused(self, client, url, contribution, paid_event):
        body = paid_event(contribution, "evt_old")
        headers = {HEADER: signature_header(body, timestamp=int(time.time()) - 3600)}
        assert self.post(client, url, body, headers).status_code == 400
