"""The Stripe endpoint, end to end, under Hypothesis: bodies signed with the endpoint's real
secret (Stripe's own signing scheme), subscriptions read from localstripe. Whatever the body,
the answer is 200 or 400 with a reason, never a 5xx, and an unreadable body changes nothing."""

from __future__ import annotations

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.payments.stripe.tests.helpers import signature
from masthead.payments.tests.test_webhook_parsers import as_body, json_values, stripe_events

URL = "/payments/webhooks/stripe/"


def snapshot() -> dict[str, list[dict]]:
    rows = {}
    for label in ("payments", "supporters"):
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text, not any bytes: Stripe signs text, and a body that is not UTF-8 cannot carry a valid
# signature (it gets 400 for that, as the contract tests show).
@given(
    body=stripe_events().map(as_body)
    | json_values.map(as_body)
    | st.text(max_size=100).map(lambda text: text.encode("utf-8", "replace"))
)
def test_signed_bodies_get_200_or_400_never_5xx(client, stripe_settings, body):
    before = snapshot()
    response = client.post(URL, data=body, content_type="application/json", **signature(body))
    assert response.status_code in (200, 400), (body[:200], response.content[:200])
    if response.status_code == 400:
        assert response.json()["error"].startswith("cannot read the event")
        assert snapshot() == before
