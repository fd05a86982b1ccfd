"""An edition in another language posts to that language's own accounts (``..._RU``), never
to the default language's; a language without an account on a channel is not posted there,
and the article's Channels panel says why.

The settings are those ``MASTHEAD_LANGUAGES=en,ru`` gives, with the project's URLconf built
again under them (it is read once, at import, with one language), as in
``publishing/tests/test_editions.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from wagtail.models import Locale

from masthead.channels.models import ChannelPost
from masthead.channels.tests import servers
from masthead.channels.tests.test_admin import csrf_client, token
from masthead.channels.tests.test_posting import BASE, posts, publish, world
from masthead.publishing.models import ArticlePage, SectionPage
from masthead.publishing.tests.editions import two_editions  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def ru_edition(two_editions):  # noqa: F811
    """Two editions, and the Russian one's locale."""
    return Locale.objects.create(language_code="ru")


@pytest.fixture
def mastodon_ru():
    """The Russian edition's account, on another instance."""
    with servers.MastodonServer(token=servers.MASTODON_TOKEN_RU) as server:
        yield server


def russian_accounts(mastodon_ru, **only) -> dict[str, dict[str, str]]:
    accounts = {
        "TELEGRAM_CHAT_ID": servers.TELEGRAM_CHAT_RU,
        "MASTODON_URL": mastodon_ru.url,
        "MASTODON_TOKEN": servers.MASTODON_TOKEN_RU,
        "BLUESKY_HANDLE": servers.BLUESKY_HANDLE_RU,
        "BLUESKY_APP_PASSWORD": servers.BLUESKY_PASSWORD_RU,
    }
    return {"ru": {k: v for k, v in accounts.items() if not only or k in only}}


def translate(capture, page, locale: Locale, **fields):
    """``page`` copied into ``locale`` (Wagtail's copy for translation), given ``fields`` and
    published: an editor's first publication of the translation."""
    copy = page.specific.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    with capture(execute=True):
        copy.save_revision().publish(skip_permission_checks=True)
    return type(copy).objects.get(pk=copy.pk)


def russian_article(capture, locale: Locale) -> ArticlePage:
    """An English article, and its Russian translation in the Russian edition's tree."""
    section = world()
    english = publish(capture, parent=section, title="Court jails editor", slug="court")
    home = section.get_parent()
    translate(capture, home, locale, title="Главная")
    translate(capture, section, locale, title="Мир")
    return translate(
        capture,
        english,
        locale,
        title="Суд приговорил редактора",
        standfirst="Приговор вынесли после закрытого процесса.",
    )


def test_an_article_goes_to_its_languages_own_accounts(
    ru_edition, channels_on, mastodon_ru, settings, queue, django_capture_on_commit_callbacks
):
    telegram, mastodon, bluesky = channels_on
    settings.CHANNEL_ACCOUNTS = russian_accounts(mastodon_ru)
    capture = django_capture_on_commit_callbacks
    russian = russian_article(capture, ru_edition)
    english = ArticlePage.objects.get(slug="court", locale__language_code="en")
    assert queue.run() == 6
    url = f"{BASE}/ru/world/court/"
    assert russian.url == "/ru/world/court/"

    # Telegram: the same bot, each article in its own language's channel.
    chats = {(m["chat"], m["method"]): m["text"] for m in telegram.messages}
    assert chats[(servers.TELEGRAM_CHAT, "sendMessage")].startswith("Court jails editor")
    ru_text = chats[(servers.TELEGRAM_CHAT_RU, "sendMessage")]
    assert ru_text.startswith("Суд приговорил редактора") and url in ru_text
    assert len(telegram.messages) == 4  # a text and a photo each
    # Mastodon: each on its own instance, in its language.
    (en_status,) = mastodon.statuses
    (ru_status,) = mastodon_ru.statuses
    assert en_status["text"].startswith("Court jails editor") and en_status["language"] == "en"
    assert ru_status["text"].startswith("Суд приговорил") and ru_status["language"] == "ru"
    assert ru_status["text"].endswith(url)
    # Bluesky: each in its own account (repo) on the PDS.
    repos = {bluesky.repos[rkey]: record for rkey, record in bluesky.records.items()}
    assert repos[servers.BLUESKY_DID]["langs"] == ["en"]
    assert repos[servers.BLUESKY_DID_RU]["langs"] == ["ru"]
    assert repos[servers.BLUESKY_DID_RU]["text"].endswith(url)

    # The ledger: one row per article and channel, naming the language it was posted in.
    done = posts(russian)
    assert {c: (p.state, p.language) for c, p in done.items()} == {
        "telegram": ("sent", "ru"),
        "mastodon": ("sent", "ru"),
        "bluesky": ("sent", "ru"),
    }
    assert done["telegram"].remote_url.startswith("https://t.me/testcourier_ru/")
    assert done["bluesky"].remote_url.startswith(
        f"https://bsky.app/profile/{servers.BLUESKY_HANDLE_RU}/"
    )
    assert {p.language for p in posts(english).values()} == {"en"}
    # Republished, either of them: nothing more is posted, anywhere.
    for page in (russian, english):
        with capture(execute=True):
            ArticlePage.objects.get(pk=page.pk).save_revision().publish(skip_permission_checks=True)
    assert queue.run() == 0
    assert ChannelPost.objects.count() == 6
    assert len(telegram.messages) == 4 and len(mastodon_ru.statuses) == 1


