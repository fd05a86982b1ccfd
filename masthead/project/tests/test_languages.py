"""Every reader-facing word in Russian: the catalogues in the repository are complete, compile,
count Russian plurals right, and leave no English word of the interface on any page or email.

The pages and emails are those of the demo publication, made in the test database and read
through the app (``translation.override``: the language a Russian edition will activate),
following the readers' paths: the pages, the newsletter signup and its confirmation, a gift
with its receipt, a reminder, the supporter's own pages. Editors' words (the demo's articles,
the appeal's text) stay English, so a page is searched for the catalogue's English messages as
the interface writes them: a whole text, or a phrase of three words or more inside one.
The demo's real Russian edition (``/ru/``, its own articles), served and read in a browser, is
searched the same way in ``test_russian_edition_browser``.
"""

from __future__ import annotations

import html
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import Client, RequestFactory, TestCase, override_settings
from django.utils import timezone, translation
from django.utils.translation import ngettext
from django.views.defaults import server_error

import masthead
from masthead.project.demo import content

PACKAGE = Path(masthead.__file__).resolve().parent
CATALOGUES = sorted(PACKAGE.glob("*/locale/ru/LC_MESSAGES/django.po"))
# Messages that are formats, not words: a date's pattern, where a currency symbol goes.
FORMAT_CONTEXTS = {"date format", "money format"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|\{\w+\}")
TAG = re.compile(r"<[^>]+>")
MSGFMT = shutil.which("msgfmt")
# The pages are made in the test database (set up only for a run with a django_db test).
pytestmark = pytest.mark.django_db


# --- The catalogues ----------------------------------------------------------------------------


def mo_messages(path: Path) -> dict[str, str]:
    """A compiled catalogue (GNU .mo): original → translation, the header under ""."""
    data = path.read_bytes()
    order = "<" if data[:4] == b"\xde\x12\x04\x95" else ">"
    _revision, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    messages = {}
    for i in range(count):
        length, offset = struct.unpack(
            order + "2I", data[originals + 8 * i : originals + 8 * i + 8]
        )
        original = data[offset : offset + length].decode()
        length, offset = struct.unpack(
            order + "2I", data[translations + 8 * i : translations + 8 * i + 8]
        )
        messages[original] = data[offset : offset + length].decode()
    return messages


def msgfmt(po: Path, mo: Path) -> str:
    """Compile with GNU gettext's checks (formats, header, plural forms); its statistics."""
    assert MSGFMT, "GNU gettext's msgfmt is needed (apt-get install gettext)"
    done = subprocess.run(
        [MSGFMT, "--check", "--statistics", "-o", str(mo), str(po)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr.strip()


@dataclass(frozen=True)
class UIMessage:
    catalogue: str
    english: str  # the msgid (singular and plural, for a plural message)
    fragments: tuple[str, ...]  # the words a reader would see, between placeholders and tags


def ui_messages() -> list[UIMessage]:
    """Every message of the Russian catalogues that is words of the interface."""
    found = []
    for po in CATALOGUES:
        for original, russian in mo_messages(po.with_suffix(".mo")).items():
            if not original:
                continue  # the header
            context, _, msgid = original.rpartition("\x04")
            if context in FORMAT_CONTEXTS:
                continue
            fragments = []
            for text in msgid.split("\x00"):
                for part in PLACEHOLDER.split(TAG.sub("\x00", text)):
                    for piece in part.split("\x00"):
                        piece = " ".join(piece.split()).strip(" ,.:;()—–-“”\"'")
                        # Names kept in every language (RSS, Tor Browser) are not English.
                        if re.search(r"[A-Za-z]", piece) and piece not in russian:
                            fragments.append(piece)
            found.append(
                UIMessage(
                    str(po.relative_to(PACKAGE)), msgid.replace("\x00", " | "), tuple(fragments)
                )
            )
    return found


def test_every_app_with_reader_facing_words_has_a_russian_catalogue():
    assert {po.parts[-5] for po in CATALOGUES} >= {
        "core",
        "publishing",
        "newsletters",
        "supporters",
        "appeals",
        "payments",
        "distribution",
    }


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_compiles_complete_and_is_the_committed_one(po, tmp_path):
    statistics = msgfmt(po, tmp_path / "django.mo")
    assert "fuzzy" not in statistics and "untranslated" not in statistics, statistics
    compiled = mo_messages(tmp_path / "django.mo")
    assert all(compiled.values()), "an empty translation"
    header = compiled[""]
    assert "Language: ru\n" in header
    assert "Plural-Forms: nplurals=3;" in header
    # The committed .mo is what Django loads: it must be this .po, compiled.
    assert mo_messages(po.with_suffix(".mo")) == compiled, (
        f"{po.with_suffix('.mo')} is out of date: run `masthead compilemessages`"
    )


def test_every_message_of_the_code_is_in_the_catalogues(tmp_path):
    """A string marked for translation and not yet translated fails here: the messages are
    extracted again, as a translator would (``makemessages``), into a copy of the catalogues,
    and every one of them must have its Russian."""
    copy = tmp_path / "masthead"
    shutil.copytree(
        PACKAGE,
        copy,
        ignore=shutil.ignore_patterns("tests", "migrations", "static", "__pycache__", "*.mo"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "masthead.project.cli", *MAKEMESSAGES],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    for po in sorted(copy.glob("*/locale/ru/LC_MESSAGES/django.po")):
        statistics = msgfmt(po, tmp_path / "check.mo")
        assert "fuzzy" not in statistics and "untranslated" not in statistics, (
            f"{po.relative_to(copy)}: {statistics} (translate them in masthead/"
            f"{po.relative_to(copy)})"
        )


# The command that extracts the messages (README, "Languages"): run in masthead/.
MAKEMESSAGES = [
    "makemessages",
    "--locale=ru",
    "--extension=html,txt,py",
    "--add-location=file",
    "--no-obsolete",
    "--ignore=tests",
    "--ignore=migrations",
    # Not reader-facing: the editors' sign-in and admin, the command line and the demo, audit
    # and imports; nginx's configuration.
    "--ignore=accounts",
    "--ignore=audit",
    "--ignore=imports",
    "--ignore=project",
    "--ignore=distribution/templates/distribution/nginx",
]


def test_languages_from_the_environment(monkeypatch):
    from masthead.project import config

    monkeypatch.setenv("MASTHEAD_LANGUAGES", " ru, EN ")
    assert config.env_languages("MASTHEAD_LANGUAGES", ["en"]) == [
        ("ru", "Russian"),
        ("en", "English"),
    ]
    monkeypatch.delenv("MASTHEAD_LANGUAGES")
    assert config.env_languages("MASTHEAD_LANGUAGES", ["en"]) == [("en", "English")]
    for wrong in ("en,xx", "en,en", "zh-cn"):
        monkeypatch.setenv("MASTHEAD_LANGUAGES", wrong)
        with pytest.raises(config.ConfigError) as refused:
            config.env_languages("MASTHEAD_LANGUAGES", ["en"])
        assert refused.value.name == "MASTHEAD_LANGUAGES"


def test_english_alone_is_the_default():
    assert settings.LANGUAGES == [("en", "English")] and settings.LANGUAGE_CODE == "en"
    assert settings.USE_I18N


def test_russian_plural_forms():
    with translation.override("ru"):

        def hours(n: int) -> str:
            message = ngettext(
                "The link works for %(hours)s hour. If you did not ask for this, ignore this "
                "email: you will not hear from us again.",
                "The link works for %(hours)s hours. If you did not ask for this, ignore this "
                "email: you will not hear from us again.",
                n,
            )
            return (message % {"hours": n}).split(".")[0]

        assert hours(1) == "Ссылка действует 1 час"
        assert hours(2) == "Ссылка действует 2 часа"
        assert hours(5) == "Ссылка действует 5 часов"
        assert hours(11) == "Ссылка действует 11 часов"
        assert hours(21) == "Ссылка действует 21 час"
        assert hours(24) == "Ссылка действует 24 часа"
    with translation.override("en"):
        assert hours(1) == "The link works for 1 hour"
        assert hours(2) == "The link works for 2 hours"


def test_the_search_counts_articles_in_russian():
    """The search page gives its script each form of the count, for the browser's plural
    rules (Intl.PluralRules: one, few, many, other) to pick."""
    from django.template.loader import render_to_string

    with translation.override("ru"):
        page = render_to_string("distribution/search.html", {"publication": {"name": "Courier"}})
    forms = dict(re.findall(r'data-text-found-(\w+)="([^"]+)"', page))
    assert forms == {
        "one": "1 статья найдена",
        "few": "3 статьи найдены",
        "many": "5 статей найдено",
        "other": "100 статей найдено",
    }
    with translation.override("ru"):

        def articles(n: int) -> str:
            return ngettext("%(count)s article found", "%(count)s articles found", n) % {"count": n}

        assert [articles(n) for n in (1, 2, 5, 21)] == [
            "1 статья найдена",
            "2 статьи найдены",
            "5 статей найдено",
            "21 статья найдена",
        ]


def test_dates_and_money_as_russian_writes_them():
    from datetime import date

    from masthead.core.templatetags.reader_dates import reader_date
    from masthead.supporters.amounts import format_amount

    day = date(2026, 12, 5)
    with translation.override("ru"):
        assert reader_date(day, "j F Y") == "5 декабря 2026"
        assert reader_date(day, "l j F Y") == "Суббота, 5 декабря 2026"
        assert format_amount(123450, "USD") == "1\xa0234,50\xa0$"
        assert format_amount(500, "EUR") == "5\xa0€"
    with translation.override("en"):
        assert reader_date(day, "j F Y") == "5 December 2026"
        assert format_amount(123450, "USD") == "$1,234.50"
        assert format_amount(500, "EUR") == "€5"


# --- The pages and emails --------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """The texts a reader sees or hears: text nodes, the attributes read out or shown, and
    those that hold what a script writes into the page."""

    ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.lang = ""
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang") or ""
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag != "link":  # a feed's or a style sheet's title is for programs
            self.texts += [
                value
                for name, value in attrs.items()
                # data-text-*: words a script shows (the search's, the signup's)
                if value and (name in self.ATTRIBUTES or name.startswith("data-text-"))
            ]
        if tag == "meta" and attrs.get("name") == "description" and attrs.get("content"):
            self.texts.append(attrs["content"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data)


@dataclass(frozen=True)
class Read:
    """One page or email as a reader gets it."""

    texts: tuple[str, ...]
    lang: str  # <html lang>, "" for a plain-text email


def read_html(body: bytes | str) -> Read:
    parser = _VisibleText()
    parser.feed(body.decode() if isinstance(body, bytes) else body)
    return Read(tuple(" ".join(t.split()) for t in parser.texts), parser.lang)


def read_text(body: str) -> Read:
    return Read(tuple(" ".join(line.split()) for line in body.splitlines() if line.strip()), "")


def english_left(read: Read, messages: list[UIMessage], stored: str) -> set[str]:
    """The interface's English messages found on a page: a whole text, or a phrase of three
    words or more inside one, unless the database has it too (the editors' English has short
    words of the interface, and may say what it says)."""
    found = set()
    texts = set(read.texts)
    for message in messages:
        for fragment in message.fragments:
            if fragment in texts or (
                len(fragment.split()) >= 3
                and fragment not in stored
                and any(fragment in text for text in texts)
            ):
                found.add(f"{message.english!r} ({message.catalogue})")
    return found


IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _origin() -> dict:
    return {"HTTP_ORIGIN": settings.BASE_URL, "HTTP_ACCEPT": "text/html"}


def _link(body: str, pattern: str) -> str:
    found = re.search(r"https?://[^/\s]+(" + pattern + r")", body)
    assert found, (pattern, body)
    return found.group(1)


def _token(page) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def _readers_paths(client: Client) -> dict[str, Read]:
    """Every page type and email of the demo publication, as readers meet them."""
    from masthead.newsletters.email.render import edition_render
    from masthead.newsletters.models import Edition
    from masthead.supporters import services
    from masthead.supporters.models import RecurringSupport, Reminder, SupportSettings
    from masthead.supporters.tests import factories

    article = content.ARTICLES[0]
    read: dict[str, Read] = {}

    def page(name: str, path: str, status: int = 200) -> None:
        response = client.get(path)
        assert response.status_code == status, (name, path, response.status_code)
        read[name] = read_html(response.content)

    def post(name: str, path: str, data: dict, status: int = 200):
        # What a form starts after its transaction commits (emails) runs before we read on.
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(path, data, **_origin())
        assert response.status_code == status, (name, path, response.status_code)
        if not 300 <= status < 400:
            read[name] = read_html(response.content)
        return response

    def emails(prefix: str) -> list:
        sent = list(mail.outbox)
        mail.outbox.clear()
        for n, message in enumerate(sent):
            read[f"{prefix}-{n}" if n else prefix] = read_text(f"{message.subject}\n{message.body}")
            for alternative, kind in getattr(message, "alternatives", []):
                if kind == "text/html":
                    read[f"{prefix}-html"] = read_html(alternative)
        return sent

    # Reading.
    page("front", "/")
    page("section", f"/{content.SECTIONS[0]['slug']}/")
    page("article", f"/{article['section']}/{article['slug']}/")
    page("author", f"/authors/{content.AUTHORS[0]['slug']}/")
    page("tag", f"/tags/{article['tags'][0]}/")
    page("archive", "/archive/")
    page("archive-page", "/archive/page/1/")
    page("information-page", "/privacy/")
    page("secure-contact", f"/{content.SECURE_CONTACT['slug']}/")
    page("not-found", "/no-such-page/", status=404)
    page("search", "/search/")
    read["server-error"] = read_html(server_error(RequestFactory().get("/")).content)

    # The newsletter: its pages, a signup refused and one accepted, the confirmation email,
    # the confirmation page and the page after it, the reader's own page.
    page("newsletter-index", "/newsletter/")
    page("newsletter-archive", "/newsletter/friday/")
    page("edition-preview", "/newsletter/preview/")
    sent = Edition.objects.filter(status=Edition.Status.SENT).first()
    page("edition", sent.get_absolute_url())
    rendered = edition_render(edition=sent)
    read["edition-email"] = read_html(rendered.html)
    read["edition-email-text"] = read_text(rendered.text)
    post("newsletter-signup-refused", "/newsletter/signup/", {"email": "not an address"}, 400)
    post(
        "newsletter-signup",
        "/newsletter/signup/",
        {"email": "reader@example.net", "lists": "friday"},
    )
    (confirmation,) = emails("newsletter-confirmation-email")
    confirm = _link(confirmation.body, r"/newsletter/confirm/[^/\s]+/")
    page("newsletter-confirm", confirm)
    confirmed = post("newsletter-confirmed", confirm, {})
    manage = re.search(r'href="(/newsletter/manage/[^"]+/)"', confirmed.content.decode())
    page("newsletter-manage", manage.group(1))
    post(
        "newsletter-signup-again",
        "/newsletter/signup/",
        {"email": "reader@example.net", "lists": "friday"},
    )
    emails("newsletter-already-subscribed-email")

    # Giving: the support page, a form with errors, the test provider's steps, the receipt;
    # a bank transfer promised.
    page("support", "/support/")
    post(
        "support-form-errors",
        "/support/contribute/",
        {"frequency": "monthly", "currency": "USD", "custom_amount": "lots", "email": "x"},
        400,
    )

    def contribute(method: str, email: str, frequency: str = "once") -> str:
        response = post(
            f"contribute-{method}",
            "/support/contribute/",
            {
                "frequency": frequency,
                "currency": "USD",
                f"amount-{frequency}-USD": "15" if frequency == "once" else "5",
                "method": method,
                "email": email,
                "key": f"languages-{method}-{frequency}-key",
            },
            303,
        )
        return response["Location"]

    step = contribute("test", "giver@example.net")
    page("payment-test", step)
    declined = post("payment-test-declining", step, {"outcome": "fail"}, 303)
    page("payment-test-declined", declined["Location"])
    step = contribute("test", "giver@example.net", frequency="monthly")
    page("thanks", post("payment-test-succeeding", step, {"outcome": "succeed"}, 303)["Location"])
    emails("receipt-email")
    step = contribute("bank_transfer", "transfer@example.net")
    page("payment-offline", step)
    page("thanks-offline", post("payment-offline-sent", step, {"promise": "sent"}, 303)["Location"])

    # Remind me later: the form, its errors, the answer, the confirmation, the reminder itself
    # a month later, the page to cancel it.
    page("reminder", "/support/remind/")
    post("reminder-refused", "/support/remind/", {"email": "not an address"}, 400)
    post("reminder-done", "/support/remind/", {"email": "later@example.net", "when": "next_month"})
    (confirmation,) = emails("reminder-confirmation-email")
    page("reminder-cancel", _link(confirmation.body, r"/support/remind/cancel/[^/\s]+/"))
    Reminder.objects.update(remind_on=timezone.localdate())
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.reminders_send_due() >= 1
    emails("reminder-email")

    # The supporter's own pages: sign in by email, manage, a receipt; the renewal notice.
    page("manage-sign-in", "/support/manage/sign-in/")
    post("manage-sign-in-refused", "/support/manage/sign-in/", {"email": "not an address"}, 400)
    post("manage-sign-in-sent", "/support/manage/sign-in/", {"email": "giver@example.net"})
    (signin,) = emails("sign-in-email")
    link = _link(signin.body, r"/support/manage/sign-in/[^/\s]+/")
    page("manage-sign-in-link", link)
    post("manage-signing-in", link, {"csrfmiddlewaretoken": _token(client.get(link))}, 302)
    page("manage", "/support/manage/")
    receipt = re.search(
        r'href="(/support/manage/receipts/\d+/)"', client.get("/support/manage/").content.decode()
    )
    page("receipt", receipt.group(1))
    SupportSettings.objects.update(test_mode=True)
    factories.recurring(frequency="annual", amount_minor=6000, period_end_in=timedelta(days=10))
    # Renewal notices are written in the language the support was started in: this edition's.
    RecurringSupport.objects.update(language=translation.get_language())
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.renewal_notices_send() >= 1
    emails("renewal-notice-email")
    return read


def text_leaves(value) -> Iterator[str]:
    """Every string in ``value``: nested dicts, lists and tuples, and a StreamField's blocks."""
    if hasattr(value, "raw_data"):
        value = list(value.raw_data)
    if isinstance(value, dict):
        for item in value.values():
            yield from text_leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from text_leaves(item)
    elif isinstance(value, str):
        yield value


def _stored_words() -> str:
    """Every text the database holds (what editors, readers and the demo wrote), as one
    string: a text on a page that is a part of it is not the interface's."""
    from django.apps import apps

    texts = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if f.get_internal_type() in {"CharField", "TextField", "JSONField", "SlugField"}
        ]
        if fields:
            texts += text_leaves(list(model.objects.values_list(*fields)))
    return " ".join(" ".join(html.unescape(TAG.sub(" ", t)).split()) for t in texts)


@dataclass
class ReadersPaths:
    read: dict[str, dict[str, Read]]  # language → name → page or email
    stored: str  # _stored_words() after the readers' paths


@pytest.fixture(scope="module")
def readers_paths(django_db_setup, django_db_blocker) -> ReadersPaths:
    """The demo publication's pages and emails in Russian and in English (rolled back after)."""
    from masthead.project.demo.loader import demo_publication_load

    read = {}
    with (
        django_db_blocker.unblock(),
        override_settings(PAGE_CACHE_ENABLED=False),
        transaction.atomic(),
    ):
        demo_publication_load()
        with override_settings(TASKS=IMMEDIATE_TASKS):
            for language in ("ru", "en"):
                with transaction.atomic(), translation.override(language):
                    mail.outbox = []
                    read[language] = _readers_paths(Client())
                    stored = _stored_words()
                    transaction.set_rollback(True)
        transaction.set_rollback(True)
    return ReadersPaths(read=read, stored=stored)


PAGE_TYPES = [
    "front", "section", "article", "author", "tag", "archive", "secure-contact", "not-found",
    "server-error", "search", "newsletter-index", "newsletter-archive", "edition", "edition-email",
    "newsletter-signup", "newsletter-confirmation-email", "newsletter-confirm", "newsletter-confirmed",
    "support", "support-form-errors", "payment-test", "thanks", "receipt-email", "reminder",
    "reminder-done", "reminder-confirmation-email", "reminder-email", "manage-sign-in",
    "sign-in-email", "manage", "receipt", "renewal-notice-email",
]  # fmt: skip


def test_every_page_type_was_read(readers_paths):
    read = readers_paths.read
    assert set(PAGE_TYPES) <= set(read["ru"]), set(PAGE_TYPES) - set(read["ru"])
    assert read["ru"].keys() == read["en"].keys()


def test_no_english_word_of_the_interface_is_left_in_russian(readers_paths):
    messages = ui_messages()
    left = {
        name: sorted(english_left(read, messages, readers_paths.stored))
        for name, read in readers_paths.read["ru"].items()
    }
    assert not any(left.values()), {name: found for name, found in left.items() if found}


def test_no_english_words_outside_the_catalogues(readers_paths):
    """Words never marked for translation are in no catalogue: a text the same in both
    languages, of two English words or more, that nobody wrote into the database."""
    kept = {russian for po in CATALOGUES for russian in mo_messages(po.with_suffix(".mo")).values()}
    stored = readers_paths.stored.casefold()  # |upper shows some of it in capitals
    left = {}
    for name, russian in readers_paths.read["ru"].items():
        same = set(russian.texts) & set(readers_paths.read["en"][name].texts)
        left[name] = sorted(
            part
            for text in same
            # Names, addresses and stored texts joined by the page's separators.
            for part in re.split(r"\s*[·—|]\s*|,\s+|\s+/\s+", text)
            if len(re.findall(r"[A-Za-z]{2,}", part)) >= 2
            and not re.search(r"://|@|^/", part)
            and part not in kept
            and part.casefold() not in stored
        )
    assert not any(left.values()), {name: found for name, found in left.items() if found}


def test_the_search_finds_the_interfaces_english_in_english(readers_paths):
    """The scan above can fail: in English, every page and email shows the interface's words,
    and together they show most of the catalogue."""
    messages = ui_messages()
    found = {
        name: english_left(read, messages, readers_paths.stored)
        for name, read in readers_paths.read["en"].items()
    }
    assert all(found.values()), [name for name, words in found.items() if not words]
    seen = set().union(*found.values())
    assert len(seen) >= len(messages) // 2, (len(seen), len(messages))


def test_pages_declare_the_active_language(readers_paths):
    for language, reads in readers_paths.read.items():
        langs = {name: read.lang for name, read in reads.items() if read.lang}
        assert set(langs.values()) == {language}, langs
