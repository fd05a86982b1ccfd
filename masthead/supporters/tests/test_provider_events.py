"""What providers' events do to our records (through the test provider's signed webhooks):
renewals recorded once, states that converge whatever the order, unknown objects reported."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from masthead.payments.models import WebhookEvent
from masthead.payments.test.provider import SIGNATURE_HEADER, event_payload, signature_header
from masthead.supporters.models import AuditEntry, Contribution, RecurringSupport
from masthead.supporters.tests import factories

pytestmark = pytest.mark.django_db

HEADER = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")


def send(client, **fields):
    body = json.dumps(event_payload(**fields)).encode()
    response = client.post(
        reverse("payments:webhook", args=["test"]),
        data=body,
        content_type="application/json",
        **{HEADER: signature_header(body)},
    )
    assert response.status_code == 200, response.content
    return response.json()["outcomes"][0]


def test_renewals_are_recorded_once_each_with_a_receipt(client, test_mode, mailoutbox):
    recurring = factories.recurring()
    for n in (1, 2):
        fields = dict(
            type="payment.succeeded",
            recurring=recurring.provider_reference,
            payment=f"test_renewal_{n}",
            amount_minor=500,
            currency="USD",
            renewal=True,
        )
        assert send(client, event_id=f"evt_renew_{n}", **fields) == "applied"
        # The provider sends the same payment again under another event id.
        assert send(client, event_id=f"evt_renew_{n}_again", **fields) == "unchanged"
    renewals = Contribution.objects.filter(recurring=recurring, is_renewal=True)
    assert renewals.count() == 2
    assert all(c.status == "succeeded" and c.supporter == recurring.supporter for c in renewals)
    assert len(mailoutbox) == 2
    assert "(renewal)" in mailoutbox[0].body


def test_recurring_states_converge_whatever_the_order(client, test_mode):
    recurring = factories.recurring()
    now = int(time.time())
    end = now + 30 * 86400
    states = [
        ("evt_a", now + 1, "active", False),
        ("evt_b", now + 2, "active", True),  # cancelled at period end
        ("evt_c", now + 3, "past_due", True),
    ]
    for order in (states, states[::-1], [states[1], states[2], states[0]]):
        recurring.state_observed_at = timezone.now() - timedelta(hours=1)
        recurring.status, recurring.cancel_at_period_end = "active", False
        recurring.save()
        WebhookEvent.objects.all().delete()
        for event_id, created, status, cancel in order:
            send(
                client,
                event_id=event_id,
                type="recurring.updated",
                created=created,
                recurring=recurring.provider_reference,
                status=status,
                cancel_at_period_end=cancel,
                current_period_end=end,
            )
        recurring.refresh_from_db()
        assert (recurring.status, recurring.cancel_at_period_end) == ("past_due", True), order


def test_cancellation_is_final(client, test_mode):
    recurring = factories.recurring()
    now = int(time.time())
    send(
        client,
        event_id="evt_end",
        type="recurring.updated",
        created=now,
        recurring=recurring.provider_reference,
        status="cancelled",
    )
    late = send(
        client,
        event_id="evt_late",
        type="recurring.updated",
        created=now + 10,
        recurring=recurring.provider_reference,
        status="active",
    )
    assert late == "stale"
    recurring.refresh_from_db()
    assert recurring.status == RecurringSupport.Status.CANCELLED and recurring.ended_at


def test_a_failed_renewal_makes_support_past_due(client, test_mode):
    recurring = factories.recurring()
    outcome = send(
        client,
        event_id="evt_fail",
        type="payment.failed",
        recurring=recurring.provider_reference,
        payment="test_renewal_failed",
    )
    assert outcome == "applied"
    recurring.refresh_from_db()
    assert recurring.status == RecurringSupport.Status.PAST_DUE


def test_a_failure_after_a_success_undoes_nothing(client, test_mode, mailoutbox):
    contribution = factories.contribution()
    common = dict(checkout=contribution.checkout_token, payment="test_pay_once")
    assert send(client, event_id="evt_ok", type="payment.succeeded", **common) == "applied"
    assert send(client, event_id="evt_ko", type="payment.failed", **common) == "unchanged"
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.SUCCEEDED


def test_unknown_objects_are_recorded_as_unmatched(client, test_mode):
    assert send(client, event_id="evt_u1", type="payment.succeeded", payment="nope") == "unmatched"
    assert (
        send(
            client,
            event_id="evt_u2",
            type="recurring.updated",
            recurring="test_sub_nope",
            status="active",
        )
        == "unmatched"
    )
    assert send(client, event_id="evt_u3", type="something.else") == "ignored"
    assert list(WebhookEvent.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "unmatched",
        "unmatched",
        "ignored",
    ]
    assert not AuditEntry.objects.exists()


def test_contribution_succeeded_signal_is_sent_once_inside_the_transaction(client, test_mode):
    from masthead.supporters.signals import contribution_succeeded

    seen = []

    def receiver(sender, contribution, first_payment, **kwargs):
        from django.db import connection

        seen.append((contribution.pk, first_payment, connection.in_atomic_block))

    contribution_succeeded.connect(receiver)
    try:
        contribution = factories.contribution(campaign="appeal-1-a")
        for event_id in ("evt_s1", "evt_s2"):
            send(
                client,
                event_id=event_id,
                type="payment.succeeded",
                checkout=contribution.checkout_token,
                payment="test_pay_signal",
            )
    finally:
        contribution_succeeded.disconnect(receiver)
    assert seen == [(contribution.pk, True, True)]
