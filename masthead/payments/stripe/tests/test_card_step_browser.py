"""The card step in Chromium: Stripe.js (localstripe's stand-in for it, served by localstripe
itself) in Masthead's own page, under the one widened Content-Security-Policy."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from masthead.payments.stripe.tests.conftest import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET
from masthead.project.tests.demo_server import (
    free_port,
    gunicorn_command,
    start_process,
    stop_process,
)
from masthead.supporters.tests.revenue_site import browsing

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def stripe_site(revenue_site, localstripe_url) -> Iterator[str]:
    """The demo's data served by a second gunicorn configured with Stripe (localstripe)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **revenue_site.env,
        "MASTHEAD_BASE_URL": base_url,
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": localstripe_url,
        "STRIPE_JS_URL": f"{localstripe_url}/js.stripe.com/v3/",
        "STRIPE_PRORATION_BEHAVIOR": "",
    }
    server = start_process(
        gunicorn_command(port, "--workers", "1"), env, revenue_site.data_dir / "stripe-gunicorn.log"
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base_url + "/support/", timeout=5).read()
                break
            except (urllib.error.URLError, OSError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the Stripe-configured server did not start")
                time.sleep(0.2)
        yield base_url
    finally:
        stop_process(server)


def _start_card_gift(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/support/")
    form = page.locator("form[data-contribution-form]")
    form.get_by_role("radio", name="Once").check()
    form.get_by_role("radio", name="Card", exact=True).check()
    form.get_by_label("Email address").fill(email)
    form.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Card details")).to_be_visible()
    assert page.url.endswith("/card/")


def _type_card(page: Page, number: str) -> None:
    # localstripe's card element: plain inputs where Stripe.js puts its own iframe.
    card = page.locator("[data-card-element]")
    card.get_by_placeholder("number").fill(number)
    card.get_by_placeholder("exp_month").fill("12")
    card.get_by_placeholder("exp_year").fill("34")
    card.get_by_placeholder("cvc").fill("123")
    card.get_by_placeholder("postal_code").fill("10115")


def test_card_gift_through_stripe_js(stripe_site, browser, localstripe_url):
    with browsing(browser) as context:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        _start_card_gift(page, stripe_site, "card.reader@example.org")
        _type_card(page, "4242424242424242")
        page.get_by_role("button", name="Pay").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
        expect(page.get_by_text("Your gift of $15, once has been received.")).to_be_visible()
        assert page.evaluate("window.__cspViolations") == []
        # The third party was reached only from the card step.
        foreign = {u.split("/")[2] for u in requests if not u.startswith(stripe_site)}
        assert foreign == {localstripe_url.split("/")[2]}


def test_card_gift_with_3d_secure(stripe_site, browser):
    with browsing(browser) as context:
        page = context.new_page()
        _start_card_gift(page, stripe_site, "secure.reader@example.org")
        _type_card(page, "4000002500003155")
        page.get_by_role("button", name="Pay").click()
        # The bank's challenge for the card (shown by localstripe's Stripe.js)…
        page.get_by_role("button", name="Complete authentication").click()
        # …and again for the payment itself, on our confirmation step.
        expect(page.get_by_role("heading", name="Confirm with your bank")).to_be_visible()
        page.get_by_role("button", name="Confirm the payment").click()
        page.get_by_role("button", name="Complete authentication").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
        assert page.evaluate("window.__cspViolations") == []


def test_declined_card_is_explained_on_the_card_step(stripe_site, browser):
    with browsing(browser) as context:
        page = context.new_page()
        _start_card_gift(page, stripe_site, "declined.reader@example.org")
        _type_card(page, "4000000000000341")  # attaches, then fails when charged
        page.get_by_role("button", name="Pay").click()
        expect(page.get_by_role("alert")).to_contain_text("declined")
        expect(page.get_by_role("heading", name="Card details")).to_be_visible()
