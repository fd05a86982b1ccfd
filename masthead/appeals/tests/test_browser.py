"""Appeals as readers meet them: the demo publication served by gunicorn, read in Chromium.

Each test is one browser (one Playwright context): a new reader with nothing stored, unless
the test gives it a supporter cookie or a stored random number. What the tests expect comes
from the demo's own appeals (``masthead.project.demo.appeals``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from urllib.parse import parse_qs

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from masthead.accounts.testing import browser_sign_in, demo_totp_key
from masthead.appeals import reader_revenue
from masthead.project.demo import appeals as demo
from masthead.project.demo import content, content_ru
from masthead.project.tests.demo_server import SOURCE_ROOT
from masthead.publishing.tests.editions import russian

pytestmark = pytest.mark.browser
# Generous, for a loaded machine: these bound a wait, and are never asserted as a speed.
expect.set_options(timeout=15_000)

ARTICLES = [f"/{a['section']}/{a['slug']}/" for a in content.ARTICLES]
RUSSIAN_ARTICLES = [f"/ru/{a['section']}/{a['slug']}/" for a in content_ru.ARTICLES_RU]
RUSSIAN_HEADINGS = {v["key"]: v["heading"] for v in content_ru.APPEAL_RU["variants"]}
HEADINGS = {"a": content.PUBLICATION["appeal_heading"], "b": "Varnia's news needs its readers now"}
THANK_YOU = "Thank you for supporting the Courier"
STORE = "masthead.appeals"
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


# --- Helpers ----------------------------------------------------------------------------------


@contextmanager
def reader(browser: Browser, *, seed: int | None = None, **options) -> Iterator[BrowserContext]:
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    context.add_init_script(CSP_RECORDER)
    if seed is not None:  # what appeals.js keeps on a first visit, chosen by the test
        context.add_init_script(
            f"if (!localStorage.getItem('{STORE}')) "
            f"localStorage.setItem('{STORE}', JSON.stringify({{seed: {seed}}}));"
        )
    try:
        yield context
    finally:
        context.close()


def read(page: Page, url: str, *, to_the_end: bool = True) -> str:
    """Open an article and wait until appeals.js has decided; return what it chose to show.
    A reader who reads to the end reaches the end-of-article appeal, which is only then put
    in place and counted as seen."""
    response = page.goto(url, wait_until="domcontentloaded")
    assert response is not None and response.status == 200, url
    page.wait_for_selector("[data-appeals-ready]", state="attached")
    outcome = page.get_attribute("[data-appeals]", "data-appeals-ready")
    if to_the_end and "article" in outcome.split():
        reach_the_end(page)
    assert page.evaluate("window.__cspViolations") == []
    return outcome


def reach_the_end(page: Page) -> None:
    place = "[data-appeals-place=article]"
    page.evaluate(f"document.querySelector('{place}').scrollIntoView({{block: 'center'}})")
    # Put in place as the reader nears it; the page keeps still (scroll anchoring), so bring
    # the appeal itself into view, as a reader reading on would.
    page.wait_for_selector(f"{place} [data-appeal]", state="attached")
    page.evaluate(f"document.querySelector('{place} [data-appeal]').scrollIntoView()")
    page.wait_for_selector(f"{place} [data-appeal-viewed]", state="attached")


def article_appeal(page: Page):
    return page.locator("[data-appeals-place=article] [data-appeal]")


def stored(page: Page) -> dict:
    return json.loads(page.evaluate(f"localStorage.getItem('{STORE}')") or "{}")


def masthead(site, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "masthead.project.cli", *args],
        env=site.env,
        cwd=SOURCE_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def sign_in(page: Page, site) -> None:
    password = (site.data_dir / "demo-password").read_text().strip()
    totp_key = demo_totp_key(site.data_dir, "editor")
    browser_sign_in(page, site.base_url, "editor", password, totp_key)


def counters(site, editor: BrowserContext, appeal_id: int) -> dict[str, dict[str, int]]:
    """The counters as the editor's results page shows them."""
    response = editor.request.get(site.url(f"/admin/snippets/appeals/appeal/inspect/{appeal_id}/"))
    assert response.status == 200
    rows = re.findall(r'<tr data-variant="(\w+)">(.*?)</tr>', response.text(), re.S)
    return {
        key: {name: int(n) for name, n in re.findall(r'data-counter="(\w+)">(\d+)', row)}
        for key, row in rows
    }


