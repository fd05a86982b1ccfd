"""Appeals in each language edition (``MASTHEAD_LANGUAGES=en,ru``): an appeal is written in one
language, the one file carries it with its language, its markup in that language and its forms
leading to that edition's support pages; the admin asks for the language only when there is
more than one. With one language the file is what the other appeals tests check.

Which page shows which appeal is decided in the browser (``appeals.js``): see
``test_browser.py``.
"""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Locale

from masthead.accounts.testing import sign_in_verified
from masthead.appeals.models import Appeal, Placement
from masthead.appeals.tests import factories
from masthead.appeals.tests.test_admin import ADD_URL, appeal_data, variant_data
from masthead.publishing.tests import factories as pages
from masthead.publishing.tests.editions import russian, two_editions  # noqa: F401

pytestmark = pytest.mark.django_db


def published(client) -> dict:
    response = client.get("/appeals/active.json")
    assert response.status_code == 200
    return json.loads(response.content)


def form_action(html: str) -> str:
    return re.search(r'<form class="appeal__form" method="get" action="([^"]+)"', html).group(1)


def reminder_link(html: str) -> str:
    return re.search(r'<a href="([^"]+)" data-appeal-snooze>', html).group(1)


def html_lang(html: str) -> str:
    return re.search(r'<html[^>]* lang="([^"]+)"', html).group(1)


def _translate(page, locale: Locale, **fields):
    copy = page.specific.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    copy.save_revision().publish(skip_permission_checks=True)
    copy.refresh_from_db()
    return copy


# --- The file ---------------------------------------------------------------------------------


def test_one_file_carries_each_appeal_in_its_own_language(client, two_editions):  # noqa: F811
    english = factories.appeal(
        name="English drive", variants=[factories.variant(key="a", heading="Support us")]
    )
    russian_appeal = factories.appeal(
        name="Russian drive",
        language="ru",
        variants=[factories.variant(key="a", heading="Поддержите нас", frequency="annual")],
    )
    document = published(client)
    assert document["defaultLanguage"] == "en"
    entries = {entry["id"]: entry for entry in document["appeals"]}
    assert entries[english.pk]["language"] == "en"
    assert entries[russian_appeal.pk]["language"] == "ru"

    ru_html = entries[russian_appeal.pk]["variants"][0]["html"]
    assert "Поддержите нас" in ru_html
    # The words around the editor's own are Russian too, and the forms lead to /ru/support/.
    for message in ("How often would you like to give?", "Continue", "Remind me later"):
        assert russian(message) in ru_html
        assert russian(message) != message and message not in ru_html
    for frequency in ("Once", "Monthly", "Annual"):
        assert f"> {russian(frequency)}</label>" in ru_html
    assert 'value="annual" checked' in ru_html
    assert form_action(ru_html) == "/ru/support/contribute/"
    assert reminder_link(ru_html) == "/ru/support/remind/"
    assert f'name="campaign" value="appeal-{russian_appeal.pk}-a"' in ru_html

    en_html = entries[english.pk]["variants"][0]["html"]
    assert "Continue" in en_html and russian("Continue") not in en_html
    assert "> Monthly</label>" in en_html
    assert form_action(en_html) == "/support/contribute/"
    assert reminder_link(en_html) == "/support/remind/"


def test_the_file_is_the_same_whichever_edition_asks(client, two_editions):  # noqa: F811
    factories.appeal(language="ru", variants=[factories.variant(heading="Поддержите нас")])
    factories.appeal(placement=Placement.DIALOG)
    client.get("/appeals/active.json")  # the first request makes settings rows
    first = client.get("/appeals/active.json").content
    # The file is served at one address for every edition: a Russian reader's browser and
    # Accept-Language change nothing in it.
    assert client.get("/appeals/active.json", HTTP_ACCEPT_LANGUAGE="ru").content == first
    assert client.get("/ru/appeals/active.json").status_code == 404


def test_a_russian_dialog_is_titled_in_russian(client, two_editions):  # noqa: F811
    from masthead.core.models import PublicationSettings

    publication = PublicationSettings.load()
    publication.name = "Courier"
    publication.save()
    factories.appeal(language="ru", placement=Placement.DIALOG)
    html = published(client)["appeals"][0]["variants"][0]["html"]
    title = russian("A message from %(name)s") % {"name": "Courier"}
    assert title != "A message from Courier"
    assert f"{title}</h2>" in html
    assert f">{russian('Close')}</button>" in html


def test_a_russian_dialog_names_the_russian_editions_publication(client, two_editions):  # noqa: F811
    from masthead.core.models import PublicationSettings, PublicationWording

    publication = PublicationSettings.load()
    publication.name = "Courier"
    publication.save()
    PublicationWording.objects.create(setting=publication, language="ru", name="Курьер")
    factories.appeal(language="ru", placement=Placement.DIALOG)
    factories.appeal(language="en", placement=Placement.DIALOG)
    titles = {
        entry["language"]: entry["variants"][0]["html"].partition("</h2>")[0]
        for entry in published(client)["appeals"]
    }
    assert titles["ru"].endswith(russian("A message from %(name)s") % {"name": "Курьер"})
    assert titles["en"].endswith("A message from Courier")


def test_with_one_language_appeals_are_in_it_and_no_other_is_published(client):
    plain = factories.appeal()
    assert plain.language == "en"
    document = published(client)
    (entry,) = document["appeals"]
    assert entry["language"] == "en" == document["defaultLanguage"]
    assert form_action(entry["variants"][0]["html"]) == "/support/contribute/"
    # Written for an edition the site no longer has: no page could show it.
    Appeal.objects.filter(pk=plain.pk).update(language="ru")
    plain.variants.first().save()  # the file is made again
    assert published(client)["appeals"] == []


