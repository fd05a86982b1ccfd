"""Readers in Chromium on the demo publication: separate browsers, each with its own address
(told by a trusted proxy's X-Forwarded-For), read known articles, one signs up on an article,
one gives from another with the test provider; ``masthead figures --json`` then reports
exactly those views, readers, signups and contributions, and no address is anywhere."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from masthead.appeals.tests.test_browser import masthead
from masthead.project.demo import content
from masthead.project.management.commands.demo import ACCESS_LOG_FORMAT
from masthead.project.tests.demo_server import environment, running_demo_site, wait_until

pytestmark = pytest.mark.browser

A = f"/{content.ARTICLES[0]['section']}/{content.ARTICLES[0]['slug']}/"
B = f"/{content.ARTICLES[1]['section']}/{content.ARTICLES[1]['slug']}/"
# One address per reader, in different /24 (IPv4) and /48 (IPv6) networks.
ADDRESSES = ["198.51.100.23", "203.0.113.45", "2001:db8:42::7"]
REFERRER_CASES = {
    "": "none",
    "https://www.google.com/": "search",
    "https://yandex.ru/": "search",
    "https://t.me/": "telegram",
    "https://web.telegram.org/": "telegram",
    "https://mail.google.com/": "email",
    "https://m.facebook.com/": "social-facebook",
    "https://t.co/": "social-x",
    "https://vk.com/": "social-vk",
    "https://mastodon.social/": "social-mastodon",
    "https://example.com/blog/": "other",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator:
    args = ("--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT)
    with (
        environment(MASTHEAD_TRUSTED_PROXIES="127.0.0.0/8", MASTHEAD_FIGURES_FLUSH_SECONDS="0.5"),
        running_demo_site(tmp_path_factory.mktemp("figures-site"), gunicorn_args=args) as site,
    ):
        yield site


def figures(site) -> dict:
    return json.loads(masthead(site, "figures", "--days", "1", "--json"))


def article(report: dict, path: str) -> dict:
    return next((row for row in report["articles"] if row["key"] == path), {})


def test_readers_signups_and_gifts_are_counted_on_their_articles(site, browser):
    set_cookies: list[str] = []
    contexts = []
    for address in ADDRESSES:
        context = browser.new_context(extra_http_headers={"X-Forwarded-For": address})
        context.set_default_timeout(30_000)
        contexts.append(context)

    def watch(page):
        page.on(
            "response",
            lambda r: (
                set_cookies.append(r.url)
                if "/figures/" in r.url and r.headers.get("set-cookie")
                else None
            ),
        )
        return page

    try:
        hits = []
        for context in contexts:
            page = watch(context.new_page())
            with page.expect_response(lambda r: r.url.endswith("/figures/hit")) as answer:
                page.goto(site.url(A))
            hits.append(answer.value.status)
        first = contexts[0].pages[0]
        with first.expect_response(lambda r: r.url.endswith("/figures/hit")):
            first.goto(site.url(B))
        assert hits == [204, 204, 204]

        # The classification of referrers, in this browser, by the page's own script.
        kinds = first.evaluate(
            "cases => Object.fromEntries(Object.keys(cases).map(r => "
            "[r, window.masthead.referrerKind(r, location)]))",
            REFERRER_CASES,
        )
        assert kinds == REFERRER_CASES

        # Reader 2 signs up on article A.
        second = contexts[1].pages[0]
        signup = second.get_by_role("region", name="Sign up for our free weekly newsletter")
        signup.get_by_label("Email address").fill("figures.reader@example.net")
        signup.get_by_role("button", name="Sign up").click()
        expect(signup.get_by_role("status")).to_contain_text("Almost done")

        # Reader 3 answers the appeal on article B: appeals.js sends the form with the page.
        third = contexts[2].pages[0]
        third.goto(site.url(f"/support/?source={B}"), wait_until="domcontentloaded")
        third.goto(
            site.url(f"/support/contribute/?frequency=once&amount=7.50&currency=USD&source={B}")
        )
        form = third.locator("form[data-contribution-form]")
        assert form.locator('input[name="source"]').get_attribute("value") == B
        form.get_by_role("radio", name="Once").check()
        form.get_by_label("Other amount").fill("7.50")
        form.get_by_label("Email address").fill("figures.giver@example.net")
        form.get_by_role("button", name="Continue").click()
        third.get_by_role("button", name="Pay (succeeds)").click()
        expect(third.get_by_role("heading", level=1)).to_have_text("Thank you")

        for context in contexts[:2]:
            assert context.cookies() == []
        assert set_cookies == []
    finally:
        for context in contexts:
            context.close()

    time.sleep(2)  # the web processes write their tallies within the flush interval
    report = figures(site)
    a, b = article(report, A), article(report, B)
    assert (a["views"], a["readers"], a["unmeasured"], a["signups"]) == (3, 3, 0, 1)
    assert (a["contributions"], a["amounts"]) == (0, {})
    assert (b["views"], b["readers"], b["contributions"], b["amounts"]) == (1, 1, 1, {"USD": "7.5"})
    main = next(row for row in report["hosts"] if row["key"] == "main")
    assert main["readers"] == len(ADDRESSES)
    assert report["total"]["signups"] == 1 and report["total"]["contributions"] == 1

    # No address of these readers in the database, the cache or the server's log.
    stored = {p: p.read_bytes() for p in site.data_dir.glob("masthead.sqlite3*")}
    stored |= {p: p.read_bytes() for p in (site.data_dir / "cache").rglob("*") if p.is_file()}
    stored[site.data_dir / "gunicorn.log"] = (site.data_dir / "gunicorn.log").read_bytes()
    if site.env["DATABASE_URL"].startswith(("postgres", "pgsql")):
        stored["PostgreSQL"] = postgres_dump(site.env["DATABASE_URL"])
    assert b"/figures/hit" in stored[site.data_dir / "gunicorn.log"]  # access log on
    for where, data in stored.items():
        for address in [*ADDRESSES, "198.51.100", "203.0.113", "2001:db8:42", "127.0.0.1 -"]:
            assert address.encode() not in data, (address, where)


def postgres_dump(url: str) -> bytes:
    """Every row of every table of the demo's PostgreSQL database, as text."""
    import psycopg
    from psycopg import sql

    from masthead.project.tests.demo_server import _libpq_url

    rows = []
    with psycopg.connect(_libpq_url(url)) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
        for (table,) in tables:
            query = sql.SQL("SELECT * FROM {}").format(sql.Identifier(table))
            rows.extend(repr(row) for row in conn.execute(query))
    return "\n".join(rows).encode()


