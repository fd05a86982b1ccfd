"""The send engine against a real SMTP server: everyone once, leavers skipped, failures handled."""

import pytest
from django.utils import timezone

from masthead.newsletters.models import Delivery, Edition, Suppression
from masthead.newsletters.services import sending, subscriptions
from masthead.newsletters.tests import factories

pytestmark = pytest.mark.django_db


def start(edition):
    sending.edition_send_start(edition=edition)
    edition.refresh_from_db()
    return edition


def test_every_confirmed_subscriber_gets_one_copy(smtp_sink, django_capture_on_commit_callbacks):
    weekly = factories.newsletter()
    factories.subscribers_bulk(newsletter=weekly, count=120)
    factories.subscriber(lists=[weekly], status="pending")
    item = factories.edition(newsletter=weekly)
    with django_capture_on_commit_callbacks(execute=True):
        start(item)
    item.refresh_from_db()
    assert item.status == Edition.Status.SENT
    received = smtp_sink.messages
    assert len(received) == 120
    recipients = [m.recipients[0] for m in received]
    assert len(set(recipients)) == 120
    assert len({m.message["Message-ID"] for m in received}) == 120
    assert Delivery.objects.filter(edition=item, status="sent").count() == 120


def test_a_run_after_the_end_sends_nothing_more(smtp_sink, django_capture_on_commit_callbacks):
    weekly = factories.newsletter()
    factories.subscribers_bulk(newsletter=weekly, count=10)
    item = factories.edition(newsletter=weekly)
    with django_capture_on_commit_callbacks(execute=True):
        start(item)
    Edition.objects.filter(pk=item.pk).update(status="sending")
    sending.edition_send_run(edition_id=item.pk)
    assert len(smtp_sink.messages) == 10


def test_refused_address_is_suppressed_and_temporary_failure_retried(settings, smtp_sink):
    weekly = factories.newsletter()
    bad = factories.subscriber(email="nobody@example.net", lists=[weekly])
    slow = factories.subscriber(email="later@example.net", lists=[weekly])
    factories.subscriber(email="fine@example.net", lists=[weekly])
    smtp_sink.refuse = {
        bad.email: "550 5.1.1 No such user",
        slow.email: "451 4.3.0 Try again later",
    }
    item = factories.edition(newsletter=weekly)
    Edition.objects.filter(pk=item.pk).update(status="sending")
    sending.edition_send_run(edition_id=item.pk)
    assert [m.recipients for m in smtp_sink.messages] == [["fine@example.net"]]
    assert Suppression.objects.filter(email=bad.email, reason="bounced").exists()
    row = Delivery.objects.get(edition=item, subscriber=slow)
    assert row.status == "deferred" and "451" in row.detail
    # The backoff passes; the server takes mail again.
    smtp_sink.refuse = {}
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    sending.edition_send_run(edition_id=item.pk)
    assert sorted(m.recipients[0] for m in smtp_sink.messages) == [
        "fine@example.net",
        "later@example.net",
    ]
    item.refresh_from_db()
    assert item.status == "sent"


def test_reader_who_leaves_during_a_send_gets_nothing_more(smtp_sink):
    weekly = factories.newsletter()
    leaver = factories.subscriber(lists=[weekly])
    factories.subscriber(lists=[weekly])
    item = factories.edition(newsletter=weekly)
    Edition.objects.filter(pk=item.pk).update(status="sending")
    sending.ledger_fill(edition=Edition.objects.get(pk=item.pk))
    subscriptions.subscription_end(subscriber=leaver, newsletter=weekly, reason="test")
    sending.edition_send_run(edition_id=item.pk)
    assert leaver.email not in [m.recipients[0] for m in smtp_sink.messages]
    assert len(smtp_sink.messages) == 1
    assert Delivery.objects.get(edition=item, subscriber=leaver).status == "skipped"


def test_any_django_backend_works_one_message_per_recipient(settings, mailoutbox):
    """ESPs through django-anymail, console, file…: the same engine, one message each."""
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
        "newsletters": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }
    weekly = factories.newsletter()
    people = [factories.subscriber(lists=[weekly]) for _ in range(3)]
    item = factories.edition(newsletter=weekly)
    Edition.objects.filter(pk=item.pk).update(status="sending")
    sending.edition_send_run(edition_id=item.pk)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    message = mailoutbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/newsletter/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert message.track_opens is False and message.track_clicks is False
    assert "/newsletter/unsubscribe/" in message.alternatives[0][0]
    assert Delivery.objects.filter(edition=item, status="sent").count() == 3
