"""Language editions (``MASTHEAD_LANGUAGES=en,ru``): the English edition at the root, the
Russian one under /ru/, each page in its own language and linked to its translation.

The settings are those ``MASTHEAD_LANGUAGES=en,ru`` gives (``two_editions``), with the
project's URLconf built again under them: it is read once, at import, with one language.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Locale, Page

from masthead.publishing.models import ArticlePage, HomePage, SectionPage
from masthead.publishing.tests import factories
from masthead.publishing.tests.editions import russian, two_editions  # noqa: F401
from masthead.publishing.tests.sitemaps import sitemap_text

pytestmark = pytest.mark.django_db


def _publish(page):
    page.save_revision().publish(skip_permission_checks=True)
    page.refresh_from_db()
    return page


def _translate(page, locale: Locale, **fields):
    """``page`` copied into ``locale`` (Wagtail's copy for translation: a draft linked by its
    translation key), given ``fields`` and published."""
    copy = page.specific.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    return _publish(copy)


class Edition:
    def __init__(self):
        self.en_home = factories.home()
        self.politics = factories.section(title="Politics")
        self.article = factories.article(
            parent=self.politics, title="Elections postponed", tags=["vote"]
        )
        self.untranslated = factories.article(
            parent=self.politics, title="Only in English", hours_ago=3
        )
        self.ru = Locale.objects.create(language_code="ru")
        self.ru_home = _translate(self.en_home, self.ru, title="Главная")
        self.ru_politics = _translate(self.politics, self.ru, title="Политика")
        self.ru_article = _translate(
            self.article,
            self.ru,
            title="Выборы отложены",
            standfirst="Голосование перенесли на весну.",
        )


@pytest.fixture
def edition(two_editions) -> Edition:  # noqa: F811
    return Edition()


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang = ""
        self.alternates: dict[str, str] = {}
        self.canonical = ""
        self.feeds: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang", "")
        if tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates[attrs["hreflang"]] = attrs["href"]
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        if tag == "link" and attrs.get("type") == "application/rss+xml":
            self.feeds.append(attrs["href"])


def get(path: str, status: int = 200):
    response = Client().get(path)
    assert response.status_code == status, (path, response.status_code)
    head = _Head()
    head.feed(response.content.decode())
    return response.content.decode(), head


# --- Addresses and languages -----------------------------------------------------------------


def test_the_default_edition_stays_at_the_root_and_the_other_is_under_its_code(edition):
    assert edition.article.url == f"/politics/{edition.article.slug}/"
    assert edition.ru_home.url == "/ru/"
    assert edition.ru_politics.url == "/ru/politics/"
    assert edition.ru_article.url == f"/ru/politics/{edition.article.slug}/"

    english, head = get("/")
    assert head.lang == "en"
    assert "Elections postponed" in english and "Выборы отложены" not in english
    russian_home, head = get("/ru/")
    assert head.lang == "ru"
    assert "Выборы отложены" in russian_home and "Elections postponed" not in russian_home
    assert "Only in English" not in russian_home
    # The navigation lists the edition's own sections.
    assert 'href="/ru/politics/"' in russian_home and 'href="/politics/"' not in russian_home
    assert 'href="/politics/"' in english and 'href="/ru/politics/"' not in english

    get("/ru/politics/")
    get("/en/", status=404)  # the default edition has no prefix
    get(f"/ru/politics/{edition.untranslated.slug}/", status=404)


def test_a_page_is_in_its_editions_language(edition):
    body, head = get(edition.ru_article.url)
    assert head.lang == "ru"
    assert "Выборы отложены" in body
    # The interface's words are Russian: the skip link, the footer, the signup block.
    for message in ("Skip to content", "Archive", "Search"):
        assert russian(message) != message
        assert russian(message) in body, message
    assert ">Skip to content<" not in body
    # The site's name leads to the edition's front page; archive and feeds are its own.
    assert 'class="site-title" href="/ru/"' in body
    assert 'href="/ru/archive/"' in body
    assert "/ru/feeds/rss.xml" in head.feeds and "/ru/feeds/politics/rss.xml" in head.feeds

    body, head = get(edition.article.url)
    assert head.lang == "en" and ">Skip to content<" in body
    assert 'class="site-title" href="/"' in body and 'href="/archive/"' in body


def test_the_canonical_address_stays_on_the_main_origin(edition):
    _, head = get(edition.ru_article.url)
    assert head.canonical == settings.BASE_URL + edition.ru_article.url


def test_the_page_cache_keeps_the_editions_apart(edition):
    """Its key is the address, and the editions' addresses differ: a cached English front
    page is never answered for /ru/, nor the other way round."""
    with override_settings(PAGE_CACHE_ENABLED=True):
        first = Client().get("/")
        russian_first = Client().get("/ru/")
        again, russian_again = Client().get("/"), Client().get("/ru/")
    assert first["X-Page-Cache"] == "miss" and russian_first["X-Page-Cache"] == "miss"
    assert again["X-Page-Cache"] == "hit" and russian_again["X-Page-Cache"] == "hit"
    assert b'<html lang="ru">' in russian_again.content
    assert "Выборы отложены".encode() in russian_again.content
    assert b'<html lang="en">' in again.content and "Выборы".encode() not in again.content


# --- Links between the languages -------------------------------------------------------------


def test_translations_link_to_each_other(edition):
    en_body, en_head = get(edition.article.url)
    ru_body, ru_head = get(edition.ru_article.url)
    both = {
        "en": settings.BASE_URL + edition.article.url,
        "ru": settings.BASE_URL + edition.ru_article.url,
        "x-default": settings.BASE_URL + edition.article.url,
    }
    assert en_head.alternates == both
    assert ru_head.alternates == both
    # A reader sees the link, worded in the language it leads to.
    assert re.search(
        rf'<a href="{edition.ru_article.url}" hreflang="ru" lang="ru"[^>]*>Читать по-русски</a>',
        en_body,
    )
    assert re.search(
        rf'<a href="{edition.article.url}" hreflang="en" lang="en"[^>]*>Read in English</a>',
        ru_body,
    )
    # The front pages and the sections are translations too.
    _, head = get("/ru/")
    assert head.alternates == {
        "en": settings.BASE_URL + "/",
        "ru": settings.BASE_URL + "/ru/",
        "x-default": settings.BASE_URL + "/",
    }


def test_a_page_in_one_language_names_only_itself(edition):
    body, head = get(edition.untranslated.url)
    address = settings.BASE_URL + edition.untranslated.url
    assert head.alternates == {"en": address, "x-default": address}
    assert "Читать по-русски" not in body


def test_an_unpublished_translation_is_not_linked(edition):
    edition.ru_article.unpublish()
    body, head = get(edition.article.url)
    assert set(head.alternates) == {"en", "x-default"}
    assert "Читать по-русски" not in body
    get(f"/ru/politics/{edition.article.slug}/", status=404)


def test_the_sitemap_lists_every_edition_with_its_alternates(edition):
    body = sitemap_text(lambda path: Client().get(path).content)
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in body
    en = settings.BASE_URL + edition.article.url
    ru = settings.BASE_URL + edition.ru_article.url
    alternates = (
        f'<xhtml:link rel="alternate" hreflang="en" href="{en}"/>'
        f'<xhtml:link rel="alternate" hreflang="ru" href="{ru}"/>'
        f'<xhtml:link rel="alternate" hreflang="x-default" href="{en}"/>'
    )
    for address in (en, ru):
        entry = re.search(rf"<url><loc>{re.escape(address)}</loc>.*?</url>", body)
        assert entry, address
        assert alternates in entry.group(0)
    assert f"<loc>{settings.BASE_URL}/ru/</loc>" in body
    untranslated = re.search(
        rf"<url><loc>{re.escape(settings.BASE_URL + edition.untranslated.url)}</loc>.*?</url>",
        body,
    )
    assert "xhtml:link" not in untranslated.group(0)


def test_each_editions_contact_page_keeps_the_source_page_rules(edition, tmp_path: Path):
    """A translated "Contact us securely" page is answered, served from the static copy and
    stored in object storage under the same rules as the original (no copy kept, no
    referrer)."""
    from wagtail.rich_text import RichText

    from masthead.core.security import SOURCE_PAGE_HEADERS
    from masthead.distribution.selectors import source_page_paths
    from masthead.distribution.services import policy
    from masthead.distribution.services.nginx import nginx_config
    from masthead.publishing.models import SecureContactPage
    from masthead.publishing.tests.test_secure_contact import FINGERPRINT, ONION

    contact = edition.en_home.add_child(
        instance=SecureContactPage(
            title="Contact us securely",
            slug="contact-securely",
            body=[("paragraph", RichText("<p>We protect our sources.</p>"))],
            onion_address=ONION,
            pgp_fingerprint=FINGERPRINT,
            pgp_email="tips@example.org",
        )
    )
    _publish(contact)
    ru_contact = _translate(contact, edition.ru, title="Связаться с нами безопасно")
    assert ru_contact.url == "/ru/contact-securely/"

    response = Client().get("/ru/contact-securely/")
    assert response.status_code == 200 and b'<html lang="ru">' in response.content
    assert response["Cache-Control"] == SOURCE_PAGE_HEADERS["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"

    paths = source_page_paths()
    assert paths == ["/contact-securely/", "/ru/contact-securely/"]
    server = nginx_config(root=tmp_path, listen="127.0.0.1:8080", server_names=["127.0.0.1"])
    for path in paths:
        assert f"location ^~ {path} {{" in server
        assert f"location = {path}pgp-key/ {{" in server
    never = tuple(path.lstrip("/") for path in paths)
    assert (
        policy.cache_control("ru/contact-securely/index.html", never_stored=never)
        == (SOURCE_PAGE_HEADERS["Cache-Control"])
    )
    assert policy.cache_control("ru/politics/index.html", never_stored=never) == policy.PAGE


# --- Each edition's archive and feeds --------------------------------------------------------


def test_each_edition_has_its_own_archive_and_feeds(edition):
    archive, head = get("/ru/archive/")
    assert head.lang == "ru" and "Выборы отложены" in archive and "Only in English" not in archive
    archive, _ = get("/archive/")
    assert "Only in English" in archive and "Выборы отложены" not in archive

    feed = Client().get("/ru/feeds/rss.xml").content.decode()
    assert "<language>ru</language>" in feed
    assert "Выборы отложены" in feed and "Only in English" not in feed
    assert f"{settings.BASE_URL}/ru/feeds/rss.xml" in feed
    section_feed = Client().get("/ru/feeds/politics/rss.xml").content.decode()
    assert "Выборы отложены" in section_feed and "Elections postponed" not in section_feed
    feed = Client().get("/feeds/politics/rss.xml").content.decode()
    assert "Elections postponed" in feed and "Выборы отложены" not in feed


def test_read_more_stays_in_the_edition(edition):
    """The two articles share a tag (copied with the translation): neither is offered as the
    other's *Read more*."""
    other = factories.article(parent=edition.politics, title="Turnout falls", tags=["vote"])
    body, _ = get(edition.ru_article.url)
    assert "Turnout falls" not in body and "Elections postponed" not in body
    body, _ = get(edition.article.url)
    assert other.title in body and "Выборы отложены" not in body


