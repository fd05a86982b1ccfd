"""Small builders for reader-revenue tests, going through the services where they can."""

from __future__ import annotations

import secrets
from datetime import timedelta
from itertools import count

from django.conf import settings
from django.utils import timezone

from masthead.payments.base import Frequency
from masthead.supporters import services
from masthead.supporters.models import Contribution, RecurringSupport, Supporter

_seq = count(1)


def origin() -> dict:
    return {"HTTP_ORIGIN": settings.BASE_URL}


def contribution(
    *,
    email: str | None = None,
    amount_minor: int = 500,
    currency: str = "USD",
    frequency: str = Frequency.ONCE,
    provider: str = "test",
    campaign: str = "",
    is_test: bool = True,
) -> Contribution:
    n = next(_seq)
    c, _ = services.contribution_start(
        email=email or f"reader{n}@example.org",
        amount_minor=amount_minor,
        fee_cover_minor=0,
        currency=currency,
        frequency=frequency,
        provider=provider,
        campaign=campaign,
        idempotency_keys=[secrets.token_hex(16)],
        is_test=is_test,
    )
    return c


def recurring(
    *,
    supporter: Supporter | None = None,
    amount_minor: int = 500,
    currency: str = "USD",
    frequency: str = Frequency.MONTHLY,
    status: str = RecurringSupport.Status.ACTIVE,
    provider: str = "test",
    period_end_in: timedelta = timedelta(days=20),
    cancel_at_period_end: bool = False,
    is_test: bool = True,
) -> RecurringSupport:
    n = next(_seq)
    supporter = supporter or Supporter.objects.create(email=f"member{n}@example.org")
    now = timezone.now()
    r = RecurringSupport.objects.create(
        supporter=supporter,
        provider=provider,
        provider_reference=f"test_sub_{n}",
        amount_minor=amount_minor,
        currency=currency,
        frequency=frequency,
        status=status,
        current_period_end=now + period_end_in,
        cancel_at_period_end=cancel_at_period_end,
        state_observed_at=now - timedelta(minutes=1),
        started_at=now - timedelta(days=10),
        is_test=is_test,
    )
    Contribution.objects.create(
        supporter=supporter,
        recurring=r,
        amount_minor=amount_minor,
        currency=currency,
        frequency=frequency,
        provider=provider,
        provider_reference=f"test_pay_{n}",
        status=Contribution.Status.SUCCEEDED,
        checkout_token=secrets.token_urlsafe(24),
        succeeded_at=now - timedelta(days=10),
        is_test=is_test,
    )
    return r
