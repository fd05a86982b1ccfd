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
from wagtail.models import Locale

from masthead.newsletters.email import render
from masthead.newsletters.models import Edition, Newsletter, Subscriber, Subscription
from masthead.newsletters.services import sending
from masthead.newsletters.tasks import confirmation_email_send
from masthead.newsletters.tests import factories
from masthead.newsletters.tests.helpers import link_in, post_form
from masthead.publishing.models import InfoPage
from masthead.publishing.tests import factories as publishing
from masthead.publishing.tests.editions import russian, two_editions  # noqa: F401

pytestmark = pytest.mark.django_db

ALMOST_DONE = (
    "Almost done: we have sent an email to %(email)s. Open the link in it to confirm "
    "your subscription."
)


@pytest.fixture
def weekly(two_editions):  # noqa: F811
    return factories.newsletter(name="The Friday Courier", slug="friday")


@pytest.fixture
def russian_list(two_editions):  # noqa: F811
    """The Russian edition's own list, pre-selected there."""
    return factories.newsletter(name="Пятничный «Курьер»", slug="friday-ru", language="ru")


def signup(client, path: str, email: str, lists=("friday",)):
    data = {"email": email, "lists": list(lists), "source": "/politics/story/"}
    return post_form(client, path, data, json=True)


def _publish(page):
    page.save_revision().publish(skip_permission_checks=True)
    page.refresh_from_db()
    return page


def _translate(page, locale: Locale, **fields):
    copy = page.specific.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    return _publish(copy)


def russian_edition_pages() -> dict:
    """An English section and article, and their Russian translations."""
    home = publishing.home()
    politics = publishing.section(title="Politics")
    article = publishing.article(parent=politics, title="Elections postponed")
    ru = Locale.objects.create(language_code="ru")
    ru_home = _translate(home, ru, title="Главная")
    _translate(politics, ru, title="Политика")
    ru_article = _translate(article, ru, title="Выборы отложены")
    return {
        "home": home,
        "article": article,
        "ru": ru,
        "ru_home": ru_home,
        "ru_article": ru_article,
    }


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


def test_russian_newsletter_pages_link_and_post_within_their_edition(client, weekly, russian_list):
    html = client.get("/ru/newsletter/").content.decode()
    assert html_lang(html) == "ru"
    assert 'action="/ru/newsletter/signup/"' in html
    assert 'href="/ru/newsletter/preview/"' in html
    assert 'href="/ru/newsletter/friday-ru/"' in html
    assert 'action="/newsletter/signup/"' not in html

    english = client.get("/newsletter/").content.decode()
    assert html_lang(english) == "en"
    assert 'action="/newsletter/signup/"' in english and "/ru/newsletter/" not in english
    assert client.get("/ru/newsletter/friday-ru/").status_code == 200


def test_the_webhooks_keep_their_one_address(two_editions):  # noqa: F811
    """Mail services are given the webhook address once: it is not in the editions."""
    assert resolve("/newsletter/anymail/postmark/tracking/").namespace == "anymail"
    with translation.override("ru"):
        assert "anymail" not in resolve("/ru/newsletter/anymail/postmark/tracking/").namespaces


# --- A list per language ------------------------------------------------------------------


def test_a_signup_from_a_russian_page_joins_the_russian_list(
    client, weekly, russian_list, smtp_sink, django_capture_on_commit_callbacks
):
    """No list named (a page that offers one list, a static copy's form): the edition's own."""
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, "/ru/newsletter/signup/", "reader@example.net", lists=[])
    assert response.status_code == 200
    assert [s.newsletter for s in Subscription.objects.all()] == [russian_list]
    [mail] = smtp_sink.wait_for(1)
    subject = russian("Confirm your subscription to %(name)s") % {"name": russian_list.name}
    assert mail.message["Subject"] == subject
    link_in(mail.message.get_body().get_content(), "/ru/newsletter/confirm/")

    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "/newsletter/signup/", "other@example.net", lists=[])
    other = Subscriber.objects.get(email="other@example.net")
    assert [s.newsletter for s in other.subscriptions.all()] == [weekly]


