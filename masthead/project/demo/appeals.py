"""The demo publication's appeals: an after-article appeal with two variants under test, a
thank-you banner for supporters, and a dialog example that editors can switch on; with the
Russian edition, its own after-article appeal in Russian (``content_ru.APPEAL_RU``)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape

from masthead.appeals.models import Appeal, Audience, Placement
from masthead.appeals.services import VariantSpec, appeal_create
from masthead.project.demo import content, content_ru, edition_ru

# Read by the browser tests, so that they follow what the demo promises.
ARTICLE_APPEAL = "Spring appeal: after the article"
THANK_YOU_BANNER = "Thank-you banner for supporters"
DIALOG_EXAMPLE = "Year-end drive: dialog (example)"
ARTICLE_MIN_ARTICLES = 3
ARTICLE_CAP = 4
RUSSIAN_ARTICLE_APPEAL = content_ru.APPEAL_RU["name"]


def _paragraphs(*texts: str) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


def demo_appeals_load() -> list[Appeal]:
    """Create the demo appeals once; returns those created (none when they exist). The
    Russian one is made when the Russian edition is (``edition_ru.edition_wanted``), also on
    a later run that adds the edition."""
    created = []
    if not Appeal.objects.exclude(language=edition_ru.LANGUAGE).exists():
        created += _default_edition_appeals()
    if (
        edition_ru.edition_wanted()
        and not Appeal.objects.filter(language=edition_ru.LANGUAGE).exists()
    ):
        created.append(_russian_edition_appeal())
    return created


def _russian_edition_appeal() -> Appeal:
    spec = dict(content_ru.APPEAL_RU)
    variants = [
        VariantSpec(
            key=variant["key"],
            heading=variant["heading"],
            message=_paragraphs(*variant["paragraphs"]),
            frequency=variant["frequency"],
            amount=variant["amount"],
            currency=variant["currency"],
        )
        for variant in spec.pop("variants")
    ]
    return appeal_create(
        name=spec.pop("name"), language=edition_ru.LANGUAGE, variants=variants, **spec
    )


def _default_edition_appeals() -> list[Appeal]:
    publication = content.PUBLICATION
    created = [
        appeal_create(
            name=ARTICLE_APPEAL,
            placement=Placement.ARTICLE,
            audience=Audience.NON_SUPPORTERS,
            min_articles=ARTICLE_MIN_ARTICLES,
            min_articles_days=30,
            cap_views=ARTICLE_CAP,
            cap_days=30,
            variants=[
                # a: the newsroom's own words, monthly support preselected.
                VariantSpec(
                    key="a",
                    heading=publication["appeal_heading"],
                    message=_paragraphs(*publication["appeal_text"]),
                    frequency="monthly",
                    amount=Decimal(5),
                ),
                # b: shorter and more direct, with an annual gift preselected.
                VariantSpec(
                    key="b",
                    heading="Varnia's news needs its readers now",
                    message=_paragraphs(
                        "The Courier was outlawed two years ago. Our reporters in Varnia work "
                        "under false names; our editors cannot go home. We have no advertisers "
                        "and no owner: only readers.",
                        "Support us from just $2. Once a year is enough to keep a reporter "
                        "on the story.",
                    ),
                    frequency="annual",
                    amount=Decimal(50),
                ),
            ],
        ),
        appeal_create(
            name=THANK_YOU_BANNER,
            placement=Placement.BANNER,
            audience=Audience.SUPPORTERS,
            cap_views=2,
            cap_days=30,
            priority=1,
            variants=[
                VariantSpec(
                    heading="Thank you for supporting the Courier",
                    message=_paragraphs(
                        "Your contribution keeps our reporters working, in Varnia and in "
                        "exile. We will not ask you again while your support lasts."
                    ),
                )
            ],
        ),
        appeal_create(
            name=DIALOG_EXAMPLE,
            enabled=False,  # an interruption: editors switch it on for a short drive
            placement=Placement.DIALOG,
            audience=Audience.NON_SUPPORTERS,
            min_articles=5,
            min_articles_days=14,
            cap_views=1,
            cap_days=14,
            priority=2,
            variants=[
                VariantSpec(
                    heading="Before the year ends: keep the Courier independent",
                    message=_paragraphs(
                        "Every December we ask our readers for the money that carries us "
                        "through the next year. This year the Varnian authorities blocked our "
                        "site in three more regions, and our readers found their way around "
                        "it. Help us stay where they can find us.",
                    ),
                    frequency="once",
                    amount=Decimal(25),
                )
            ],
        ),
    ]
    return created
