"""The demo's Russian edition: with ``MASTHEAD_LANGUAGES=en,ru`` the demo publication has a
Russian front page, sections and articles beside the English ones, linked where they are
translations (``project.demo.edition_ru``)."""

from __future__ import annotations

import pytest
from wagtail.models import Locale

from masthead.project.demo import content_ru
from masthead.project.demo.loader import demo_publication_load
from masthead.publishing.models import ArticlePage, HomePage, SectionPage
from masthead.publishing.tests.editions import two_languages


@pytest.mark.django_db
def test_the_demo_has_a_russian_edition_with_linked_translations():
    with two_languages(PAGE_CACHE_ENABLED=False):
        assert demo_publication_load()
    ru = Locale.objects.get(language_code="ru")
    en_home = HomePage.objects.get(locale__language_code="en")
    ru_home = HomePage.objects.get(locale=ru)
    assert ru_home.live and ru_home.translation_key == en_home.translation_key
    assert ru_home.title == content_ru.PUBLICATION_RU["name"]
    ru_sections = SectionPage.objects.live().filter(locale=ru)
    assert sorted(s.slug for s in ru_sections) == sorted(s["slug"] for s in content_ru.SECTIONS_RU)
    assert all(s.get_parent().specific == ru_home for s in ru_sections)

    articles = {a.slug: a for a in ArticlePage.objects.live().filter(locale=ru)}
    assert len(articles) == len(content_ru.ARTICLES_RU) >= 12
    translated = [item for item in content_ru.ARTICLES_RU if item.get("translation_of")]
    assert len(translated) >= 6
    for item in content_ru.ARTICLES_RU:
        article = articles[item["slug"]]
        assert article.title == item["headline"] and article.standfirst == item["standfirst"]
        assert article.get_parent().slug == item["section"]
        assert article.get_parent().specific.locale_id == ru.pk
        assert [link.article.slug for link in article.related_links.all()] == item["related"]
        assert [a.author.slug for a in article.article_authors.all()] == item["authors"]
        english = article.get_translations().filter(locale__language_code="en").first()
        if item.get("translation_of"):
            assert english is not None and english.slug == item["translation_of"]
            assert english.live
        else:
            assert english is None
    # The English edition is untouched: no English article lost its own words or links.
    assert not ArticlePage.objects.filter(locale__language_code="en", title__regex=r"[А-Яа-я]")


@pytest.mark.django_db
def test_the_russian_edition_has_its_information_pages_in_russian():
    """The privacy policy, "About us" and "Contact us securely" in Russian, under /ru/,
    translations of the English pages, and what the Russian pages link to."""
    from django.test import Client

    from masthead.distribution.selectors import source_page_paths
    from masthead.newsletters.selectors import privacy_policy_path
    from masthead.project.demo import content
    from masthead.publishing.models import InfoPage, SecureContactPage
    from masthead.publishing.tests.editions import edition_urls

    with two_languages(PAGE_CACHE_ENABLED=False):
        assert demo_publication_load()
        with edition_urls():
            ru = Locale.objects.get(language_code="ru")
            slug = content.SECURE_CONTACT["slug"]
            for page_slug, item in [
                *content_ru.INFO_PAGES_RU.items(),
                (slug, content_ru.SECURE_CONTACT_RU),
            ]:
                page = InfoPage.objects.live().get(locale=ru, slug=page_slug)
                english = page.get_translations().get(locale__language_code="en")
                assert page.url == f"/ru/{page_slug}/" and english.url == f"/{page_slug}/"
                assert page.title == item["title"]
            contact = SecureContactPage.objects.get(locale=ru)
            assert contact.postal_address == content_ru.SECURE_CONTACT_RU["postal_address"]
            assert contact.onion_address == content.SECURE_CONTACT["onion_address"]
            assert source_page_paths() == [f"/{slug}/", f"/ru/{slug}/"]

            front = Client().get("/ru/").content.decode()
            footer = front.split('class="site-footer"')[1]
            for path in ("/ru/privacy/", f"/ru/{slug}/", "/ru/about/", "/ru/search/"):
                assert f'href="{path}"' in footer, path
            privacy = Client().get("/ru/privacy/").content.decode()
            assert '<html lang="ru">' in privacy and "Политика конфиденциальности" in privacy
            from django.utils import translation

            with translation.override("ru"):
                assert privacy_policy_path() == "/ru/privacy/"