def test_each_edition_offers_its_own_lists(client, weekly, russian_list):
    russian_page = client.get("/ru/newsletter/").content.decode()
    assert 'name="lists" value="friday-ru"' in russian_page
    assert 'value="friday"' not in russian_page and "The Friday Courier" not in russian_page
    english_page = client.get("/newsletter/").content.decode()
    assert 'name="lists" value="friday"' in english_page and "friday-ru" not in english_page
    # A list's pages are in its own edition only.
    assert client.get("/ru/newsletter/friday/").status_code == 404
    assert client.get("/newsletter/friday-ru/").status_code == 404


def test_the_russian_archive_and_preview_show_russian_editions_only(client, weekly, russian_list):
    pages = russian_edition_pages()
    english = factories.edition(
        newsletter=weekly, articles=[pages["article"]], subject="The week in English"
    )
    russian_edition = factories.edition(
        newsletter=russian_list, articles=[pages["ru_article"]], subject="Неделя по-русски"
    )
    Edition.objects.filter(pk__in=[english.pk, russian_edition.pk]).update(
        status=Edition.Status.SENT, sent_at=english.created_at
    )

    archive = client.get("/ru/newsletter/friday-ru/").content.decode()
    assert "Неделя по-русски" in archive and "The week in English" not in archive
    assert f'href="/ru/newsletter/friday-ru/{russian_edition.pk}/"' in archive
    preview = client.get("/ru/newsletter/preview/").content.decode()
    assert html_lang(preview) == "ru" and "Неделя по-русски" in preview
    assert f'href="{pages["ru_article"].url}"' in preview
    assert pages["ru_article"].url.startswith("/ru/")
    assert "The week in English" in client.get("/newsletter/preview/").content.decode()

    web = client.get(f"/ru/newsletter/friday-ru/{russian_edition.pk}/")
    assert web.status_code == 200 and html_lang(web.content.decode()) == "ru"
    assert client.get(f"/newsletter/friday-ru/{russian_edition.pk}/").status_code == 404
    assert client.get(f"/ru/newsletter/friday/{english.pk}/").status_code == 404


