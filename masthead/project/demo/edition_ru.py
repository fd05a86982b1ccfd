"""The demo's Russian edition (``content_ru``): made beside the English one when
``MASTHEAD_LANGUAGES`` has ``ru`` (and so editions are on), the way an editor would make it.

The Russian front page and sections are Wagtail translations of the English ones (*Translate*:
a copy into the ``ru`` locale, linked by its translation key). An article that
``content_ru`` marks ``translation_of`` an English one is translated the same way and then
written over with its Russian text; the others exist in Russian only. Each gets its own photo
and its own *Read more* among Russian articles.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.images import ImageFile
from wagtail.images.models import Image
from wagtail.models import Locale, Page

from masthead.core.models import PublicationSettings
from masthead.newsletters.models import Newsletter
from masthead.project.demo import content, content_ru
from masthead.project.demo.images import generate_lead_image
from masthead.publishing.models import ArticleAuthor, ArticlePage, Author, RelatedArticle

LANGUAGE = "ru"


def edition_wanted() -> bool:
    return settings.WAGTAIL_I18N_ENABLED and LANGUAGE in dict(settings.LANGUAGES)


def _image(item: dict) -> Image:
    spec = item["image"]
    return Image.objects.create(
        title=item["headline"][:250],
        description=spec["alt"],
        file=ImageFile(
            io.BytesIO(generate_lead_image(scene=spec["scene"], seed=spec["seed"])),
            name=f"{item['slug']}.jpg",
        ),
    )


def _article_fill(article: ArticlePage, item: dict, authors: dict[str, Author], body) -> None:
    spec = item["image"]
    article.title = item["headline"]
    article.slug = item["slug"]
    article.standfirst = item["standfirst"]
    article.lead_image = _image(item)
    article.lead_image_alt = spec["alt"]
    article.lead_image_caption = spec["caption"]
    article.lead_image_photographer = spec["photographer"]
    article.lead_image_organisation = spec["organisation"]
    article.body = body(item["body"])
    article.article_authors = [
        ArticleAuthor(author=authors[slug], sort_order=position)
        for position, slug in enumerate(item["authors"])
    ]
    article.related_links = []


def demo_russian_newsletter_load() -> Newsletter:
    """The Russian edition's own list (``content_ru.NEWSLETTER_RU``), pre-selected in its
    signup forms, the way the English one is made (``newsletters.demo``). Its preview is a
    sample of the newest Russian articles until its first edition goes out."""
    return Newsletter.objects.create(
        **content_ru.NEWSLETTER_RU,
        sender_email=PublicationSettings.load().contact_email,
        language=LANGUAGE,
        is_default=True,
        sort_order=0,
    )


def demo_russian_edition_load(
    *,
    now: datetime,
    home: Page,
    sections: dict[str, Page],
    articles: dict[str, ArticlePage],
    authors: dict[str, Author],
    body: Callable,
    publish_at: Callable,
    progress: Callable[[str], None],
) -> bool:
    """Make the Russian edition from the English pages just made (``sections`` and
    ``articles`` by slug); False when the site has no Russian edition."""
    if not edition_wanted():
        return False
    locale, _ = Locale.objects.get_or_create(language_code=LANGUAGE)
    progress("Russian edition")
    ru_home = home.specific.copy_for_translation(locale)
    ru_home.title = content_ru.PUBLICATION_RU["name"]
    ru_home.intro = content_ru.PUBLICATION_RU["tagline"]
    ru_home.save()
    publish_at(ru_home, now - timedelta(days=400))

    ru_sections = {}
    for item in content_ru.SECTIONS_RU:
        section = sections[item["slug"]].specific.copy_for_translation(locale)
        section.title = item["title"]
        section.intro = item["intro"]
        section.save()
        publish_at(section, now - timedelta(days=400))
        ru_sections[item["slug"]] = section

    ru_articles = {}
    for index, item in enumerate(content_ru.ARTICLES_RU, start=1):
        progress(f"Russian article {index}/{len(content_ru.ARTICLES_RU)}")
        if item.get("translation_of"):
            article = articles[item["translation_of"]].copy_for_translation(locale)
            _article_fill(article, item, authors, body)
            article.save()
        else:
            article = ArticlePage()
            _article_fill(article, item, authors, body)
            ru_sections[item["section"]].add_child(instance=article)
        article.tags.set(item["tags"])
        article.save()
        ru_articles[item["slug"]] = (article, item)

    for article, item in ru_articles.values():
        article.related_links = [
            RelatedArticle(article=ru_articles[slug][0]) for slug in item["related"]
        ]
        article.save()
        published = now - timedelta(hours=item["hours_ago"])
        updated = item.get("updated_hours_ago")
        updated = now - timedelta(hours=updated) if updated else None
        if updated:
            ArticlePage.objects.filter(pk=article.pk).update(updated_at=updated)
        publish_at(article, published, updated)

    progress("Russian information pages")
    _info_pages_translate(
        home, locale, body=body, publish=publish_at, when=now - timedelta(days=400)
    )

    progress("Russian newsletter")
    demo_russian_newsletter_load()
    return True


def _info_pages_translate(
    home: Page, locale: Locale, *, body: Callable, publish: Callable, when: datetime
) -> None:
    """The information pages (about, privacy, "Contact us securely") translated under the
    Russian front page, at /ru/<the English page's slug>/."""
    english = {page.slug: page.specific for page in home.get_children().live()}
    for slug, item in content_ru.INFO_PAGES_RU.items():
        page = english[slug].copy_for_translation(locale)
        page.title = item["title"]
        page.body = body(item["body"])
        page.save()
        publish(page, when)
    contact = english[content.SECURE_CONTACT["slug"]].copy_for_translation(locale)
    contact.title = content_ru.SECURE_CONTACT_RU["title"]
    contact.body = body([("paragraph", content_ru.SECURE_CONTACT_RU["intro"])])
    contact.postal_address = content_ru.SECURE_CONTACT_RU["postal_address"]
    contact.save()
    publish(contact, when)


def demo_russian_wording_load(*, publication) -> bool:
    """The publication in the Russian edition's own words (its name, tagline, about, newsletter
    pitch and support message: ``core.PublicationWording``; the thank-you to its supporters:
    ``supporters.ThankYouMessage``); False without a Russian edition."""
    if not edition_wanted():
        return False
    from masthead.core.models import PublicationWording
    from masthead.supporters.models import SupportSettings, ThankYouMessage

    ThankYouMessage.objects.update_or_create(
        setting=SupportSettings.load(),
        language=LANGUAGE,
        defaults={"message": content_ru.THANK_YOU_RU},
    )

    pub = content_ru.PUBLICATION_RU
    PublicationWording.objects.update_or_create(
        setting=publication,
        language=LANGUAGE,
        defaults={
            "name": pub["name"],
            "tagline": pub["tagline"],
            "about": pub["about"],
            "newsletter_pitch": pub["newsletter_pitch"],
            "appeal_heading": pub["appeal_heading"],
            "appeal_text": "\n\n".join(pub["appeal_text"]),
        },
    )
    return True
