"""Several workers share one send: rows are claimed exclusively (SKIP LOCKED on PostgreSQL,
the write lock on SQLite), so each recipient is sent once, by one of them."""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from masthead.newsletters.models import Delivery, Edition
from masthead.newsletters.services import sending
from masthead.newsletters.tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_workers_share_a_send_without_sending_twice(settings, smtp_sink):
    settings.NEWSLETTER_BATCH = 50
    weekly = factories.newsletter()
    factories.subscribers_bulk(newsletter=weekly, count=600)
    edition = factories.edition(newsletter=weekly)
    Edition.objects.filter(pk=edition.pk).update(status="sending")
    reports = []
    errors = []

    def worker():
        try:
            reports.append(sending.edition_send_run(edition_id=edition.pk))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    received = Counter(r for m in smtp_sink.messages for r in m.recipients)
    assert len(received) == 600 and max(received.values()) == 1
    assert sum(r.sent for r in reports) == 600
    assert all(r.sent > 0 for r in reports), [r.sent for r in reports]
    assert Delivery.objects.filter(edition=edition, status="sent").count() == 600
    assert Edition.objects.get(pk=edition.pk).status == "sent"


def test_a_slow_worker_whose_claim_was_taken_does_not_send(smtp_sink):
    weekly = factories.newsletter()
    factories.subscriber(email="one@example.net", lists=[weekly])
    edition = factories.edition(newsletter=weekly)
    Edition.objects.filter(pk=edition.pk).update(status="sending")
    sending.ledger_fill(edition=Edition.objects.get(pk=edition.pk))
    slow = sending.Ledger(edition=edition, worker=sending.worker_id())
    [row] = slow.claim(10)
    # Its lease ran out and another worker took the row over.
    slow.lease_until = timezone.now()
    Delivery.objects.filter(pk=row[0]).update(claimed_by=sending.worker_id())
    assert slow.handed_over(row[0]) is False
    assert Delivery.objects.get(pk=row[0]).status == "claimed"
