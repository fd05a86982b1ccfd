"""A reader of the Russian edition gives, in Chromium, from ``/ru/support/`` with the test
provider: the demo in both editions (``MASTHEAD_LANGUAGES=en,ru``) served by gunicorn with a
worker beside it, mailing through a real local SMTP server. The pages and the receipt are the
Russian edition's; the Russian of each message is looked up in the catalogues, never written
here."""

from __future__ import annotations

import re
import time
from email.header import decode_header, make_header
from email.message import Message

import pytest
from playwright.sync_api import expect

from masthead.publishing.tests.editions import ru
from masthead.supporters.tests.revenue_site import browsing
from masthead.supporters.tests.smtp import body_text

pytestmark = pytest.mark.browser

RU = "/ru"


def around(message: str, placeholder: str) -> re.Pattern[str]:
    """A catalogue message with ``%(placeholder)s`` standing for any text."""
    before, _, after = message.partition(f"%({placeholder})s")
    return re.compile(f"^{re.escape(before)}.+{re.escape(after)}$")


def subject_of(message: Message) -> str:
    """The Subject header decoded (a Russian one arrives RFC 2047-encoded)."""
    return str(make_header(decode_header(message.get("Subject") or "")))


def wait_for_mail(inbox, address: str, subject: str, timeout: float) -> Message:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in inbox.to(address):
            if subject in subject_of(message):
                return message
        time.sleep(0.1)
    seen = [subject_of(m) for m in inbox.to(address)]
    raise AssertionError(f"no email to {address} with {subject!r} within {timeout} s: {seen}")


def test_monthly_gift_from_the_russian_support_page_has_a_russian_receipt(
    revenue_site_editions, browser, smtp_server
):
    site = revenue_site_editions
    address = "russian.reader@example.org"
    with browsing(browser) as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(site.url(f"{RU}/support/"))
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        form = page.locator("form[data-contribution-form]")
        expect(form.get_by_role("note")).to_contain_text(ru("TEST MODE"))

        form.get_by_role("radio", name=ru("Monthly"), exact=True).check()
        amounts = form.locator('fieldset[data-frequency="monthly"]:visible')
        amounts.get_by_role("radio").first.check()
        expect(form.locator("[data-summary]")).to_have_text(
            around(ru("You will give %(amount)s a month."), "amount")
        )
        form.get_by_label(ru("Email address")).fill(address)
        form.get_by_role("button", name=ru("Continue")).click()

        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text(around(ru("Your support: %(summary)s"), "summary"))
        page.get_by_role("button", name=ru("Pay (succeeds)")).click()

        expect(heading).to_have_text(ru("Thank you"))
        assert page.url.startswith(site.url(f"{RU}/")), page.url
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        received = ru(
            "Your support of %(summary)s has been received. A receipt is on its way to your inbox."
        )
        expect(page.locator("#thanks-heading ~ p").first).to_have_text(around(received, "summary"))
        expect(page.get_by_role("link", name=ru("Manage my support"))).to_have_attribute(
            "href", re.compile(f"^{RU}/support/manage/")
        )
        assert page.evaluate("window.__cspViolations") == []
        assert errors == []

    subject = ru("Your receipt %(number)s").partition("%(number)s")[0]
    try:
        # Generous: a bound on a worker poll and an SMTP round trip, not a speed.
        receipt = wait_for_mail(smtp_server.inbox, address, subject, timeout=90)
    except AssertionError as exc:
        log = (site.data_dir / "worker.log").read_text(errors="replace")
        raise AssertionError(f"{exc}\nworker log:\n{log[-4000:]}") from None
    assert subject_of(receipt).startswith(f"[{ru('TEST MODE')}] {subject}"), subject_of(receipt)
    body = body_text(receipt)
    assert ru("TEST MODE — no real money moved.") in body
    thanks = ru("Thank you for supporting %(name)s.").partition("%(name)s")[0]
    assert body.count(thanks) == 1, body
    assert f"{ru('For:')} {ru('monthly support')}" in body, body
    lines = body.splitlines()
    assert any(re.fullmatch(rf"http://127\.0\.0\.1:\d+{RU}/support/manage/", x) for x in lines)
    for english in ("Thank you for supporting", "Receipt", "monthly support", "TEST MODE"):
        assert english not in body, f"English {english!r} in the Russian receipt:\n{body}"


def mostly_latin(text: str) -> bool:
    return len(re.findall(r"[A-Za-z]", text)) > len(re.findall(r"[А-Яа-яЁё]", text))


def test_the_editors_thank_you_is_in_the_russian_editions_language(
    revenue_site_editions, browser, smtp_server
):
    site = revenue_site_editions
    address = "russian.once@example.org"
    with browsing(browser) as context:
        page = context.new_page()
        page.goto(site.url(f"{RU}/support/"))
        form = page.locator("form[data-contribution-form]")
        form.get_by_role("radio", name=ru("Once"), exact=True).check()
        form.locator('fieldset[data-frequency="once"]:visible').get_by_role("radio").first.check()
        form.get_by_label(ru("Email address")).fill(address)
        form.get_by_role("button", name=ru("Continue")).click()
        page.get_by_role("button", name=ru("Pay (succeeds)")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(ru("Thank you"))
        shown = page.locator("#thanks-heading ~ p").all_inner_texts()
    receipt = wait_for_mail(
        smtp_server.inbox, address, ru("Your receipt %(number)s").partition("%(number)s")[0], 90
    )
    mailed = [
        line
        for line in body_text(receipt).splitlines()
        if line.strip() and not line.startswith("http")
    ]
    english = [text for text in shown + mailed if mostly_latin(text)]
    assert english == [], f"English in the Russian thank-you page or receipt: {english}"
