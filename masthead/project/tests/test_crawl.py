"""Every link of the running demo publication, followed from the front page over HTTP.

A reader (or a search engine, or a mirror script) that starts at ``/`` and follows links must
never meet a server error or a dead internal link; the feeds, sitemaps and robots.txt must
parse; every page must be valid HTML. Forms are not links: their actions are not followed.

HTML is checked offline with html5lib's spec parser (every parse error of the WHATWG
algorithm: stray or misnested tags, duplicate attributes, bad character references…),
plus what a parser does not see: duplicate ids and references to ids that do not exist.
"""

from __future__ import annotations

import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import html5lib
import pytest

from masthead.project.demo import content, content_ru
from masthead.publishing.tests.sitemaps import sitemap_parts, sitemap_urls

pytest_plugins = ["masthead.project.tests.demo_server"]

MISSING_PATH = "/no-such-page/"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Elements and attributes that make a browser, a feed reader or a link preview fetch a URL.
LINK_ATTRIBUTES = {
    "a": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
}
SOCIAL_IMAGE_META = {"og:image", "twitter:image"}


@dataclass
class Fetched:
    url: str
    status: int
    content_type: str = ""
    body: bytes = b""
    location: str = ""  # of a redirect, absolute

    @property
    def is_html(self) -> bool:
        # Error pages too: a reader who meets one must be able to go on from it.
        redirect = 300 <= self.status < 400
        return not redirect and self.content_type.startswith("text/html")

    @property
    def is_xml(self) -> bool:
        return self.status == 200 and "xml" in self.content_type


@dataclass
class Crawl:
    base_url: str
    pages: dict[str, Fetched] = field(default_factory=dict)
    referrers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    html_errors: dict[str, list[str]] = field(default_factory=dict)

    def status(self, url: str) -> int:
        """The status a reader ends up with, after redirects."""
        seen = set()
        fetched = self.pages[url]
        while 300 <= fetched.status < 400 and fetched.location in self.pages:
            if fetched.location in seen:
                return 310  # a redirect loop
            seen.add(fetched.location)
            fetched = self.pages[fetched.location]
        return fetched.status

    def url(self, path: str) -> str:
        return self.base_url + path


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # every redirect is recorded and crawled as a link of its own


_opener = urllib.request.build_opener(_NoRedirects)


def fetch(url: str, referer: str | None = None) -> Fetched:
    # As a browser asks: with the linking page as the referrer (the site's own policy,
    # ``same-origin``, sends it), which first-party counters such as the readership pixel check.
    request = urllib.request.Request(url, headers={"Referer": referer} if referer else {})
    try:
        with _opener.open(request, timeout=30) as response:
            return Fetched(
                url=url,
                status=response.status,
                content_type=response.headers.get("Content-Type", ""),
                body=response.read(),
            )
    except urllib.error.HTTPError as error:
        location = error.headers.get("Location", "")
        return Fetched(
            url=url,
            status=error.code,
            content_type=error.headers.get("Content-Type", ""),
            body=error.read(),
            location=urljoin(url, location) if location else "",
        )


