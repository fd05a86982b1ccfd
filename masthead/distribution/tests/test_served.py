"""The built site as readers reach it: Debian's nginx with the shipped configuration serving
the server copy at ``/`` (main domain, mirror, onion) and the portable copy under a sub-path,
and the portable copy opened from disk; read in Chromium.

The API origin is the app itself (gunicorn on the test database), as in production.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect

from masthead.distribution.services.output import STATE_DIR
from masthead.distribution.tests.conftest import (
    CONTACT,
    MIRROR,
    OLD_STORY_WORD,
    ONION,
    app_serves,
)

pytestmark = pytest.mark.browser

LINK = re.compile(r"""\s(href|src|srcset)="([^"]*)\"""")
GET_FORM = re.compile(r"""<form\b(?![^>]*method="post")[^>]*\saction="([^"]*)\"""", re.I)
SEARCH_WORD = "zebrafinch"  # in the headline of the article with the Cyrillic address
# Records Content-Security-Policy violations (injected through DevTools, so the page's own
# policy does not block it).
CSP_RECORDER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI}`);
});
"""


def links(html: str) -> Iterator[str]:
    for name, value in LINK.findall(html):
        value = unescape(value)
        if name == "srcset":
            yield from (part.strip().split(" ")[0] for part in value.split(",") if part.strip())
        else:
            yield value
    yield from (unescape(action) for action in GET_FORM.findall(html))


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def crawl(start: str, *, within: str) -> tuple[set[str], dict[str, int]]:
    """Follow every link from ``start`` that stays on its server; return (pages visited,
    {broken url: status}). Links must not leave ``within`` (a sub-path copy's own folder)."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start))
    queue, seen, broken, pages = [start], {start}, {}, set()
    while queue:
        url = queue.pop()
        status, headers, body = get(url)
        if status != 200:
            broken[url] = status
            continue
        if not headers.get("Content-Type", "").startswith("text/html"):
            continue
        pages.add(url)
        for link in links(body.decode("utf-8")):
            target = urljoin(url, link).split("#", 1)[0]
            if not target.startswith(origin) or not target or target in seen:
                continue
            if not urlsplit(target).path.startswith(within):
                broken[target] = 0  # escapes the copy's folder
                continue
            seen.add(target)
            queue.append(target)
    return pages, broken


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "within"), [("/", "/"), ("/mirror/", "/mirror/")])
def test_every_link_resolves_on_nginx(nginx, built, start, within):
    pages, broken = crawl(nginx.url(start), within=within)
    assert len(pages) >= 45  # every page of the publication is reached
    # A link the app itself cannot answer (another app's page not built yet) is not the
    # copy's fault; anything else is.
    ours = {}
    for url, status in broken.items():
        path = urlsplit(url).path
        app_path = path[len(within) - 1 :] if within != "/" else path
        app_path = unquote(re.sub(r"index\.html$", "", app_path))
        if status == 0 or app_serves(app_path):
            ours[url] = status
    assert not ours, f"broken links: {ours}"


def test_nginx_sends_the_caching_and_onion_headers(nginx, publication):
    url = publication.article_urls[2]
    status, headers, _ = get(nginx.url(url))
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=60"
    assert headers["Onion-Location"] == f"http://{ONION}{url}"
    assert "form-action 'self'" in headers["Content-Security-Policy"]
    status, headers, body = get(nginx.url(url))
    css = re.search(r'href="(/static/masthead/site\.[0-9a-f]{12}\.css)"', body.decode())
    status, headers, _ = get(nginx.url(css.group(1)))
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    status, headers, _ = get(nginx.url("/feeds/rss.xml"))
    assert headers["Content-Type"].startswith("application/rss+xml")
    status, headers, _ = get(nginx.url("/mirrors.json"))
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert get(nginx.url("/.masthead/manifest.json"))[0] == 404
    status, _, body = get(nginx.url("/no-such-page/"))
    assert status == 404 and b"We could not find that page" in body


# --- Chromium --------------------------------------------------------------------------------


@contextmanager
def browsing(browser: Browser, **options) -> Iterator[BrowserContext]:
    context = browser.new_context(**options)
    context.set_default_timeout(20_000)
    context.add_init_script(CSP_RECORDER)
    try:
        yield context
    finally:
        context.close()


def csp_violations(page: Page) -> list[str]:
    return page.evaluate("window.__csp || []")


def copies(nginx, built) -> dict[str, str]:
    return {
        "main": nginx.url("/"),
        "sub-path": nginx.url("/mirror/"),
        "disk": built.portable.resolve().as_uri() + "/",
    }


def page_url(root: str, path: str) -> str:
    """``path`` in a copy: directory pages name index.html on disk."""
    relative = path.lstrip("/")
    if root.startswith("file:"):
        relative += "index.html" if (not relative or relative.endswith("/")) else ""
    return root + relative


@pytest.mark.parametrize("copy", ["main", "sub-path", "disk"])
def test_reader_follows_links_and_finds_an_article_by_search(
    browser, nginx, built, publication, copy
):
    root = copies(nginx, built)[copy]
    with browsing(browser) as context:
        page = context.new_page()
        page.goto(page_url(root, "/"))
        headline = page.locator(".teaser__headline a").first
        title = headline.inner_text()
        headline.click()
        expect(page.locator("h1")).to_have_text(title)
        page.locator("footer a", has_text="Search").click()
        if copy == "disk":
            # Pagefind cannot fetch its index from disk: headlines and summaries instead.
            expect(page.locator(".search__note")).to_contain_text("copy saved on this device")
            page.locator("#offline-search").fill(SEARCH_WORD)
            page.keyboard.press("Enter")
            result = page.locator(".search__results a").first
        else:
            page.locator(".pagefind-ui__search-input").fill(SEARCH_WORD)
            result = page.locator(".pagefind-ui__result-link").first
        expect(result).to_contain_text(SEARCH_WORD)
        result.click()
        expect(page.locator("h1")).to_have_text(publication.unicode_article.title)
        if copy != "disk":
            # The oldest articles are in another part of the index, merged by the page.
            page.go_back()
            search = page.locator(".pagefind-ui__search-input")
            search.fill(OLD_STORY_WORD)
            result = page.locator(".pagefind-ui__result-link").first
            expect(result).to_contain_text(OLD_STORY_WORD)
            result.click()
            expect(page.locator("h1")).to_contain_text(OLD_STORY_WORD)
        assert csp_violations(page) == []


@pytest.mark.parametrize("copy", ["main", "sub-path", "disk"])
def test_signup_form_posts_to_the_api_origin(browser, nginx, built, publication, api_origins, copy):
    root = copies(nginx, built)[copy]
    api = api_origins[0]
    with browsing(browser) as context:
        page = context.new_page()
        page.goto(page_url(root, unquote(publication.article_urls[4])))
        form = page.locator("form[method=post]").filter(has=page.locator("input[type=email]"))
        form.locator("input[type=email]").fill("reader@example.org")
        with page.expect_request(
            lambda r: r.method == "POST" and r.url.startswith(api + "/newsletter/")
        ) as posted:
            form.locator("[type=submit]").click()
        sent = posted.value.post_data or ""
        assert "reader@example.org" in sent or "reader%40example.org" in sent
        if copy == "disk":
            # From disk the page's origin is "null": the signup is one of the forms the
            # offline copy may send (core.public_forms), and its script reads the answer
            # (here the form's own: the test publication has no newsletter).
            status = form.locator("[data-signup-status]")
            expect(status).not_to_contain_text("Signing you up")
            assert "own website" not in status.inner_text()
            expect(status).to_contain_text("newsletter")


@pytest.mark.parametrize("copy", ["main", "disk"])
def test_unreachable_api_says_so_and_offers_other_ways_in(
    browser, nginx, built, publication, api_origins, copy
):
    root = copies(nginx, built)[copy]
    with browsing(browser) as context:
        context.route(api_origins[0] + "/**", lambda route: route.abort())
        page = context.new_page()
        page.goto(page_url(root, unquote(publication.article_urls[4])))
        form = page.locator("form[method=post]").filter(has=page.locator("input[type=email]"))
        form.locator("input[type=email]").fill("reader@example.org")
        form.locator("[type=submit]").click()
        notice = page.locator(".reach-notice")
        expect(notice).to_contain_text("could not reach our server")
        expect(notice.locator(f'a[href="mailto:{CONTACT}"]')).to_be_visible()
        expect(notice.locator(f'a[href="{MIRROR}"]')).to_be_visible()
        expect(notice.locator(f'a[href="http://{ONION}"]')).to_be_visible()


@pytest.mark.django_db
def test_every_link_of_the_disk_copy_names_a_file(built, api_origins):
    """From disk nothing answers a missing file or a folder: every link must name a file."""
    root = built.portable.resolve()
    # The article's Share block links to the share pages of Telegram and WhatsApp.
    share = ("https://t.me/share/url?", "https://wa.me/?")
    # The "If this site is blocked" page links to the mirrors.
    allowed_elsewhere = (settings.BASE_URL, *api_origins, *share, MIRROR, "mailto:", "#")
    missing = []
    for page in root.rglob("*.html"):
        if STATE_DIR in page.parts or "pagefind" in page.parts:
            continue
        for link in links(page.read_text()):
            if not link or link.startswith(allowed_elsewhere):
                continue
            assert not link.startswith(("/", "http:", "https:", "//")), f"{page}: {link}"
            target = (page.parent / unquote(link.split("#")[0].split("?")[0])).resolve()
            if target.is_file():
                continue
            # A page the app itself does not serve (another app's, not built yet) cannot be
            # copied; anything else should have been.
            site_path = "/" + re.sub(r"index\.html$", "", target.relative_to(root).as_posix())
            if app_serves(site_path):
                missing.append(f"{page.relative_to(root)} → {link}")
    assert not missing, missing[:20]
