"""Newsletter pages in each language edition (``MASTHEAD_LANGUAGES=en,ru``): /ru/newsletter/…
in Russian, and the confirmation email in the language of the edition signed up from.

The settings and URLconf are those of two languages (``two_editions``, from publishing's
edition tests); with one language these pages are what the other newsletter tests check.
"""

from __future__ import annotations

import re

import pytest
from django.urls import resolve
from django.utils import translation

from masthead.newsletters.models import Subscriber, Subscription
from masthead.newsletters.tasks import confirmation_email_send
from masthead.newsletters.tests import factories
from masthead.newsletters.tests.helpers import link_in, post_form
from masthead.publishing.tests.editions import russian, two_editions  # noqa: F401

pytestmark = pytest.mark.django_db

ALMOST_DONE = (
    "Almost done: we have sent an email to %(email)s. Open the link in it to confirm "
    "your subscription."
)


@pytest.fixture
def weekly(two_editions):  # noqa: F811
    return factories.newsletter(name="The Friday Courier", slug="friday")


def signup(client, path: str, email: str):
    data = {"email": email, "lists": ["friday"], "source": "/politics/story/"}
    return post_form(client, path, data, json=True)


def html_lang(html: str) -> str:
    return re.search(r'<html[^>]* lang="([^"]+)"', html).group(1)


def test_a_signup_from_the_russian_edition_is_confirmed_in_russian(
    client, weekly, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, "/ru/newsletter/signup/", "reader@example.net")
    assert response.status_code == 200
    assert response.json()["message"] == russian(ALMOST_DONE) % {"email": "reader@example.net"}
    assert Subscriber.objects.get().language == "ru"

    [mail] = smtp_sink.wait_for(1)
    subject = russian("Confirm your subscription to %(name)s") % {"name": "The Friday Courier"}
    assert mail.message["Subject"] == subject
    body = mail.message.get_body().get_content()
    assert body.startswith(russian("Hello,"))
    assert "Confirm your subscription" not in body and "Hello," not in body
    # Its link leads to the Russian edition's confirmation page, which confirms.
    confirm_path = link_in(body, "/ru/newsletter/confirm/")
    page = client.get(confirm_path)
    assert page.status_code == 200 and html_lang(page.content.decode()) == "ru"
    done = post_form(client, confirm_path, {})
    assert done.status_code == 200 and html_lang(done.content.decode()) == "ru"
    assert Subscription.objects.get().status == "confirmed"
    # Its way home is the Russian edition's front page.
    assert "https://news.example.org/ru/" in body.split()


def test_a_signup_from_the_default_edition_stays_in_english(
    client, weekly, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, "/newsletter/signup/", "reader@example.net")
    assert response.status_code == 200
    assert response.json()["message"] == ALMOST_DONE % {"email": "reader@example.net"}
    assert Subscriber.objects.get().language == "en"
    [mail] = smtp_sink.wait_for(1)
    assert mail.message["Subject"] == "Confirm your subscription to The Friday Courier"
    body = mail.message.get_body().get_content()
    assert body.startswith("Hello,")
    assert "/ru/" not in body
    link_in(body, "/newsletter/confirm/")


def test_the_language_of_the_latest_signup_is_the_one_written_in(
    client, weekly, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_CONFIRM_INTERVAL = 0
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "/ru/newsletter/signup/", "reader@example.net")
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "/newsletter/signup/", "reader@example.net")
    first, second = smtp_sink.wait_for(2)
    subject = russian("Confirm your subscription to %(name)s") % {"name": "The Friday Courier"}
    assert first.message["Subject"] == subject
    assert second.message["Subject"] == "Confirm your subscription to The Friday Courier"
    assert Subscriber.objects.get().language == "en"


@pytest.mark.parametrize("recorded", ["", "xx"])
def test_a_reader_without_a_known_language_gets_the_default(weekly, smtp_sink, recorded):
    """Rows from before languages were recorded, or in a language nothing is translated into."""
    subscriber = factories.subscriber(email="old@example.net", lists=[weekly], status="pending")
    Subscriber.objects.filter(pk=subscriber.pk).update(language=recorded, confirmation_nonce="ab")
    with translation.override("ru"):  # whatever the worker's language
        assert confirmation_email_send.call(subscriber_id=subscriber.pk)
    [mail] = smtp_sink.wait_for(1)
    assert mail.message["Subject"] == "Confirm your subscription to The Friday Courier"
    link_in(mail.message.get_body().get_content(), "/newsletter/confirm/")


def test_russian_newsletter_pages_link_and_post_within_their_edition(client, weekly):
    html = client.get("/ru/newsletter/").content.decode()
    assert html_lang(html) == "ru"
    assert 'action="/ru/newsletter/signup/"' in html
    assert 'href="/ru/newsletter/preview/"' in html
    assert 'href="/ru/newsletter/friday/"' in html
    assert 'action="/newsletter/signup/"' not in html

    english = client.get("/newsletter/").content.decode()
    assert html_lang(english) == "en"
    assert 'action="/newsletter/signup/"' in english and "/ru/newsletter/" not in english
    assert client.get("/ru/newsletter/friday/").status_code == 200


def test_the_webhooks_keep_their_one_address(two_editions):  # noqa: F811
    """Mail services are given the webhook address once: it is not in the editions."""
    assert resolve("/newsletter/anymail/postmark/tracking/").namespace == "anymail"
    with translation.override("ru"):
        assert "anymail" not in resolve("/ru/newsletter/anymail/postmark/tracking/").namespaces