def _srcset_urls(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


def html_links(document: ET.Element) -> list[str]:
    links = []
    for element in document.iter():
        tag = element.tag.removeprefix(XHTML) if isinstance(element.tag, str) else ""
        for attribute in LINK_ATTRIBUTES.get(tag, ()):
            value = element.get(attribute)
            if value:
                links += _srcset_urls(value) if attribute == "srcset" else [value]
        if tag == "meta" and element.get("property", element.get("name")) in SOCIAL_IMAGE_META:
            links.append(element.get("content", ""))
    return links


def xml_links(root: ET.Element) -> list[str]:
    """Sitemap locations; feed links and enclosures, and what the articles' HTML in a feed
    (RSS ``content:encoded``, Atom ``content``) makes a feed reader fetch."""
    links = []
    for element in root.iter():
        tag = element.tag.split("}")[-1] if isinstance(element.tag, str) else ""
        if tag in {"loc", "link"} and element.text and element.text.strip():
            links.append(element.text.strip())
        if tag == "enclosure" or (tag == "link" and element.tag.startswith(ATOM)):
            links.append(element.get("url") or element.get("href") or "")
        if tag in {"encoded", "content"} and element.text:
            links += html_links(html5lib.parseFragment(element.text))
    return [link for link in links if link.startswith(("http://", "https://", "/"))]


def html_problems(body: bytes) -> tuple[ET.Element, list[str]]:
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=True)
    document = parser.parse(body)
    problems = [
        f"line {line}:{col} {code} {data or ''}".rstrip()
        for (line, col), code, data in parser.errors
    ]
    ids: dict[str, int] = defaultdict(int)
    for element in document.iter():
        if element.get("id"):
            ids[element.get("id")] += 1
    problems += [f"duplicate id {name!r}" for name, count in ids.items() if count > 1]
    for element in document.iter():
        tag = element.tag.removeprefix(XHTML) if isinstance(element.tag, str) else ""
        references = (element.get("aria-labelledby") or "").split()
        references += (element.get("aria-describedby") or "").split()
        if tag == "label" and element.get("for"):
            references.append(element.get("for"))
        href = element.get("href") or ""
        if tag == "a" and href.startswith("#") and len(href) > 1:
            references.append(href[1:])
        problems += [
            f"<{tag}> refers to missing id {ref!r}" for ref in references if ref not in ids
        ]
    return document, problems


def crawl_site(base_url: str, seeds: list[str]) -> Crawl:
    crawl = Crawl(base_url=base_url)
    origin = urlsplit(base_url)[:2]
    queued = set(seeds)
    # Two gunicorn workers answer; a few requests in flight keep both busy.
    with ThreadPoolExecutor(max_workers=4) as pool:
        pending: dict[Future, str] = {pool.submit(fetch, url): url for url in seeds}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                url = pending.pop(future)
                fetched = crawl.pages[url] = future.result()
                links = [fetched.location] if fetched.location else []
                if fetched.is_html:
                    document, problems = html_problems(fetched.body)
                    crawl.html_errors[url] = problems
                    links += html_links(document)
                elif fetched.is_xml:
                    links += xml_links(ET.fromstring(fetched.body))
                for link in links:
                    target, _fragment = urldefrag(urljoin(url, link.strip()))
                    if urlsplit(target)[:2] != origin or target == url:
                        continue
                    crawl.referrers[target].add(url)
                    if target not in queued:
                        queued.add(target)
                        pending[pool.submit(fetch, target, url)] = target
    return crawl


@pytest.fixture(scope="module")
def crawl(demo_site) -> Crawl:
    # robots.txt and the sitemaps are where crawlers start; the missing page is checked
    # like any other (it is the page a reader meets after a mistyped address).
    seeds = ["/", "/robots.txt", "/sitemap.xml", "/news-sitemap.xml", MISSING_PATH]
    return crawl_site(demo_site.base_url, [demo_site.url(path) for path in seeds])


def _report(urls, crawl: Crawl) -> str:
    return "\n".join(
        f"{url} -> {crawl.status(url)} (linked from {sorted(crawl.referrers[url])[:3]})"
        for url in sorted(urls)
    )


def test_crawl_reaches_the_russian_edition(crawl):
    """The demo site runs both editions: the Russian one is reached from the English by the
    links between translations and from the sitemap."""
    paths = {urlsplit(url).path for url in crawl.pages}
    expected = {"/ru/", "/ru/archive/", "/ru/feeds/rss.xml", "/ru/support/"}
    expected |= {f"/ru/{s['slug']}/" for s in content_ru.SECTIONS_RU}
    expected |= {f"/ru/{a['section']}/{a['slug']}/" for a in content_ru.ARTICLES_RU}
    assert expected - paths == set()


