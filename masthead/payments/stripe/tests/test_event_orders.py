"""A monthly support's events against localstripe, delivered in every order, with and without
the return page: one contribution per payment, one recurring support, one receipt per
payment, nothing left unmatched.

The objects and events are real (localstripe made them); the delivery order is ours. Two
details are set as Stripe sends them and localstripe does not: the ``setup_intent.succeeded``
event (localstripe sends none) and invoices' ``billing_reason``. Each order runs in a
transaction rolled back afterwards, so all orders share one subscription."""

from __future__ import annotations

import itertools
import json
import time

import pytest
from django.db import transaction
from django.urls import reverse

from masthead.payments.base import Outcome
from masthead.payments.models import WebhookEvent
from masthead.payments.stripe.provider import StripeProvider
from masthead.payments.stripe.tests.helpers import deliver, localstripe_events
from masthead.supporters import services
from masthead.supporters.models import AuditEntry, Contribution, RecurringSupport, UnmatchedEvent
from masthead.supporters.tests import factories

pytestmark = pytest.mark.django_db

EVENTS = ("setup_succeeded", "subscription_created", "first_paid", "renewal_paid")


class _Undo(Exception):
    pass


@pytest.fixture(autouse=True)
def _stripe(stripe_settings, test_mode):
    return stripe_settings


def _as_stripe_sends(event: dict, *, event_type: str, billing_reason: str = "") -> dict:
    event = json.loads(json.dumps(event))
    event["type"] = event_type
    if billing_reason:
        event["data"]["object"]["billing_reason"] = billing_reason
    return event


@pytest.fixture
def monthly(client, stripe_client):
    """A monthly support paid at localstripe and renewed once, not yet recorded by Masthead:
    its contribution, the payment step's answer, and Stripe's events about it."""
    contribution = factories.contribution(provider="stripe", frequency="monthly", amount_minor=500)
    token = contribution.checkout_token
    assert client.get(reverse("supporters:pay-card", args=[token])).status_code == 200
    contribution.refresh_from_db()
    setup_id = contribution.provider_data["setup_intent"]
    stripe_client.v1.setup_intents.confirm(setup_id, {"payment_method": "pm_card_visa"})
    checkout = services.contribution_checkout(contribution=contribution, site_name="Courier")
    # The payment step's post, as the view makes it; when it is recorded is up to each order.
    result = StripeProvider().checkout_submit(checkout=checkout, data={"setup_intent": setup_id})
    assert result.outcome == Outcome.SUCCEEDED
    subscription = result.recurring.reference
    first_invoice = result.payment_reference
    renewal = stripe_client.v1.invoices.create(
        {"customer": contribution.provider_data["customer"], "subscription": subscription}
    )
    stripe_client.v1.invoices.pay(renewal.id)

    (created,) = localstripe_events(
        stripe_client, object_id=subscription, event_type="customer.subscription.created"
    )
    (first,) = localstripe_events(
        stripe_client, object_id=first_invoice, event_type="invoice.payment_succeeded"
    )
    (renewed,) = localstripe_events(
        stripe_client, object_id=renewal.id, event_type="invoice.payment_succeeded"
    )
    setup = stripe_client.v1.setup_intents.retrieve(setup_id).to_dict()
    events = {
        "setup_succeeded": {
            "id": f"evt_setup_{setup_id}",
            "object": "event",
            "type": "setup_intent.succeeded",
            "created": int(time.time()),
            "data": {"object": setup},
        },
        "subscription_created": created,
        "first_paid": _as_stripe_sends(
            first, event_type="invoice.paid", billing_reason="subscription_create"
        ),
        "renewal_paid": _as_stripe_sends(
            renewed, event_type="invoice.paid", billing_reason="subscription_cycle"
        ),
    }
    return contribution, result, events, first_invoice, renewal.id


def _check(contribution, first_invoice, renewal_invoice, mailoutbox, order):
    contribution.refresh_from_db()
    (recurring,) = RecurringSupport.objects.all()
    payments = list(Contribution.objects.filter(recurring=recurring).order_by("pk"))
    assert [(c.is_renewal, c.status, c.provider_reference) for c in payments] == [
        (False, "succeeded", first_invoice),
        (True, "succeeded", renewal_invoice),
    ], order
    assert payments[0].pk == contribution.pk
    assert len(mailoutbox) == 2 and all(c.receipt_sent_at for c in payments), order
    assert (recurring.status, recurring.amount_minor, recurring.frequency) == (
        "active",
        500,
        "monthly",
    ), order
    assert not UnmatchedEvent.objects.exists(), order
    assert not WebhookEvent.objects.filter(outcome="unmatched").exists(), order
    created = AuditEntry.objects.filter(recurring=recurring, action="recurring.created")
    assert list(created.values_list("actor", flat=True)) == ["provider:stripe"], order


def _play(client, monthly, order, mailoutbox):
    contribution, result, events, first_invoice, renewal_invoice = monthly
    mailoutbox.clear()
    try:
        with transaction.atomic():
            for step in order:
                if step == "return_page":
                    services.contribution_checkout_apply(contribution=contribution, result=result)
                else:
                    response = deliver(client, events[step])
                    assert response.status_code == 200, (order, step, response.content)
            _check(contribution, first_invoice, renewal_invoice, mailoutbox, order)
            raise _Undo
    except _Undo:
        pass


def test_every_order_with_the_return_page(client, monthly, mailoutbox):
    for order in itertools.permutations((*EVENTS, "return_page")):
        _play(client, monthly, order, mailoutbox)


def test_every_order_when_the_reader_closed_the_tab(client, monthly, mailoutbox):
    for order in itertools.permutations(EVENTS):
        _play(client, monthly, order, mailoutbox)


def test_a_renewal_naming_only_its_subscription_is_matched_through_stripe(
    client, monthly, mailoutbox
):
    """No checkout reference came with the event: Masthead asks Stripe (``recurring_details``)
    which checkout the subscription belongs to."""
    from masthead.payments.base import EventKind, ProviderEvent
    from masthead.payments.services import webhook_event_receive

    contribution, result, _events, _first, renewal_invoice = monthly
    subscription = result.recurring.reference
    details = StripeProvider().recurring_details(reference=subscription)
    assert details.checkout_reference == contribution.checkout_token
    assert details.state.reference == subscription and details.state.amount_minor == 500
    assert StripeProvider().recurring_details(reference="sub_unknown") is None

    event = ProviderEvent(
        event_id="evt_bare_renewal",
        kind=EventKind.PAYMENT_SUCCEEDED,
        provider_type="invoice.paid",
        occurred_at=contribution.created_at,
        payment_reference=renewal_invoice,
        recurring_reference=subscription,
        amount_minor=500,
        currency="USD",
        is_renewal=True,
    )
    assert webhook_event_receive(provider="stripe", event=event) == "applied"
    renewal = Contribution.objects.get(provider_reference=renewal_invoice)
    assert renewal.is_renewal and renewal.recurring.provider_reference == subscription
    assert renewal.recurring.contributions.filter(pk=contribution.pk).exists()
    assert len(mailoutbox) == 1
