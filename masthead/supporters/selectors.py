"""Reads for reader revenue: what the form offers, and the figures editors see."""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpRequest
from django.utils import timezone, translation

from masthead.payments import registry
from masthead.payments.base import Frequency, PaymentProvider
from masthead.supporters.amounts import (
    DEFAULT_MINIMUM,
    DEFAULT_SUGGESTIONS,
    MINOR_PER_MAJOR,
    AmountError,
    AmountOptions,
    parse_suggestions,
)
from masthead.supporters.models import (
    AmountChoice,
    BlockedAttempts,
    Contribution,
    RecurringSupport,
    Supporter,
    SupportSettings,
)

# --- The form ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormOptions:
    frequencies: list[str]
    currencies: list[str]
    default_frequency: str
    default_currency: str
    amounts: dict[tuple[str, str], AmountOptions]
    methods: list[PaymentProvider]
    cover_fees: bool
    fee_percent: Decimal
    test_mode: bool

    def method(self, name: str) -> PaymentProvider | None:
        return next((m for m in self.methods if m.name == name), None)


def support_settings(*, request: HttpRequest | None = None) -> SupportSettings:
    return SupportSettings.load(request_or_site=request)


def amount_options(
    *, support: SupportSettings, language: str | None = None
) -> dict[tuple[str, str], AmountOptions]:
    """Suggested amounts per frequency and currency in the edition in ``language`` (the active
    language when None): the editors' rows for that language, else their rows for every
    edition (no language), else the defaults."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    own: dict[tuple[str, str], AmountChoice] = {}
    shared: dict[tuple[str, str], AmountChoice] = {}
    for row in support.amount_choices.all():
        if row.language == language:
            own.setdefault((row.frequency, row.currency), row)
        elif not row.language:
            shared.setdefault((row.frequency, row.currency), row)
    rows = shared | own
    result = {}
    for frequency in Frequency:
        for currency in ("USD", "EUR", "GBP"):
            row = rows.get((frequency.value, currency))
            suggestions, preselected_major = DEFAULT_SUGGESTIONS[frequency]
            amounts = [a * MINOR_PER_MAJOR for a in suggestions]
            preselected: int | None = preselected_major * MINOR_PER_MAJOR
            minimum = DEFAULT_MINIMUM * MINOR_PER_MAJOR
            if row is not None:
                # A row saved before validation existed keeps the defaults.
                with contextlib.suppress(AmountError):
                    amounts = parse_suggestions(row.amounts)
                preselected = int(row.preselected * 100) if row.preselected is not None else None
                minimum = int(row.minimum * 100)
            result[(frequency.value, currency)] = AmountOptions(
                frequency=frequency,
                currency=currency,
                suggestions=tuple(amounts),
                preselected=preselected if preselected in amounts else None,
                minimum=minimum,
            )
    return result


def form_options(*, support: SupportSettings, language: str | None = None) -> FormOptions:
    """What the form offers in the edition in ``language`` (the active language when None)."""
    return FormOptions(
        frequencies=support.frequencies_enabled,
        currencies=support.currencies_enabled,
        default_frequency=support.default_frequency,
        default_currency=support.default_currency,
        amounts=amount_options(support=support, language=language),
        methods=registry.providers_available(test_mode=support.test_mode),
        cover_fees=support.cover_fees_enabled and support.fee_percent > 0,
        fee_percent=support.fee_percent,
        test_mode=support.test_mode,
    )


def country_notices(*, support: SupportSettings, country: str) -> list[str]:
    country = (country or "").strip().upper()
    if len(country) != 2:
        return []
    return [n.message for n in support.country_notices.all() if country in n.country_codes]


def country_notices_every(*, support: SupportSettings) -> list[tuple[str, str]]:
    """Every notice as (its countries, its message): what readers whose country is not known
    see, such as every reader of a static copy (which no country header reaches)."""
    return [(", ".join(sorted(n.country_codes)), n.message) for n in support.country_notices.all()]


# --- Contributions and supporters ------------------------------------------------------------


# What secrets.token_urlsafe makes: anything else (a NUL, which PostgreSQL refuses in a
# query) is no checkout link of ours, and is not looked for.
CHECKOUT_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def contribution_by_token(*, token: str) -> Contribution | None:
    if not CHECKOUT_TOKEN.fullmatch(token or ""):
        return None
    return Contribution.objects.select_related("recurring").filter(checkout_token=token).first()


def supporter_by_email(*, email: str) -> Supporter | None:
    return Supporter.objects.filter(email=email.strip().lower()).first()


def supporter_recurring(*, supporter: Supporter) -> QuerySet[RecurringSupport]:
    return supporter.recurring.exclude(status=RecurringSupport.Status.INCOMPLETE).order_by(
        "-created_at"
    )


def supporter_receipts(*, supporter: Supporter) -> QuerySet[Contribution]:
    return supporter.contributions.filter(status=Contribution.Status.SUCCEEDED).order_by(
        "-succeeded_at"
    )


def contributions_pending_offline() -> QuerySet[Contribution]:
    """Promised offline gifts, oldest first, for editors to confirm when the money arrives."""
    return (
        Contribution.objects.filter(status=Contribution.Status.PENDING)
        .select_related("supporter")
        .order_by("created_at")
    )


# --- Revenue -----------------------------------------------------------------------------------


def months_back(*, months: int, now: datetime | None = None) -> list[date]:
    """The first day of the last ``months`` months, oldest first, this month included."""
    today = timezone.localdate(now) if now else timezone.localdate()
    year, month = today.year, today.month
    result = []
    for _ in range(months):
        result.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return result[::-1]


@dataclass
class RevenueMonth:
    month: date
    currency: str
    one_off_minor: int = 0
    recurring_minor: int = 0
    one_off_count: int = 0
    recurring_count: int = 0

    @property
    def total_minor(self) -> int:
        return self.one_off_minor + self.recurring_minor


def revenue_by_month(
    *, months: int, is_test: bool, now: datetime | None = None
) -> dict[str, list[RevenueMonth]]:
    """Money received per currency and month, one-off and recurring apart (renewals count as
    recurring). Every month of the span is present, empty ones too."""
    span = months_back(months=months, now=now)
    rows = (
        Contribution.objects.filter(
            status=Contribution.Status.SUCCEEDED,
            is_test=is_test,
            succeeded_at__date__gte=span[0],
        )
        .annotate(month=TruncMonth("succeeded_at"))
        .values("month", "currency", "frequency")
        .annotate(total=Sum("amount_minor"), n=Count("pk"))
    )
    table: dict[str, dict[date, RevenueMonth]] = {}
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        per_currency = table.setdefault(
            row["currency"], {m: RevenueMonth(month=m, currency=row["currency"]) for m in span}
        )
        entry = per_currency.get(month)
        if entry is None:
            continue
        if row["frequency"] == Frequency.ONCE:
            entry.one_off_minor += row["total"]
            entry.one_off_count += row["n"]
        else:
            entry.recurring_minor += row["total"]
            entry.recurring_count += row["n"]
    return {currency: list(per_month.values()) for currency, per_month in sorted(table.items())}


@dataclass
class RecurringSummary:
    active: int = 0
    past_due: int = 0
    mrr_minor: dict[str, int] = field(default_factory=dict)  # monthly recurring revenue


def recurring_summary(*, is_test: bool) -> RecurringSummary:
    """Supporters giving every month or year now, and what that brings in a month (annual
    support counted as a twelfth; past-due support, still being retried, left out)."""
    summary = RecurringSummary()
    live = RecurringSupport.objects.filter(is_test=is_test)
    counts = dict(
        live.filter(status__in=["active", "past_due"])
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    summary.active = counts.get("active", 0)
    summary.past_due = counts.get("past_due", 0)
    mrr: dict[str, Decimal] = defaultdict(Decimal)
    for row in (
        live.filter(status="active")
        .values("currency", "frequency")
        .annotate(total=Sum("amount_minor"))
    ):
        divisor = 12 if row["frequency"] == Frequency.ANNUAL else 1
        mrr[row["currency"]] += Decimal(row["total"]) / divisor
    summary.mrr_minor = {c: int(v.to_integral_value()) for c, v in sorted(mrr.items())}
    return summary


@dataclass
class FlowMonth:
    month: date
    new: int = 0
    cancelled: int = 0


def recurring_flow_by_month(
    *, months: int, is_test: bool, now: datetime | None = None
) -> list[FlowMonth]:
    """Recurring supporters who started and who ended in each month."""
    span = months_back(months=months, now=now)
    flow = {m: FlowMonth(month=m) for m in span}
    live = RecurringSupport.objects.filter(is_test=is_test)
    for field_name, attr in (("started_at", "new"), ("ended_at", "cancelled")):
        rows = (
            live.filter(**{f"{field_name}__date__gte": span[0]})
            .annotate(month=TruncMonth(field_name))
            .values("month")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
            if month in flow:
                setattr(flow[month], attr, row["n"])
    return list(flow.values())


def blocked_attempts_recent(*, days: int = 30) -> dict[str, int]:
    since = timezone.localdate() - timedelta(days=days - 1)
    rows = (
        BlockedAttempts.objects.filter(day__gte=since)
        .values("scope")
        .annotate(n=Sum("count"))
        .values_list("scope", "n")
    )
    return dict(rows)


def contributions_for_export(*, is_test: bool) -> QuerySet[Contribution]:
    return (
        Contribution.objects.filter(is_test=is_test)
        .filter(Q(status=Contribution.Status.SUCCEEDED) | Q(status=Contribution.Status.PENDING))
        .order_by("created_at")
    )