def test_a_russian_edition_is_written_in_russian_with_russian_addresses(
    client, weekly, russian_list, smtp_sink
):
    from masthead.core.models import PublicationSettings, PublicationWording

    pages = russian_edition_pages()
    PublicationWording.objects.create(
        setting=PublicationSettings.load(), language="ru", name="Кельмарский курьер"
    )
    reader = factories.subscriber(email="reader@example.net", lists=[russian_list])
    edition = factories.edition(
        newsletter=russian_list, articles=[pages["ru_article"]], subject="Неделя по-русски"
    )
    Edition.objects.filter(pk=edition.pk).update(status="sending")
    with translation.override("en"):  # whatever the worker's language
        sending.edition_send_run(edition_id=edition.pk)
    [mail] = smtp_sink.messages
    html, text = mail.part("text/html"), mail.part("text/plain")
    assert html_lang(html) == "ru"
    for phrase in ("Read on the web", "Unsubscribe", "Manage your newsletters", "Past editions"):
        assert russian(phrase) != phrase
        assert russian(phrase) in html and phrase not in html
        assert f"{russian(phrase)}: https://news.example.org/ru/" in text
    site = "https://news.example.org"
    assert f'href="{site}/ru/"' in html  # the masthead leads to the Russian front page
    assert "Кельмарский курьер</a>" in html  # the publication as the edition names it
    assert f'href="{site}{pages["ru_article"].url}"' in html
    assert f'href="{site}/ru/newsletter/friday-ru/{edition.pk}/"' in html
    assert f'href="{site}/ru/newsletter/friday-ru/"' in html
    links = re.findall(r'href="https://news\.example\.org(/[^"]*)"', html)
    assert links and all(link.startswith("/ru/") for link in links), links
    # The one-click address is the Russian edition's too, and it works.
    one_click = re.search(
        rf"<{site}(/ru/newsletter/unsubscribe/[^>]+/)>", mail.message["List-Unsubscribe"]
    ).group(1)
    assert f'href="{site}{one_click}"' in html
    response = client.post(
        one_click, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert reader.subscriptions.get().status == Subscription.Status.UNSUBSCRIBED
    # The English list's edition stays English, at the root.
    english = render.edition_render(
        edition=factories.edition(newsletter=weekly, articles=[pages["article"]])
    )
    assert html_lang(english.html) == "en" and "/ru/" not in english.html


def test_the_privacy_policy_link_is_the_editions_own(client, weekly, russian_list):
    home = publishing.home()
    privacy = home.add_child(instance=InfoPage(title="Privacy policy", slug="privacy"))
    _publish(privacy)
    ru = Locale.objects.create(language_code="ru")
    _translate(home, ru, title="Главная")
    # No Russian policy yet: Russian pages name the English one.
    assert 'href="/privacy/"' in client.get("/ru/newsletter/").content.decode()
    _translate(privacy, ru, title="Политика конфиденциальности")
    russian_page = client.get("/ru/newsletter/").content.decode()
    consent = russian(
        'By signing up you agree to our <a href="%(privacy_url)s">Privacy Policy</a>.'
    )
    assert consent % {"privacy_url": "/ru/privacy/"} in russian_page
    assert 'href="/privacy/"' in client.get("/newsletter/").content.decode()


def test_the_demos_russian_edition_has_its_own_list(
    client,
    two_editions,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    from masthead.project.demo import content_ru
    from masthead.project.demo.loader import demo_publication_load

    settings.PAGE_CACHE_ENABLED = False
    assert demo_publication_load()
    russian_list = Newsletter.objects.get(slug=content_ru.NEWSLETTER_RU["slug"])
    assert (russian_list.language, russian_list.is_default) == ("ru", True)
    assert russian_list.name == content_ru.NEWSLETTER_RU["name"]

    page = client.get("/ru/newsletter/").content.decode()
    assert (
        f'href="/ru/newsletter/{russian_list.slug}/"' in page and "The Friday Courier" not in page
    )
    preview = client.get("/ru/newsletter/preview/")
    assert preview.status_code == 200 and html_lang(preview.content.decode()) == "ru"
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "/ru/newsletter/signup/", "new.reader@example.net", lists=[])
    reader = Subscriber.objects.get(email="new.reader@example.net")
    assert [s.newsletter for s in reader.subscriptions.all()] == [russian_list]
    assert "friday-ru" not in client.get("/newsletter/").content.decode()


def test_the_russian_manage_page_offers_the_russian_lists_and_the_readers_own(
    client, weekly, russian_list
):
    from masthead.newsletters import tokens

    factories.newsletter(name="Breaking news", slug="breaking", is_default=False)
    reader = factories.subscriber(email="reader@example.net", lists=[weekly])
    token = tokens.list_token_make(subscriber_key=reader.key, newsletter_id=weekly.pk)
    page = client.get(f"/ru/newsletter/manage/{token}/").content.decode()
    assert html_lang(page) == "ru"
    assert "Пятничный «Курьер»" in page and "The Friday Courier" in page
    assert "Breaking news" not in page
    joined = post_form(
        client, f"/ru/newsletter/manage/{token}/", {"action": "join", "list": "friday-ru"}
    )
    assert joined.status_code == 200
    assert reader.subscriptions.filter(newsletter=russian_list).exists()
    refused = post_form(
        client, f"/ru/newsletter/manage/{token}/", {"action": "join", "list": "breaking"}
    )
    assert refused.status_code == 400
    assert "Breaking news" in client.get(f"/newsletter/manage/{token}/").content.decode()
