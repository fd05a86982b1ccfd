"""Related events applied at the same moment by many workers, each with its own database
connection: none fails (no deadlock, no 503 for the provider to retry) and the records end
right. Each pair is a subscription's first payment (matched through its contribution) and its
renewal (matched through the recurring support): before the lock order was fixed, the first
locked the contribution then the support, the second the support then the contribution.

On PostgreSQL 1,000 pairs on 12 workers. SQLite serialises writers (IMMEDIATE transactions),
so it cannot deadlock; the test still runs there, with 100 pairs on 4 workers, for the final
state."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from masthead.payments.base import EventKind, ProviderEvent, RecurringState, RecurringStatus
from masthead.payments.models import WebhookEvent
from masthead.payments.services import webhook_event_receive
from masthead.supporters.models import Contribution, RecurringSupport, Supporter, UnmatchedEvent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# SQLite lets one writer in at a time and the others poll until their timeout: with many
# waiting threads on a busy machine one can starve past it, which says nothing about the lock
# order. Fewer workers there; PostgreSQL gets the full contention.
WORKERS = {"postgresql": 12}


def _pairs(count: int) -> list[tuple[ProviderEvent, ProviderEvent]]:
    """``count`` monthly supports whose subscription is recorded and whose first payment is
    not yet; for each, the provider's event for the first payment and for a renewal."""
    supporters = Supporter.objects.bulk_create(
        Supporter(email=f"pair{n}@example.org") for n in range(count)
    )
    supports = RecurringSupport.objects.bulk_create(
        RecurringSupport(
            supporter=s,
            provider="test",
            provider_reference=f"test_sub_pair_{n}",
            amount_minor=500,
            currency="USD",
            frequency="monthly",
        )
        for n, s in enumerate(supporters)
    )
    contributions = Contribution.objects.bulk_create(
        Contribution(
            supporter=s,
            recurring=r,
            amount_minor=500,
            currency="USD",
            frequency="monthly",
            provider="test",
            checkout_token=secrets.token_urlsafe(24),
            is_test=True,
        )
        for s, r in zip(supporters, supports, strict=True)
    )
    t0 = datetime.now(UTC) - timedelta(minutes=5)
    pairs = []
    for n, (c, r) in enumerate(zip(contributions, supports, strict=True)):

        def state(seconds: int, r=r) -> RecurringState:
            return RecurringState(
                reference=r.provider_reference,
                status=RecurringStatus.ACTIVE,
                observed_at=t0 + timedelta(seconds=seconds),
                current_period_end=t0 + timedelta(days=30, seconds=seconds),
                amount_minor=500,
                currency="USD",
            )

        common = dict(
            kind=EventKind.PAYMENT_SUCCEEDED,
            provider_type="payment.succeeded",
            recurring_reference=r.provider_reference,
            amount_minor=500,
            currency="USD",
        )
        first = ProviderEvent(
            event_id=f"evt_pair_{n}_first",
            occurred_at=t0 + timedelta(seconds=1),
            checkout_reference=c.checkout_token,
            payment_reference=f"test_pay_pair_{n}",
            recurring=state(1),
            **common,
        )
        renewal = ProviderEvent(
            event_id=f"evt_pair_{n}_renewal",
            occurred_at=t0 + timedelta(seconds=2),
            payment_reference=f"test_renewal_pair_{n}",
            recurring=state(2),
            is_renewal=True,
            **common,
        )
        pairs.append((first, renewal))
    return pairs


def _receive(event: ProviderEvent) -> str:
    try:
        return webhook_event_receive(provider="test", event=event)
    finally:
        connection.close()  # this worker thread's own connection


def test_related_events_in_parallel_all_succeed(mailoutbox):
    count = 1000 if connection.vendor == "postgresql" else 100
    pairs = _pairs(count)
    # The two events of a pair are submitted one after the other, so they run side by side.
    events = [event for pair in pairs for event in pair]
    errors: list[BaseException] = []
    outcomes: list[str] = []

    def run(event: ProviderEvent) -> None:
        try:
            outcomes.append(_receive(event))
        except BaseException as exc:  # noqa: BLE001 - every failure is what the test counts
            errors.append(exc)

    with ThreadPoolExecutor(max_workers=WORKERS.get(connection.vendor, 4)) as pool:
        list(pool.map(run, events))

    assert errors == [], f"{len(errors)} failed, e.g. {errors[0]!r}"
    assert outcomes.count("applied") == 2 * count
    firsts = Contribution.objects.filter(is_renewal=False, provider="test")
    assert firsts.count() == count
    assert set(firsts.values_list("status", flat=True)) == {"succeeded"}
    assert all(
        c.provider_reference == f"test_pay_pair_{c.recurring.provider_reference.rsplit('_', 1)[1]}"
        for c in firsts.select_related("recurring")
    )
    assert Contribution.objects.filter(is_renewal=True, status="succeeded").count() == count
    assert set(RecurringSupport.objects.values_list("status", flat=True)) == {"active"}
    assert WebhookEvent.objects.count() == 2 * count
    assert not UnmatchedEvent.objects.exists()
    assert len(mailoutbox) == 2 * count  # one receipt per payment
