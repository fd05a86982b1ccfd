"""The demo's Russian edition (``/ru/``) as a reader meets it, in Chromium: the same server as
the English edition (``demo_site`` runs ``MASTHEAD_LANGUAGES=en,ru``).

- a Russian article reads in the same order as an English one (publishing's browser tests);
- every page type a Russian reader reaches shows no English word of the interface: the
  visible text (text nodes shown, the attributes read out or shown, what scripts write into
  the page) is searched for the catalogue's English messages, as ``test_languages`` searches
  the pages it renders through the app;
- axe-core finds no accessibility violation on them.

The words and names come from the demo's content (``content_ru``) and from the catalogues (the
Russian of a message is looked up, never written here), so that the checks follow what a
reader sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import translation
from django.utils.translation import pgettext
from playwright.sync_api import Page, expect

from masthead.project.demo import appeals as demo_appeals
from masthead.project.demo import content, content_ru
from masthead.project.tests.test_languages import Read, english_left, text_leaves, ui_messages
from masthead.publishing.tests.editions import ru
from masthead.publishing.tests.test_browser import (
    SCROLL_THROUGH,
    assert_article_reading_order,
    browsing,
)

pytest_plugins = ["masthead.project.tests.demo_server"]
pytestmark = pytest.mark.browser
# Parts of a page are filled in by first-party scripts; a bound on waiting, never on speed.
expect.set_options(timeout=15_000)

RU = "/ru"
SECTIONS_RU = {s["slug"]: s["title"] for s in content_ru.SECTIONS_RU}
ARTICLES_RU = {a["slug"]: a for a in content_ru.ARTICLES_RU}
AUTHORS = {a["slug"]: a for a in content.AUTHORS}  # one byline in both editions
# A translated article (it has an English alternate) with a quote, and its tags and author.
LEAD_RU = min(
    (a for a in content_ru.ARTICLES_RU if a.get("translation_of") and a["authors"]),
    key=lambda a: a["hours_ago"],
)


def article_path(item: dict) -> str:
    return f"{RU}/{item['section']}/{item['slug']}/"


def translation_pgettext(context: str, message: str) -> str:
    with translation.override("ru"):
        russian = pgettext(context, message)
    assert russian != message, f"no Russian for {message!r} ({context})"
    return russian


# The Russian edition's own addresses.
EDITION_PAGES = {
    "front": f"{RU}/",
    "section": f"{RU}/{content_ru.SECTIONS_RU[0]['slug']}/",
    "article": article_path(LEAD_RU),
    "archive": f"{RU}/archive/",
    "newsletter-signup": f"{RU}/newsletter/",
    "support": f"{RU}/support/",
    "reminder": f"{RU}/support/remind/",
    "manage-sign-in": f"{RU}/support/manage/sign-in/",
    "newsletter-archive": f"{RU}/newsletter/{content_ru.NEWSLETTER_RU['slug']}/",
    # Where a Russian reader goes on from there, by the links the Russian pages give: the
    # edition's own listings, search and information pages (``masthead/project/urls.py``,
    # the demo's ``content_ru``).
    "tag": f"{RU}/tags/{LEAD_RU['tags'][0]}/",
    "author": f"{RU}/authors/{LEAD_RU['authors'][0]}/",
    "search": f"{RU}/search/",
    "information-page": f"{RU}/privacy/",
    "secure-contact": f"{RU}/{content.SECURE_CONTACT['slug']}/",
    "not-found": f"{RU}/no-such-page/",
}
PAGE_TYPES = [*EDITION_PAGES]

# What a reader sees and hears: the text nodes rendered (not hidden, not a script's), the
# attributes read out or shown (and those a script shows: data-text-*), the title and the
# description. Text in another language, marked as such (``lang="en"``: "Read in English"),
# is that language's, on purpose.
VISIBLE_TEXT = """() => {
  const lang = document.documentElement.lang;
  const ownLanguage = (el) => { const marked = el.closest("[lang]"); return !marked || marked.lang === lang; };
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || !el || el.closest("script, style, template, noscript")) continue;
    if (el.checkVisibility({visibilityProperty: true}) && ownLanguage(el)) texts.push(node.data);
  }
  const shown = ["aria-label", "title", "alt", "placeholder"];
  for (const el of document.querySelectorAll("body *")) {
    if (!ownLanguage(el)) continue;
    for (const attribute of el.attributes) {
      if (shown.includes(attribute.name) || attribute.name.startsWith("data-text-")) texts.push(attribute.value);
    }
    if (el.matches("input[type=submit], input[type=button]")) texts.push(el.value);
  }
  const description = document.querySelector("meta[name=description]");
  if (description) texts.push(description.content);
  return {lang, texts: texts.map((text) => text.split(/\\s+/).join(" ").trim()).filter(Boolean)};
}"""


def open_page(page: Page, url: str, *, status: int = 200) -> None:
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == status, (
        f"{url}: {response and response.status}"
    )


def become_regular_reader(page: Page, demo_site) -> None:
    """Read other Russian articles first, as many as the Russian appeal waits for."""
    others = [a for a in content_ru.ARTICLES_RU if a is not LEAD_RU]
    for item in others[: demo_appeals.ARTICLE_MIN_ARTICLES - 1]:
        open_page(page, demo_site.url(article_path(item)))


def read_to_the_end(page: Page) -> None:
    """Scroll through as a reader does, so the appeal a script puts in place near the end is
    shown; then back to the top, so that nothing moves while the page is measured."""
    page.evaluate(SCROLL_THROUGH)
    expect(page.get_by_role("link", name=ru("Remind me later"))).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")


def _page_url(demo_site, name: str) -> str:
    return demo_site.url(EDITION_PAGES[name])


@dataclass(frozen=True)
class Shown:
    read: Read
    status: int


@pytest.fixture(scope="module")
def russian_reader(demo_site, browser) -> Iterator[Page]:
    """One reader of the Russian edition for the module, a regular one (the appeal shows).
    The Russian appeal shows a reader at most ``cap_views`` times (4): this module shows it
    three times (the structure, the scan, axe)."""
    with browsing(browser) as context:
        page = context.new_page()
        become_regular_reader(page, demo_site)
        yield page


@pytest.fixture(scope="module")
def shown(demo_site, russian_reader) -> dict[str, Shown]:
    """What each Russian page type shows, read once for the module."""
    page = russian_reader
    found = {}
    for name in [*EDITION_PAGES]:
        response = page.goto(_page_url(demo_site, name), wait_until="networkidle")
        assert response is not None, name
        if name == "article":
            read_to_the_end(page)
        seen = page.evaluate(VISIBLE_TEXT)
        found[name] = Shown(Read(tuple(seen["texts"]), seen["lang"]), response.status)
    return found


def _demo_words() -> str:
    """Every text of the demo's content, English and Russian: names the interface shares words
    with (the publication's, the pen names) are not the interface's."""

    texts = []
    for module in (content, content_ru, demo_appeals):
        texts += text_leaves([v for k, v in vars(module).items() if k.isupper()])
    return " ".join(" ".join(text.split()) for text in texts)


MESSAGES = ui_messages()
DEMO_WORDS = _demo_words()


# --- Reading a Russian article ----------------------------------------------------------------


def test_a_russian_article_reads_in_the_same_order_as_an_english_one(demo_site, russian_reader):
    page = russian_reader
    item = LEAD_RU
    open_page(page, demo_site.url(article_path(item)))
    read_to_the_end(page)
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    # The sections' navigation stays in the edition, its front page included.
    navigation = page.get_by_role("navigation", name=ru("Sections"))
    expect(navigation.get_by_role("link", name=ru("Front page"))).to_have_attribute("href", "/ru/")

    article = page.locator("main > article")
    image = item["image"]
    quote = next(value for kind, value in item["body"] if kind == "quote")
    first_paragraph = next(value for kind, value in item["body"] if kind == "paragraph")
    section_link = article.locator("header").get_by_role(
        "link", name=SECTIONS_RU[item["section"]], exact=True
    )
    headline = page.get_by_role("heading", level=1)
    expect(headline).to_have_text(item["headline"])
    standfirst = article.get_by_text(item["standfirst"], exact=True)
    photo = article.get_by_role("img", name=image["alt"], exact=True)
    caption = article.locator("figcaption").filter(has_text=image["caption"])
    photo_credit = ru("Photo: %(credit)s") % {"credit": ""}
    expect(caption).to_contain_text(
        f"{photo_credit}{image['photographer']} / {image['organisation']}"
    )
    authors = [AUTHORS[slug]["name"] for slug in item["authors"]]
    by = translation_pgettext("byline", "By")
    byline = article.locator(".article__meta").get_by_text(re.compile(f"^{re.escape(by)} "))
    expect(byline).to_have_text(f"{by} " + f" {ru('and')} ".join(authors))
    time = article.locator(".article__time time").first
    expect(time).not_to_be_empty()
    paragraph = article.get_by_text(first_paragraph, exact=True)
    tag_list = article.locator(".tag-list")
    expect(tag_list.get_by_role("link")).to_have_text(item["tags"])
    blockquote = article.locator("blockquote")
    expect(blockquote).to_have_text(quote["text"])
    signup = page.get_by_role("region", name=ru("Sign up for our free weekly newsletter"))
    remind = page.get_by_role("link", name=ru("Remind me later"))
    appeal = page.get_by_role("region").filter(has=remind)
    read_more = page.get_by_role("region", name=ru("Read more"))

    assert_article_reading_order(
        [
            section_link,
            headline,
            standfirst,
            photo,
            caption,
            byline,
            time,
            paragraph,
            blockquote,
            tag_list,
            signup,
            appeal,
            read_more,
        ]
    )
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0"), "lead photo not loaded"
    # The appeal is the Russian edition's own, and so is Read more: Russian articles only.
    headings = [variant["heading"] for variant in content_ru.APPEAL_RU["variants"]]
    assert appeal.get_by_role("heading").inner_text().strip() in headings
    picks = [ARTICLES_RU[slug]["headline"] for slug in item["related"]]
    names = read_more.get_by_role("heading").get_by_role("link").all_inner_texts()
    assert names[: len(picks)] == picks
    assert set(names) <= {a["headline"] for a in content_ru.ARTICLES_RU}


# --- Every word Russian -----------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_english_word_of_the_interface_on_a_russian_page(shown, name):
    page = shown[name]
    expected_status = 404 if name == "not-found" else 200
    assert page.status == expected_status, (name, page.status)
    assert page.read.lang == "ru", f"{name} is not declared Russian: lang={page.read.lang!r}"
    left = sorted(english_left(page.read, MESSAGES, DEMO_WORDS))
    fragments = {
        f for m in MESSAGES if f"{m.english!r} ({m.catalogue})" in left for f in m.fragments
    }
    where = sorted({text for text in page.read.texts for f in fragments if f in text})
    assert left == [], f"English on the Russian {name} page: {left}\nin: {where}"


def test_the_scan_finds_the_interfaces_english_on_english_pages(demo_site, russian_reader):
    """The scan above can fail: the same reading of the English front page and article
    finds the catalogue's English."""
    page = russian_reader
    for path in ("/", f"/{LEAD_RU['section']}/{LEAD_RU['translation_of']}/"):
        open_page(page, demo_site.url(path))
        seen = page.evaluate(VISIBLE_TEXT)
        assert seen["lang"] == "en"
        found = english_left(Read(tuple(seen["texts"]), seen["lang"]), MESSAGES, DEMO_WORDS)
        assert len(found) >= 5, (path, found)


# --- Accessibility ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*EDITION_PAGES])
def test_russian_pages_have_no_accessibility_violations(demo_site, russian_reader, name):
    page = russian_reader
    open_page(page, _page_url(demo_site, name), status=404 if name == "not-found" else 200)
    if name == "article":
        read_to_the_end(page)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
