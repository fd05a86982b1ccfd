import pytest

from masthead.publishing.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world_with_articles():
    world = factories.section(title="World")
    writer = factories.author(name="Ana Reporter")
    articles = [
        factories.article(
            parent=world, authors=[writer], tags=["energy"], hours_ago=i, with_image=False
        )
        for i in range(1, 31)
    ]
    return world, writer, articles


def test_home_leads_with_latest_and_lists_sections(client, world_with_articles):
    world, _, articles = world_with_articles
    html = client.get("/").content.decode()
    lead = html[html.index('class="home-lead"') : html.index('class="home-latest"')]
    assert articles[0].title in lead
    assert 'id="section-world"' in html


@pytest.mark.parametrize(
    "path_of",
    [
        lambda w, a: w.url,
        lambda w, a: a.get_absolute_url(),
        lambda w, a: "/tags/energy/",
        lambda w, a: "/archive/",
    ],
)
def test_listings_paginate_by_path_numbered_from_the_oldest(client, world_with_articles, path_of):
    """30 articles, 12 a page: page 1 holds the 12 oldest; the listing's own address the 18
    newest (the newest full page and the 6 that do not fill one yet)."""
    world, writer, articles = world_with_articles
    base = path_of(world, writer)
    first = client.get(base).content.decode()
    oldest = client.get(f"{base}page/1/").content.decode()
    assert all(a.title in first for a in articles[:18])
    assert not any(a.title in first for a in articles[18:])
    assert all(a.title in oldest for a in articles[18:])
    assert not any(a.title in oldest for a in articles[:18])
    assert first.index(articles[0].title) < first.index(articles[17].title)  # newest first
    assert f'<a rel="next" href="{base}page/1/">Older</a>' in first
    assert f'<a rel="prev" href="{base}">Newer</a>' in oldest and 'rel="next"' not in oldest
    for missing in ("page/0/", "page/2/"):
        assert client.get(f"{base}{missing}").status_code == 404
    # Old-style links still work and land on the path form.
    response = client.get(base, {"page": "1"})
    assert response.status_code == 301 and response["Location"] == base


def test_a_new_article_leaves_numbered_pages_in_place(client, world_with_articles):
    """Only a completed page adds a numbered page; what page 1 shows never moves."""
    world, _, articles = world_with_articles
    before = client.get("/archive/page/1/").content
    for _i in range(5):
        factories.article(parent=world, hours_ago=0, with_image=False)
        assert client.get("/archive/page/1/").content == before
        assert client.get("/archive/page/2/").status_code == 404
    factories.article(parent=world, hours_ago=0, with_image=False)  # 36: a third full page
    assert client.get("/archive/page/1/").content != before  # its Newer link: page 2
    second = client.get("/archive/page/2/").content.decode()
    assert articles[6].title in second and articles[17].title in second
    assert articles[5].title not in second and articles[18].title not in second


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-1",
        "page=0",
        "page=999999",
        "page=1e3",
        "page=" + "9" * 500,
        "page=%00%ff",
        "page=%D9%A3",  # a NUL byte; an Arabic-Indic digit
    ],
)
def test_malformed_page_numbers_get_404_not_500(client, world_with_articles, query):
    world, _, _ = world_with_articles
    for base in ("/", world.url, "/archive/", "/tags/energy/"):
        response = client.get(f"{base}?{query}", follow=True)
        assert response.status_code == 404, (base, query)
        assert "We could not find that page" in response.content.decode()


def test_unknown_urls_get_the_designed_404(client, world_with_articles):
    for path in [
        "/no-such-page/",
        "/authors/nobody/",
        "/tags/nothing/",
        "/world/missing-story/",
        "/feeds/nowhere/rss.xml",
        "/" + "x" * 3000 + "/",
    ]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "We could not find that page" in response.content.decode()


def test_tag_with_only_drafts_is_not_listed(client):
    world = factories.section()
    factories.article(parent=world, tags=["secret"], publish=False)
    assert client.get("/tags/secret/").status_code == 404


def test_listings_refuse_writes(client, world_with_articles):
    assert client.post("/archive/").status_code == 405


def test_front_page_number_leads_to_the_archive(client, world_with_articles):
    response = client.get("/", {"page": "2"})
    assert response.status_code == 301 and response["Location"] == "/archive/page/2/"


def test_front_page_sections_show_their_newest_even_when_quiet():
    """The front page reads one list of the newest articles; a section with nothing recent
    is asked for on its own and still shows its newest articles, the lead left out."""
    from masthead.publishing import selectors

    busy, quiet = factories.section(title="World"), factories.section(title="Culture")
    old = [factories.article(parent=quiet, hours_ago=500 + i, with_image=False) for i in range(3)]
    recent = [factories.article(parent=busy, hours_ago=i, with_image=False) for i in range(40)]
    shown = dict(
        (section.pk, [a.pk for a in teasers])
        for section, teasers in selectors.home_sections_latest(exclude=recent[0], per_section=4)
    )
    assert shown == {
        busy.pk: [a.pk for a in recent[1:5]],
        quiet.pk: [a.pk for a in old],
    }


def test_tags_and_authors_in_any_script_have_their_pages(client):
    world = factories.section(title="World")
    writer = factories.author(name="Анна Репортёр")
    writer.slug = "анна-репортёр"
    writer.save()
    article = factories.article(parent=world, authors=[writer], tags=["Москва"], with_image=False)
    html = client.get(article.url).content.decode()
    tag_page = client.get("/tags/москва/")
    assert tag_page.status_code == 200 and article.title in tag_page.content.decode()
    author_page = client.get("/authors/анна-репортёр/")
    assert author_page.status_code == 200 and article.title in author_page.content.decode()
    assert "/tags/%D0%BC%D0%BE%D1%81%D0%BA%D0%B2%D0%B0/" in html or "/tags/москва/" in html


def test_the_pages_of_a_listing_are_cut_from_one_read_of_it(world_with_articles):
    """Within a scope (a build, a content generation), a listing's order is read once: its
    other pages neither count nor sort the listing again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.core import memo
    from masthead.publishing import selectors
    from masthead.publishing.pagination import FIRST

    world, _, articles = world_with_articles
    listing = selectors.articles_live().child_of(world)
    with memo.scope(fresh=True):
        selectors.teasers([a.pk for a in articles])
        newest = selectors.teaser_page(listing, FIRST, 12, world.url, listing=("section", 1))
        with CaptureQueriesContext(connection) as read:
            oldest = selectors.teaser_page(listing, 1, 12, world.url, listing=("section", 1))
    assert [a.pk for a in newest.object_list] == [a.pk for a in articles[:18]]
    assert [a.pk for a in oldest.object_list] == [a.pk for a in articles[18:]]
    assert read.captured_queries == []
