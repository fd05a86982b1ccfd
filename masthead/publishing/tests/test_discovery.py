"""Feeds, sitemaps, robots.txt, structured data and social cards."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Page

from masthead.publishing.tests import factories
from masthead.publishing.tests.sitemaps import sitemap_urls

pytestmark = pytest.mark.django_db
BASE = "https://news.example.org"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture
def site():
    world, culture = factories.section(title="World"), factories.section(title="Culture")
    writer = factories.author(name="Ana Reporter")
    signed = factories.article(
        parent=world, title="Signed story", authors=[writer], tags=["energy"], hours_ago=2
    )
    unsigned = factories.article(parent=culture, title="Unsigned story", hours_ago=3)
    old = factories.article(parent=world, title="Old story", hours_ago=24 * 5)
    return world, culture, writer, signed, unsigned, old


def test_rss_feed_carries_full_text_with_absolute_links(client, site):
    response = client.get("/feeds/rss.xml")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Signed story", "Unsigned story", "Old story"]
    body = items[0].findtext("content:encoded", namespaces=NS)
    assert "First paragraph of the story." in body and "We will not be silenced." in body
    assert 'src="/' not in body and f'src="{BASE}/media/' in body
    assert items[0].findtext("link") == f"{BASE}/world/{site[3].slug}/"


def test_atom_feed_per_section(client, site):
    root = ET.fromstring(client.get("/feeds/world/atom.xml").content)
    titles = [e.findtext("atom:title", namespaces=NS) for e in root.findall("atom:entry", NS)]
    assert titles == ["Signed story", "Old story"]
    entry = root.find("atom:entry", NS)
    assert entry.find("atom:content", NS).get("type") == "html"
    assert entry.findtext("atom:author/atom:name", namespaces=NS) == "Ana Reporter"


def test_pages_announce_their_feeds(client, site):
    world = site[0]
    html = client.get(world.url).content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/feeds/world/rss.xml"' in html and 'href="/feeds/rss.xml"' in html


def _get(client):
    def get(path: str) -> bytes:
        response = client.get(path)
        assert response.status_code == 200, path
        return response.content

    return get


def test_sitemap_lists_pages_and_listings_with_canonical_origin(client, site):
    locations = {e.findtext("sm:loc", namespaces=NS) for e in sitemap_urls(_get(client))}
    assert f"{BASE}/world/{site[3].slug}/" in locations
    assert f"{BASE}/archive/" in locations and f"{BASE}{site[2].get_absolute_url()}" in locations
    assert f"{BASE}/tags/energy/" in locations
    assert all(loc.startswith(BASE + "/") for loc in locations)


def test_page_sitemap_lists_what_wagtails_sitemap_lists(client, site):
    """The page sitemap reads rows, not pages; it must list exactly the pages, addresses and
    dates Wagtail's own sitemap gives: drafts and private pages left out, non-ASCII slugs
    quoted alike."""
    from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
    from wagtail.models import PageViewRestriction

    world = site[0]
    factories.article(parent=world, title="Ünïcode", slug="новости-дня")
    factories.article(parent=world, title="Draft", publish=False)
    hidden = factories.section(title="Members")
    factories.article(parent=hidden, title="Members only")
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")

    expected = [
        (BASE + u["location"].split("://", 1)[1].partition("/")[2].join(["/", ""]), u["lastmod"])
        for page in WagtailSitemap().items()
        for u in page.get_sitemap_urls()
    ]
    listed = [
        (e.findtext("sm:loc", namespaces=NS), e.findtext("sm:lastmod", namespaces=NS))
        for e in sitemap_urls(_get(client))
    ]
    pages = [entry for entry in listed if entry[0] in {loc for loc, _ in expected}]
    assert [loc for loc, _ in pages] == [loc for loc, _ in expected]
    assert [lastmod for _, lastmod in pages] == [
        lastmod.date().isoformat() if lastmod else None for _, lastmod in expected
    ]
    assert any("%D0%BD%D0%BE%D0%B2" in loc for loc, _ in pages)
    assert not any("members" in loc for loc, _ in listed)
    assert len(pages) == 1 + 2 + 4  # home, two public sections, four live public articles


def test_the_sitemap_is_an_index_of_parts_by_page_id(client, site, settings):
    """Two ids a part: each page is listed once, in the part of its id, each part's date in
    the index is its newest page's, and an address for no part is a 404, however large."""
    settings.SITEMAP_PART_SIZE = 2
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    listed = {
        e.findtext("sm:loc", namespaces=NS): e.findtext("sm:lastmod", namespaces=NS)
        for e in index.findall("sm:sitemap", NS)
    }
    assert f"{BASE}/sitemaps/listings.xml" in listed and len(listed) > 3
    ids_by_loc = {BASE + page.url: page.pk for page in Page.objects.live() if page.url}
    seen = []
    for loc, lastmod in listed.items():
        number = re.fullmatch(rf"{BASE}/sitemaps/pages-(\d+)\.xml", loc)
        if number is None:
            continue
        part = ET.fromstring(client.get(loc.removeprefix(BASE)).content)
        entries = part.findall("sm:url", NS)
        ids = {ids_by_loc[e.findtext("sm:loc", namespaces=NS)] for e in entries}
        assert {(pk - 1) // 2 + 1 for pk in ids} == {int(number.group(1))}
        dates = [e.findtext("sm:lastmod", namespaces=NS) for e in entries]
        assert lastmod == max(filter(None, dates), default=None)
        seen += [e.findtext("sm:loc", namespaces=NS) for e in entries]
    assert len(seen) == len(set(seen)) and f"{BASE}/world/{site[3].slug}/" in seen
    last = max(int(loc.rsplit("-", 1)[1].split(".")[0]) for loc in listed if "pages-" in loc)
    for number in (0, last + 1, 10**30):
        assert client.get(f"/sitemaps/pages-{number}.xml").status_code == 404
    listings = client.get("/sitemaps/listings.xml").content.decode()
    assert f"<loc>{BASE}/archive/</loc>" in listings and "/tags/energy/" in listings


def test_the_listings_sitemap_names_no_one_and_nothing_only_a_draft_shows(client, site):
    """A draft's byline and tags are the newsroom's own until it is published."""
    world, writer = site[0], site[2]
    hidden = factories.author(name="Undercover Reporter")
    factories.article(
        parent=world, title="Not yet", authors=[hidden], tags=["raid-plans"], publish=False
    )
    listings = client.get("/sitemaps/listings.xml").content.decode()
    assert writer.edition_url(None) in listings
    assert hidden.slug not in listings and "raid-plans" not in listings
    assert client.get(hidden.edition_url(None)).status_code == 404


def test_news_sitemap_has_only_the_last_48_hours(client, site):
    root = ET.fromstring(client.get("/news-sitemap.xml").content)
    titles = {e.text for e in root.findall("sm:url/news:news/news:title", NS)}
    assert titles == {"Signed story", "Unsigned story"}


def test_robots_txt_announces_both_sitemaps(client):
    text = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {BASE}/sitemap.xml" in text and f"Sitemap: {BASE}/news-sitemap.xml" in text


def _json_ld(html: str) -> dict:
    match = re.search(
        r'<script id="article-data" type="application/ld\+json">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1))


def test_news_article_structured_data(client, site):
    signed = site[3]
    signed.updated_at = timezone.now() - timedelta(minutes=5)
    signed.save_revision().publish(skip_permission_checks=True)
    data = _json_ld(client.get(signed.url).content.decode())
    assert data["@type"] == "NewsArticle" and data["headline"] == "Signed story"
    assert data["author"] == [
        {"@type": "Person", "name": "Ana Reporter", "url": f"{BASE}{site[2].get_absolute_url()}"}
    ]
    assert data["mainEntityOfPage"]["@id"] == f"{BASE}{signed.url}"
    assert data["image"][0].startswith(f"{BASE}/media/")
    assert data["dateModified"] > data["datePublished"]
    assert data["publisher"]["@type"] == "NewsMediaOrganization"


def test_unsigned_article_names_the_publisher_as_author(client, site):
    data = _json_ld(client.get(site[4].url).content.decode())
    assert data["author"] == [data["publisher"]]


def test_social_cards_and_canonical(client, site):
    html = client.get(site[3].url).content.decode()
    assert f'<link rel="canonical" href="{BASE}{site[3].url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert re.search(rf'<meta property="og:image" content="{BASE}/media/[^"]+\.jpg">', html)
