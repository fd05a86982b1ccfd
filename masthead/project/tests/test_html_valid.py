"""Every kind of public page is valid HTML by the Nu HTML Checker (the W3C validator).

``test_crawl`` parses every crawled page with html5lib's parser; the checker goes further:
attribute values (a ``datetime`` with microseconds, an ``id`` with a space), content models
(a ``<div>`` in a ``<p>``, a ``<button>`` in an ``<a>``), required attributes and ARIA use.

The pages are collected once per module into a directory and checked in one batch:
- from the running demo publication over HTTP, as readers get them, forms' answers
  included (posted with the site's own ``Origin``, as its pages post them; the payment
  steps of the test provider and the offline method need no provider round-trip);
- from the test database through the app, for what the demo does not show: an article with
  every body block, a full-text newsletter edition (web version and the email itself) and
  the server error page.

The newsletter email is a table layout for mail clients: the checker warns about its
presentational attributes (``cellpadding``, ``align``…), but it has no error, and none is
filtered out. The static build's files are checked in ``masthead/distribution``.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, RequestFactory
from django.utils import timezone
from django.views.defaults import server_error
from wagtail.rich_text import RichText

from masthead.project.demo import content

pytest_plugins = ["masthead.project.tests.demo_server", "masthead.core.tests.html_checker"]
# The local pages are made in the test database (set up only for a run with a django_db test).
pytestmark = pytest.mark.django_db

MISSING_PATH = "/no-such-page/"
# Generous: a page's first request makes its image renditions (never asserted as a speed).
REQUEST_TIMEOUT = 300

# Every page type, by the name of the file it is saved as, with the status a reader gets.
DEMO_PAGES = {
    "front": 200,
    "section": 200,
    "article": 200,
    "author": 200,
    "tag": 200,
    "archive": 200,
    "archive-page": 200,
    "information-page": 200,
    "secure-contact": 200,
    "not-found": 404,
    "search": 200,
    "newsletter-signup": 200,
    "newsletter-signup-refused": 400,
    "newsletter-signup-done": 200,
    "newsletter-archive": 200,
    "edition": 200,
    "edition-preview": 200,
    "support": 200,
    "support-from-link": 200,
    "support-form-errors": 400,
    "payment-test": 200,
    "payment-test-declined": 200,
    "thanks": 200,
    "payment-offline": 200,
    "thanks-offline": 200,
    "reminder": 200,
    "reminder-refused": 400,
    "reminder-done": 200,
    "manage-sign-in": 200,
    "manage-sign-in-refused": 400,
    "manage-sign-in-sent": 200,
}
LOCAL_PAGES = {
    "article-every-block": 200,
    "edition-full-text": 200,
    "edition-email": 200,
    "server-error": 500,
}


@dataclass
class Answer:
    status: int
    body: bytes
    location: str = ""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


class Reader:
    """Requests to the demo site as a browser on one of its pages makes them."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def request(self, path: str, data: dict[str, str] | None = None) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)
        if body is not None:
            request.add_header("Origin", self.base_url)
        try:
            with _opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return Answer(status=response.status, body=response.read())
        except urllib.error.HTTPError as error:
            location = error.headers.get("Location", "")
            return Answer(
                status=error.code,
                body=error.read(),
                location=urllib.parse.urlsplit(location).path if location else "",
            )

    def follow(self, path: str, data: dict[str, str]) -> str:
        """POST a form that answers with a redirect; the path it leads to."""
        answer = self.request(path, data)
        assert answer.status == 303 and answer.location, (path, answer.status, answer.body[:500])
        return answer.location