# --- Editors ---------------------------------------------------------------------------------


def test_translate_creates_a_linked_draft_in_the_other_edition(edition, admin_client):
    url = reverse("simple_translation:submit_page_translation", args=[edition.untranslated.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"locales": [edition.ru.pk]})
    assert response.status_code == 302
    draft = ArticlePage.objects.get(
        locale=edition.ru, translation_key=edition.untranslated.translation_key
    )
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[draft.pk])
    assert not draft.live
    assert draft.get_parent().pk == edition.ru_politics.pk
    assert draft.title == "Only in English"  # for the editor to translate
    # Readers see nothing of it until it is published.
    get(f"/ru/politics/{draft.slug}/", status=404)
    _publish(draft)
    _, head = get(draft.url)
    assert head.lang == "ru" and set(head.alternates) == {"en", "ru", "x-default"}


def test_a_new_edition_starts_with_translating_the_front_page(two_editions, admin_client):  # noqa: F811
    """As the README says: add the locale, translate the front page, publish it."""
    home = factories.home()
    ru = Locale.objects.create(language_code="ru")
    get("/ru/", status=404)  # no Russian front page yet
    url = reverse("simple_translation:submit_page_translation", args=[home.pk])
    assert admin_client.post(url, {"locales": [ru.pk]}).status_code == 302
    ru_home = HomePage.objects.get(locale=ru)
    assert ru_home.translation_key == home.translation_key and not ru_home.live
    get("/ru/", status=404)
    _publish(ru_home)
    _, head = get("/ru/")
    assert head.lang == "ru" and head.alternates["x-default"] == settings.BASE_URL + "/"


