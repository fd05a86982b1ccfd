"""The article's "Share" block: plain links to Telegram, WhatsApp and email (no third-party
script, nothing loaded from another origin), and "Copy link", which copies the address the
reader is on (a mirror's, when read on a mirror) with the site's own script."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from masthead.project.tests.demo_server import wait_until
from masthead.publishing.tests import factories

pytest_plugins = ["masthead.project.tests.demo_server", "masthead.core.tests.html_checker"]

TITLE = 'Prices up 40% as "temporary" rules & <curfews> stay'
STANDFIRST = "Shops close early; families queue for bread at dawn."


@pytest.fixture
def story(db):
    return factories.article(
        parent=factories.section(title="World", slug="world"),
        title=TITLE,
        standfirst=STANDFIRST,
        slug="prices-up",
    )


def share_block(html: str) -> str:
    return re.search(r'<section class="share.*?</section>', html, re.S).group(0)


def links(block: str) -> dict[str, str]:
    found = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', block)
    return {text: href.replace("&amp;", "&") for href, text in found}


def test_the_share_links_carry_the_article_and_load_nothing(story, client):
    html = client.get(story.url).content.decode()
    block = share_block(html)
    address = "https://news.example.org/world/prices-up/"
    found = links(block)
    assert set(found) == {"Telegram", "WhatsApp", "Email"}

    telegram = urlsplit(found["Telegram"])
    assert (telegram.scheme, telegram.netloc, telegram.path) == ("https", "t.me", "/share/url")
    assert parse_qs(telegram.query) == {"url": [address], "text": [TITLE]}
    whatsapp = urlsplit(found["WhatsApp"])
    assert (whatsapp.netloc, whatsapp.path) == ("wa.me", "/")
    assert parse_qs(whatsapp.query) == {"text": [f"{TITLE} {address}"]}
    mail = urlsplit(found["Email"])
    assert mail.scheme == "mailto" and mail.path == ""
    assert parse_qs(mail.query) == {"subject": [TITLE], "body": [f"{STANDFIRST}\n\n{address}"]}
    # Spaces are %20 in a mailto: address (a "+" would reach the mail program as a "+").
    assert "+" not in found["Email"]

    # "Copy link" needs the script: hidden until it runs; no script of the block's own.
    assert re.search(r'<li data-share-copy hidden><button type="button"', block)
    assert "<script" not in block and " on" not in block.replace(" only", "")
    assert 'rel="noopener noreferrer"' in block


def test_the_article_page_with_its_share_block_is_valid_html(story, vnu, tmp_path):
    page = tmp_path / "article.html"
    page.write_bytes(Client().get(story.url).content)
    assert vnu([page]) == {page.resolve(): []}


@pytest.mark.browser
def test_copy_link_copies_the_address_the_reader_is_on(demo_site, browser):
    """Read on another address than the canonical one (as on a mirror): that address is
    copied, taken when the button is pressed."""
    from masthead.publishing.tests.test_browser import LEAD, article_path

    context = browser.new_context(base_url=demo_site.base_url)
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(demo_site.url(article_path(LEAD)) + "?from=mirror#share-heading")
        button = page.get_by_role("button", name="Copy link")
        button.click()
        status = page.locator(".share__status")
        status.wait_for(state="attached")
        wait_until(page, "document.querySelector('.share__status').textContent !== ''")
        assert status.text_content() == "Link copied"
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == demo_site.url(article_path(LEAD)) + "?from=mirror"
        assert not copied.startswith("https://news.example.org")
        assert errors == []
    finally:
        context.close()