def wait_for_counter(site, editor, appeal_id, key, field, at_least) -> int:
    deadline = time.monotonic() + 15
    while True:
        value = counters(site, editor, appeal_id)[key][field]
        if value >= at_least or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def unit(text: str) -> float:
    """appeals.js's hash of (seed, appeal) to [0, 1), to pick seeds that land on a variant."""
    h = 2166136261
    for char in text:
        h = ((h ^ ord(char)) * 16777619) & 0xFFFFFFFF
    h ^= h >> 16
    h = (h * 2246822507) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 3266489909) & 0xFFFFFFFF
    h ^= h >> 16
    return h / 4294967296


def seed_for(appeal_id: int, variant: str) -> int:
    """A seed for which a browser gets ``variant`` of an appeal with two equal weights."""
    return next(
        seed for seed in range(1, 10_000) if (unit(f"{seed}:{appeal_id}") < 0.5) == (variant == "a")
    )


def supporter_cookie(site, *, until: date) -> dict:
    return {
        "name": reader_revenue.SUPPORTER_COOKIE,
        "value": f"until:{until.isoformat()}",
        "url": site.base_url,
    }


@pytest.fixture(scope="module")
def ids(demo_site) -> dict[str, int]:
    rows = [line.split("\t") for line in masthead(demo_site, "appeals", "list").splitlines()]
    return {row[-1]: int(row[0]) for row in rows}


@pytest.fixture(scope="module")
def editor(demo_site, browser) -> Iterator[BrowserContext]:
    """A signed-in editor, in a browser of their own."""
    with reader(browser) as context:
        sign_in(context.new_page(), demo_site)
        yield context


# --- Who sees what, when ----------------------------------------------------------------------


def test_new_reader_sees_the_appeal_only_from_the_nth_article(demo_site, browser, ids):
    with reader(browser) as context:
        page = context.new_page()
        for url in ARTICLES[: demo.ARTICLE_MIN_ARTICLES - 1]:
            assert read(page, demo_site.url(url)) == "none"
            expect(article_appeal(page)).to_have_count(0)
            fallback = page.get_by_role("link", name=f"Support {content.PUBLICATION['name']}")
            expect(fallback).to_be_visible()

        assert read(page, demo_site.url(ARTICLES[demo.ARTICLE_MIN_ARTICLES - 1])) == "article"
        appeal = article_appeal(page)
        key = appeal.get_attribute("data-variant")
        region = page.get_by_role("region", name=HEADINGS[key])
        expect(region).to_be_visible()
        for name in ("Once", "Monthly", "Annual"):
            expect(region.get_by_role("radio", name=name)).to_be_visible()
        expect(region.get_by_role("button", name="Continue")).to_be_visible()
        expect(region.get_by_text("Not ready to support today?")).to_be_visible()
        expect(region.get_by_role("link", name="Remind me later")).to_be_visible()
        expect(
            page.get_by_role("link", name=f"Support {content.PUBLICATION['name']}")
        ).to_be_hidden()
        # At the end of the article, after the newsletter signup, before Read more.
        signup = page.get_by_role("region", name="Sign up for our free weekly newsletter")
        read_more = page.get_by_role("region", name="Read more")
        assert signup.bounding_box()["y"] < region.bounding_box()["y"]
        assert region.bounding_box()["y"] < read_more.bounding_box()["y"]
        # The campaign code rides along into the contribution.
        campaign = region.locator(f"input[name={reader_revenue.FIELD_CAMPAIGN}]")
        expect(campaign).to_have_value(f"appeal-{ids[demo.ARTICLE_APPEAL]}-{key}")
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        # Counting is per week and section, and never names an article.
        (week,) = stored(page)["reads"].values()
        assert sum(week.values()) == demo.ARTICLE_MIN_ARTICLES
        assert set(week) <= {a["section"] for a in content.ARTICLES}


def test_reloading_or_going_back_is_not_another_read(demo_site, browser):
    with reader(browser) as context:
        page = context.new_page()
        read(page, demo_site.url(ARTICLES[0]))
        read(page, demo_site.url(ARTICLES[1]))
        for move in (page.reload, page.go_back, page.reload):
            move(wait_until="domcontentloaded")
            page.wait_for_selector("[data-appeals-ready]", state="attached")
        assert page.url == demo_site.url(ARTICLES[0])
        (week,) = stored(page)["reads"].values()
        assert sum(week.values()) == 2


