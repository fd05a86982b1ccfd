import re

import pytest

from masthead.publishing.tests import factories

pytestmark = pytest.mark.django_db


def _positions(html: str, markers: list[str]) -> list[int]:
    return [html.index(m) for m in markers]


def test_article_page_shows_its_parts_in_reading_order(client):
    world = factories.section(title="World")
    writer = factories.author(name="Ana Reporter")
    story = factories.article(
        parent=world, title="Bridge reopens", authors=[writer], tags=["transport"]
    )
    html = client.get(story.url).content.decode()
    order = _positions(
        html,
        [
            'class="article__section"',
            "Bridge reopens</h1>",
            'class="article__standfirst"',
            'class="article__lead',
            "Protesters gather in the square.",
            "Photo: Jane Doe / Masthead Agency",
            'class="byline"',
            "<time datetime=",
            "First paragraph of the story.",
            'class="article__tags',
            'class="signup',
            'class="appeal',
        ],
    )
    assert order == sorted(order)
    assert 'alt="A street at dusk"' in html
    assert (
        "<blockquote><p>We will not be silenced.</p></blockquote><figcaption>A source</figcaption>"
        in html
    )


def test_unsigned_article_has_no_byline(client):
    story = factories.article(parent=factories.section(), authors=[])
    html = client.get(story.url).content.decode()
    assert 'class="byline"' not in html
    assert 'rel="author"' not in html


def test_pseudonymous_author_page_says_pen_name(client):
    pen = factories.author(name="K. Winter", pseudonym=True)
    factories.article(parent=factories.section(), authors=[pen])
    html = client.get(pen.get_absolute_url()).content.decode()
    assert "K. Winter</h1>" in html
    assert "pen name" in html


def test_read_more_prefers_editors_picks_then_shared_tags_then_section(client):
    from masthead.publishing.models import RelatedArticle

    world, culture = factories.section(title="World"), factories.section(title="Culture")
    story = factories.article(parent=world, tags=["energy"])
    pick = factories.article(parent=culture, title="Editors pick", hours_ago=50)
    same_tag = factories.article(
        parent=culture, title="Shares a tag", tags=["energy"], hours_ago=30
    )
    same_section = factories.article(parent=world, title="Same section", hours_ago=20)
    unrelated = factories.article(parent=culture, title="Unrelated", hours_ago=2)
    draft = factories.article(parent=world, title="Draft story", publish=False)
    RelatedArticle.objects.create(page=story, article=pick, sort_order=0)
    RelatedArticle.objects.create(page=story, article=draft, sort_order=1)

    html = client.get(story.url).content.decode()
    read_more = html[html.index('id="read-more-heading"') :]
    titles = re.findall(r'class="teaser__headline"><a href="[^"]+">([^<]+)</a>', read_more)
    assert titles == [pick.title, same_tag.title, same_section.title]
    assert unrelated.title not in read_more and draft.title not in read_more


def test_draft_articles_are_not_public(client):
    draft = factories.article(parent=factories.section(), publish=False)
    assert client.get(f"/world/{draft.slug}/").status_code == 404


def test_public_page_sets_no_cookie_and_is_identical_for_every_reader(client):
    story = factories.article(parent=factories.section())
    first = client.get(story.url, headers={"accept-language": "de"})
    client.cookies.clear()
    second = client.get(story.url, HTTP_USER_AGENT="Another browser")
    assert not first.cookies and not second.cookies
    assert first.content == second.content


def test_no_third_party_addresses_in_public_pages(client):
    story = factories.article(parent=factories.section())
    for path in ["/", story.url, "/archive/"]:
        html = client.get(path).content.decode()
        loaded = re.findall(r'(?:src|srcset)="(?:https?:)?//([^/"]+)', html)
        loaded += re.findall(r'<link[^>]+href="(?:https?:)?//([^/"]+)', html)
        assert set(loaded) <= {"news.example.org"}, f"{path} loads from {loaded}"


def test_read_more_prefers_picks_then_shared_tags_then_the_section():
    """Editors' picks first (live ones only), then the most shared tags (newest first among
    equals), then the newest of the same section; never a draft, never the article itself."""
    from masthead.publishing import selectors
    from masthead.publishing.models import RelatedArticle

    world, culture = factories.section(title="World"), factories.section(title="Culture")
    story = factories.article(parent=world, tags=["a", "b"], hours_ago=5)
    both_old = factories.article(parent=culture, tags=["a", "b"], hours_ago=4)
    both_new = factories.article(parent=culture, tags=["b", "a"], hours_ago=3)
    one_tag = factories.article(parent=culture, tags=["a"], hours_ago=2)
    same_section = factories.article(parent=world, hours_ago=1)
    factories.article(parent=culture, hours_ago=0)  # neither tag nor section: not chosen
    picked = factories.article(parent=culture, hours_ago=6)
    draft = factories.article(parent=world, tags=["a", "b"], publish=False)
    RelatedArticle.objects.create(page=story, article=draft, sort_order=0)
    RelatedArticle.objects.create(page=story, article=picked, sort_order=1)

    chosen = [a.pk for a in selectors.article_read_more(article=story, limit=5)]
    assert chosen == [picked.pk, both_new.pk, both_old.pk, one_tag.pk, same_section.pk]
    assert [a.pk for a in selectors.article_read_more(article=story, limit=2)] == chosen[:2]