def test_crawl_reaches_every_kind_of_public_page(crawl):
    paths = {urlsplit(url).path for url in crawl.pages}
    expected = {
        "/",
        "/archive/",
        "/archive/page/1/",
        "/privacy/",
        "/feeds/rss.xml",
        "/feeds/atom.xml",
    }
    expected |= {f"/{s['slug']}/" for s in content.SECTIONS}
    expected |= {f"/feeds/{s['slug']}/rss.xml" for s in content.SECTIONS}
    expected |= {f"/{a['section']}/{a['slug']}/" for a in content.ARTICLES}
    expected |= {f"/authors/{a['slug']}/" for a in content.AUTHORS}
    expected |= {f"/tags/{tag}/" for a in content.ARTICLES for tag in a["tags"]}
    assert expected - paths == set()
    assert any(path.startswith("/static/") and path.endswith(".css") for path in paths)
    assert any(path.startswith("/static/") and path.endswith(".js") for path in paths)
    assert any(path.startswith("/media/images/") for path in paths)


def test_no_server_errors(crawl):
    failed = [url for url, fetched in crawl.pages.items() if fetched.status >= 500]
    assert failed == [], _report(failed, crawl)


def test_no_broken_internal_links(crawl):
    broken = [
        url
        for url in crawl.referrers
        if url != crawl.url(MISSING_PATH) and crawl.status(url) != 200
    ]
    assert broken == [], _report(broken, crawl)


def test_missing_page_answers_not_found(crawl):
    missing = crawl.pages[crawl.url(MISSING_PATH)]
    assert missing.status == 404
    assert missing.content_type.startswith("text/html")
    assert b"We could not find that page" in missing.body


def test_every_page_is_valid_html(crawl):
    assert len(crawl.html_errors) > len(content.ARTICLES)
    invalid = {url: problems[:5] for url, problems in crawl.html_errors.items() if problems}
    assert invalid == {}


def _crawled(crawl: Crawl):
    """The sitemap helpers' ``get``: a path's body as the crawl fetched it (an XML file)."""

    def get(path: str) -> bytes:
        fetched = crawl.pages[crawl.url(path)]
        assert fetched.status == 200 and "xml" in fetched.content_type, path
        return fetched.body

    return get


def _urls_in_sitemap(crawl: Crawl, path: str) -> list[str]:
    root = ET.fromstring(_crawled(crawl)(path))
    assert root.tag == f"{SITEMAP}urlset"
    return [loc.text.strip() for loc in root.iter(f"{SITEMAP}loc")]


def test_sitemap_lists_pages_that_exist_and_are_linked(crawl):
    parts = sitemap_parts(_crawled(crawl), crawl.base_url)
    assert len(parts) >= 2  # the pages, and the listings
    urls = [url for path in parts for url in _urls_in_sitemap(crawl, path)]
    assert crawl.url("/") in urls and crawl.url("/archive/") in urls
    assert all(crawl.url(f"/{a['section']}/{a['slug']}/") in urls for a in content.ARTICLES)
    assert [url for url in urls if crawl.status(url) != 200] == []
    # Every page search engines are told about can also be reached by a reader's clicks.
    sitemaps = {crawl.url(path) for path in ["/sitemap.xml", "/news-sitemap.xml", *parts]}
    linked = {target for target, sources in crawl.referrers.items() if sources - sitemaps}
    assert [url for url in urls if url not in linked] == []


def test_news_sitemap_lists_recent_articles(crawl):
    urls = _urls_in_sitemap(crawl, "/news-sitemap.xml")
    recent = [f"/{a['section']}/{a['slug']}/" for a in content.ARTICLES if a["hours_ago"] < 48]
    assert recent, "the demo has articles from the last two days"
    recent += [
        f"/ru/{a['section']}/{a['slug']}/" for a in content_ru.ARTICLES_RU if a["hours_ago"] < 48
    ]
    assert sorted(urls) == sorted(crawl.url(path) for path in recent)
    assert [url for url in urls if crawl.status(url) != 200] == []


@pytest.mark.parametrize("section", [None, content.SECTIONS[0]["slug"]])
def test_feeds_parse_and_link_to_articles(crawl, section):
    prefix = f"/feeds/{section}/" if section else "/feeds/"
    rss = ET.fromstring(crawl.pages[crawl.url(prefix + "rss.xml")].body)
    assert rss.tag == "rss"
    items = rss.findall("./channel/item")
    assert items
    atom = ET.fromstring(crawl.pages[crawl.url(prefix + "atom.xml")].body)
    assert atom.tag == f"{ATOM}feed"
    entries = atom.findall(f"{ATOM}entry")
    assert len(entries) == len(items)
    links = [item.findtext("link") for item in items]
    links += [entry.find(f"{ATOM}link").get("href") for entry in entries]
    for link in links:
        assert crawl.status(link) == 200, link
        if section:
            assert urlsplit(link).path.startswith(f"/{section}/"), link