def test_the_page_actions_offer_translate(edition, admin_client):
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[edition.untranslated.pk]))
    assert (
        reverse("simple_translation:submit_page_translation", args=[edition.untranslated.pk])
        in edit.content.decode()
    )


def test_the_page_listing_filters_by_language(edition, admin_client):
    """With localisation on, Wagtail's page listings offer a locale filter: the tree's root
    lists both front pages, or one language's."""
    explore = reverse("wagtailadmin_explore", args=[Page.get_first_root_node().pk])
    en, ru = f'id="page_{edition.en_home.pk}_title"', f'id="page_{edition.ru_home.pk}_title"'
    listed = admin_client.get(explore).content.decode()
    assert 'name="locale" value="ru"' in listed
    assert en in listed and ru in listed
    listed = admin_client.get(explore, {"locale": "ru"}).content.decode()
    assert ru in listed and en not in listed
    listed = admin_client.get(explore, {"locale": "en"}).content.decode()
    assert en in listed and ru not in listed


def test_the_admin_speaks_the_editors_language(edition, admin_client, admin_user):
    from wagtail.admin.localization import get_available_admin_languages
    from wagtail.users.models import UserProfile

    assert "ru" in dict(get_available_admin_languages())
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "ru"
    profile.save()
    body = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert '<html lang="ru"' in body or 'lang="ru"' in body
    with translation.override("ru"):
        dashboard = gettext("Dashboard")
    assert dashboard != "Dashboard" and dashboard in body


