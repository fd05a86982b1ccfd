"""Reads for appeals: what is published to browsers, and how each variant is doing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from masthead.appeals import stats
from masthead.appeals.models import Appeal, AppealVariant, VariantCounter
from masthead.core.editions import editions_enabled
from masthead.publishing.editions import locale_languages
from masthead.publishing.models import ArticlePage
from masthead.publishing.selectors import public_only


def appeals_published(*, now: datetime) -> QuerySet[Appeal]:
    """Appeals that browsers should know about: switched on, not over, with a variant that has
    a share of readers. Appeals that have not started yet are included (the browser checks the
    dates), so that the file need not change the moment one starts. An appeal in a language
    the site no longer has an edition in is left out: no page would show it."""
    return (
        Appeal.objects.filter(enabled=True, language__in=[code for code, _ in settings.LANGUAGES])
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .filter(variants__weight__gt=0)
        .distinct()
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=AppealVariant.objects.filter(weight__gt=0).order_by("sort_order", "pk"),
            ),
            "include_sections",
            "exclude_sections",
            "include_tags",
            "exclude_tags",
        )
        .order_by("-priority", "-pk")
    )


def appeal_preview_article(*, appeal: Appeal, article_id: int | None = None) -> ArticlePage | None:
    """A real article to preview an appeal on: the one asked for, else the latest one in the
    appeal's language that its section and tag rules allow, else the latest in its language,
    else the latest of all."""
    live = public_only(ArticlePage.objects.live()).order_by("-first_published_at", "-pk")
    if article_id is not None:
        return live.filter(pk=article_id).first()
    every = live
    if editions_enabled():
        locales = [pk for pk, code in locale_languages().items() if code == appeal.language]
        live = live.filter(locale_id__in=locales)
    fitting = live
    if appeal.pk:
        sections = list(appeal.include_sections.all())
        if sections:
            fitting = fitting.filter(
                Q.create([("path__startswith", s.path) for s in sections], connector=Q.OR)
            )
        for section in appeal.exclude_sections.all():
            fitting = fitting.exclude(path__startswith=section.path)
        tags = list(appeal.include_tags.all())
        if tags:
            fitting = fitting.filter(tagged_items__tag__in=tags)
        excluded_tags = list(appeal.exclude_tags.all())
        if excluded_tags:
            fitting = fitting.exclude(tagged_items__tag__in=excluded_tags)
    return fitting.first() or live.first() or every.first()


# --- Results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrencyResult:
    currency: str
    contributions: int
    total: Decimal
    per_mille: stats.Interval  # revenue per 1,000 views
    versus_best: stats.Comparison | None  # None for the best variant in this currency


@dataclass(frozen=True)
class VariantResult:
    variant: AppealVariant
    views: int
    clicks: int
    snoozes: int
    dismissals: int
    contributions: int
    click_rate: stats.Interval
    conversion: stats.Interval  # contributions per view
    revenue: list[CurrencyResult]
    versus_leader: stats.Comparison | None  # None for the leader


@dataclass(frozen=True)
class AppealReport:
    appeal: Appeal
    variants: list[VariantResult]
    leader: VariantResult | None
    winner: VariantResult | None
    verdict: str


def _counter(variant: AppealVariant) -> VariantCounter:
    try:
        return variant.counter
    except VariantCounter.DoesNotExist:
        return VariantCounter(variant=variant)


def appeal_report(*, appeal: Appeal) -> AppealReport:
    """Each variant's conversion rate (Wilson interval) and revenue per 1,000 views (normal
    interval from sums and sums of squares), and a winner only when the leader's conversion
    rate is significantly higher than every other variant's (two-proportion z-test, 95 %)."""
    variants = list(
        appeal.variants.select_related("counter")
        .prefetch_related("revenue")
        .order_by("sort_order", "pk")
    )
    rows = []
    for variant in variants:
        counter = _counter(variant)
        revenue = list(variant.revenue.all())
        contributions = sum(r.contributions for r in revenue)
        rows.append((variant, counter, revenue, contributions))

    best_by_currency: dict[str, tuple[float, int, float, float]] = {}
    for _variant, counter, revenue, _n in rows:
        for r in revenue:
            if counter.views and (
                r.currency not in best_by_currency
                or float(r.amount_total) / counter.views > best_by_currency[r.currency][0]
            ):
                best_by_currency[r.currency] = (
                    float(r.amount_total) / counter.views,
                    counter.views,
                    float(r.amount_total),
                    float(r.amount_squares),
                )

    seen = [(variant, counter, contributions) for variant, counter, _r, contributions in rows]
    with_views = [row for row in seen if row[1].views > 0]
    leader_row = max(with_views, key=lambda row: row[2] / row[1].views, default=None)

    results = []
    for variant, counter, revenue, contributions in rows:
        currencies = []
        for r in sorted(revenue, key=lambda r: r.currency):
            per_view = stats.mean_interval(
                n=counter.views, total=float(r.amount_total), squares=float(r.amount_squares)
            )
            best = best_by_currency.get(r.currency)
            versus = None
            if (
                best is not None
                and counter.views
                and best[1:]
                != (
                    counter.views,
                    float(r.amount_total),
                    float(r.amount_squares),
                )
            ):
                versus = stats.two_means_test(
                    n_a=best[1],
                    total_a=best[2],
                    squares_a=best[3],
                    n_b=counter.views,
                    total_b=float(r.amount_total),
                    squares_b=float(r.amount_squares),
                )
            currencies.append(
                CurrencyResult(
                    currency=r.currency,
                    contributions=r.contributions,
                    total=r.amount_total,
                    per_mille=stats.Interval(
                        per_view.estimate * 1000, per_view.low * 1000, per_view.high * 1000
                    ),
                    versus_best=versus,
                )
            )
        versus_leader = None
        if leader_row is not None and variant.pk != leader_row[0].pk:
            versus_leader = stats.two_proportion_test(
                successes_a=leader_row[2],
                trials_a=leader_row[1].views,
                successes_b=contributions,
                trials_b=counter.views,
            )
        results.append(
            VariantResult(
                variant=variant,
                views=counter.views,
                clicks=counter.clicks,
                snoozes=counter.snoozes,
                dismissals=counter.dismissals,
                contributions=contributions,
                click_rate=stats.wilson_interval(successes=counter.clicks, trials=counter.views),
                conversion=stats.wilson_interval(successes=contributions, trials=counter.views),
                revenue=currencies,
                versus_leader=versus_leader,
            )
        )

    leader = next((r for r in results if leader_row and r.variant.pk == leader_row[0].pk), None)
    others = [r for r in results if r is not leader]
    winner = None
    if leader is None:
        verdict = "No views yet."
    elif leader.contributions == 0:
        verdict = "No contributions attributed to this appeal yet."
    elif not others:
        verdict = "Only one variant: nothing to compare."
    elif all(
        r.versus_leader is not None and r.versus_leader.significant and r.versus_leader.z > 0
        for r in others
    ):
        winner = leader
        worst_p = max(r.versus_leader.p_value for r in others)
        verdict = (
            f"Variant {leader.variant.key} converts better than "
            f"{'the other variant' if len(others) == 1 else 'every other variant'} "
            f"(two-proportion z-test, p = {worst_p:.3g})."
        )
    else:
        worst_p = max((r.versus_leader.p_value for r in others if r.versus_leader), default=1.0)
        verdict = (
            f"No significant difference yet: variant {leader.variant.key} leads, but p = "
            f"{worst_p:.2g} (a winner needs p < {stats.SIGNIFICANCE}). Keep the test running."
        )
    return AppealReport(
        appeal=appeal, variants=results, leader=leader, winner=winner, verdict=verdict
    )
