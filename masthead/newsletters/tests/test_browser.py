"""A reader signs up on an article page in Chromium, confirms from the email the SMTP server
received, and is subscribed.

The demo publication runs as its own server, with a worker beside it, sending mail to a real
SMTP server started here (the shared ``demo_site`` sends mail nowhere we can read).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from masthead.newsletters.tests.conftest import start_smtp_sink
from masthead.project.demo import content
from masthead.project.tests.demo_server import SOURCE_ROOT, environment, running_demo_site

pytestmark = pytest.mark.browser

ARTICLE = content.ARTICLES[0]
ARTICLE_PATH = f"/{ARTICLE['section']}/{ARTICLE['slug']}/"


@contextmanager
def running_site_with_mail(data_dir, *, languages: str | None = None):
    """The demo served from ``data_dir`` with its worker, sending into an SMTP sink: yields
    the site and the sink."""
    sink, controller = start_smtp_sink()
    try:
        with (
            environment(EMAIL_URL=sink.url),
            running_demo_site(data_dir, languages=languages) as site,
        ):
            log = (site.data_dir / "worker.log").open("wb")
            # Building the demo queued its search-index updates: work them off first, so the
            # confirmation email is not waiting behind them.
            subprocess.run(
                [sys.executable, "-m", "masthead.project.cli", "worker", "--batch"],
                env=site.env,
                cwd=SOURCE_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=600,
                check=True,
            )
            worker = subprocess.Popen(
                [sys.executable, "-m", "masthead.project.cli", "worker", "--interval", "0.2"],
                env=site.env,
                cwd=SOURCE_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            try:
                yield site, sink
            finally:
                worker.terminate()
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
                log.close()
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def site_with_mail(tmp_path_factory):
    with running_site_with_mail(tmp_path_factory.mktemp("newsletter-site")) as running:
        yield running


def wait_for_mail(sink, address: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sink.to(address)
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no email to {address} arrived")


def test_reader_signs_up_on_an_article_and_confirms_from_the_email(site_with_mail, browser):
    site, sink = site_with_mail
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(site.url(ARTICLE_PATH))
        signup = page.get_by_role("region", name="Sign up for our free weekly newsletter")
        expect(
            signup.get_by_role("checkbox", name=re.compile("The Friday Courier"))
        ).to_be_checked()
        signup.get_by_role("checkbox", name=re.compile("Breaking news")).check()
        signup.get_by_label("Email address").fill("browser.reader@example.net")
        signup.get_by_role("button", name="Sign up").click()
        # Answered in place by the page's script: the reader stays on the article.
        expect(signup.get_by_role("status")).to_contain_text("Almost done")
        assert page.url == site.url(ARTICLE_PATH)

        mail = wait_for_mail(sink, "browser.reader@example.net")
        body = mail.message.get_body(preferencelist=("plain",)).get_content()
        link = re.search(r"(http://127\.0\.0\.1:\d+/newsletter/confirm/\S+/)", body).group(1)
        page.goto(link)
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your subscription")
        expect(page.get_by_text("The Friday Courier", exact=False).first).to_be_visible()
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
        expect(page.get_by_role("status")).to_contain_text("The Friday Courier")
        expect(page.get_by_role("status")).to_contain_text("Breaking news")
    finally:
        context.close()


def test_signup_works_without_javascript(site_with_mail, browser):
    site, sink = site_with_mail
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site.url(ARTICLE_PATH))
        signup = page.get_by_role("region", name="Sign up for our free weekly newsletter")
        signup.get_by_label("Email address").fill("no.script@example.net")
        signup.get_by_role("button", name="Sign up").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
        wait_for_mail(sink, "no.script@example.net")
    finally:
        context.close()
