""" "Handed over" is recorded per message, just before its final dot: a failure in the middle of
a group leaves at most the one message in flight unconfirmed, never the whole group.

Real parts: an aiosmtpd server in this process, the real ledger on the test database (with
committed transactions, so PostgreSQL runs the engine's libpq path)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from masthead.newsletters.email.message import Personal
from masthead.newsletters.email.transport import Message, SmtpTransport
from masthead.newsletters.models import Delivery, Edition
from masthead.newsletters.services import sending
from masthead.newsletters.tests import factories
from masthead.newsletters.tests.conftest import SmtpSink, _Handler, free_port

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GROUP = 8


class _DropsAfterThirdData(_Handler):
    """Accepts every message, but closes the connection instead of answering the 3rd."""

    count = 0

    async def handle_DATA(self, server, session, envelope):
        await super().handle_DATA(server, session, envelope)
        self.count += 1
        if self.count == 3:
            server.transport.close()  # the message is taken; its "250" is never sent
        return "250 Message accepted for delivery"


@pytest.fixture
def dropping_sink(settings):
    sink = SmtpSink(host="127.0.0.1", port=free_port())
    controller = Controller(
        _DropsAfterThirdData(sink), hostname=sink.host, port=sink.port, decode_data=False
    )
    controller.start()
    mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": sink.host, "port": sink.port, "timeout": 10},
    }
    settings.MAILERS = {"default": dict(mailer), "newsletters": dict(mailer)}
    yield sink
    controller.stop()


def _edition_with(count: int) -> Edition:
    weekly = factories.newsletter()
    factories.subscribers_bulk(newsletter=weekly, count=count)
    edition = factories.edition(newsletter=weekly)
    Edition.objects.filter(pk=edition.pk).update(status="sending")
    return Edition.objects.select_related("newsletter").get(pk=edition.pk)


def test_a_server_lost_after_the_third_message_leaves_only_that_one_unconfirmed(
    settings, dropping_sink
):
    settings.NEWSLETTER_CONCURRENCY = GROUP
    edition = _edition_with(GROUP)
    report = sending.edition_send_run(edition_id=edition.pk)

    received = Counter(r for m in dropping_sink.messages for r in m.recipients)
    assert len(received) == GROUP and max(received.values()) == 1
    statuses = Counter(Delivery.objects.filter(edition=edition).values_list("status", flat=True))
    assert statuses == {"sent": GROUP - 1, "unconfirmed": 1}, statuses
    assert report.sent == GROUP - 1
    # The hand-over time is kept on every row that was handed over.
    assert not Delivery.objects.filter(edition=edition, sent_at__isnull=True).exists()


class _Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs in the worker."""


class _LedgerKilledAfterThirdHandOver(sending.Ledger):
    calls = 0

    def handed_over(self, delivery_id: int) -> bool:
        owned = super().handed_over(delivery_id)  # committed
        self.calls += 1
        if self.calls == 3:
            raise _Killed  # between the record and the final dot
        return owned


def test_a_worker_killed_between_a_record_and_its_dot_loses_one_message_not_the_group(
    settings, smtp_sink
):
    settings.NEWSLETTER_CONCURRENCY = GROUP
    edition = _edition_with(GROUP)
    sending.ledger_fill(edition=edition)
    dead = _LedgerKilledAfterThirdHandOver(edition=edition, worker=sending.worker_id())
    rows = dead.claim(GROUP)
    template = sending._edition_template(edition)
    transport = SmtpTransport(
        alias="newsletters",
        template=template,
        envelope_sender=edition.newsletter.sender_email,
        concurrency=GROUP,
    )
    messages = [
        Message(row[0], row[2], Personal(to=row[2], message_id=f"<{row[0]}@t>", token="t"))
        for row in rows
    ]
    with pytest.raises(_Killed):
        transport.send_group(messages, dead)
    transport.close()
    smtp_sink.wait_for(2)
    emails = {row[0]: row[2] for row in rows}
    in_flight = emails[rows[2][0]]

    # Its lease runs out; the next worker takes over and finishes the send.
    Delivery.objects.filter(claimed_by=dead.worker).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    sending.edition_send_run(edition_id=edition.pk)

    received = Counter(r for m in smtp_sink.messages for r in m.recipients)
    assert max(received.values()) == 1, "nobody receives two copies"
    missing = set(emails.values()) - set(received)
    assert missing == {in_flight}, "only the message in flight is lost"
    unconfirmed = set(
        Delivery.objects.filter(edition=edition, status="unconfirmed").values_list(
            "subscriber__email", flat=True
        )
    )
    # The two finished before the kill and the one in flight; the other five were resent.
    assert unconfirmed == {emails[r[0]] for r in rows[:3]}
    assert Delivery.objects.filter(edition=edition, status="sent").count() == GROUP - 3
