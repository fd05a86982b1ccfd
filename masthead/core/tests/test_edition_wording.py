"""The publication's words per language edition (``core.PublicationWording``): each edition's
header, footer, <title>, feeds, structured data and sitemaps name the publication as editors
wrote it for that language, a blank field shows the default's, and an edit shows at once (the
page cache and the memo are keyed and invalidated for it)."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from masthead.core.models import PublicationSettings, PublicationWording, edition_publication
from masthead.publishing.tests import test_editions as editions_tests
from masthead.publishing.tests.editions import two_editions  # noqa: F401

pytestmark = pytest.mark.django_db

RU_NAME = "Кельмарский курьер"
RU_ABOUT = "Независимая редакция, которая работает в изгнании."


def _publication() -> PublicationSettings:
    publication = PublicationSettings.load()
    publication.name = "Kelmar Courier"
    publication.tagline = "Independent news from Varnia"
    publication.about = "An independent newsroom in exile."
    publication.newsletter_pitch = "The week's news every Friday."
    publication.save()
    return publication


@pytest.fixture
def edition(two_editions):  # noqa: F811
    publication = _publication()
    PublicationWording.objects.create(
        setting=publication, language="ru", name=RU_NAME, about=RU_ABOUT
    )
    return editions_tests.Edition()


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_a_wording_replaces_only_the_fields_it_fills(db):
    publication = _publication()
    PublicationWording.objects.create(setting=publication, language="ru", name=RU_NAME)
    russian = publication.for_language("ru")
    assert (russian.name, russian.tagline) == (RU_NAME, "Independent news from Varnia")
    assert russian.newsletter_pitch == "The week's news every Friday."
    assert russian.contact_email == publication.contact_email  # not worded: the shared one
    assert str(russian) == RU_NAME
    # A language without a wording, and the default, show the publication's own words.
    assert publication.for_language("de").name == "Kelmar Courier"
    # The default edition's words are the publication's own: no wording for its language.
    with pytest.raises(ValidationError, match="default edition"):
        PublicationWording(setting=publication, language="en", name="Other").full_clean()
    assert publication.for_language("en").name == "Kelmar Courier"
    with translation.override("ru"):
        assert edition_publication().name == RU_NAME


def test_each_edition_names_the_publication_in_its_language(edition):
    ru = Client().get("/ru/").content.decode()
    assert _title(ru).startswith(RU_NAME)
    assert f'<a class="site-title" href="/ru/">{RU_NAME}</a>' in ru
    assert f"<p>{RU_ABOUT}</p>" in ru
    # Blank in the wording: the default's tagline.
    assert "Independent news from Varnia" in ru
    en = Client().get("/").content.decode()
    assert _title(en).startswith("Kelmar Courier") and RU_NAME not in en
    assert "An independent newsroom in exile." in en


def test_feeds_and_structured_data_use_the_editions_name(edition):
    feed = Client().get("/ru/feeds/rss.xml").content.decode()
    assert f"<title>{RU_NAME}</title>" in feed
    assert "<title>Kelmar Courier</title>" in Client().get("/feeds/rss.xml").content.decode()
    path = f"/ru/politics/{edition.ru_article.slug}/"
    html = Client().get(path).content.decode()
    assert _title(html).endswith(f"— {RU_NAME}")
    block = re.search(r'<script[^>]* type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json.loads(block.group(1))["publisher"]["name"] == RU_NAME
    assert f'<meta property="og:site_name" content="{RU_NAME}">' in html
    # The news sitemap names each article's publication in the article's language.
    news = Client().get("/news-sitemap.xml").content.decode()
    assert f"<news:name>{RU_NAME}</news:name>\n<news:language>ru</news:language>" in news
    assert "<news:name>Kelmar Courier</news:name>\n<news:language>en</news:language>" in news


def test_a_new_or_changed_wording_shows_at_once(two_editions):  # noqa: F811
    publication = _publication()
    editions_tests.Edition()
    client = Client()
    assert _title(client.get("/ru/").content.decode()).startswith("Kelmar Courier")
    wording = PublicationWording.objects.create(setting=publication, language="ru", name=RU_NAME)
    assert _title(client.get("/ru/").content.decode()).startswith(RU_NAME)
    wording.name = "Курьер"
    wording.save()
    assert _title(client.get("/ru/").content.decode()).startswith("Курьер —")
    wording.delete()
    assert _title(client.get("/ru/").content.decode()).startswith("Kelmar Courier")


def test_editors_write_an_editions_wording_in_the_settings(two_editions, admin_client):  # noqa: F811
    publication = _publication()
    url = f"/admin/settings/core/publicationsettings/{publication.pk}/"
    page = admin_client.get(url)
    assert page.status_code == 200 and b"Edition wording" in page.content
    data = {
        "name": "Kelmar Courier",
        "tagline": "Independent news from Varnia",
        "about": "An independent newsroom in exile.",
        "contact_email": "",
        "newsletter_pitch": "The week's news every Friday.",
        "appeal_heading": "",
        "appeal_text": "",
        "wordings-TOTAL_FORMS": "2",
        "wordings-INITIAL_FORMS": "0",
        "wordings-MIN_NUM_FORMS": "0",
        "wordings-MAX_NUM_FORMS": "1000",
    }
    for index in (0, 1):
        data |= {
            f"wordings-{index}-language": "ru",
            f"wordings-{index}-name": RU_NAME,
            f"wordings-{index}-ORDER": str(index + 1),
            f"wordings-{index}-DELETE": "",
            f"wordings-{index}-id": "",
        }
    # Two wordings for one language: refused with a message, nothing saved.
    refused = admin_client.post(url, data)
    assert refused.status_code == 200 and not PublicationWording.objects.exists()
    data["wordings-TOTAL_FORMS"] = "1"
    saved = admin_client.post(url, data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    (wording,) = PublicationWording.objects.all()
    assert (wording.language, wording.name, wording.tagline) == ("ru", RU_NAME, "")
