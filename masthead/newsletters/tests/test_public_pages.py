"""The newsletter page, archives, web versions and the Preview; the signup block on articles."""

import re

import pytest
from django.utils import timezone

from masthead.newsletters.models import Edition
from masthead.newsletters.tests import factories
from masthead.publishing.tests import factories as publishing

pytestmark = pytest.mark.django_db


def sent(edition):
    Edition.objects.filter(pk=edition.pk).update(status="sent", sent_at=timezone.now())
    return Edition.objects.get(pk=edition.pk)


def test_article_signup_block_is_a_real_form_with_no_token_or_inline_script(client):
    factories.newsletter(name="The Friday Courier", slug="friday")
    factories.newsletter(name="Breaking news", slug="breaking", is_default=False)
    story = publishing.article(parent=publishing.section(), title="A story")
    html = client.get(story.url).content.decode()
    block = html[
        html.index('class="signup') : html.index('class="appeal')
        if 'class="appeal' in html
        else None
    ]
    assert 'action="/newsletter/signup/"' in block and 'method="post"' in block
    assert "csrfmiddlewaretoken" not in block
    assert re.search(r'<input type="checkbox" name="lists" value="friday" checked>', block)
    assert re.search(r'<input type="checkbox" name="lists" value="breaking">', block)
    assert 'name="website"' in block  # the honeypot
    assert 'value="' + story.url + '"' in block  # the page the reader signed up on
    assert '<a href="/newsletter/preview/">Preview</a>' in block
    assert re.search(r'<script src="[^"]*newsletters/signup[^"]*\.js" defer></script>', block)
    assert "<script>" not in html


def test_single_list_needs_no_choice(client):
    factories.newsletter(slug="friday")
    story = publishing.article(parent=publishing.section(), title="A story")
    html = client.get(story.url).content.decode()
    assert '<input type="hidden" name="lists" value="friday">' in html
    assert 'type="checkbox"' not in html


def test_preview_shows_the_latest_sent_edition(client):
    weekly = factories.newsletter(name="The Friday Courier", slug="friday")
    old = sent(factories.edition(newsletter=weekly, subject="Older edition"))
    Edition.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timezone.timedelta(days=7))
    sent(factories.edition(newsletter=weekly, subject="Latest edition"))
    factories.edition(newsletter=weekly, subject="Unsent draft")
    html = client.get("/newsletter/preview/").content.decode()
    assert "Latest edition" in html and "Our weekly newsletter" in html
    assert "Unsent draft" not in html and "Older edition" not in html


def test_preview_without_a_sent_edition_is_a_sample_of_recent_articles(client):
    factories.newsletter(slug="friday")
    section = publishing.section(title="Politics", slug="politics")
    publishing.article(parent=section, title="Newest story", hours_ago=1)
    html = client.get("/newsletter/preview/").content.decode()
    assert "a sample edition" in html and "Newest story" in html


def test_archive_and_web_version(client):
    weekly = factories.newsletter(name="The Friday Courier", slug="friday")
    edition = sent(factories.edition(newsletter=weekly, subject="Sent one"))
    draft = factories.edition(newsletter=weekly, subject="Draft one")
    archive = client.get("/newsletter/friday/").content.decode()
    assert "Sent one" in archive and "Draft one" not in archive
    page = client.get(f"/newsletter/friday/{edition.pk}/")
    assert page.status_code == 200 and b"Story 0" in page.content
    assert client.get(f"/newsletter/friday/{draft.pk}/").status_code == 404
    assert client.get("/newsletter/nope/").status_code == 404
    assert client.get(f"/newsletter/nope/{edition.pk}/").status_code == 404
    index = client.get("/newsletter/").content.decode()
    assert "The Friday Courier" in index and "Sent one" in index


def test_private_pages_are_never_cached(client):
    from masthead.newsletters import tokens

    weekly = factories.newsletter(slug="friday")
    reader = factories.subscriber(lists=[weekly])
    token = tokens.list_token_make(subscriber_key=reader.key, newsletter_id=weekly.pk)
    first = client.get(f"/newsletter/manage/{token}/")
    second = client.get(f"/newsletter/manage/{token}/")
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert "private" in first["Cache-Control"]
