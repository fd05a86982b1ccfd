"""Writes for appeals: creating them, and moving their aggregate counters.

Counters are moved with ``UPDATE … SET n = n + 1``, atomic on SQLite and PostgreSQL alike, so
concurrent events are never lost; the row is created on first use.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.db.models import F
from wagtail.log_actions import log

from masthead.appeals.campaigns import campaign_parse
from masthead.appeals.models import Appeal, AppealVariant, VariantCounter, VariantRevenue

logger = logging.getLogger(__name__)

# What the browser may report, and the counter each one moves.
EVENT_FIELDS = {"view": "views", "click": "clicks", "snooze": "snoozes", "dismiss": "dismissals"}


class UnknownEvent(ValueError):
    pass


def _increment(model: type[models.Model], lookup: dict, increments: dict) -> None:
    expressions = {field: F(field) + value for field, value in increments.items()}
    if model.objects.filter(**lookup).update(**expressions):
        return
    try:
        with transaction.atomic():
            model.objects.create(**lookup, **increments)
    except IntegrityError:  # another request created the row first
        model.objects.filter(**lookup).update(**expressions)


def appeal_event_record(*, appeal_id: int, variant_key: str, event: str) -> bool:
    """Count one anonymous event for a variant. False when no such appeal variant exists."""
    try:
        field = EVENT_FIELDS[event]
    except KeyError:
        raise UnknownEvent(event) from None
    # The common case is one UPDATE; the variant is looked up only for its first event.
    if VariantCounter.objects.filter(variant__appeal_id=appeal_id, variant__key=variant_key).update(
        **{field: F(field) + 1}
    ):
        return True
    variant_id = (
        AppealVariant.objects.filter(appeal_id=appeal_id, key=variant_key)
        .values_list("pk", flat=True)
        .first()
    )
    if variant_id is None:
        return False
    _increment(VariantCounter, {"variant_id": variant_id}, {field: 1})
    return True


def appeal_contribution_record(*, campaign: str, amount: Decimal, currency: str) -> bool:
    """Attribute one successful contribution to the appeal variant named by its campaign code.

    The hook for the reader-revenue system: call it once per contribution, when its first
    payment succeeds (not for renewals), inside the transaction that records the success, so
    that it is counted exactly when the contribution is. Returns False, and counts nothing,
    when the code names no appeal variant (another campaign, a deleted appeal).
    """
    parsed = campaign_parse(campaign)
    if parsed is None or amount <= 0:
        return False
    variant_id = (
        AppealVariant.objects.filter(appeal_id=parsed.appeal_id, key=parsed.variant_key)
        .values_list("pk", flat=True)
        .first()
    )
    if variant_id is None:
        return False
    amount = Decimal(amount).quantize(Decimal("0.01"))
    _increment(
        VariantRevenue,
        {"variant_id": variant_id, "currency": currency.upper()[:3]},
        {
            "contributions": 1,
            "amount_total": amount,
            "amount_squares": (amount * amount).quantize(Decimal("0.0001")),
        },
    )
    return True


# --- Appeals ----------------------------------------------------------------------------------


def variant_keys_fill(*, variants: Iterable[AppealVariant]) -> None:
    """Give variants without a key the first free letters: a, b, c… (then a2, b2…)."""
    variants = list(variants)
    used = {v.key for v in variants if v.key}
    free = (
        f"{letter}{round_ if round_ > 1 else ''}"
        for round_ in range(1, 1000)
        for letter in string.ascii_lowercase
    )
    for variant in variants:
        if not variant.key:
            variant.key = next(key for key in free if key not in used)
            used.add(variant.key)


@dataclass(frozen=True)
class VariantSpec:
    heading: str
    message: str  # rich text (HTML)
    weight: int = 1
    frequency: str = "monthly"
    amount: Decimal = Decimal(5)
    currency: str = "USD"
    key: str = ""


@transaction.atomic
def appeal_create(
    *,
    name: str,
    variants: Sequence[VariantSpec],
    user=None,
    include_sections: Iterable = (),
    exclude_sections: Iterable = (),
    include_tags: Iterable = (),
    exclude_tags: Iterable = (),
    **rules,
) -> Appeal:
    """Create an appeal with its variants (the admin does the same through its form). ``rules``
    are Appeal's other fields: placement, audience, starts_at, min_articles, cap_views…"""
    if not variants:
        raise ValueError("an appeal needs at least one variant")
    appeal = Appeal(name=name, **rules)
    appeal.full_clean(exclude=["include_sections", "exclude_sections"])
    appeal.variants = [
        AppealVariant(
            key=spec.key,
            weight=spec.weight,
            heading=spec.heading,
            message=spec.message,
            frequency=spec.frequency,
            amount=spec.amount,
            currency=spec.currency,
        )
        for spec in variants
    ]
    variant_keys_fill(variants=appeal.variants.all())
    appeal.include_sections = list(include_sections)
    appeal.exclude_sections = list(exclude_sections)
    appeal.include_tags = list(include_tags)
    appeal.exclude_tags = list(exclude_tags)
    appeal.save()
    log(instance=appeal, action="wagtail.create", user=user)
    return appeal