C = f"/{content.ARTICLES[2]['section']}/{content.ARTICLES[2]['slug']}/"
QUEUE = "masthead.queue"


def queued(page) -> list:
    return json.loads(page.evaluate(f"localStorage.getItem('{QUEUE}') || '[]'"))


def test_hits_wait_in_the_browser_while_the_app_cannot_be_reached(site, browser):
    context = browser.new_context(extra_http_headers={"X-Forwarded-For": "192.0.2.99"})
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        page.route("**/figures/hit", lambda route: route.abort())  # the app is away
        page.goto(site.url(C))
        wait_until(page, f"(localStorage.getItem('{QUEUE}') || '').includes('{C}')")
        kept = queued(page)
        assert len(kept) == 1 and set(kept[0]) == {"u", "f", "t", "n"}
        assert kept[0]["u"] == "/figures/hit" and kept[0]["f"] == {"p": C, "l": "en", "r": "none"}

        # Bounded: older than 7 days is dropped, and no more than 200 are kept.
        page.evaluate(
            """([store, entry]) => {
              const now = Date.now();
              const old = Object.assign({}, entry, {t: now - 8 * 864e5});
              const many = Array.from({length: 300}, () => Object.assign({}, entry, {t: now}));
              localStorage.setItem(store, JSON.stringify([old, ...many]));
            }""",
            [QUEUE, {"u": "/figures/hit", "f": {"p": "/many/", "l": "en", "r": "none"}, "n": 0}],
        )
        page.reload()
        wait_until(page, f"JSON.parse(localStorage.getItem('{QUEUE}')).some(e => e.f.p === '{C}')")
        page.wait_for_timeout(500)
        after = queued(page)
        assert 0 < len(after) <= 200
        assert all(entry["t"] > time.time() * 1000 - 7 * 864e5 for entry in after)

        # The app answers again: the kept hit of C is sent with the next page.
        page.evaluate(
            "([store, entry]) => localStorage.setItem(store, JSON.stringify([entry]))",
            [QUEUE, kept[0]],
        )
        page.unroute("**/figures/hit")
        page.goto(site.url(A))
        wait_until(page, f"!localStorage.getItem('{QUEUE}')")
    finally:
        context.close()
    time.sleep(2)
    report = figures(site)
    assert article(report, C)["views"] == 1
    assert article(report, "/many/") == {}
