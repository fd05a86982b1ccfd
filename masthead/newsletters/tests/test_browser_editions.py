"""A reader of the Russian edition signs up on a Russian article page in Chromium, gets a
Russian confirmation email for the Russian list, and confirms on a Russian page.

The demo runs in both editions (``MASTHEAD_LANGUAGES=en,ru``: the Russian under ``/ru/``) as
its own server, with a worker beside it, sending mail to a real SMTP server started here. The
Russian of each message is looked up in the catalogues, never written here.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from masthead.newsletters.tests.test_browser import running_site_with_mail, wait_for_mail
from masthead.project.demo import content_ru
from masthead.project.tests.demo_server import DEMO_LANGUAGES
from masthead.publishing.tests.editions import ru

pytestmark = pytest.mark.browser

RU = "/ru"
ARTICLE = content_ru.ARTICLES_RU[0]
ARTICLE_PATH = f"{RU}/{ARTICLE['section']}/{ARTICLE['slug']}/"
LIST_RU = content_ru.NEWSLETTER_RU["name"]


def before(message: str, placeholder: str) -> str:
    """A catalogue message's text up to ``%(placeholder)s``."""
    return message.partition(f"%({placeholder})s")[0]


@pytest.fixture(scope="module")
def editions_site_with_mail(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("newsletter-editions-site")
    with running_site_with_mail(data_dir, languages=DEMO_LANGUAGES) as running:
        yield running


def test_signup_on_a_russian_article_is_confirmed_in_russian(editions_site_with_mail, browser):
    site, sink = editions_site_with_mail
    address = "russian.reader@example.net"
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(site.url(ARTICLE_PATH))
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        signup = page.get_by_role("region", name=ru("Sign up for our free weekly newsletter"))
        signup.get_by_label(ru("Email address"), exact=True).fill(address)
        signup.get_by_role("button", name=ru("Sign up")).click()
        # Answered in place by the page's script: the reader stays on the article.
        almost_done = ru(
            "Almost done: we have sent an email to %(email)s. Open the link in it to confirm "
            "your subscription."
        )
        expect(signup.get_by_role("status")).to_have_text(almost_done % {"email": address})
        assert page.url == site.url(ARTICLE_PATH)

        mail = wait_for_mail(sink, address)
        message = mail.message
        assert message["Subject"].startswith(
            ru("Confirm your subscription to %(name)s") % {"name": LIST_RU}
        ), message["Subject"]
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert body.startswith(ru("Hello,")), body
        # The Russian list alone, named in a Russian sentence.
        asked = (
            f"{ru('Someone — we hope you — asked to receive')} {LIST_RU} "
            f"{before(ru('from %(name)s at this address.'), 'name')}"
        )
        assert asked in body, body
        assert ru('To confirm, open this link and press "Confirm":') in body, body
        for english in ("Hello,", "asked to receive", "To confirm", "The link works for"):
            assert english not in body, f"English {english!r} in the Russian email:\n{body}"
        link = re.search(rf"(http://127\.0\.0\.1:\d+{RU}/newsletter/confirm/\S+/)", body)
        assert link, f"no Russian edition's confirm link in:\n{body}"

        page.goto(link.group(1))
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text(ru("Confirm your subscription"))
        expect(page.get_by_text(LIST_RU, exact=False).first).to_be_visible()
        page.get_by_role("button", name=ru("Confirm"), exact=True).click()
        expect(heading).to_have_text(ru("You are subscribed"))
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        status = page.get_by_role("status")
        expect(status).to_have_text(f"{ru('Thank you. You will receive')} {LIST_RU}.")
    finally:
        context.close()
