"""A reader gives, in Chromium, on the demo publication with the test provider: the demo
served by gunicorn with a worker beside it, mailing through a real local SMTP server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from masthead.project.demo import content
from masthead.supporters.tests.revenue_site import browsing
from masthead.supporters.tests.smtp import body_text

pytestmark = pytest.mark.browser

ARTICLE = content.ARTICLES[0]
ARTICLE_PATH = f"/{ARTICLE['section']}/{ARTICLE['slug']}/"


def test_monthly_gift_with_receipt_and_no_more_appeals(revenue_site, browser, smtp_server):
    address = "monthly.reader@example.org"
    with browsing(browser) as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(revenue_site.url("/support/"))
        form = page.locator("form[data-contribution-form]")
        expect(form.get_by_text("TEST MODE")).to_be_visible()

        form.get_by_role("radio", name="Monthly").check()
        form.get_by_role("radio", name="$5", exact=True).check()
        expect(form.locator("[data-summary]")).to_have_text("You will give $5 a month.")
        form.get_by_label("Email address").fill(address)
        form.get_by_role("button", name="Continue").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Your support: $5 a month")
        expect(page.get_by_text("TEST MODE")).to_be_visible()
        page.get_by_role("button", name="Pay (succeeds)").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
        expect(page.get_by_text("Your support of $5 a month has been received.")).to_be_visible()
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        assert re.fullmatch(r"until:\d{4}-\d{2}-\d{2}", cookies["mh_supporter"])
        assert page.evaluate("window.__cspViolations") == []

        try:
            # Generous: a bound on a worker poll and an SMTP round trip, not a speed.
            receipt = smtp_server.inbox.wait_for(address, subject="Your receipt", timeout=90)
        except AssertionError as exc:
            log = (revenue_site.data_dir / "worker.log").read_text(errors="replace")
            raise AssertionError(f"{exc}\nworker log:\n{log[-4000:]}") from None
        assert "$5" in body_text(receipt) and "monthly support" in body_text(receipt)
        assert receipt["Subject"].startswith("[TEST MODE]")

        # The next article: this browser gave, so no appeal asks again.
        page.goto(revenue_site.url(ARTICLE_PATH))
        expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE["headline"])
        page.wait_for_load_state("networkidle")
        expect(page.locator("[data-support-appeal]:visible")).to_have_count(0)
        expect(page.get_by_role("button", name="Continue")).to_have_count(0)
        assert errors == []


def test_without_javascript_a_one_off_gift_works_too(revenue_site, browser):
    with browsing(browser, java_script_enabled=False) as context:
        page = context.new_page()
        page.goto(revenue_site.url("/support/"))
        form = page.locator("form[data-contribution-form]")
        form.get_by_role("radio", name="Once").check()
        # Amounts switch with the frequency in CSS alone.
        expect(form.get_by_role("radio", name="$15", exact=True)).to_be_checked()
        form.get_by_label("Other amount").fill("1")
        form.get_by_label("Email address").fill("plain.reader@example.org")
        form.get_by_role("button", name="Continue").click()
        expect(page.get_by_text("The smallest amount we can take is $2.")).to_be_visible()

        form.get_by_label("Other amount").fill("7.50")
        form.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your gift: $7.50, once")
        page.get_by_role("button", name="Pay (bank asks to confirm)").click()
        page.get_by_role("button", name="Confirm the payment").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")


def test_remind_me_later_snoozes_the_appeal_in_this_browser(revenue_site, browser, smtp_server):
    with browsing(browser) as context:
        page = context.new_page()
        page.goto(revenue_site.url("/support/remind/"))
        page.get_by_label("Email address").fill("later.reader@example.org")
        page.get_by_role("button", name="Remind me").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("We will remind you")
        confirmation = smtp_server.inbox.wait_for(
            "later.reader@example.org", subject="We will remind you"
        )
        assert "/support/remind/cancel/" in body_text(confirmation)
        page.goto(revenue_site.url(ARTICLE_PATH))
        page.wait_for_load_state("networkidle")
        expect(page.locator("[data-support-appeal]:visible")).to_have_count(0)
        expect(page.get_by_role("button", name="Continue")).to_have_count(0)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_reader_revenue_pages_have_no_accessibility_violations(revenue_site, browser, color_scheme):
    from axe_playwright_python.sync_playwright import Axe

    with browsing(browser, color_scheme=color_scheme) as context:
        page = context.new_page()
        paths = ["/support/", "/support/remind/", "/support/manage/sign-in/"]
        page.goto(revenue_site.url("/support/"))
        form = page.locator("form[data-contribution-form]")
        form.get_by_label("Email address").fill("a11y.reader@example.org")
        form.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="Test payment")).to_be_visible()
        paths.append(page.url.removeprefix(revenue_site.base_url))
        for path in paths:
            page.goto(revenue_site.url(path))
            results = Axe().run(page)
            assert results.violations_count == 0, f"{path}:\n{results.generate_report()}"
        # A form sent back with errors.
        page.goto(revenue_site.url("/support/"))
        form = page.locator("form[data-contribution-form]")
        form.get_by_label("Other amount").fill("1")
        form.get_by_role("button", name="Continue").click()
        expect(form.get_by_text("The smallest amount we can take is")).to_be_visible()
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