def _demo_pages(reader: Reader) -> dict[str, Answer]:
    article = content.ARTICLES[0]
    pages = {
        "front": "/",
        "section": f"/{content.SECTIONS[0]['slug']}/",
        "article": f"/{article['section']}/{article['slug']}/",
        "author": f"/authors/{content.AUTHORS[0]['slug']}/",
        "tag": f"/tags/{article['tags'][0]}/",
        "archive": "/archive/",
        "archive-page": "/archive/page/1/",
        "information-page": "/privacy/",
        "secure-contact": f"/{content.SECURE_CONTACT['slug']}/",
        "not-found": MISSING_PATH,
        "search": "/search/",
        "newsletter-signup": "/newsletter/",
        "newsletter-archive": "/newsletter/friday/",
        "edition-preview": "/newsletter/preview/",
        "support": "/support/",
        "support-from-link": "/support/contribute/?frequency=annual&amount=100&currency=EUR",
        "reminder": "/support/remind/",
        "manage-sign-in": "/support/manage/sign-in/",
    }
    answers = {name: reader.request(path) for name, path in pages.items()}
    edition = re.search(rb'href="(/newsletter/friday/\d+/)"', answers["newsletter-archive"].body)
    assert edition, "the demo's newsletter archive links a sent edition"
    answers["edition"] = reader.request(edition.group(1).decode())

    posted = {
        "newsletter-signup-refused": ("/newsletter/signup/", {"email": "not an address"}),
        "newsletter-signup-done": (
            "/newsletter/signup/",
            {"email": "html-check@example.net", "lists": "friday"},
        ),
        "support-form-errors": (
            "/support/contribute/",
            {"frequency": "monthly", "currency": "USD", "custom_amount": "lots", "email": "x"},
        ),
        "reminder-refused": ("/support/remind/", {"email": "not an address"}),
        "reminder-done": (
            "/support/remind/",
            {"email": "html-check@example.net", "when": "next_month"},
        ),
        "manage-sign-in-refused": ("/support/manage/sign-in/", {"email": "not an address"}),
        "manage-sign-in-sent": ("/support/manage/sign-in/", {"email": "html-check@example.net"}),
    }
    answers |= {name: reader.request(path, data) for name, (path, data) in posted.items()}

    def contribute(method: str, key: str) -> str:
        return reader.follow(
            "/support/contribute/",
            {
                "frequency": "once",
                "currency": "USD",
                "amount-once-USD": "15",
                "method": method,
                "email": f"{key}@example.net",
                "key": key,
            },
        )

    declined = contribute("test", "html-check-declined")
    assert reader.follow(declined, {"outcome": "fail"}) == declined
    answers["payment-test-declined"] = reader.request(declined)
    step = contribute("test", "html-check-test")
    answers["payment-test"] = reader.request(step)
    answers["thanks"] = reader.request(reader.follow(step, {"outcome": "succeed"}))
    step = contribute("bank_transfer", "html-check-offline")
    answers["payment-offline"] = reader.request(step)
    answers["thanks-offline"] = reader.request(reader.follow(step, {"promise": "sent"}))
    return answers


def _every_block_article():
    from masthead.publishing.tests import factories

    body = [
        (
            "paragraph",
            RichText(
                '<p>A <b>bold</b>, <i>italic</i> <a href="https://example.org/report">link</a>, '
                "H<sub>2</sub>O and 10<sup>3</sup>.</p><ul><li>One</li><li>Two</li></ul>"
                "<ol><li>First</li><li>Second</li></ol>"
            ),
        ),
        ("heading", "What the documents show"),
        ("quote", {"text": "We will not be silenced.", "attribution": "A source"}),
        ("quote", {"text": "Unattributed words.", "attribution": ""}),
        (
            "image",
            {
                "image": factories.image(title="Figure"),
                "alt": "A courtroom, empty",
                "caption": "The court after the verdict.",
                "photographer": "Jane Doe",
                "organisation": "Masthead Agency",
            },
        ),
        (
            "image",
            {"image": factories.image(title="Bare"), "alt": "", "caption": "", "photographer": ""},
        ),
        (
            "embed",
            {
                "url": "https://video.example.org/watch/1",
                "title": "The verdict, on video",
                "provider": "Video",
            },
        ),
        ("embed", {"url": "https://example.org/doc", "title": "Court records", "provider": ""}),
    ]
    writer = factories.author(name="Ana Reporter")
    return factories.article(
        parent=factories.section(title="Courts", slug="courts"),
        title="Every block of an article",
        slug="every-block",
        authors=[writer],
        tags=["courts"],
        body=body,
        updated_at=timezone.now(),
    )


