"""Contributions reach the appeal variant that brought them: the reader-revenue system records
a successful payment, and its ``contribution_succeeded`` signal moves our aggregate counters."""

from __future__ import annotations

from decimal import Decimal

import pytest

from masthead.appeals.models import VariantRevenue
from masthead.appeals.tests import factories

supporters = pytest.importorskip("masthead.supporters.tests.factories")
from masthead.supporters import services as supporter_services  # noqa: E402

pytestmark = pytest.mark.django_db


def succeed(contribution):
    supporter_services.contribution_succeed(
        contribution=contribution,
        payment_reference=f"test_{contribution.pk}",
        recurring=None,
        actor="provider:test",
    )


def test_a_successful_contribution_counts_for_its_appeal_variant_once():
    appeal = factories.appeal()
    gift = supporters.contribution(amount_minor=1250, campaign=f"appeal-{appeal.pk}-b")
    succeed(gift)
    succeed(gift)  # a replayed confirmation changes nothing
    revenue = VariantRevenue.objects.get()
    assert (revenue.variant.key, revenue.currency) == ("b", "USD")
    assert (revenue.contributions, revenue.amount_total) == (1, Decimal("12.50"))


def test_contributions_from_elsewhere_or_not_yet_paid_count_nothing():
    appeal = factories.appeal()
    succeed(supporters.contribution(campaign="support-page"))
    succeed(supporters.contribution(campaign=""))
    supporters.contribution(campaign=f"appeal-{appeal.pk}-a")  # started, never paid
    assert not VariantRevenue.objects.exists()