def test_an_appeal_in_a_language_the_site_lacks_is_refused(two_editions):  # noqa: F811
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="language"):
        factories.appeal(language="de")


# --- The page ---------------------------------------------------------------------------------


def test_a_russian_article_points_to_the_file_and_falls_back_to_the_russian_support_page(
    client,
    two_editions,  # noqa: F811
):
    from masthead.core.models import PublicationSettings

    PublicationSettings.objects.update_or_create(defaults={"name": "Courier"})
    home = pages.home()
    politics = pages.section(title="Politics")
    article = pages.article(parent=politics, title="Elections postponed")
    ru = Locale.objects.create(language_code="ru")
    _translate(home, ru, title="Главная")
    _translate(politics, ru, title="Политика")
    ru_article = _translate(article, ru, title="Выборы отложены")
    assert ru_article.url.startswith("/ru/politics/")

    html = client.get(ru_article.url).content.decode()
    assert html_lang(html) == "ru"  # what appeals.js compares each appeal's language with
    assert 'data-appeals="/appeals/active.json"' in html
    fallback = russian(
        '<a href="%(support_url)s">Support %(name)s</a>: independent journalism, paid for by its '
        "readers."
    ) % {"support_url": "/ru/support/", "name": "Courier"}
    assert fallback in html

    english = client.get(article.url).content.decode()
    assert html_lang(english) == "en"
    assert 'href="/support/">Support Courier</a>' in english


def test_a_russian_appeal_is_previewed_on_a_russian_article(client, two_editions):  # noqa: F811
    user = get_user_model().objects.create_superuser("chief", "chief@example.org", "x" * 20)
    sign_in_verified(client, user)
    home = pages.home()
    politics = pages.section(title="Politics")
    article = pages.article(parent=politics, title="Elections postponed", hours_ago=5)
    pages.article(parent=politics, title="Only in English", hours_ago=1)
    ru = Locale.objects.create(language_code="ru")
    _translate(home, ru, title="Главная")
    _translate(politics, ru, title="Политика")
    _translate(article, ru, title="Выборы отложены")
    appeal = factories.appeal(language="ru", variants=[factories.variant(key="a")])

    response = client.get(f"/appeals/preview/{appeal.pk}/a/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Выборы отложены" in html and html_lang(html) == "ru"
    embedded = re.search(
        r'<script id="appeals-preview" type="application/json">(.*?)</script>', html, re.S
    ).group(1)
    (entry,) = json.loads(embedded)["appeals"]
    assert entry["language"] == "ru"
    assert form_action(entry["variants"][0]["html"]) == "/ru/support/contribute/"


# --- The admin --------------------------------------------------------------------------------


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("chief", "chief@example.org", "x" * 20)
    sign_in_verified(client, user)
    return user


def test_with_two_languages_the_editor_chooses_the_appeals_language(
    client,
    editor,
    two_editions,  # noqa: F811
):
    form = client.get(ADD_URL).content.decode()
    assert 'name="language"' in form
    response = client.post(
        ADD_URL, appeal_data(variants=[variant_data(heading="Поддержите нас")], language="ru")
    )
    assert response.status_code == 302, response.content[:2000]
    appeal = Appeal.objects.get()
    assert appeal.language == "ru"
    factories.appeal(name="English drive")

    listing = client.get("/admin/snippets/appeals/appeal/").content.decode()
    assert "Language" in listing and "Russian" in listing and "English" in listing
    only_russian = client.get("/admin/snippets/appeals/appeal/?language=ru").content.decode()
    assert "Spring drive" in only_russian and "English drive" not in only_russian
    bad = client.post(
        ADD_URL, appeal_data(variants=[variant_data()], name="Klingon", language="tlh")
    )
    assert bad.status_code == 200 and not Appeal.objects.filter(name="Klingon").exists()


def test_with_one_language_the_admin_does_not_ask_and_keeps_it(client, editor):
    form = client.get(ADD_URL).content.decode()
    assert 'name="language"' not in form
    response = client.post(ADD_URL, appeal_data(variants=[variant_data()]))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.language == "en"
    listing = client.get("/admin/snippets/appeals/appeal/").content.decode()
    assert "Language" not in listing
    # Asked for anyway, a language changes nothing.
    edit = f"/admin/snippets/appeals/appeal/edit/{appeal.pk}/"
    data = appeal_data(
        variants=[variant_data(id=appeal.variants.get().pk, key="a")], language="ru"
    ) | {"variants-INITIAL_FORMS": "1"}
    assert client.post(edit, data).status_code == 302
    appeal.refresh_from_db()
    assert appeal.language == "en"


# --- The demo ---------------------------------------------------------------------------------


def test_the_demo_has_a_russian_appeal_only_with_the_russian_edition(settings):
    from masthead.project.demo import appeals as demo
    from masthead.project.demo import content_ru

    english_only = demo.demo_appeals_load()
    assert {appeal.language for appeal in english_only} == {"en"}
    assert not Appeal.objects.filter(language="ru").exists()
    settings.LANGUAGES = [("en", "English"), ("ru", "Russian")]
    settings.WAGTAIL_I18N_ENABLED = True
    (added,) = demo.demo_appeals_load()  # the edition added later: only its appeal is new
    assert added.name == demo.RUSSIAN_ARTICLE_APPEAL
    assert added.language == "ru"
    assert added.placement == content_ru.APPEAL_RU["placement"]
    assert added.min_articles == content_ru.APPEAL_RU["min_articles"]
    headings = [v.heading for v in added.variants.order_by("sort_order")]
    assert headings == [v["heading"] for v in content_ru.APPEAL_RU["variants"]]
    assert "<p>" in added.variants.first().message
    assert demo.demo_appeals_load() == []