def _local_pages() -> dict[str, Answer]:
    from masthead.distribution.models import Mirror
    from masthead.newsletters.email.render import edition_render
    from masthead.newsletters.models import Edition
    from masthead.newsletters.tests import factories as newsletter_factories

    article = _every_block_article()
    Mirror.objects.create(url="https://mirror-one.example.net")
    weekly = newsletter_factories.newsletter(name="The Friday Courier", slug="weekly")
    edition = newsletter_factories.edition(
        newsletter=weekly,
        articles=[article],
        full_text=True,
        status=Edition.Status.SENT,
        sent_at=timezone.now(),
    )
    client = Client()

    def get(path: str) -> Answer:
        response = client.get(path)
        return Answer(status=response.status_code, body=response.content)

    error = server_error(RequestFactory().get("/"))
    return {
        "article-every-block": get(article.url),
        "edition-full-text": get(edition.get_absolute_url()),
        "edition-email": Answer(
            status=200, body=edition_render(edition=edition).html_for_preview().encode()
        ),
        "server-error": Answer(status=error.status_code, body=error.content),
    }


@dataclass
class Checked:
    answers: dict[str, Answer]
    errors: dict[str, list[str]]


@pytest.fixture(scope="module")
def checked(demo_site, vnu, django_db_setup, django_db_blocker, tmp_path_factory) -> Checked:
    answers = _demo_pages(Reader(demo_site.base_url))
    with django_db_blocker.unblock():
        # What the local pages need exists only while they are rendered.
        with transaction.atomic():
            answers |= _local_pages()
            transaction.set_rollback(True)
        cache.clear()
    folder = tmp_path_factory.mktemp("html-valid")
    files = {}
    for name, answer in answers.items():
        files[name] = folder / f"{name}.html"
        files[name].write_bytes(answer.body)
    errors = vnu(files.values())
    return Checked(
        answers=answers,
        errors={name: errors[path.resolve()] for name, path in files.items()},
    )


def test_every_page_type_is_collected(checked):
    statuses = {name: answer.status for name, answer in checked.answers.items()}
    assert statuses == DEMO_PAGES | LOCAL_PAGES
    assert b"We could not find that page" in checked.answers["not-found"].body
    assert b'class="figure' in checked.answers["article-every-block"].body
    assert b"The verdict, on video" in checked.answers["edition-full-text"].body


@pytest.mark.parametrize("name", sorted(DEMO_PAGES | LOCAL_PAGES))
def test_page_is_valid_html(checked, name):
    assert checked.errors[name] == [], "\n".join(checked.errors[name])


def test_machine_readable_times_are_to_the_second():
    """``<time datetime>`` allows at most three fraction digits: none are written."""
    from datetime import UTC, datetime

    from masthead.core.templatetags.machine_dates import html_datetime

    moment = datetime(2026, 12, 4, 9, 0, 0, 123456, tzinfo=UTC)
    assert html_datetime(moment) == "2026-12-04T09:00:00+00:00"
    assert html_datetime(moment.date()) == "2026-12-04"
    assert html_datetime(None) == ""


def test_machine_readable_times_are_in_the_publications_time_zone(settings):
    from datetime import UTC, datetime

    from masthead.core.templatetags.machine_dates import html_datetime

    settings.TIME_ZONE = "Europe/Vilnius"
    moment = datetime(2026, 12, 4, 9, 0, 0, 999999, tzinfo=UTC)
    assert html_datetime(moment) == "2026-12-04T11:00:00+02:00"


def test_newsletter_email_declares_the_publications_language(settings):
    from django.utils import translation

    from masthead.newsletters.email.render import edition_render
    from masthead.newsletters.tests import factories as newsletter_factories

    settings.LANGUAGE_CODE = "ru"
    translation.deactivate()  # as in the worker that sends it: no reader's language is active
    edition = newsletter_factories.edition(newsletter=newsletter_factories.newsletter())
    assert '<html lang="ru">' in edition_render(edition=edition).html
