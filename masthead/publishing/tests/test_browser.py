"""The public site as a reader meets it: the demo publication served by gunicorn, read in
Chromium.

What each test expects is taken from the demo's own content (``masthead.project.demo.content``),
so that the checks follow the words a reader would see rather than the markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from masthead.project.demo import appeals as demo_appeals
from masthead.project.demo import content
from masthead.project.tests.demo_server import wait_until

pytestmark = pytest.mark.browser
# Parts of a page are filled in by first-party scripts; on a busy machine they may take a
# moment. A bound on waiting, never an assertion about speed.
expect.set_options(timeout=15_000)

SECTION_TITLES = {s["slug"]: s["title"] for s in content.SECTIONS}
AUTHORS = {a["slug"]: a for a in content.AUTHORS}
ARTICLES = {a["slug"]: a for a in content.ARTICLES}
LEAD = min(content.ARTICLES, key=lambda a: a["hours_ago"])
PEN_NAME = next(a for a in content.AUTHORS if a["is_pseudonym"])
BY_PEN_NAME = next(a for a in content.ARTICLES if PEN_NAME["slug"] in a["authors"])
UNSIGNED = next(a for a in content.ARTICLES if not a["authors"])


def article_path(item: dict) -> str:
    return f"/{item['section']}/{item['slug']}/"


def body_texts(item: dict, kind: str) -> list:
    return [value for block_kind, value in item["body"] if block_kind == kind]


# Where a reader can land. The tag and author are those of the lead story.
READER_PAGES = {
    "home": "/",
    "section": f"/{LEAD['section']}/",
    "tag": f"/tags/{LEAD['tags'][0]}/",
    "author": f"/authors/{PEN_NAME['slug']}/",
    "article": article_path(LEAD),
    "archive": "/archive/",
    "privacy": "/privacy/",
    "secure-contact": f"/{content.SECURE_CONTACT['slug']}/",
    "not-found": "/no-such-page/",
}

# Records every Content-Security-Policy violation. Playwright injects it through the
# DevTools protocol, so the page's own policy (no inline scripts) does not block it.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""

# Half a screen at a time, letting the page render after each step as a reader's scrolling
# would: a jump straight to the end would pass over what watches for the reader coming near.
SCROLL_THROUGH = """async () => {
  const rendered = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight / 2) {
    window.scrollTo(0, y);
    await rendered();
  }
}"""


@contextmanager
def browsing(browser: Browser, **options) -> Iterator[BrowserContext]:
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    with browsing(browser) as ctx:
        yield ctx


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def open_page(page: Page, url: str, *, status: int = 200):
    response = page.goto(url)
    assert response is not None and response.status == status, (
        f"{url}: {response and response.status}"
    )
    return response


def become_regular_reader(page: Page, demo_site) -> None:
    """Read other articles first, as many as the demo's support appeal waits for before it
    asks (reads are counted in the reader's own browser)."""
    others = [a for a in content.ARTICLES if a is not LEAD]
    for item in others[: demo_appeals.ARTICLE_MIN_ARTICLES - 1]:
        response = page.goto(demo_site.url(article_path(item)), wait_until="networkidle")
        assert response is not None and response.status == 200


def read_to_the_end(page: Page) -> None:
    """Scroll to the end as a reader does, so that what waits for them there (the support
    appeal, put in place by a script when the reader comes near) is shown; then back to the
    top, so that nothing moves while the page is measured."""
    page.evaluate(SCROLL_THROUGH)
    expect(page.get_by_role("link", name="Remind me later")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")


def load_every_image(page: Page) -> None:
    """Bring lazy images into view and wait for every image to finish loading."""
    for image in page.locator("img").all():
        image.scroll_into_view_if_needed()
    wait_until(page, "() => Array.from(document.images).every((img) => img.complete)")
    broken = page.evaluate(
        "() => Array.from(document.images).filter((img) => !img.naturalWidth)"
        ".map((img) => img.currentSrc || img.src)"
    )
    assert broken == [], f"images that did not load: {broken}"


def assert_opens(
    context: BrowserContext, page: Page, link: Locator, *, showing: str | None = None
) -> None:
    """The link leads to a page that answers 200 (and shows ``showing``)."""
    href = link.get_attribute("href")
    assert href, "link without href"
    url = urljoin(page.url, href)
    response = context.request.get(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert response.headers.get("content-type", "").startswith("text/html"), url
    if showing is not None:
        assert showing in html.unescape(response.text()), f"{url} does not show {showing!r}"


# An article's parts from top to bottom, in every edition (the Russian edition's test too).
ARTICLE_READING_ORDER = (
    "section",
    "headline",
    "standfirst",
    "lead photo",
    "caption and credit",
    "byline",
    "time",
    "first paragraph",
    "block quote",
    "tags",
    "newsletter signup",
    "support appeal",
    "read more",
)


def assert_reading_order(parts: list[tuple[str, Locator]]) -> None:
    """Each part is visible and sits wholly below the one before it on the page."""
    previous_name, previous_bottom = None, float("-inf")
    for name, locator in parts:
        expect(locator, f"{name} is visible").to_be_visible()
        box = locator.bounding_box()
        assert box is not None, name
        # Half a pixel for sub-pixel layout.
        assert box["y"] >= previous_bottom - 0.5, (
            f"{name} (top {box['y']:.0f}) is not below {previous_name} (bottom {previous_bottom:.0f})"
        )
        previous_name, previous_bottom = name, box["y"] + box["height"]


def assert_article_reading_order(parts: list[Locator]) -> None:
    """An article page's parts, one for each name of ``ARTICLE_READING_ORDER``, in that order."""
    assert_reading_order(list(zip(ARTICLE_READING_ORDER, parts, strict=True)))


# --- Reading an article -----------------------------------------------------------------------


def test_reader_goes_from_front_page_to_article_and_sees_it_in_reading_order(
    demo_site, context, page
):
    become_regular_reader(page, demo_site)
    open_page(page, demo_site.url("/"))
    lead_story = page.get_by_role("region", name="Lead story")
    headline_link = lead_story.get_by_role("heading").get_by_role("link")
    expect(headline_link).to_have_text(LEAD["headline"])
    headline_link.click()
    expect(page).to_have_url(demo_site.url(article_path(LEAD)))
    read_to_the_end(page)

    item = LEAD
    article = page.locator("main > article")
    section_title = SECTION_TITLES[item["section"]]
    image = item["image"]
    authors = [AUTHORS[slug]["name"] for slug in item["authors"]]
    first_paragraph = body_texts(item, "paragraph")[0]
    quote = body_texts(item, "quote")[0]

    section_link = article.locator("header").get_by_role("link", name=section_title, exact=True)
    headline = page.get_by_role("heading", level=1)
    expect(headline).to_have_text(item["headline"])
    expect(page).to_have_title(re.compile("^" + re.escape(item["headline"])))
    standfirst = article.get_by_text(item["standfirst"], exact=True)
    photo = article.get_by_role("img", name=image["alt"], exact=True)
    caption = article.locator("figcaption").filter(has_text=image["caption"])
    expect(caption).to_contain_text(f"Photo: {image['photographer']} / {image['organisation']}")
    byline = article.locator(".article__meta").get_by_text(re.compile(r"^By "))
    expect(byline).to_have_text("By " + " and ".join(authors))
    time = article.locator(".article__time time").first
    published = time.get_attribute("datetime")
    assert published and datetime.fromisoformat(published), published
    expect(time).not_to_be_empty()
    paragraph = article.get_by_text(first_paragraph, exact=True)
    blockquote = article.locator("blockquote")
    expect(blockquote).to_have_text(quote["text"])
    expect(article.locator("figure", has=page.locator("blockquote"))).to_contain_text(
        quote["attribution"]
    )
    tag_list = article.get_by_role("list").filter(
        has=page.get_by_role("link", name=item["tags"][0], exact=True)
    )
    expect(tag_list.get_by_role("link")).to_have_text(item["tags"])
    signup = page.get_by_role("region", name="Sign up for our free weekly newsletter")
    # The appeal's heading and words are the editors' to change; its controls are not.
    remind = page.get_by_role("link", name="Remind me later")
    appeal = page.get_by_role("region").filter(has=remind)
    read_more = page.get_by_role("region", name="Read more")

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

    # The newsletter signup block.
    preview = signup.get_by_role("link", name="Preview", exact=True)
    email = signup.get_by_label("Email address")
    expect(email).to_have_attribute("type", "email")
    consent = signup.locator("p", has=page.get_by_role("link", name="Privacy Policy"))
    privacy = consent.get_by_role("link", name="Privacy Policy")
    expect(consent).to_contain_text("agree")
    assert_reading_order(
        [
            ("signup heading", signup.get_by_role("heading")),
            ("preview link", preview),
            ("email field", email),
            ("consent line", consent),
        ]
    )
    expect(signup.get_by_role("button", name="Sign up")).to_be_visible()
    assert_opens(context, page, privacy, showing="Privacy policy")
    assert_opens(context, page, preview)

    # The support appeal.
    expect(appeal).to_contain_text("from just")
    frequencies = [appeal.get_by_role("radio", name=n) for n in ("Once", "Monthly", "Annual")]
    later = appeal.locator("p", has=remind)
    expect(later).to_have_text(re.compile(r"^\s*Not ready to support today\?\s+Remind me later"))
    assert_reading_order(
        [
            ("appeal heading", appeal.get_by_role("heading")),
            ("Once", frequencies[0]),
            ("Continue", appeal.get_by_role("button", name="Continue")),
            ("remind me later", later),
        ]
    )
    for radio in frequencies[1:]:
        expect(radio).to_be_visible()
    assert_opens(context, page, remind)

    # Read more: the editors' picks first, never the article itself.
    picks = [ARTICLES[slug]["headline"] for slug in item["related"]]
    read_more_links = read_more.get_by_role("heading").get_by_role("link")
    names = read_more_links.all_inner_texts()
    assert names[: len(picks)] == picks
    assert item["headline"] not in names
    for link, name in zip(read_more_links.all(), names, strict=True):
        assert_opens(context, page, link, showing=name)

    # Where the article's own links lead.
    assert_opens(context, page, section_link, showing=f"<h1>{section_title}</h1>")
    for tag in item["tags"]:
        link = tag_list.get_by_role("link", name=tag, exact=True)
        assert_opens(context, page, link, showing=f"<h1>{tag.capitalize()}</h1>")
    for name in authors:
        link = byline.get_by_role("link", name=name, exact=True)
        assert_opens(context, page, link, showing=f"<h1>{name}</h1>")


def test_reader_follows_section_tag_and_pen_name_links(demo_site, page):
    item = BY_PEN_NAME
    section_title = SECTION_TITLES[item["section"]]
    open_page(page, demo_site.url(article_path(item)))
    own_teaser = page.get_by_role("link", name=item["headline"], exact=True)

    page.locator("main > article > header").get_by_role("link", name=section_title).click()
    expect(page).to_have_url(demo_site.url(f"/{item['section']}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(section_title)
    expect(
        page.get_by_role("navigation", name="Sections").get_by_role("link", name=section_title)
    ).to_have_attribute("aria-current", "page")
    expect(own_teaser).to_be_visible()

    page.go_back()
    tag = item["tags"][0]
    page.get_by_role("link", name=tag, exact=True).click()
    expect(page).to_have_url(demo_site.url(f"/tags/{tag}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tag.capitalize())
    expect(own_teaser).to_be_visible()

    page.go_back()
    byline = page.locator(".article__meta").get_by_text(re.compile(r"^By "))
    expect(byline).to_have_text(f"By {PEN_NAME['name']}")
    byline.get_by_role("link", name=PEN_NAME["name"]).click()
    expect(page).to_have_url(demo_site.url(f"/authors/{PEN_NAME['slug']}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(PEN_NAME["name"])
    expect(page.locator("main")).to_contain_text("pen name")
    expect(own_teaser).to_be_visible()


def test_unsigned_article_has_no_byline(demo_site, page):
    open_page(page, demo_site.url(article_path(UNSIGNED)))
    article = page.locator("main > article")
    expect(page.get_by_role("heading", level=1)).to_have_text(UNSIGNED["headline"])
    expect(article.locator(".article__time time").first).to_be_visible()
    expect(article.locator(".article__meta").get_by_text(re.compile(r"^By "))).to_have_count(0)
    expect(article.locator("a[rel~=author]")).to_have_count(0)


# --- What the pages load ----------------------------------------------------------------------


@pytest.mark.parametrize("path", [READER_PAGES["home"], READER_PAGES["article"]])
def test_pages_load_only_first_party_resources_without_errors(demo_site, context, path):
    context.add_init_script(CSP_RECORDER)
    page = context.new_page()
    requests: list[tuple[str, str]] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append((request.url, request.resource_type)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))

    if path == READER_PAGES["article"]:
        become_regular_reader(page, demo_site)  # the page with the appeal and its form
    response = open_page(page, demo_site.url(path))
    if path == READER_PAGES["article"]:
        read_to_the_end(page)
    load_every_image(page)
    page.wait_for_load_state("networkidle")

    policy = response.header_value("content-security-policy") or ""
    assert "script-src 'self'" in policy, f"no Content-Security-Policy on {path}: {policy!r}"
    own_origin = urlsplit(demo_site.base_url)
    foreign = [
        url for url, _ in requests if urlsplit(url)[:2] != (own_origin.scheme, own_origin.netloc)
    ]
    assert foreign == []
    # The recording saw the page's own resources, so an empty list above means something.
    assert {"document", "stylesheet", "script", "image"} <= {kind for _, kind in requests}
    assert errors == []
    assert page.evaluate("window.__cspViolations") == []


# --- Accessibility ----------------------------------------------------------------------------


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(READER_PAGES))
def test_pages_have_no_accessibility_violations(demo_site, browser, name, color_scheme):
    path = READER_PAGES[name]
    with browsing(browser, color_scheme=color_scheme) as context:
        page = context.new_page()
        if name == "article":
            become_regular_reader(page, demo_site)  # the page with the appeal and its form
        open_page(page, demo_site.url(path), status=404 if name == "not-found" else 200)
        if name == "article":
            read_to_the_end(page)
        dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        assert dark == (color_scheme == "dark")
        results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


# --- Without JavaScript, on a phone -----------------------------------------------------------


def test_article_reads_without_javascript(demo_site, browser):
    with browsing(browser, java_script_enabled=False) as context:
        page = context.new_page()
        open_page(page, demo_site.url(article_path(LEAD)))
        # site.js would have marked the document; it did not run.
        assert "js" not in (page.locator("html").get_attribute("class") or "").split()
        expect(page.get_by_role("heading", level=1)).to_have_text(LEAD["headline"])
        for paragraph in body_texts(LEAD, "paragraph"):
            expect(page.get_by_text(paragraph, exact=True)).to_be_visible()
        expect(page.get_by_role("img", name=LEAD["image"]["alt"], exact=True)).to_be_visible()


@pytest.mark.parametrize("path", [READER_PAGES["article"], READER_PAGES["home"]])
def test_small_screen_has_no_horizontal_scroll(demo_site, browser, path):
    with browsing(
        browser, viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    ) as context:
        page = context.new_page()
        if path == READER_PAGES["article"]:
            become_regular_reader(page, demo_site)
        # Images not yet loaded take their room from their width and height attributes.
        open_page(page, demo_site.url(path))
        if path == READER_PAGES["article"]:  # with the appeal's form in place
            read_to_the_end(page)
        # The page asks for the device's width (meta viewport) rather than a desktop layout.
        assert page.evaluate("window.innerWidth") == 375
        too_wide = page.evaluate(
            """() => Array.from(document.querySelectorAll("body *"))
                .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
                .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)"""
        )
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"page is {widths[0]}px wide: {too_wide[:10]}"
        page.evaluate("window.scrollTo(10000, 0)")
        assert page.evaluate("window.scrollX") == 0
