"""The support page's per-country notice, and the appeal include in articles: the same markup
for everyone, with the contribution form inside."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from masthead.core.models import PublicationSettings
from masthead.publishing.tests import factories as publishing
from masthead.supporters.models import CountryNotice, SupportSettings

pytestmark = pytest.mark.django_db

WARNING = "Supporting us is prosecuted where you are. Consider cryptocurrency."


@pytest.fixture
def notice(test_mode):
    CountryNotice.objects.create(
        setting=SupportSettings.load(), countries="XV, ru", message=WARNING
    )


def test_notice_shown_to_readers_in_that_country_only(client, notice):
    shown = client.get("/support/", HTTP_CF_IPCOUNTRY="RU")
    assert WARNING in shown.content.decode()
    elsewhere = client.get("/support/", HTTP_CF_IPCOUNTRY="DE")
    assert WARNING not in elsewhere.content.decode()
    unknown = client.get("/support/")
    # Nobody said where the reader is (a static copy is rendered so): every notice, named.
    assert "For readers in RU, XV:" in unknown.content.decode()
    assert WARNING in unknown.content.decode()
    assert unknown.same_for_every_reader and not shown.same_for_every_reader
    for response in (shown, elsewhere, unknown):
        # The page varies by country: caches must know, and our page cache must not keep it.
        assert "CF-IPCountry" in response["Vary"]
        assert "private" in response["Cache-Control"]
        assert "X-Page-Cache" not in response


def test_the_country_header_is_configurable(client, notice, settings):
    settings.SUPPORT_COUNTRY_HEADER = "X-Country-Code"
    targeted = client.get("/support/", HTTP_X_COUNTRY_CODE="xv").content.decode()
    assert WARNING in targeted and "For readers in" not in targeted
    # The other header is not read: the country is unknown, every notice is named.
    assert "For readers in" in client.get("/support/", HTTP_CF_IPCOUNTRY="XV").content.decode()


def test_without_notices_the_support_page_is_cached_like_any_page(client, test_mode):
    client.get("/")  # the first page of a fresh site settles its settings rows
    first = client.get("/support/")
    assert first["X-Page-Cache"] == "miss"
    assert client.get("/support/")["X-Page-Cache"] == "hit"
    assert "CF-IPCountry" not in first.get("Vary", "")


def test_article_pages_do_not_vary_by_country(client, notice):
    story = publishing.article(parent=publishing.section())
    ru = client.get(story.url, HTTP_CF_IPCOUNTRY="RU")
    de = client.get(story.url, HTTP_CF_IPCOUNTRY="DE")
    assert ru.content == de.content
    assert "CF-IPCountry" not in ru.get("Vary", "")
    assert WARNING not in ru.content.decode()


def test_appeal_include_carries_the_form_the_same_for_everyone(test_mode):
    publication = PublicationSettings.load()
    publication.appeal_heading = "A message from the newsroom"
    publication.appeal_text = "We need you.\n\nTruly."
    publication.save()
    request = RequestFactory().get("/world/story/", HTTP_CF_IPCOUNTRY="RU")
    context = {"publication": publication, "request": request}
    html = render_to_string("publishing/includes/support_appeal.html", context)
    assert 'aria-labelledby="appeal-heading"' in html and "data-support-appeal" in html
    assert "<p>We need you.</p><p>Truly.</p>" in html
    assert "Support us from just $2." in html
    for text in ('value="once"', 'value="monthly" checked', 'value="annual"', ">Continue</button>"):
        assert text in html
    assert "Not ready to support today?" in html and 'href="/support/remind/"' in html
    assert 'name="campaign" value="article-appeal"' in html
    assert '<svg class="method-icon"' in html  # the payment methods, drawn first-party
    assert "<script src=" in html and "<script>" not in html and " style=" not in html
    assert "csrfmiddlewaretoken" not in html
    other = render_to_string(
        "publishing/includes/support_appeal.html",
        {"publication": publication, "request": RequestFactory().get("/")},
    )
    assert other == html
