"""Card payments end to end against localstripe: what the reader does through Masthead's own
pages, what Stripe.js would do in the browser (done here through localstripe's API), and the
events Stripe then sends, signed as Stripe signs them."""

from __future__ import annotations

import json
import urllib.request

import pytest
from django.urls import reverse

from masthead.payments.models import WebhookEvent
from masthead.payments.stripe.tests.conftest import PUBLISHABLE_KEY
from masthead.payments.stripe.tests.helpers import deliver, localstripe_events
from masthead.supporters import services
from masthead.supporters.models import Contribution, RecurringSupport
from masthead.supporters.tests import factories

pytestmark = pytest.mark.django_db

VISA = "pm_card_visa"
DECLINED_AT_CHARGE = "pm_card_chargeCustomerFail"
THREE_D_SECURE = "4000002500003155"


@pytest.fixture(autouse=True)
def _stripe(stripe_settings, test_mode):
    return stripe_settings


def _pay_path(contribution: Contribution) -> str:
    return reverse("supporters:pay-card", args=[contribution.checkout_token])


def _card_step(client, contribution: Contribution) -> str:
    """Open the card step as the reader's browser does; return the SetupIntent it made."""
    response = client.get(reverse("supporters:pay", args=[contribution.checkout_token]))
    assert response.status_code == 302 and response["Location"] == _pay_path(contribution)
    response = client.get(_pay_path(contribution))
    assert response.status_code == 200
    contribution.refresh_from_db()
    return contribution.provider_data["setup_intent"]