def test_read_more_ranks_by_how_many_tags_are_shared_whatever_their_order():
    """Three tags: three shared before two, two before one, and within each count the newest;
    which tags are shared, and in what order they were given, does not matter."""
    from masthead.publishing import selectors

    world, culture = factories.section(title="World"), factories.section(title="Culture")
    story = factories.article(parent=world, tags=["a", "b", "c"], hours_ago=9)
    all_three = factories.article(parent=culture, tags=["c", "b", "a"], hours_ago=8)
    a_and_b = factories.article(parent=culture, tags=["a", "b"], hours_ago=7)
    c_and_a = factories.article(parent=culture, tags=["c", "a", "z"], hours_ago=6)
    only_c = factories.article(parent=culture, tags=["c"], hours_ago=5)
    only_b = factories.article(parent=culture, tags=["z", "b"], hours_ago=4)
    factories.article(parent=culture, tags=["z"], hours_ago=0)  # no tag in common

    chosen = [a.pk for a in selectors.article_read_more(article=story, limit=5)]
    assert chosen == [all_three.pk, c_and_a.pk, a_and_b.pk, only_b.pk, only_c.pk]
    assert [a.pk for a in selectors.article_read_more(article=story, limit=2)] == chosen[:2]


def test_a_build_routes_and_renders_every_page_as_a_web_request_does(client):
    """A build reads in a fresh scope of its own (``core.memo``), a web request in the content
    generation's: the same code, so every answer is the same, byte for byte, and stays so when
    the addresses and teasers come from the memo."""
    from masthead.core import memo
    from masthead.publishing.models import InfoPage

    world, culture = factories.section(title="World"), factories.section(title="Culture")
    writer = factories.author(name="Ana Reporter")
    stories = [
        factories.article(
            parent=culture if i % 5 == 0 else world, authors=[writer], tags=["a"], with_image=i < 3
        )
        for i in range(30)
    ]
    draft = factories.article(parent=world, publish=False)
    about = InfoPage(title="About us", slug="about")
    factories.home().add_child(instance=about)
    paths = [
        *(s.url for s in stories),
        world.url,
        f"{world.url}page/1/",
        f"{world.url}page/0/",
        f"{world.url}page/9/",
        culture.url,
        "/tags/a/",
        "/tags/a/page/1/",
        writer.get_absolute_url(),
        "/archive/",
        "/archive/page/1/",
        "/",
        about.url,
        draft.url,
        f"{world.url}no-such-story/",
        f"{stories[0].url}deeper/",
        "/no-such-section/story/",
    ]

    def answers():
        return {p: (r.status_code, r.content) for p in paths for r in [client.get(p)]}

    from_requests = answers()
    with memo.scope(fresh=True):
        from_build = answers()
        again = answers()  # now every teaser and address comes from the memo
    assert from_build == from_requests
    assert again == from_requests
    assert from_requests[draft.url][0] == 404
    assert from_requests[f"{world.url}page/1/"][0] == 200
    assert from_requests[f"{world.url}page/0/"][0] == 404


def test_pages_in_a_build_declare_the_teasers_they_reuse(client):
    """A teaser rendered for one page is reused by the next without loading the article
    again; the next page must still record that it shows the article, its byline and its
    photo, or an edit would leave that file stale."""
    from masthead.core import memo

    world = factories.section(title="World")
    writer = factories.author(name="Ana Reporter")
    story = factories.article(parent=world, authors=[writer], tags=["a"])
    expected = {
        memo.Shown("page", story.pk),
        memo.Shown("author", writer.pk),
        memo.Shown("image", story.lead_image_id),
    }
    with memo.scope(fresh=True):
        for path in [world.url, "/tags/a/", "/archive/", writer.get_absolute_url()]:
            with memo.recording() as shown:
                assert client.get(path).status_code == 200
            assert expected <= shown, path


def test_the_framework_caches_masthead_fills_in_are_the_ones_they_read():
    """Routing from the map of addresses hands a page its parent through treebeard's
    ``_cached_parent_obj``; article pages find their prefetched rows in Django's
    ``_prefetched_objects_cache``. Pin both names."""
    from masthead.publishing.models import ArticlePage

    world = factories.section(title="World")
    story = factories.article(parent=world, authors=[factories.author(name="Ana")])
    page = ArticlePage.objects.get(pk=story.pk)
    marker = object()
    page._cached_parent_obj = marker
    assert page.get_parent() is marker

    loaded = ArticlePage.objects.prefetch_related("article_authors").get(pk=story.pk)
    assert "article_authors" in loaded._prefetched_objects_cache
