"""Events that reach Masthead before the object they are about: kept, then applied once when
the object appears. Through the test provider's signed webhooks, which (unlike Stripe) carry no
checkout reference on a subscription's events and cannot be asked about a subscription: the
hardest case, where only the return page can tell which contribution a subscription is for."""

from __future__ import annotations

import itertools
import json
import time

import pytest
from django.urls import reverse

from masthead.payments.models import WebhookEvent
from masthead.payments.test.provider import (
    SIGNATURE_HEADER,
    TestProvider,
    event_payload,
    signature_header,
)
from masthead.supporters import services
from masthead.supporters.models import AuditEntry, Contribution, RecurringSupport, UnmatchedEvent
from masthead.supporters.tests import factories

pytestmark = pytest.mark.django_db

HEADER = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")


def send(client, **fields) -> str:
    body = json.dumps(event_payload(**fields)).encode()
    response = client.post(
        reverse("payments:webhook", args=["test"]),
        data=body,
        content_type="application/json",
        **{HEADER: signature_header(body)},
    )
    assert response.status_code == 200, response.content
    return response.json()["outcomes"][0]


STEPS = ("created", "first_paid", "renewal_paid", "return_page")


def _run(client, order: tuple[str, ...], n: int) -> Contribution:
    """One monthly support whose steps happen in ``order``; the contribution it started."""
    contribution = factories.contribution(frequency="monthly", amount_minor=700)
    checkout = services.contribution_checkout(contribution=contribution, site_name="Courier")
    # What the provider answered the payment step (the subscription is made at this moment);
    # the page records it only when it posts back, at its place in ``order``.
    result = TestProvider().checkout_submit(checkout=checkout, data={"outcome": "succeed"})
    subscription, first_payment = result.recurring.reference, result.payment_reference
    now = int(time.time())
    for step in order:
        if step == "return_page":
            services.contribution_checkout_apply(contribution=contribution, result=result)
        elif step == "created":
            send(
                client,
                event_id=f"evt_{n}_created",
                type="recurring.updated",
                created=now - 60,
                recurring=subscription,
                status="incomplete",
                frequency="monthly",
            )
        elif step == "first_paid":
            send(
                client,
                event_id=f"evt_{n}_first",
                type="payment.succeeded",
                created=now - 59,
                recurring=subscription,
                payment=first_payment,
                amount_minor=700,
                currency="USD",
            )
        else:
            send(
                client,
                event_id=f"evt_{n}_renewal",
                type="payment.succeeded",
                created=now - 30,
                recurring=subscription,
                payment=f"test_renewal_{n}",
                amount_minor=700,
                currency="USD",
                renewal=True,
            )
    return contribution


def test_every_order_of_a_monthly_support_ends_the_same(client, test_mode, mailoutbox):
    for n, order in enumerate(itertools.permutations(STEPS)):
        mailoutbox.clear()
        contribution = _run(client, order, n)
        contribution.refresh_from_db()
        recurring = RecurringSupport.objects.get(contributions=contribution)
        payments = Contribution.objects.filter(recurring=recurring).order_by("pk")
        # One contribution per payment, each received, each with one receipt.
        assert [(c.is_renewal, c.status) for c in payments] == [
            (False, "succeeded"),
            (True, "succeeded"),
        ], order
        assert payments[0] == contribution
        assert payments[1].provider_reference == f"test_renewal_{n}"
        assert all(c.receipt_sent_at for c in payments), order
        assert len(mailoutbox) == 2, order
        assert sum("(renewal)" in m.body for m in mailoutbox) == 1, order
        assert (recurring.status, recurring.amount_minor, recurring.frequency) == (
            "active",
            700,
            "monthly",
        ), order
        # Nothing left over: every event kept for later was applied, and its record says so.
        assert not UnmatchedEvent.objects.exists(), order
        assert not WebhookEvent.objects.filter(outcome="unmatched").exists(), order
        assert (
            AuditEntry.objects.filter(recurring=recurring, action="recurring.created").count() == 1
        )


def test_an_event_kept_unmatched_is_applied_once_and_its_record_updated(
    client, test_mode, mailoutbox
):
    contribution = factories.contribution(frequency="monthly")
    checkout = services.contribution_checkout(contribution=contribution, site_name="Courier")
    result = TestProvider().checkout_submit(checkout=checkout, data={"outcome": "succeed"})
    renewal = dict(
        type="payment.succeeded",
        recurring=result.recurring.reference,
        payment="test_renewal_early",
        amount_minor=500,
        currency="USD",
        renewal=True,
    )
    assert send(client, event_id="evt_early", **renewal) == "unmatched"
    assert send(client, event_id="evt_early", **renewal) == "duplicate"
    (kept,) = UnmatchedEvent.objects.all()
    assert (kept.event_id, kept.payment_reference) == ("evt_early", "test_renewal_early")
    assert not mailoutbox

    services.contribution_checkout_apply(contribution=contribution, result=result)
    assert not UnmatchedEvent.objects.exists()
    record = WebhookEvent.objects.get(event_id="evt_early")
    assert record.outcome == "applied" and record.detail.startswith("applied later")
    assert Contribution.objects.filter(provider_reference="test_renewal_early").count() == 1
    assert len(mailoutbox) == 2
    # The return page again (a reload) and the event again under another id: nothing more.
    services.contribution_checkout_apply(contribution=contribution, result=result)
    assert send(client, event_id="evt_early_again", **renewal) == "unchanged"
    assert len(mailoutbox) == 2


def test_recurring_support_started_by_an_event_is_audited(client, test_mode):
    """Stripe names the checkout on a subscription's events: the support is created from the
    event alone, and the audit log says the provider did it."""
    contribution = factories.contribution(frequency="monthly")
    now = int(time.time())
    outcome = send(
        client,
        event_id="evt_sub",
        type="recurring.updated",
        created=now,
        checkout=contribution.checkout_token,
        recurring="test_sub_from_event",
        status="active",
        frequency="monthly",
    )
    assert outcome == "applied"
    recurring = RecurringSupport.objects.get(provider_reference="test_sub_from_event")
    assert recurring.contributions.get() == contribution
    actions = set(
        AuditEntry.objects.filter(recurring=recurring, actor="provider:test").values_list(
            "action", flat=True
        )
    )
    assert {"recurring.created", "recurring.updated"} <= actions