def _confirm_card(stripe_client, setup_intent: str, card: str = VISA) -> None:
    """What Stripe.js does with the card the reader typed in."""
    if card.startswith("pm_"):
        stripe_client.v1.setup_intents.confirm(setup_intent, {"payment_method": card})
        return
    method = stripe_client.v1.payment_methods.create(
        {"type": "card", "card": {"number": card, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
    )
    stripe_client.v1.setup_intents.confirm(setup_intent, {"payment_method": method.id})
    # A card that asks for 3-D Secure: Stripe.js shows the challenge, then confirms again.
    stripe_client.v1.setup_intents.confirm(setup_intent)


def _submit(client, contribution: Contribution, data: dict):
    return client.post(_pay_path(contribution), data, **factories.origin())


def _pay(client, stripe_client, contribution: Contribution, card: str = VISA):
    setup = _card_step(client, contribution)
    _confirm_card(stripe_client, setup, card)
    return _submit(client, contribution, {"setup_intent": setup})


def test_card_step_is_the_only_page_with_stripe_js(client, localstripe_url):
    contribution = factories.contribution(provider="stripe")
    strict = client.get(reverse("supporters:support"))
    assert "js.stripe.com" not in strict["Content-Security-Policy"]
    _card_step(client, contribution)
    response = client.get(_pay_path(contribution))
    policy = response["Content-Security-Policy"]
    # 'self' and Stripe.js's origin: the one configured when the views were loaded (the
    # policy is worked out once), Stripe's own or, first loaded in this test, localstripe's.
    script_src = next(d.split()[1:] for d in policy.split(";") if d.split()[:1] == ["script-src"])
    assert script_src in (["'self'", "https://js.stripe.com"], ["'self'", localstripe_url])
    assert "frame-src" in policy and "hooks.stripe.com" in policy
    html = response.content.decode()
    assert f'src="{localstripe_url}/js.stripe.com/v3/"' in html
    assert PUBLISHABLE_KEY in html
    assert "TEST MODE" in html


def test_one_off_payment(client, stripe_client, mailoutbox):
    contribution = factories.contribution(provider="stripe", amount_minor=1500)
    response = _pay(client, stripe_client, contribution)
    assert response.status_code == 303
    assert response["Location"] == reverse("supporters:thanks", args=[contribution.checkout_token])
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.SUCCEEDED
    intent = stripe_client.v1.payment_intents.retrieve(contribution.provider_reference)
    assert (intent.status, intent.amount, intent.currency) == ("succeeded", 1500, "usd")
    assert intent.metadata["masthead_checkout"] == contribution.checkout_token
    # Stripe knows nothing about the reader but our opaque reference.
    customer = stripe_client.v1.customers.retrieve(contribution.provider_data["customer"])
    assert customer.email is None and customer.name is None
    assert len(mailoutbox) == 1 and "$15" in mailoutbox[0].body

    # Stripe's own event about the payment arrives afterwards: nothing more happens.
    (event,) = localstripe_events(
        stripe_client, object_id=intent.id, event_type="payment_intent.succeeded"
    )
    response = deliver(client, event)
    assert response.json()["outcomes"] == ["unchanged"]
    assert len(mailoutbox) == 1


def test_payment_confirmed_by_stripe_before_the_page_posts_back(client, stripe_client, mailoutbox):
    """The reader closes the tab right after paying: Stripe's event records the payment."""
    contribution = factories.contribution(provider="stripe")
    setup = _card_step(client, contribution)
    _confirm_card(stripe_client, setup)
    provider_data = Contribution.objects.get(pk=contribution.pk).provider_data
    intent = stripe_client.v1.payment_intents.create(
        {
            "amount": contribution.amount_minor,
            "currency": "usd",
            "customer": provider_data["customer"],
            "payment_method": VISA,
            "confirm": True,
            "metadata": {"masthead_checkout": contribution.checkout_token},
        }
    )
    (event,) = localstripe_events(
        stripe_client, object_id=intent.id, event_type="payment_intent.succeeded"
    )
    assert deliver(client, event).json()["outcomes"] == ["applied"]
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.SUCCEEDED
    assert contribution.provider_reference == intent.id
    assert len(mailoutbox) == 1


def test_declined_card_says_so_and_the_reader_can_try_again(client, stripe_client):
    contribution = factories.contribution(provider="stripe")
    response = _pay(client, stripe_client, contribution, card=DECLINED_AT_CHARGE)
    assert response.status_code == 303 and response["Location"] == _pay_path(contribution)
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.FAILED
    page = client.get(_pay_path(contribution)).content.decode()
    assert "declined" in page.lower()
    # A second attempt, with a card that works, gets fresh objects and succeeds.
    response = _pay(client, stripe_client, contribution)
    assert response.status_code == 303
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.SUCCEEDED


def test_three_d_secure(client, stripe_client, localstripe_url):
    contribution = factories.contribution(provider="stripe")
    response = _pay(client, stripe_client, contribution, card=THREE_D_SECURE)
    # The bank asks again for the payment itself: the page shows the confirmation step.
    assert response.status_code == 303 and response["Location"] == _pay_path(contribution)
    page = client.get(_pay_path(contribution)).content.decode()
    assert "Confirm with your bank" in page
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.STARTED
    intent_id = contribution.provider_data["payment_intent"]
    secret = stripe_client.v1.payment_intents.retrieve(intent_id).client_secret
    assert secret in page
    # Stripe.js's confirmCardPayment: the reader completes the challenge.
    request = urllib.request.Request(
        f"{localstripe_url}/v1/payment_intents/{intent_id}/_authenticate?success=true",
        data=json.dumps({"key": PUBLISHABLE_KEY, "client_secret": secret}).encode(),
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).read()
    response = _submit(client, contribution, {"step": "confirmed"})
    assert response["Location"] == reverse("supporters:thanks", args=[contribution.checkout_token])
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.SUCCEEDED
    assert contribution.provider_reference == intent_id


def _subscribe(client, stripe_client, *, amount_minor=500, frequency="monthly") -> Contribution:
    contribution = factories.contribution(
        provider="stripe", amount_minor=amount_minor, frequency=frequency
    )
    response = _pay(client, stripe_client, contribution)
    assert response.status_code == 303
    contribution.refresh_from_db()
    return contribution


def test_monthly_subscription(client, stripe_client, mailoutbox):
    contribution = _subscribe(client, stripe_client)
    assert contribution.status == Contribution.Status.SUCCEEDED
    recurring = contribution.recurring
    assert recurring.status == RecurringSupport.Status.ACTIVE
    assert (recurring.amount_minor, recurring.currency, recurring.frequency) == (
        500,
        "USD",
        "monthly",
    )
    assert recurring.current_period_end is not None
    subscription = stripe_client.v1.subscriptions.retrieve(recurring.provider_reference).to_dict()
    assert subscription["status"] == "active"
    assert subscription["items"]["data"][0]["plan"]["interval"] == "month"
    assert subscription["items"]["data"][0]["plan"]["amount"] == 500
    assert contribution.provider_reference == subscription["latest_invoice"]
    assert len(mailoutbox) == 1

    # Stripe's events about the new subscription and its first invoice change nothing more.
    events = localstripe_events(stripe_client, object_id=recurring.provider_reference)
    events += localstripe_events(stripe_client, object_id=contribution.provider_reference)
    outcomes = [deliver(client, e).json()["outcomes"][0] for e in events]
    assert "applied" not in outcomes
    assert Contribution.objects.filter(recurring=recurring).count() == 1
    assert len(mailoutbox) == 1


def _renew(stripe_client, recurring: RecurringSupport) -> str:
    """What Stripe does at the end of a period: invoice the subscription and charge it."""
    invoice = stripe_client.v1.invoices.create(
        {
            "customer": stripe_client.v1.subscriptions.retrieve(
                recurring.provider_reference
            ).customer,
            "subscription": recurring.provider_reference,
        }
    )
    stripe_client.v1.invoices.pay(invoice.id)
    return invoice.id


def test_renewal_is_recorded_once_with_a_receipt(client, stripe_client, mailoutbox):
    first = _subscribe(client, stripe_client)
    recurring = first.recurring
    invoice_id = _renew(stripe_client, recurring)
    (paid,) = localstripe_events(
        stripe_client, object_id=invoice_id, event_type="invoice.payment_succeeded"
    )

    assert deliver(client, paid).json()["outcomes"] == ["applied"]
    renewal = Contribution.objects.get(provider_reference=invoice_id)
    assert renewal.is_renewal and renewal.recurring == recurring
    assert renewal.status == Contribution.Status.SUCCEEDED
    assert (renewal.amount_minor, renewal.currency) == (500, "USD")
    assert [m.subject for m in mailoutbox].count(mailoutbox[-1].subject) == 1
    assert "renewal" in mailoutbox[-1].body

    # The same event again, and the payment's other events: still one renewal, one receipt.
    assert deliver(client, paid).json()["outcomes"] == ["duplicate"]
    for event in localstripe_events(stripe_client, object_id=invoice_id):
        deliver(client, event)
    assert Contribution.objects.filter(recurring=recurring, is_renewal=True).count() == 1
    assert len(mailoutbox) == 2


def test_cancellation_at_period_end_then_the_end(client, stripe_client):
    contribution = _subscribe(client, stripe_client, amount_minor=2500, frequency="annual")
    recurring = contribution.recurring
    services.recurring_cancel(recurring=recurring, actor="supporter:test")
    recurring.refresh_from_db()
    assert recurring.cancel_at_period_end and recurring.status == RecurringSupport.Status.ACTIVE
    assert stripe_client.v1.subscriptions.retrieve(
        recurring.provider_reference
    ).cancel_at_period_end

    services.recurring_resume(recurring=recurring, actor="supporter:test")
    recurring.refresh_from_db()
    assert not recurring.cancel_at_period_end
    assert not stripe_client.v1.subscriptions.retrieve(
        recurring.provider_reference
    ).cancel_at_period_end

    # The period ends and Stripe ends the subscription.
    services.recurring_cancel(recurring=recurring, actor="supporter:test")
    stripe_client.v1.subscriptions.cancel(recurring.provider_reference)
    (deleted,) = localstripe_events(
        stripe_client,
        object_id=recurring.provider_reference,
        event_type="customer.subscription.deleted",
    )
    assert deliver(client, deleted).json()["outcomes"] == ["applied"]
    recurring.refresh_from_db()
    assert recurring.status == RecurringSupport.Status.CANCELLED
    assert recurring.ended_at is not None


def test_change_amount_and_switch_to_annual_at_stripe(client, stripe_client):
    recurring = _subscribe(client, stripe_client).recurring
    services.recurring_update(
        recurring=recurring, amount_minor=1000, frequency="monthly", actor="supporter:test"
    )
    subscription = stripe_client.v1.subscriptions.retrieve(recurring.provider_reference).to_dict()
    assert subscription["items"]["data"][0]["plan"]["amount"] == 1000
    recurring.refresh_from_db()
    assert recurring.amount_minor == 1000

    services.recurring_update(
        recurring=recurring, amount_minor=6000, frequency="annual", actor="supporter:test"
    )
    subscription = stripe_client.v1.subscriptions.retrieve(recurring.provider_reference).to_dict()
    assert subscription["items"]["data"][0]["plan"]["interval"] == "year"
    recurring.refresh_from_db()
    assert (recurring.amount_minor, recurring.frequency) == (6000, "annual")


def test_out_of_order_events_converge(client, stripe_client):
    recurring = _subscribe(client, stripe_client).recurring
    stripe_client.v1.subscriptions.cancel(recurring.provider_reference)
    created, deleted = (
        localstripe_events(stripe_client, object_id=recurring.provider_reference, event_type=t)[0]
        for t in ("customer.subscription.created", "customer.subscription.deleted")
    )
    # The end arrives before the beginning.
    assert deliver(client, deleted).json()["outcomes"] == ["applied"]
    assert deliver(client, created).json()["outcomes"][0] in ("stale", "unchanged")
    recurring.refresh_from_db()
    assert recurring.status == RecurringSupport.Status.CANCELLED

    # A failure reported after the success of the same one-off payment undoes nothing.
    contribution = factories.contribution(provider="stripe")
    _pay(client, stripe_client, contribution)
    contribution.refresh_from_db()
    (succeeded,) = localstripe_events(stripe_client, object_id=contribution.provider_reference)
    failed = json.loads(json.dumps(succeeded))
    failed["id"] += "_failed"
    failed["type"] = "payment_intent.payment_failed"
    failed["created"] -= 5
    failed["data"]["object"]["last_payment_error"] = {"message": "Your card was declined."}
    assert deliver(client, failed).json()["outcomes"] == ["unchanged"]
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.SUCCEEDED


def test_forged_signature_stores_nothing(client, stripe_client):
    contribution = factories.contribution(provider="stripe")
    _pay(client, stripe_client, contribution)
    contribution.refresh_from_db()
    recurring_events = localstripe_events(stripe_client, object_id=contribution.provider_reference)
    before = WebhookEvent.objects.count()
    response = deliver(client, recurring_events[0], secret="whsec_an_attackers_guess")
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == before