def test_never_more_views_than_the_cap(demo_site, browser):
    first = demo.ARTICLE_MIN_ARTICLES - 1
    with reader(browser) as context:
        page = context.new_page()
        for url in ARTICLES[:first]:
            assert read(page, demo_site.url(url)) == "none"
        # Readers who stop before the end never reach the appeal: it is not put in place and
        # not counted against the cap.
        for url in ARTICLES[first : first + 2]:
            assert read(page, demo_site.url(url), to_the_end=False) == "article"
            expect(article_appeal(page)).to_have_count(0)
        assert stored(page)["views"] == {}
        later = ARTICLES[first + 2 : first + 2 + demo.ARTICLE_CAP + 2]
        shown = [read(page, demo_site.url(url)) == "article" for url in later]
        assert shown == [True] * demo.ARTICLE_CAP + [False, False]


def test_variant_is_stable_and_follows_the_browsers_own_number(demo_site, browser, ids):
    appeal_id = ids[demo.ARTICLE_APPEAL]
    for key in ("a", "b"):
        with reader(browser, seed=seed_for(appeal_id, key)) as context:
            page = context.new_page()
            for url in ARTICLES[: demo.ARTICLE_MIN_ARTICLES]:
                read(page, demo_site.url(url))
            expect(article_appeal(page)).to_have_attribute("data-variant", key)
            expect(page.get_by_role("region", name=HEADINGS[key])).to_be_visible()
            page.reload()
            page.wait_for_selector("[data-appeals-ready]", state="attached")
            reach_the_end(page)
            expect(article_appeal(page)).to_have_attribute("data-variant", key)
            # A second tab of the same browser, another article: still the same variant.
            other = context.new_page()
            read(other, demo_site.url(ARTICLES[demo.ARTICLE_MIN_ARTICLES]))
            expect(article_appeal(other)).to_have_attribute("data-variant", key)


def test_a_supporter_is_thanked_not_asked(demo_site, browser):
    with reader(browser) as context:
        context.add_cookies([supporter_cookie(demo_site, until=date.today() + timedelta(days=90))])
        page = context.new_page()
        outcomes = [read(page, demo_site.url(url)) for url in ARTICLES[:5]]
        assert "article" not in " ".join(outcomes)
        expect(article_appeal(page)).to_have_count(0)
        expect(
            page.get_by_role("link", name=f"Support {content.PUBLICATION['name']}")
        ).to_be_hidden()
        # The thank-you banner reached them (it is capped at two views).
        assert outcomes[:2] == ["banner", "banner"]
        assert outcomes[2:] == ["none"] * 3


def test_the_banner_is_dismissed_with_the_keyboard_and_stays_away(demo_site, browser):
    with reader(browser) as context:
        context.add_cookies([supporter_cookie(demo_site, until=date.today() + timedelta(days=1))])
        page = context.new_page()
        assert read(page, demo_site.url(ARTICLES[0])) == "banner"
        banner = page.get_by_role("region", name=THANK_YOU)
        expect(banner).to_be_visible()
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        close = banner.get_by_role("button", name="Close this message")
        for _ in range(60):  # Tab through the page until the banner's Close button has focus
            page.keyboard.press("Tab")
            if close.evaluate("el => el === document.activeElement"):
                break
        else:
            pytest.fail("the banner's Close button cannot be reached with Tab")
        page.keyboard.press("Enter")
        expect(banner).to_have_count(0)
        assert read(page, demo_site.url(ARTICLES[1])) == "none"


def test_no_appeal_after_a_contribution(demo_site, browser):
    with reader(browser) as context:
        page = context.new_page()
        for url in ARTICLES[: demo.ARTICLE_MIN_ARTICLES]:
            read(page, demo_site.url(url))
        expect(article_appeal(page)).to_have_count(1)
        # The reader-revenue flow sets its cookie once the contribution has succeeded.
        context.add_cookies([supporter_cookie(demo_site, until=date.today() + timedelta(days=90))])
        assert read(page, demo_site.url(ARTICLES[demo.ARTICLE_MIN_ARTICLES])) == "banner"
        expect(article_appeal(page)).to_have_count(0)


