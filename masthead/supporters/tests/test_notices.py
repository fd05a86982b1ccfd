"""Receipts that failed are sent later, annual supporters hear before a renewal, and what is
no longer needed is deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.supporters import services
from masthead.supporters.models import Contribution, SignInLink, Supporter
from masthead.supporters.tests import factories

pytestmark = pytest.mark.django_db


def test_notice_before_an_annual_renewal_once(test_mode, mailoutbox):
    annual = factories.recurring(
        frequency="annual", amount_minor=6000, period_end_in=timedelta(days=10)
    )
    factories.recurring(frequency="monthly", period_end_in=timedelta(days=10))
    factories.recurring(frequency="annual", period_end_in=timedelta(days=60))
    factories.recurring(
        frequency="annual", period_end_in=timedelta(days=5), cancel_at_period_end=True
    )
    assert services.renewal_notices_send() == 1
    (notice,) = mailoutbox
    assert notice.to == [annual.supporter.email]
    assert "$60" in notice.body and "renews on" in notice.body
    assert "/support/manage/" in notice.body
    assert services.renewal_notices_send() == 0
    # The next year's renewal gets its own notice.
    annual.refresh_from_db()
    annual.current_period_end += timedelta(days=1)
    annual.save()
    assert services.renewal_notices_send() == 1


def test_receipts_whose_first_attempt_failed_are_sent_later(test_mode, mailoutbox, monkeypatch):
    contribution = factories.contribution()
    from masthead.supporters import emails

    def broken(**kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(emails.EmailMultiAlternatives, "send", lambda self: broken())
    from masthead.payments.base import Outcome, PaymentResult

    services.contribution_checkout_apply(
        contribution=contribution,
        result=PaymentResult(outcome=Outcome.SUCCEEDED, payment_reference="p1"),
    )
    monkeypatch.undo()
    contribution.refresh_from_db()
    assert (
        contribution.status == Contribution.Status.SUCCEEDED
        and contribution.receipt_sent_at is None
    )
    assert services.receipts_retry() == 0  # not before the retry delay
    Contribution.objects.filter(pk=contribution.pk).update(
        succeeded_at=timezone.now() - timedelta(minutes=15)
    )
    assert services.receipts_retry() == 1
    assert services.receipts_retry() == 0
    assert len(mailoutbox) == 1


def test_cleanup_forgets_what_is_no_longer_needed(test_mode):
    abandoned = factories.contribution(email="never-paid@example.org")
    paid = factories.recurring()
    SignInLink.objects.create(
        supporter=paid.supporter,
        token_hash="x" * 64,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    later = timezone.now() + timedelta(days=8)
    result = services.supporters_cleanup(now=later)
    assert result == {
        "sign-in links": 1,
        "abandoned checkouts": 1,
        "addresses": 1,
        "webhook events": 0,
        "unmatched events": 0,
    }
    abandoned.refresh_from_db()
    assert abandoned.status == Contribution.Status.CANCELLED and abandoned.supporter is None
    assert not Supporter.objects.filter(email="never-paid@example.org").exists()
    assert Supporter.objects.filter(pk=paid.supporter.pk).exists()
