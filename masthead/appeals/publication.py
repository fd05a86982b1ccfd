"""The appeals file: every published appeal, its rules and its variants' markup, as one JSON
document that is the same for every reader.

Browsers fetch it from ``/appeals/active.json`` and decide with ``appeals.js`` which appeal,
if any, to show. The markup of each variant is rendered here, with the site's templates, so
the script only places it; the script never builds a contribution form of its own.

Format (``format`` 1)::

    {"format": 1,
     "supporterCookie": "mh_supporter", "snoozeCookie": "mh_appeal_snooze", "snoozeDays": 30,
     "snoozeStore": "masthead.snooze",
     "count": "/appeals/count", "css": "/static/appeals/appeals.<hash>.css",
     "defaultLanguage": "en",
     "appeals": [{"id": 3, "language": "en" | "ru" | …,
                  "placement": "article" | "banner" | "dialog",
                  "audience": "non_supporters" | "supporters" | "everyone",
                  "from": <ms since epoch> | null, "until": <ms> | null,
                  "sections": {"only": [slug…], "never": [slug…]},
                  "tags": {"only": [slug…], "never": [slug…]},
                  "minArticles": 3, "minArticlesDays": 30, "cap": 4, "capDays": 30,
                  "variants": [{"key": "a", "weight": 1, "html": "<section…>"}]}]}

Appeals come in the order the browser should prefer them (priority, then newest).

One file serves every language edition. Each appeal names its language, its markup is written
in it and its forms lead to that edition's support pages (``/ru/support/…``); the browser shows
an appeal only on pages whose ``<html lang>`` is its language (``defaultLanguage`` for a page
that names none). An older file without ``language`` means the default language everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from masthead.appeals import reader_revenue
from masthead.appeals.models import Appeal, AppealVariant, Frequency, Placement
from masthead.core.models import edition_publication

FORMAT = 1


def _ms(value: datetime | None) -> int | None:
    return int(value.timestamp() * 1000) if value else None


def appeal_language(appeal: Appeal) -> str:
    """The language an appeal is written in (the default one when it names none)."""
    return appeal.language or settings.LANGUAGE_CODE


class _PaymentMethods:
    """The payment methods' labels in each language, read once per file."""

    def __init__(self) -> None:
        self._by_language: dict[str, list] = {}

    def get(self, language: str) -> list:
        if language not in self._by_language:
            with translation.override(language):
                self._by_language[language] = reader_revenue.payment_methods()
        return self._by_language[language]


def variant_html(
    *, appeal: Appeal, variant: AppealVariant, payment_methods: list | None = None
) -> str:
    """The variant's markup in the appeal's language: its words, and its forms' addresses in
    that language's edition (``reverse`` gives ``/ru/support/…`` with Russian active)."""
    with translation.override(appeal_language(appeal)):
        if payment_methods is None:
            payment_methods = reader_revenue.payment_methods()
        return _variant_html(appeal=appeal, variant=variant, payment_methods=payment_methods)


def _variant_html(*, appeal: Appeal, variant: AppealVariant, payment_methods: list) -> str:
    return render_to_string(
        "appeals/appeal.html",
        {
            "appeal": appeal,
            "variant": variant,
            "publication": edition_publication(appeal_language(appeal)),
            "placement": appeal.placement,
            "dom_id": f"appeal-{appeal.pk or 'new'}",
            "frequencies": Frequency.choices,
            "contribute_url": reader_revenue.contribute_url(),
            "contribute_method": reader_revenue.CONTRIBUTION_METHOD,
            "reminder_url": reader_revenue.reminder_url(),
            "payment_methods": payment_methods,
            "fields": {
                "frequency": reader_revenue.FIELD_FREQUENCY,
                "amount": reader_revenue.FIELD_AMOUNT,
                "currency": reader_revenue.FIELD_CURRENCY,
                "campaign": reader_revenue.FIELD_CAMPAIGN,
            },
        },
    ).strip()


def appeal_entry(
    *,
    appeal: Appeal,
    variants: Iterable[AppealVariant],
    payment_methods: _PaymentMethods | None = None,
) -> dict:
    language = appeal_language(appeal)
    methods = (payment_methods or _PaymentMethods()).get(language)
    return {
        "id": appeal.pk or 0,
        "language": language,
        "placement": appeal.placement,
        "audience": appeal.audience,
        "from": _ms(appeal.starts_at),
        "until": _ms(appeal.ends_at),
        "sections": {
            "only": sorted(s.slug for s in appeal.include_sections.all()),
            "never": sorted(s.slug for s in appeal.exclude_sections.all()),
        },
        "tags": {
            "only": sorted(t.slug for t in appeal.include_tags.all()),
            "never": sorted(t.slug for t in appeal.exclude_tags.all()),
        },
        "minArticles": appeal.min_articles,
        "minArticlesDays": appeal.min_articles_days,
        "cap": appeal.cap_views,
        "capDays": appeal.cap_days,
        "variants": [
            {
                "key": variant.key,
                "weight": variant.weight,
                "html": variant_html(
                    appeal=appeal,
                    variant=variant,
                    payment_methods=methods,
                ),
            }
            for variant in variants
        ],
    }


def appeals_document(*, appeals: Iterable[Appeal]) -> dict:
    """The whole file. ``appeals`` come from ``selectors.appeals_published``."""
    payment_methods = _PaymentMethods()
    return {
        "format": FORMAT,
        "supporterCookie": reader_revenue.SUPPORTER_COOKIE,
        "snoozeCookie": reader_revenue.SNOOZE_COOKIE,
        "snoozeDays": settings.APPEALS_SNOOZE_DAYS,
        "snoozeStore": reader_revenue.SNOOZE_STORE,
        "count": reverse("appeals:count"),
        "css": static("appeals/appeals.css"),
        "defaultLanguage": settings.LANGUAGE_CODE,
        "appeals": [
            appeal_entry(
                appeal=appeal,
                variants=appeal.variants.all(),
                payment_methods=payment_methods,
            )
            for appeal in appeals
        ],
    }


PLACEMENTS = [choice for choice, _label in Placement.choices]


# --- Keeping the published file current --------------------------------------------------------


def connect_invalidation() -> None:
    """Any change to an appeal changes the file, which the page cache may be holding."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from masthead.core.page_cache import invalidate

    for model in (Appeal, AppealVariant):
        uid = f"appeals-file-{model.__name__}"
        post_save.connect(invalidate, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"{uid}-delete")
    for field in ("include_sections", "exclude_sections", "include_tags", "exclude_tags"):
        m2m_changed.connect(
            invalidate,
            sender=getattr(Appeal, field).through,
            dispatch_uid=f"appeals-file-{field}",
        )