def test_robots_txt_points_to_the_sitemaps(crawl):
    fetched = crawl.pages[crawl.url("/robots.txt")]
    assert fetched.status == 200
    assert fetched.content_type.startswith("text/plain")
    records = []
    for line in fetched.body.decode().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, value = line.partition(":")
            assert sep and name.strip(), f"not a robots.txt record: {line!r}"
            records.append((name.strip().lower(), value.strip()))
    assert ("user-agent", "*") in records
    sitemaps = [value for name, value in records if name == "sitemap"]
    assert sorted(sitemaps) == [crawl.url("/news-sitemap.xml"), crawl.url("/sitemap.xml")]
    disallowed = [value for name, value in records if name == "disallow" and value]
    crawled_paths = [urlsplit(url).path for url in crawl.referrers]
    # Nothing a reader can reach by links is hidden from search engines.
    assert [p for p in crawled_paths if any(p.startswith(d) for d in disallowed)] == []


# --- Language editions: hreflang ---------------------------------------------------------------


def _head_alternates(fetched: Fetched) -> dict[str, str]:
    """A page's ``<link rel="alternate" hreflang>``: language → absolute URL."""
    document = html5lib.parse(fetched.body, namespaceHTMLElements=False)
    return {
        link.get("hreflang"): urljoin(fetched.url, link.get("href"))
        for link in document.iter("link")
        if link.get("rel") == "alternate" and link.get("hreflang")
    }


def test_hreflang_alternates_are_reciprocal(crawl):
    """Every page that names its translations is named back by each of them, with the same
    set of alternates (search engines ignore a one-way hreflang), and every one answers."""
    pages = {
        url: _head_alternates(fetched)
        for url, fetched in crawl.pages.items()
        if fetched.is_html and fetched.status == 200
    }
    # A page without translations names only itself (and is the x-default in English).
    linked = {url: alternates for url, alternates in pages.items() if len(alternates) > 2}
    assert len(linked) >= 2 * sum(1 for a in content_ru.ARTICLES_RU if a.get("translation_of"))
    problems = []
    for url, alternates in linked.items():
        languages = set(alternates) - {"x-default"}
        if languages < {"en", "ru"}:
            problems.append(f"{url}: alternates {sorted(alternates)}")
        if url not in alternates.values():
            problems.append(f"{url} does not name itself among {alternates}")
        if alternates.get("x-default") != alternates.get("en"):
            problems.append(f"{url}: x-default is not the English page: {alternates}")
        for language in languages:
            other = alternates[language]
            if crawl.status(other) != 200:
                problems.append(f"{url}: {language} alternate {other} -> {crawl.status(other)}")
            elif pages.get(other) != alternates:
                problems.append(f"{url} names {other} ({language}), which names {pages.get(other)}")
    assert problems == []


def test_sitemap_alternates_match_the_pages(crawl):
    """The sitemap gives each translated page the alternates its own head gives, and a page
    without translations (whose head names only itself) none."""
    entries = {}
    for entry in sitemap_urls(_crawled(crawl), crawl.base_url):
        entries[entry.findtext(f"{SITEMAP}loc").strip()] = {
            link.get("hreflang"): link.get("href")
            for link in entry.iter("{http://www.w3.org/1999/xhtml}link")
            if link.get("rel") == "alternate"
        }
    assert any("/ru/" in url for url in entries), "the sitemap lists the Russian edition"
    assert sum(1 for alternates in entries.values() if alternates) >= 2
    mismatched = {}
    for url, alternates in entries.items():
        head = _head_alternates(crawl.pages[url])
        if alternates != (head if len(head) > 2 else {}):
            mismatched[url] = (alternates, head)
    assert mismatched == {}