def test_a_language_without_its_own_account_is_not_posted_there(
    ru_edition,
    channels_on,
    mastodon_ru,
    settings,
    queue,
    admin_user,
    django_capture_on_commit_callbacks,
):
    """Russian has a Telegram channel of its own and nothing else: its articles never go to
    the English Mastodon or Bluesky accounts instead, and the editor is told why."""
    telegram, mastodon, bluesky = channels_on
    settings.CHANNEL_ACCOUNTS = russian_accounts(mastodon_ru, TELEGRAM_CHAT_ID=True)
    capture = django_capture_on_commit_callbacks
    russian = russian_article(capture, ru_edition)
    queue.run()
    assert {c: p.language for c, p in posts(russian).items()} == {"telegram": "ru"}
    assert {m["chat"] for m in telegram.messages} == {
        servers.TELEGRAM_CHAT,
        servers.TELEGRAM_CHAT_RU,
    }
    assert [s["language"] for s in mastodon.statuses] == ["en"]
    assert [r["langs"] for r in bluesky.records.values()] == [["en"]]
    assert mastodon_ru.statuses == []

    client = csrf_client(admin_user)
    listing = client.get(f"/admin/channels/pages/{russian.pk}/").content.decode()
    assert "Mastodon has no account for Russian articles." in listing
    assert "Bluesky has no account for Russian articles." in listing
    panel = client.get(f"/admin/pages/{russian.pk}/edit/").content.decode()
    assert "Mastodon has no account for Russian articles." in panel
    # Nor can an editor post it there by hand.
    answer = client.post(
        f"/admin/channels/pages/{russian.pk}/post/",
        {"channel": "mastodon", "csrfmiddlewaretoken": token(listing)},
        follow=True,
    )
    assert "Mastodon has no account for Russian articles." in answer.content.decode()
    assert set(posts(russian)) == {"telegram"} and queue.run() == 0

    # With no Russian account at all, a Russian article makes no row.
    settings.CHANNEL_ACCOUNTS = {}
    section = SectionPage.objects.get(slug="world", locale__language_code="en")
    other = translate(
        capture,
        publish(capture, parent=section, title="Second story", slug="second"),
        ru_edition,
        title="Вторая история",
    )
    assert posts(other) == {} and queue.run() == 3  # the English original's


