"""Confirmation links: single use, expiring, tamper-proof; replays and forgeries get a clear page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.newsletters import tokens
from masthead.newsletters.models import Subscription, Suppression
from masthead.newsletters.services import subscriptions
from masthead.newsletters.tests import factories
from masthead.newsletters.tests.helpers import post_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(settings):
    weekly = factories.newsletter(slug="friday")
    subscriptions.subscriber_signup(email="p@example.net", newsletters=[weekly], source_page="/")
    subscriber = Subscription.objects.get().subscriber
    token = tokens.confirm_token_make(
        subscriber_key=subscriber.key, nonce=subscriber.confirmation_nonce
    )
    return subscriber, f"/newsletter/confirm/{token}/"


def test_confirming_twice_is_harmless(client, pending):
    _subscriber, path = pending
    assert post_form(client, path, {}).status_code == 200
    again = post_form(client, path, {})
    assert again.status_code == 200 and b"already confirmed" in again.content
    assert Subscription.objects.get().status == "confirmed"


def test_a_replaced_link_is_refused(client, pending, settings):
    subscriber, old_path = pending
    settings.NEWSLETTER_CONFIRM_INTERVAL = 0
    weekly = Subscription.objects.get().newsletter
    subscriptions.subscriber_signup(email=subscriber.email, newsletters=[weekly])
    response = post_form(client, old_path, {})
    assert response.status_code == 400
    assert b"used already, or a newer one was sent" in response.content
    assert Subscription.objects.get().status == "pending"


def test_a_tampered_link_is_refused(client, pending):
    _subscriber, path = pending
    forged = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    for method in (client.get, lambda p: post_form(client, p, {})):
        response = method(forged)
        assert response.status_code == 400
        assert b"This link is not valid" in response.content
    assert client.get("/newsletter/confirm/" + "x" * 500 + "/").status_code == 400
    assert client.get("/newsletter/confirm/garbage/").status_code == 400
    assert Subscription.objects.get().status == "pending"


def test_an_expired_link_is_refused(client, pending, settings):
    _subscriber, path = pending
    settings.NEWSLETTER_CONFIRM_MAX_AGE = -1
    response = client.get(path)
    assert response.status_code == 400 and b"expired" in response.content


def test_confirm_post_needs_our_origin(client, pending):
    _subscriber, path = pending
    assert post_form(client, path, {}, origin="https://evil.example").status_code == 403
    assert Subscription.objects.get().status == "pending"


def test_confirming_again_lifts_a_suppression(client, pending):
    subscriber, path = pending
    Suppression.objects.create(email=subscriber.email, reason="bounced")
    assert post_form(client, path, {}).status_code == 200
    assert not Suppression.objects.exists()


def test_unconfirmed_signups_are_forgotten(pending, settings):
    Subscription.objects.update(requested_at=timezone.now() - timedelta(days=8))
    subscriber, _ = pending
    type(subscriber).objects.filter(pk=subscriber.pk).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    assert subscriptions.subscribers_unconfirmed_forget() == 1
    assert not Subscription.objects.exists()
