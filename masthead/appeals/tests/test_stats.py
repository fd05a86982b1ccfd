"""The report's statistics from aggregates, and when it names a winner."""

from __future__ import annotations

from decimal import Decimal

import pytest

from masthead.appeals import selectors, services, stats
from masthead.appeals.models import VariantCounter
from masthead.appeals.tests import factories


def test_wilson_interval_matches_published_values():
    five_in_100 = stats.wilson_interval(successes=5, trials=100)
    assert five_in_100.estimate == 0.05
    assert five_in_100.low == pytest.approx(0.0215, abs=1e-4)
    assert five_in_100.high == pytest.approx(0.1118, abs=1e-4)
    none_in_10 = stats.wilson_interval(successes=0, trials=10)
    assert (none_in_10.low, none_in_10.high) == (0.0, pytest.approx(0.2775, abs=1e-4))
    assert stats.wilson_interval(successes=0, trials=0) == stats.Interval(0.0, 0.0, 1.0)
    # More successes than trials (a counter raced ahead): clamped, not a math error.
    assert stats.wilson_interval(successes=12, trials=10).high == pytest.approx(1.0)


def test_two_proportion_z_test():
    result = stats.two_proportion_test(successes_a=30, trials_a=1000, successes_b=15, trials_b=1000)
    assert result.z == pytest.approx(2.2616, abs=1e-3)
    assert result.p_value == pytest.approx(0.0237, abs=1e-3)
    assert result.significant
    close = stats.two_proportion_test(successes_a=20, trials_a=1000, successes_b=15, trials_b=1000)
    assert not close.significant
    assert stats.two_proportion_test(
        successes_a=0, trials_a=0, successes_b=1, trials_b=10
    ) == stats.Comparison(0.0, 1.0)
    assert not stats.two_proportion_test(
        successes_a=0, trials_a=50, successes_b=0, trials_b=50
    ).significant


def test_mean_interval_from_sums_and_squares():
    # Views that brought 0, 0, 0 and 10.
    interval = stats.mean_interval(n=4, total=10, squares=100)
    assert interval.estimate == 2.5
    assert interval.low == 0.0  # clamped: revenue is never negative
    assert interval.high == pytest.approx(2.5 + stats.Z_95 * 2.5)
    assert stats.mean_interval(n=0, total=0, squares=0) == stats.Interval(0.0, 0.0, 0.0)
    assert stats.mean_interval(n=3, total=3, squares=3).low == 1.0  # no spread: no width


def test_two_means_test_from_aggregates():
    # 1000 views each: 40 gifts of 10 against 20 gifts of 10.
    more = stats.two_means_test(
        n_a=1000, total_a=400, squares_a=4000, n_b=1000, total_b=200, squares_b=2000
    )
    assert more.significant and more.z > 0
    assert not stats.two_means_test(
        n_a=1, total_a=1, squares_a=1, n_b=1, total_b=0, squares_b=0
    ).significant


# --- The report -------------------------------------------------------------------------------


def _results(appeal, *, views: dict[str, int], gifts: dict[str, list[tuple[Decimal, str]]]):
    for key, n in views.items():
        variant = appeal.variants.get(key=key)
        VariantCounter.objects.create(variant=variant, views=n, clicks=n // 10)
    for key, amounts in gifts.items():
        for amount, currency in amounts:
            services.appeal_contribution_record(
                campaign=f"appeal-{appeal.pk}-{key}", amount=amount, currency=currency
            )


@pytest.mark.django_db
def test_report_names_a_winner_only_when_the_difference_is_significant():
    appeal = factories.appeal()
    _results(
        appeal,
        views={"a": 1000, "b": 1000},
        gifts={"a": [(Decimal(10), "USD")] * 15, "b": [(Decimal(10), "USD")] * 30},
    )
    report = selectors.appeal_report(appeal=appeal)
    a, b = report.variants
    assert report.winner is b
    assert "Variant b converts better" in report.verdict
    assert b.conversion.estimate == 0.03
    assert b.conversion.low < 0.03 < b.conversion.high
    assert a.versus_leader.significant and b.versus_leader is None
    (usd,) = b.revenue
    assert usd.per_mille.estimate == pytest.approx(300.0)
    assert usd.per_mille.low < 300 < usd.per_mille.high
    assert usd.versus_best is None and a.revenue[0].versus_best.significant


@pytest.mark.django_db
def test_report_says_keep_going_when_the_leader_is_not_yet_significant():
    appeal = factories.appeal()
    _results(
        appeal,
        views={"a": 1000, "b": 1000},
        gifts={"a": [(Decimal(5), "USD")] * 15, "b": [(Decimal(5), "USD")] * 20},
    )
    report = selectors.appeal_report(appeal=appeal)
    assert report.winner is None
    assert report.leader.variant.key == "b"
    assert "No significant difference yet" in report.verdict


@pytest.mark.django_db
def test_report_before_any_view_and_for_a_single_variant():
    appeal = factories.appeal()
    report = selectors.appeal_report(appeal=appeal)
    assert (report.winner, report.leader) == (None, None)
    assert report.verdict == "No views yet."
    assert [r.views for r in report.variants] == [0, 0]
    _results(appeal, views={"a": 10, "b": 10}, gifts={})
    assert selectors.appeal_report(appeal=appeal).verdict.startswith("No contributions")
    single = factories.appeal(variants=[factories.variant()])
    _results(single, views={"a": 10}, gifts={})
    _results(single, views={}, gifts={"a": [(Decimal(2), "USD")]})
    assert selectors.appeal_report(appeal=single).verdict.startswith("Only one variant")


@pytest.mark.django_db
def test_revenue_is_reported_per_currency():
    appeal = factories.appeal()
    _results(
        appeal,
        views={"a": 200, "b": 200},
        gifts={"a": [(Decimal(5), "USD"), (Decimal(7), "EUR")], "b": [(Decimal(50), "GBP")]},
    )
    a, b = selectors.appeal_report(appeal=appeal).variants
    assert [(r.currency, r.contributions, r.total) for r in a.revenue] == [
        ("EUR", 1, Decimal(7)),
        ("USD", 1, Decimal(5)),
    ]
    assert [r.currency for r in b.revenue] == ["GBP"]
    assert a.contributions == 2