def test_a_post_queued_for_a_language_that_lost_its_account_is_not_sent_elsewhere(
    ru_edition, channels_on, mastodon_ru, settings, queue, django_capture_on_commit_callbacks
):
    _, mastodon, _ = channels_on
    settings.CHANNEL_ACCOUNTS = russian_accounts(mastodon_ru, MASTODON_URL=1, MASTODON_TOKEN=1)
    russian = russian_article(django_capture_on_commit_callbacks, ru_edition)
    settings.CHANNEL_ACCOUNTS = {}  # the account was removed before the worker got to it
    queue.run()
    post = posts(russian)["mastodon"]
    assert (post.state, post.error) == (
        "failed",
        "Not posted: Mastodon has no account for Russian articles.",
    )
    assert [s["language"] for s in mastodon.statuses] == ["en"] and mastodon_ru.statuses == []


# --- Settings ----------------------------------------------------------------------------------


def settings_of(**env: str) -> subprocess.CompletedProcess:
    """Start Django with ``env`` and print the channels' accounts."""
    names = [n for n in os.environ if n.startswith(("MASTHEAD_TELEGRAM", "MASTHEAD_MASTODON"))]
    names += [n for n in os.environ if n.startswith(("MASTHEAD_BLUESKY", "MASTHEAD_LANGUAGES"))]
    base = {k: v for k, v in os.environ.items() if k not in names}
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.TELEGRAM_CHAT_ID or '-', sorted(settings.CHANNEL_ACCOUNTS['ru'].items()))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "masthead.project.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_each_languages_accounts_are_read_from_its_own_variables():
    done = settings_of(
        MASTHEAD_LANGUAGES="en,ru",
        MASTHEAD_TELEGRAM_BOT_TOKEN=servers.TELEGRAM_TOKEN,
        MASTHEAD_TELEGRAM_CHAT_ID_RU=servers.TELEGRAM_CHAT_RU,
        MASTHEAD_MASTODON_URL_RU="https://mastodon.example.net",
        MASTHEAD_MASTODON_TOKEN_RU=servers.MASTODON_TOKEN_RU,
        MASTHEAD_BLUESKY_HANDLE_RU="@" + servers.BLUESKY_HANDLE_RU,
        MASTHEAD_BLUESKY_APP_PASSWORD_RU=servers.BLUESKY_PASSWORD_RU,
    )
    assert done.returncode == 0, done.stderr
    # Telegram for the Russian edition only: the English one has no channel.
    chat, accounts = done.stdout.strip().split(" ", 1)
    assert chat == "-"
    assert accounts == repr(
        [
            ("BLUESKY_APP_PASSWORD", servers.BLUESKY_PASSWORD_RU),
            ("BLUESKY_HANDLE", servers.BLUESKY_HANDLE_RU),
            ("MASTODON_TOKEN", servers.MASTODON_TOKEN_RU),
            ("MASTODON_URL", "https://mastodon.example.net"),
            ("TELEGRAM_CHAT_ID", servers.TELEGRAM_CHAT_RU),
        ]
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"MASTHEAD_MASTODON_URL_RU": "https://mastodon.example.net"},
            "MASTHEAD_MASTODON_TOKEN_RU: needed too when MASTHEAD_MASTODON_URL_RU is set",
        ),
        (
            {"MASTHEAD_TELEGRAM_CHAT_ID_RU": servers.TELEGRAM_CHAT_RU},
            "MASTHEAD_TELEGRAM_BOT_TOKEN: needed too when MASTHEAD_TELEGRAM_CHAT_ID_RU is set",
        ),
        (
            {"MASTHEAD_BLUESKY_HANDLE_DE": "de.courier.test"},
            "MASTHEAD_BLUESKY_HANDLE_DE: 'de' is not a language of MASTHEAD_LANGUAGES (en, ru)",
        ),
        (
            {"MASTHEAD_TELEGRAM_CHAT_ID_EN": servers.TELEGRAM_CHAT},
            "MASTHEAD_TELEGRAM_CHAT_ID_EN: the default language's is the plain name",
        ),
    ],
    ids=["pairs", "bot", "unknown-language", "default-language"],
)
def test_a_languages_variable_that_cannot_work_stops_start_up(env, message):
    done = settings_of(MASTHEAD_LANGUAGES="en,ru", **env)
    assert done.returncode != 0
    assert message in done.stderr
