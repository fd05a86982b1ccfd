"""Editions for readers whose country blocks the site: the email names the current mirror
besides the main site and may take its images from a CDN; the web version (which static
copies carry) takes its images and links from wherever it is read, never the main site."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.distribution.models import Mirror, MirrorSettings
from masthead.newsletters.models import Edition
from masthead.newsletters.services import sending
from masthead.newsletters.tests import factories

pytestmark = pytest.mark.django_db

ONION = "5pcgtevjr6qqkieocyqq76sdcispyzmbryp226iitolktkep5n3wsdad.onion"
MEDIA = "https://media.cdn.example.net"


@pytest.fixture
def ways_in():
    onion = MirrorSettings.load()
    onion.onion_address = ONION
    onion.save()
    Mirror.objects.create(url="https://old-mirror.example.net")
    newest = Mirror.objects.create(url="https://new-mirror.example.net")
    Mirror.objects.filter(pk=newest.pk).update(created_at=timezone.now() + timedelta(minutes=1))
    Mirror.objects.create(url="https://blocked-mirror.example.net", active=False)


def send(*, include_mirrors: bool = True):
    weekly = factories.newsletter(slug="friday", include_mirrors=include_mirrors)
    factories.subscriber(email="reader@example.net", lists=[weekly])
    edition = factories.edition(newsletter=weekly, subject="This week")
    Edition.objects.filter(pk=edition.pk).update(status="sending")
    sending.edition_send_run(edition_id=edition.pk)
    return edition


def story_paths(edition) -> list[str]:
    return [item.article.url for item in edition.edition_articles.select_related("article")]


def test_email_names_the_current_mirror_and_loads_images_from_the_media_origin(
    smtp_sink, ways_in, settings
):
    settings.EMAIL_MEDIA_ORIGIN = MEDIA
    edition = send()
    [mail] = smtp_sink.messages
    html, text = mail.part("text/html"), mail.part("text/plain")
    for path in story_paths(edition):
        # The main site first, then the newest active mirror, same path.
        assert f'href="https://news.example.org{path}"' in html
        assert f'href="https://new-mirror.example.net{path}"' in html
        assert f"On our mirror: https://new-mirror.example.net{path}" in text
    web = edition.get_absolute_url()
    assert f'href="https://new-mirror.example.net{web}"' in html
    assert "blocked-mirror" not in html + text
    # The footer still lists every way in, the onion address first.
    assert f"Tor Browser: http://{ONION}" in text
    images = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert images and all(src.startswith(f"{MEDIA}/media/images/") for src in images)


def test_without_the_mirror_list_the_email_names_no_mirror(smtp_sink, ways_in):
    send(include_mirrors=False)
    [mail] = smtp_sink.messages
    html = mail.part("text/html")
    assert "mirror.example.net" not in html + mail.part("text/plain")
    # Images from the main site by default (MASTHEAD_EMAIL_MEDIA_ORIGIN unset).
    images = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert images and all(src.startswith("https://news.example.org/media/") for src in images)


def test_web_version_and_preview_name_nothing_on_the_main_site(client, ways_in, settings):
    settings.EMAIL_MEDIA_ORIGIN = MEDIA
    edition = send()
    for path in (edition.get_absolute_url(), "/newsletter/preview/"):
        response = client.get(path, secure=True)
        assert response.status_code == 200, path
        page = response.content.decode()
        images = re.findall(r'<img[^>]+src="([^"]+)"', page)
        assert not [src for src in images if re.match(r"(https?:)?//", src)], images
        photos = [src for src in images if "/media/" in src]
        assert len(photos) == 2 and all(src.startswith("/media/images/") for src in photos)
        for story in story_paths(edition):
            assert f'<a href="{story}">' in page
        # Only the canonical link names the main domain; no mirror is pushed on a reader
        # who is reading already.
        named = re.findall(r'(?:href|src|action)="(https?://[^"]+)"', page)
        assert named == [f"https://news.example.org{edition.get_absolute_url()}"], named
