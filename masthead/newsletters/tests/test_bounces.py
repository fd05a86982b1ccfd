"""Bounces and complaints from django-anymail's webhooks, and permanent SMTP failures, feed the
suppression list; a suppressed address receives nothing until it confirms again."""

import base64
import json

import pytest

from masthead.newsletters.models import Delivery, Edition, Subscription, Suppression
from masthead.newsletters.services import sending, subscriptions
from masthead.newsletters.tests import factories

pytestmark = pytest.mark.django_db

WEBHOOK = "/newsletter/anymail/postmark/tracking/"


@pytest.fixture
def webhook_auth(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret"}
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"hook:s3cret").decode()}


def postmark_bounce(email, kind="HardBounce"):
    return json.dumps(
        {
            "RecordType": "Bounce",
            "ID": 42,
            "Type": kind,
            "TypeCode": 1,
            "MessageID": "00000000-0000-0000-0000-000000000000",
            "Email": email,
            "Description": "The server was unable to deliver your message",
            "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist",
            "BouncedAt": "2026-11-27T09:00:00Z",
        }
    )


def test_hard_bounce_webhook_suppresses_and_is_idempotent(client, webhook_auth):
    body = postmark_bounce("gone@example.net")
    for _ in range(2):  # delivered twice
        response = client.post(WEBHOOK, body, content_type="application/json", **webhook_auth)
        assert response.status_code == 200
    suppression = Suppression.objects.get()
    assert suppression.email == "gone@example.net" and suppression.reason == "bounced"


def test_complaint_webhook_suppresses(client, webhook_auth):
    body = json.dumps(
        {
            "RecordType": "SpamComplaint",
            "ID": 43,
            "Type": "SpamComplaint",
            "Email": "angry@example.net",
            "BouncedAt": "2026-11-27T09:00:00Z",
            "MessageID": "00000000-0000-0000-0000-000000000001",
        }
    )
    assert (
        client.post(WEBHOOK, body, content_type="application/json", **webhook_auth).status_code
        == 200
    )
    assert Suppression.objects.get().reason == "complained"


def test_webhook_without_the_secret_is_refused_and_stores_nothing(client, webhook_auth):
    response = client.post(
        WEBHOOK, postmark_bounce("x@example.net"), content_type="application/json"
    )
    assert response.status_code in (400, 401, 403)
    assert not Suppression.objects.exists()


def test_suppressed_address_gets_nothing_until_it_confirms_again(
    smtp_sink, django_capture_on_commit_callbacks
):
    weekly = factories.newsletter(slug="friday")
    reader = factories.subscriber(email="gone@example.net", lists=[weekly])
    factories.subscriber(email="here@example.net", lists=[weekly])
    Suppression.objects.create(email="gone@example.net", reason="bounced")
    edition = factories.edition(newsletter=weekly)
    Edition.objects.filter(pk=edition.pk).update(status="sending")
    sending.edition_send_run(edition_id=edition.pk)
    assert [m.recipients for m in smtp_sink.messages] == [["here@example.net"]]
    assert not Delivery.objects.filter(subscriber=reader).exists()
    # They sign up again and confirm: the suppression is lifted.
    Subscription.objects.filter(subscriber=reader).update(status="unsubscribed")
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.subscriber_signup(email=reader.email, newsletters=[weekly])
    reader.refresh_from_db()
    from masthead.newsletters import tokens

    subscriptions.subscriber_confirm(
        token=tokens.confirm_token_make(subscriber_key=reader.key, nonce=reader.confirmation_nonce)
    )
    assert not Suppression.objects.exists()


def test_suppression_during_a_send_skips_the_rest(smtp_sink):
    weekly = factories.newsletter()
    people = [factories.subscriber(lists=[weekly]) for _ in range(3)]
    edition = factories.edition(newsletter=weekly)
    Edition.objects.filter(pk=edition.pk).update(status="sending")
    sending.ledger_fill(edition=Edition.objects.get(pk=edition.pk))
    Suppression.objects.create(email=people[1].email, reason="complained")
    sending.edition_send_run(edition_id=edition.pk)
    assert people[1].email not in [m.recipients[0] for m in smtp_sink.messages]
    assert Delivery.objects.get(subscriber=people[1]).status == "skipped"


def test_mail_to_the_list_unsubscribe_address_unsubscribes():
    """An ESP's inbound route delivers the List-Unsubscribe mailto: message as an event."""
    from anymail.inbound import AnymailInboundMessage
    from anymail.signals import AnymailInboundEvent, inbound

    from masthead.newsletters import tokens

    weekly = factories.newsletter()
    reader = factories.subscriber(lists=[weekly])
    token = tokens.list_token_make(subscriber_key=reader.key, newsletter_id=weekly.pk)
    message = AnymailInboundMessage.construct(subject=f"unsubscribe {token}", text="")
    inbound.send(
        None, event=AnymailInboundEvent(event_type="inbound", message=message), esp_name="Test"
    )
    assert Subscription.objects.get(subscriber=reader).status == "unsubscribed"
    forged = AnymailInboundMessage.construct(subject=f"unsubscribe {token}x", text="")
    inbound.send(
        None, event=AnymailInboundEvent(event_type="inbound", message=forged), esp_name="Test"
    )
