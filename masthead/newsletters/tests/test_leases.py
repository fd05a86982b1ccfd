"""A worker is alive while its lease is: rows are taken over only when their lease has run out,
never because of a host name or a process id (two containers may share both)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.newsletters.models import Delivery, Edition
from masthead.newsletters.services import sending
from masthead.newsletters.tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _edition_with(count: int) -> Edition:
    weekly = factories.newsletter()
    factories.subscribers_bulk(newsletter=weekly, count=count)
    edition = factories.edition(newsletter=weekly)
    Edition.objects.filter(pk=edition.pk).update(status="sending")
    edition = Edition.objects.select_related("newsletter").get(pk=edition.pk)
    sending.ledger_fill(edition=edition)
    return edition


def test_worker_ids_are_random_not_host_and_pid():
    first, second = sending.worker_id(), sending.worker_id()
    assert first != second
    assert ":" not in first  # no host:pid to compare


def test_a_live_worker_of_the_same_host_and_process_is_not_robbed(smtp_sink):
    """Two workers in this one process: same host name, same pid. The second sends the rest
    of the edition and leaves the first one's rows alone while its lease holds."""
    edition = _edition_with(10)
    live = sending.Ledger(edition=edition, worker=sending.worker_id())
    held = [row[0] for row in live.claim(4)]

    report = sending.edition_send_run(edition_id=edition.pk)

    assert report.sent == 6 and not report.finished
    rows = Delivery.objects.filter(id__in=held)
    assert set(rows.values_list("status", "claimed_by")) == {("claimed", live.worker)}
    received = Counter(r for m in smtp_sink.messages for r in m.recipients)
    assert len(received) == 6
    assert live.handed_over(held[0]) is True  # still its own


def test_an_expired_lease_is_taken_over(smtp_sink):
    edition = _edition_with(6)
    dead = sending.Ledger(edition=edition, worker=sending.worker_id())
    rows = dead.claim(6)
    assert dead.handed_over(rows[0][0])  # then it died before the final dot's answer
    Delivery.objects.filter(claimed_by=dead.worker).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )

    report = sending.edition_send_run(edition_id=edition.pk)

    assert report.sent == 5 and report.finished
    statuses = Counter(Delivery.objects.filter(edition=edition).values_list("status", flat=True))
    assert statuses == {"sent": 5, "unconfirmed": 1}
    # The slow worker, if it was only slow, cannot finish a message that is not its own now.
    assert dead.handed_over(rows[1][0]) is False
    assert len(smtp_sink.messages) == 5


def test_the_heartbeat_renews_the_lease_of_every_row_the_worker_holds(settings):
    settings.NEWSLETTER_LEASE_SECONDS = 60
    edition = _edition_with(3)
    worker = sending.Ledger(edition=edition, worker=sending.worker_id())
    rows = worker.claim(3)
    worker.handed_over(rows[0][0])
    almost = timezone.now() + timedelta(seconds=1)
    Delivery.objects.filter(claimed_by=worker.worker).update(lease_until=almost)

    worker.lease_renew()

    leases = Delivery.objects.filter(claimed_by=worker.worker).values_list("lease_until", flat=True)
    assert len(leases) == 3
    assert min(leases) > timezone.now() + timedelta(seconds=50)
    other = sending.Ledger(edition=edition, worker=sending.worker_id())
    assert other.release_abandoned() == 0


def test_the_dispatcher_resumes_a_send_only_when_its_heartbeat_is_stale(settings):
    settings.NEWSLETTER_LEASE_SECONDS = 30
    edition = _edition_with(2)
    Edition.objects.filter(pk=edition.pk).update(
        heartbeat_at=timezone.now(), heartbeat_by=sending.worker_id()
    )
    assert edition.pk not in sending.editions_needing_a_worker()
    Edition.objects.filter(pk=edition.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=31)
    )
    assert edition.pk in sending.editions_needing_a_worker()
