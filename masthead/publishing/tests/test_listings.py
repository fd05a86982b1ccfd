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
        for i in range(1, 16)
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
def test_listings_paginate_by_path(client, world_with_articles, path_of):
    world, writer, articles = world_with_articles
    base = path_of(world, writer)
    first = client.get(base).content.decode()
    second = client.get(f"{base}page/2/").content.decode()
    assert articles[0].title in first and articles[0].title not in second
    assert articles[14].title in second
    assert f'href="{base}page/2/"' in first
    assert client.get(f"{base}page/3/").status_code == 404
    assert client.get(f"{base}page/1/")["Location"] == base
    # Old-style links still work and land on the path form.
    response = client.get(base, {"page": "2"})
    assert response.status_code == 301 and response["Location"] == f"{base}page/2/"


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
