"""Reader revenue for the demo publication: test mode on (card payments through the test
provider, labelled TEST MODE everywhere), both offline methods, a notice for readers in the
fictional country, and a year of invented contributions so that the revenue charts have
something to show. Every address is at example.org."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F

from masthead.payments.base import Frequency
from masthead.payments.offline.models import OfflinePaymentSettings
from masthead.supporters.models import (
    Contribution,
    CountryNotice,
    RecurringSupport,
    Supporter,
    SupportSettings,
)

# "XV" is in the range ISO 3166 leaves for private use: the demo's invented Varnia.
DEMO_COUNTRY = "XV"
ONE_OFF_AMOUNTS = [500, 1500, 1500, 2000, 5000, 10000]
MONTHLY_AMOUNTS = [200, 500, 500, 500, 1000, 1500]
ANNUAL_AMOUNTS = [2500, 5000, 5000, 10000]
CURRENCIES = ["USD", "USD", "USD", "EUR", "EUR", "GBP"]


@transaction.atomic
def demo_reader_revenue_load(*, now: datetime, seed: int = 4) -> None:
    support = SupportSettings.load()
    support.test_mode = True
    support.thank_you_message = (
        "Your money pays for reporting that the Varnian government would rather nobody read. "
        "We will not forget it."
    )
    support.save()
    if not support.country_notices.exists():
        CountryNotice.objects.create(
            setting=support,
            countries=DEMO_COUNTRY,
            message=(
                "In Varnia, supporting us can be prosecuted. "
                "Card payments leave a trace with your bank: consider cryptocurrency, or ask a "
                "friend abroad to give for you. We never share who our supporters are."
            ),
        )
    offline = OfflinePaymentSettings.load()
    offline.bank_transfer_instructions = (
        "Account holder: Kelmar Courier Foundation (demo)\n"
        "IBAN: XX00 DEMO 0000 0000 0000 00 (not a real account)\n"
        "Bank: Aldenburg Savings Bank"
    )
    offline.crypto_instructions = (
        "Bitcoin: demo-btc-address-not-real\nMonero: demo-xmr-address-not-real"
    )
    offline.save()
    _history(now=now, rng=random.Random(seed))


def _supporter(n: int, when: datetime) -> Supporter:
    supporter = Supporter.objects.create(email=f"reader{n}@example.org")
    Supporter.objects.filter(pk=supporter.pk).update(created_at=when)
    return supporter


def _contribution(**fields) -> Contribution:
    return Contribution(
        provider="test",
        status=Contribution.Status.SUCCEEDED,
        checkout_token=secrets.token_urlsafe(24),
        is_test=True,
        receipt_sent_at=fields["succeeded_at"],
        **fields,
    )


def _history(*, now: datetime, rng: random.Random) -> None:
    """About a year of giving: one-off gifts, monthly and annual supporters with their
    renewals, some of whom cancelled, and two offline gifts still waiting."""
    contributions: list[Contribution] = []
    n = 0
    for days_ago in range(360, 0, -3):
        when = now - timedelta(days=days_ago, hours=rng.randint(0, 23))
        n += 1
        # One-off gifts, growing a little through the year.
        if rng.random() < 0.55 + (360 - days_ago) / 1200:
            currency = rng.choice(CURRENCIES)
            contributions.append(
                _contribution(
                    supporter=_supporter(n, when),
                    amount_minor=rng.choice(ONE_OFF_AMOUNTS),
                    currency=currency,
                    frequency=Frequency.ONCE,
                    provider_reference=f"test_pay_demo_{n}",
                    campaign=rng.choice(["article-appeal", "support-page", ""]),
                    succeeded_at=when,
                )
            )
        # Recurring supporters start now and then; their renewals follow.
        if rng.random() < 0.35:
            n += 1
            annual = rng.random() < 0.25
            frequency = Frequency.ANNUAL if annual else Frequency.MONTHLY
            amount = rng.choice(ANNUAL_AMOUNTS if annual else MONTHLY_AMOUNTS)
            currency = rng.choice(CURRENCIES)
            step = timedelta(days=365 if annual else 30)
            supporter = _supporter(n, when)
            cancelled_at = (
                when + timedelta(days=rng.randint(60, 300)) if rng.random() < 0.2 else None
            )
            end = min(now, cancelled_at) if cancelled_at else now
            periods, paid = 0, when
            while paid <= end:
                periods += 1
                paid += step
            recurring = RecurringSupport.objects.create(
                supporter=supporter,
                provider="test",
                provider_reference=f"test_sub_demo_{n}",
                amount_minor=amount,
                currency=currency,
                frequency=frequency,
                status="cancelled" if cancelled_at and cancelled_at < now else "active",
                current_period_end=paid,
                state_observed_at=when,
                is_test=True,
                started_at=when,
                ended_at=cancelled_at if cancelled_at and cancelled_at < now else None,
            )
            for period in range(periods):
                at = when + step * period
                contributions.append(
                    _contribution(
                        supporter=supporter,
                        recurring=recurring,
                        is_renewal=period > 0,
                        amount_minor=amount,
                        currency=currency,
                        frequency=frequency,
                        provider_reference=f"test_pay_demo_{n}_{period}",
                        succeeded_at=at,
                    )
                )
    Contribution.objects.bulk_create(contributions)
    # Contributions record their own creation time; make it that of the payment.
    Contribution.objects.filter(provider="test", status="succeeded", is_test=True).update(
        created_at=F("succeeded_at")
    )
    for index, (provider, amount, currency) in enumerate(
        [("bank_transfer", 5000, "EUR"), ("crypto", 2500, "USD")], start=1
    ):
        Contribution.objects.create(
            supporter=_supporter(n + index, now - timedelta(days=index)),
            amount_minor=amount,
            currency=currency,
            frequency=Frequency.ONCE,
            provider=provider,
            provider_reference=f"MH-DEMO{index:04d}",
            status=Contribution.Status.PENDING,
            checkout_token=secrets.token_urlsafe(24),
            is_test=True,
        )