def test_an_expired_supporter_cookie_no_longer_hides_the_appeal(demo_site, browser):
    with reader(browser) as context:
        context.add_cookies([supporter_cookie(demo_site, until=date.today() - timedelta(days=1))])
        page = context.new_page()
        outcomes = [read(page, demo_site.url(url)) for url in ARTICLES[: demo.ARTICLE_MIN_ARTICLES]]
        assert outcomes[-1] == "article"


def test_remind_me_later_snoozes_appeals_in_this_browser(demo_site, browser, ids, editor):
    appeal_id = ids[demo.ARTICLE_APPEAL]
    with reader(browser, seed=seed_for(appeal_id, "a")) as context:
        page = context.new_page()
        for url in ARTICLES[: demo.ARTICLE_MIN_ARTICLES]:
            read(page, demo_site.url(url))
        before = counters(demo_site, editor, appeal_id)["a"]["snoozes"]
        later = article_appeal(page).get_by_role("link", name="Remind me later")
        expect(later).to_have_attribute("href", reader_revenue.reminder_url())
        later.click()
        page.wait_for_url(f"**{reader_revenue.reminder_url()}")
        expect(page.get_by_text("Remind me later").first).to_be_visible()
        assert stored(page)["snoozed"] > (date.today() - date(1970, 1, 1)).days
        for url in ARTICLES[demo.ARTICLE_MIN_ARTICLES : demo.ARTICLE_MIN_ARTICLES + 2]:
            assert read(page, demo_site.url(url)) == "none"
        assert wait_for_counter(demo_site, editor, appeal_id, "a", "snoozes", before + 1) == (
            before + 1
        )


def test_the_reminder_sign_up_keeps_appeals_away_until_the_reminder(demo_site, browser):
    with reader(browser) as context:
        page = context.new_page()
        for url in ARTICLES[: demo.ARTICLE_MIN_ARTICLES]:
            read(page, demo_site.url(url))
        article_appeal(page).get_by_role("link", name="Remind me later").click()
        # The article's newsletter sign-up has an "Email address" too: wait for the next page.
        page.wait_for_url(f"**{reader_revenue.reminder_url()}")
        page.get_by_label("Email address").fill("later@example.org")
        page.get_by_role("button", name="Remind me").click()
        expect(page.get_by_role("heading", name="We will remind you")).to_be_visible()
        # Forget what this browser's storage keeps (the appeal's own snooze, and the date the
        # reminder page keeps for copies): the reader-revenue cookie alone keeps them away.
        page.evaluate(
            f"(() => {{ const s = JSON.parse(localStorage.getItem('{STORE}'));"
            f" s.snoozed = 0; localStorage.setItem('{STORE}', JSON.stringify(s));"
            f" localStorage.removeItem('{reader_revenue.SNOOZE_STORE}'); }})()"
        )
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        assert cookies[reader_revenue.SNOOZE_COOKIE].startswith("until:")
        nxt = ARTICLES[demo.ARTICLE_MIN_ARTICLES]
        assert read(page, demo_site.url(nxt)) == "none"


# --- Language editions ------------------------------------------------------------------------