# --- One language: today's site --------------------------------------------------------------


def test_with_one_language_there_is_one_edition_and_no_alternates(db):
    assert not settings.WAGTAIL_I18N_ENABLED
    article = factories.article(parent=factories.section(title="World"))
    body, head = get(article.url)
    assert head.alternates == {}
    assert "edition-switch" not in body
    assert 'class="site-title" href="/"' in body and 'href="/feeds/rss.xml"' in body
    get("/ru/", status=404)
    assert HomePage.objects.count() == 1 and SectionPage.objects.count() == 1
    assert Page.objects.filter(depth=1).get().locale.language_code == "en"


# --- The static copy ---------------------------------------------------------------------------


def test_the_build_writes_the_russian_edition(edition, tmp_path: Path):
    from masthead.distribution.services.site import site_build

    site_build(out=tmp_path, processes=1, search_index=False)
    front = (tmp_path / "ru/index.html").read_text()
    assert '<html lang="ru">' in front and "Выборы отложены" in front
    article = (tmp_path / f"ru/politics/{edition.article.slug}/index.html").read_text()
    assert "Read in English" in article
    assert (tmp_path / "ru/archive/index.html").is_file()
    assert "Выборы отложены" in (tmp_path / "ru/feeds/rss.xml").read_text()
    english = (tmp_path / "index.html").read_text()
    assert '<html lang="en">' in english and "Выборы отложены" not in english
    # The routes of both editions are written, each in its language (the copy's support and
    # newsletter pages, found by walking the URLconf, not only by following links).
    for folder, lang in (("", "en"), ("ru/", "ru")):
        for route in ("support/", "support/remind/", "support/manage/sign-in/", "newsletter/"):
            page = (tmp_path / folder / route / "index.html").read_text()
            assert f'<html lang="{lang}">' in page, folder + route
    # The links between the languages keep the pages valid HTML.
    from masthead.core.tests.html_checker import vnu_check

    pages = [
        tmp_path / "ru/index.html",
        tmp_path / f"ru/politics/{edition.article.slug}/index.html",
        tmp_path / f"politics/{edition.article.slug}/index.html",
    ]
    errors = vnu_check(pages)
    assert not any(errors.values()), errors


def test_the_sections_navigation_leads_to_the_editions_front_page(edition):
    for page, front in ((edition.ru_article, "/ru/"), (edition.article, "/")):
        body, _ = get(page.url)
        navigation = re.search(r'<nav class="site-nav".*?</nav>', body, re.S).group(0)
        assert re.search(rf'<li><a href="{front}">', navigation), navigation


def test_an_edition_switched_off_leaves_the_others_pages_whole(edition):
    """The newsroom drops Russian (MASTHEAD_LANGUAGES=en): its pages stay in the database
    without an address, and the site's lists, feeds and sitemaps show the English edition."""
    from django.test import override_settings
    from django.urls import clear_url_caches
    from wagtail.models import Site

    from masthead.core import memo

    one = [("en", "English")]
    with override_settings(
        LANGUAGES=one,
        WAGTAIL_I18N_ENABLED=False,
        WAGTAIL_CONTENT_LANGUAGES=one,
        ROOT_URLCONF="masthead.project.urls",
    ):
        clear_url_caches()
        Site.clear_site_root_paths_cache()
        memo.forget()
        try:
            for path in (
                "/feeds/rss.xml",
                "/feeds/politics/rss.xml",
                "/news-sitemap.xml",
                "/sitemap.xml",
                "/sitemaps/pages-1.xml",
                "/archive/",
                "/politics/",
            ):
                response = Client().get(path)
                assert response.status_code == 200, path
                body = response.content.decode()
                assert "Выборы отложены" not in body, path
            assert "Elections postponed" in Client().get("/feeds/rss.xml").content.decode()
        finally:
            clear_url_caches()
            Site.clear_site_root_paths_cache()
            memo.forget()