def test_each_edition_shows_the_appeal_in_its_own_language(demo_site, browser, ids):
    """The demo runs in English and Russian: one appeals file, and each article shows the
    appeal written in its language, which leads to its own edition's support pages."""
    with reader(browser) as context:
        page = context.new_page()
        # Reading counts in either edition: two English articles, then a Russian one.
        for url in ARTICLES[: demo.ARTICLE_MIN_ARTICLES - 1]:
            assert read(page, demo_site.url(url)) == "none"
        assert read(page, demo_site.url(RUSSIAN_ARTICLES[0])) == "article"
        assert page.evaluate("document.documentElement.lang") == "ru"
        appeal = article_appeal(page)
        expect(appeal).to_have_count(1)
        expect(appeal).to_have_attribute("data-appeal", str(ids[demo.RUSSIAN_ARTICLE_APPEAL]))
        key = appeal.get_attribute("data-variant")
        region = page.get_by_role("region", name=RUSSIAN_HEADINGS[key])
        expect(region).to_be_visible()
        for name in ("Once", "Monthly", "Annual"):
            expect(region.get_by_role("radio", name=russian(name))).to_be_visible()
        expect(region.get_by_text(russian("Not ready to support today?"))).to_be_visible()
        expect(region.get_by_role("link", name=russian("Remind me later"))).to_have_attribute(
            "href", "/ru/support/remind/"
        )
        expect(region.locator("form")).to_have_attribute("action", "/ru/support/contribute/")
        for heading in HEADINGS.values():  # never the English appeal here
            expect(page.get_by_role("region", name=heading)).to_have_count(0)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()

        # An English article, the same reader: the English appeal, in English.
        assert read(page, demo_site.url(ARTICLES[demo.ARTICLE_MIN_ARTICLES])) == "article"
        assert page.evaluate("document.documentElement.lang") == "en"
        appeal = article_appeal(page)
        expect(appeal).to_have_attribute("data-appeal", str(ids[demo.ARTICLE_APPEAL]))
        region = page.get_by_role("region", name=HEADINGS[appeal.get_attribute("data-variant")])
        expect(region.get_by_role("button", name="Continue")).to_be_visible()
        expect(region.locator("form")).to_have_attribute("action", reader_revenue.contribute_url())

        # Back in Russian, Continue leads into the Russian support flow.
        assert read(page, demo_site.url(RUSSIAN_ARTICLES[1])) == "article"
        region = page.get_by_role("region", name=RUSSIAN_HEADINGS[key])
        region.get_by_role("button", name=russian("Continue")).click()
        page.wait_for_url("**/ru/support/**")
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.lang") == "ru"


# --- Counters ---------------------------------------------------------------------------------


def test_counters_move_and_nothing_else_leaves_the_browser(demo_site, browser, ids, editor):
    appeal_id = ids[demo.ARTICLE_APPEAL]
    before = counters(demo_site, editor, appeal_id)["b"]
    with reader(browser, seed=seed_for(appeal_id, "b")) as context:
        sent = []
        context.on(
            "request",
            lambda request: (
                sent.append((request.method, request.url, request.post_data))
                if "/appeals/" in request.url and "/static/" not in request.url
                else None
            ),
        )
        page = context.new_page()
        for url in ARTICLES[: demo.ARTICLE_MIN_ARTICLES]:
            read(page, demo_site.url(url))
        region = page.get_by_role("region", name=HEADINGS["b"])
        expect(region.get_by_role("radio", name="Annual")).to_be_checked()  # b's preselection
        region.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        assert wait_for_counter(
            demo_site, editor, appeal_id, "b", "clicks", before["clicks"] + 1
        ) == (before["clicks"] + 1)
        assert wait_for_counter(
            demo_site, editor, appeal_id, "b", "views", before["views"] + 1
        ) == (before["views"] + 1)
    # What went to the server about appeals: the file, and three anonymous fields per event.
    posts = [parse_qs(body or "") for method, _url, body in sent if method == "POST"]
    assert {method for method, _url, _body in sent} == {"GET", "POST"}
    assert all(url.endswith("/appeals/active.json") for method, url, _ in sent if method == "GET")
    assert posts and all(set(post) == {"e", "a", "v"} for post in posts)
    assert sorted(post["e"][0] for post in posts) == ["click", "view"]


# --- The dialog, and failures -----------------------------------------------------------------


def switch(site, editor: BrowserContext, appeal_id: int, *, on: bool) -> None:
    """The editor switches an appeal on or off in the admin."""
    page = editor.new_page()
    page.goto(site.url(f"/admin/snippets/appeals/appeal/edit/{appeal_id}/"))
    page.get_by_role("checkbox", name="Switched on").set_checked(on)
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_url("**/admin/snippets/appeals/appeal/")
    page.close()


def focus_is_in(page: Page, selector: str) -> bool:
    return page.evaluate(f"document.querySelector('{selector}').contains(document.activeElement)")


def test_dialog_is_a_real_modal_and_never_returns_once_dismissed(demo_site, browser, ids, editor):
    dialog_id = ids[demo.DIALOG_EXAMPLE]
    switch(demo_site, editor, dialog_id, on=True)
    try:
        with reader(browser) as context:
            page = context.new_page()
            outcomes = [read(page, demo_site.url(url)) for url in ARTICLES[:5]]
            assert "dialog" not in " ".join(outcomes[:4])
            assert outcomes[4] == "article dialog"
            dialog = page.get_by_role(
                "dialog", name=f"A message from {content.PUBLICATION['name']}"
            )
            expect(dialog).to_be_visible()
            assert focus_is_in(page, "dialog")
            results = Axe().run(page)
            assert results.violations_count == 0, results.generate_report()
            # Focus is trapped: Tab and Shift+Tab go round inside the dialog.
            for _ in range(12):
                page.keyboard.press("Tab")
                assert focus_is_in(page, "dialog")
            for _ in range(12):
                page.keyboard.press("Shift+Tab")
                assert focus_is_in(page, "dialog")
            # The rest of the page cannot be used while it is open.
            assert page.evaluate("document.querySelector('dialog').matches(':modal')")
            page.keyboard.press("Escape")
            expect(dialog).to_have_count(0)
            # Focus returns to where the reader was (the element that had it, or the article).
            assert page.evaluate(
                "document.activeElement !== document.body"
                " && document.activeElement.isConnected"
                " && !document.activeElement.closest('dialog')"
            )
            # Dismissed: it never covers an article again; the end-of-article appeal remains.
            for url in ARTICLES[5:8]:
                assert "dialog" not in read(page, demo_site.url(url))
            expect(page.get_by_role("dialog")).to_have_count(0)
    finally:
        switch(demo_site, editor, dialog_id, on=False)


def test_editor_previews_the_dialog_on_a_real_article(demo_site, ids, editor):
    dialog_id = ids[demo.DIALOG_EXAMPLE]
    views = counters(demo_site, editor, dialog_id)["a"]["views"]
    page = editor.new_page()
    read(page, demo_site.url(f"/appeals/preview/{dialog_id}/a/"))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("article h1")).to_be_visible()
    dialog.get_by_role("button", name="Close").focus()
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    # Previews record nothing, in the browser or on the server.
    assert stored(page) == {}
    time.sleep(0.5)  # a beacon, had one been sent, would have arrived
    assert counters(demo_site, editor, dialog_id)["a"]["views"] == views
    page.close()


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 500, "body": "oops"},
        {"status": 404, "body": "not here"},
        {"status": 200, "body": "{not json", "content_type": "application/json"},
        {"status": 200, "body": '{"format": 99}', "content_type": "application/json"},
        {"status": 200, "body": '{"format": 1, "appeals": [null, 3, {"id": "x"}]}'},
    ],
    ids=["500", "404", "broken", "unknown-format", "odd-entries"],
)
def test_a_broken_or_missing_appeals_file_leaves_the_article_readable(demo_site, browser, answer):
    with reader(browser) as context:
        context.route("**/appeals/active.json", lambda route: route.fulfill(**answer))
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        outcome = read(page, demo_site.url(ARTICLES[0]))
        assert outcome in {"error", "invalid", "none"}
        assert errors == []
        expect(page.get_by_role("heading", level=1)).to_have_text(content.ARTICLES[0]["headline"])
        expect(
            page.get_by_role("link", name=f"Support {content.PUBLICATION['name']}")
        ).to_be_visible()


def test_garbage_in_storage_is_forgotten_not_fatal(demo_site, browser):
    with reader(browser) as context:
        context.add_init_script(
            f"if (!sessionStorage.getItem('x')) {{ sessionStorage.setItem('x', 1);"
            f' localStorage.setItem(\'{STORE}\', \'{{"seed": "x", "reads": [1], '
            f'"views": {{"1": "many"}}, "snoozed": "soon"}}\'); }}'
        )
        page = context.new_page()
        assert read(page, demo_site.url(ARTICLES[0])) == "none"
        kept = stored(page)
        assert isinstance(kept["seed"], int) and kept["views"] == {} and kept["snoozed"] == 0


def test_without_javascript_the_article_links_to_the_support_page(demo_site, browser):
    with reader(browser, java_script_enabled=False) as context:
        page = context.new_page()
        page.goto(demo_site.url(ARTICLES[0]))
        link = page.get_by_role("link", name=f"Support {content.PUBLICATION['name']}")
        expect(link).to_be_visible()
        expect(link).to_have_attribute("href", reader_revenue.support_page_url())
