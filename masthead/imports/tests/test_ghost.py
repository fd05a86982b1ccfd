"""``masthead import ghost``: a small Ghost export (html, lexical and mobiledoc posts)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.contrib.redirects.models import Redirect
from wagtail.images.models import Image
from wagtail.models import Page

from masthead.imports.tests.factories import ghost_export, picture
from masthead.publishing.models import ArticlePage, InfoPage, SectionPage

pytestmark = pytest.mark.django_db

LEXICAL = {
    "root": {
        "type": "root",
        "children": [
            {
                "type": "paragraph",
                "children": [
                    {"type": "text", "text": "Lexical opening, ", "format": 0},
                    {"type": "text", "text": "in bold", "format": 1},
                    {
                        "type": "link",
                        "url": "https://example.net/",
                        "children": [{"type": "text", "text": " and a link"}],
                    },
                ],
            },
            {
                "type": "heading",
                "tag": "h2",
                "children": [{"type": "text", "text": "A lexical heading"}],
            },
            {"type": "quote", "children": [{"type": "text", "text": "A lexical quote."}]},
            {"type": "embed", "url": "https://vimeo.com/1234", "caption": "The film"},
            {"type": "paywall"},
        ],
    }
}
MOBILEDOC = {
    "version": "0.3.1",
    "atoms": [],
    "markups": [["em"]],
    "cards": [
        ["bookmark", {"url": "https://example.org/doc", "metadata": {"title": "Court records"}}]
    ],
    "sections": [
        [
            1,
            "p",
            [[0, [], 0, "Mobiledoc paragraph with "], [0, [0], 1, "emphasis"], [0, [], 0, "."]],
        ],
        [3, "ul", [[[0, [], 0, "first point"]], [[0, [], 0, "second point"]]]],
        [10, 0],
    ],
}


def post(id, title, slug, **fields):
    base = {
        "id": id,
        "uuid": f"uuid-{id}",
        "title": title,
        "slug": slug,
        "html": None,
        "mobiledoc": None,
        "lexical": None,
        "feature_image": None,
        "type": "post",
        "status": "published",
        "visibility": "public",
        "custom_excerpt": None,
        "published_at": "2024-05-02T09:30:00.000Z",
        "updated_at": "2024-05-02T09:30:00.000Z",
        "created_at": "2024-05-01T09:30:00.000Z",
    }
    base.update(fields)
    return base


def export(*, title="Bridge reopens after two years") -> str:
    posts = [
        post(
            "p1",
            title,
            "bridge-reopens",
            custom_excerpt="Traffic flows again.",
            feature_image="__GHOST_URL__/content/images/2024/05/bridge.jpg",
            html="<p>The bridge <strong>reopened</strong> today.</p><h2>Costs</h2>"
            "<blockquote>Worth every rouble.</blockquote>"
            '<figure class="kg-card kg-image-card kg-card-hascaption">'
            '<img src="__GHOST_URL__/content/images/size/w1000/2024/05/river.jpg" class="kg-image" alt="The river">'
            '<figcaption><span style="white-space: pre-wrap;">The river below.</span></figcaption></figure>'
            '<figure class="kg-card kg-embed-card"><iframe src="https://www.youtube.com/embed/xyz987?feature=oembed"></iframe></figure>',
        ),
        post("p2", "Лексика", "лексика", lexical=json.dumps(LEXICAL)),
        post(
            "p3",
            "Old mobiledoc post",
            "old-mobiledoc",
            mobiledoc=json.dumps(MOBILEDOC),
            type=None,
            page=False,
            author_id="u2",
            published_at=1714642200000,
        ),
        post("p4", "Draft story", "draft-story", html="<p>Not yet.</p>", status="draft"),
        post(
            "p5",
            "Scheduled story",
            "scheduled-story",
            html="<p>Soon.</p>",
            status="scheduled",
            published_at="2031-01-01T00:00:00.000Z",
        ),
        post("p6", "Paid story", "paid-story", html="<p>For members.</p>", visibility="paid"),
        post("p7", "Contact", "contact", html="<p>Write to us.</p>", type="page"),
        post(
            "p8",
            "Missing picture",
            "missing-picture",
            html="<p>Text.</p>",
            feature_image="__GHOST_URL__/content/images/2024/05/nowhere.jpg",
        ),
    ]
    tags = [
        {"id": "t1", "name": "City", "slug": "city", "visibility": "public"},
        {"id": "t2", "name": "Transport", "slug": "transport", "visibility": "public"},
        {"id": "t3", "name": "#feature", "slug": "hash-feature", "visibility": "internal"},
        {"id": "t4", "name": "Search", "slug": "search", "visibility": "public"},
    ]
    posts_tags = [
        {"post_id": "p1", "tag_id": "t3", "sort_order": 0},
        {"post_id": "p1", "tag_id": "t2", "sort_order": 2},
        {"post_id": "p1", "tag_id": "t1", "sort_order": 1},
        {"post_id": "p2", "tag_id": "t4", "sort_order": 0},
    ]
    users = [
        {"id": "u1", "name": "Vera Editor", "slug": "vera"},
        {"id": "u2", "name": "Old Author", "slug": "old-author"},
    ]
    posts_authors = [{"post_id": p, "author_id": "u1", "sort_order": 0} for p in ("p1", "p2", "p4")]
    posts_meta = [
        {
            "post_id": "p1",
            "feature_image_caption": "Opening day. Photo: Pavel Ko / Ghost Agency",
            "feature_image_alt": "Cars on the bridge",
        }
    ]
    return ghost_export(
        posts=posts,
        tags=tags,
        users=users,
        posts_tags=posts_tags,
        posts_authors=posts_authors,
        posts_meta=posts_meta,
    )


@pytest.fixture
def ghost_site(tmp_path):
    images = tmp_path / "images"
    picture(images / "2024/05/bridge.jpg")
    picture(images / "2024/05/river.jpg")
    picture(images / "size/w1000/2024/05/river.jpg")
    path = tmp_path / "ghost.json"
    path.write_text(export(), encoding="utf-8")
    return path, images


def run(path, *args) -> str:
    out = StringIO()
    args = (*args, "--fetch-private-addresses")  # the old site's test server is on 127.0.0.1
    call_command("import", "ghost", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_ghost_posts_read_as_articles(client, ghost_site):
    path, images = ghost_site
    report = run(path, "--images", str(images))
    bridge = ArticlePage.objects.get(title="Bridge reopens after two years")
    html = client.get(bridge.url).content.decode()
    assert bridge.get_parent().title == "City"  # the primary tag (first by sort_order)
    assert '<p class="article__standfirst">Traffic flows again.</p>' in html
    assert '<span class="caption">Opening day.</span>' in html
    assert '<span class="credit">Photo: Pavel Ko / Ghost Agency</span>' in html
    assert 'alt="Cars on the bridge"' in html
    assert "Vera Editor" in html
    assert "Transport" in html and "#feature" not in html
    assert [b.block_type for b in bridge.body] == [
        "paragraph",
        "heading",
        "quote",
        "image",
        "embed",
    ]
    assert "The river below." in html
    assert "https://www.youtube.com/watch?v=xyz987" in html

    lexical = ArticlePage.objects.get(title="Лексика")
    html = client.get(lexical.url).content.decode()
    assert "<b>in bold</b>" in html and "A lexical heading" in html and "A lexical quote." in html
    assert "https://vimeo.com/1234" in html
    assert "Lexical opening, in bold and a link" in html  # the standfirst: first sentence
    # "search" is an address Masthead serves: the section got another.
    assert lexical.get_parent().slug == "search-2"

    old = ArticlePage.objects.get(title="Old mobiledoc post")
    html = client.get(old.url).content.decode()
    assert "<i>emphasis</i>" in html and "<li>first point</li>" in html
    assert "Court records" in html and "Old Author" in html
    assert old.first_published_at.isoformat() == "2024-05-02T09:30:00+00:00"

    for title in ("Draft story", "Scheduled story", "Paid story"):
        page = ArticlePage.objects.get(title=title)
        assert not page.live and client.get(page.url).status_code == 404
        assert client.get(f"/{page.slug}/").status_code == 404
    assert "Paid story — for paid members only" in report
    assert "Ghost paywall card" in report
    assert "nowhere.jpg" in report
    assert InfoPage.objects.get(title="Contact").live
    assert client.get("/contact/").status_code == 200


def test_ghost_old_addresses_redirect_and_rerun_updates(client, ghost_site):
    path, images = ghost_site
    run(path, "--images", str(images))
    bridge = ArticlePage.objects.get(slug="bridge-reopens")
    for old in ("/bridge-reopens/", "/лексика/", "/tag/city/"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert client.get(response["Location"]).status_code == 200
    assert client.get("/bridge-reopens/")["Location"] == bridge.url
    counts = (Page.objects.count(), Image.objects.count(), Redirect.objects.count())
    path.write_text(export(title="Bridge reopens at last"), encoding="utf-8")
    report = run(path, "--images", str(images))
    assert "Imported 0, updated 2" in report  # the changed post, and the one missing a picture
    assert counts == (Page.objects.count(), Image.objects.count(), Redirect.objects.count())
    assert SectionPage.objects.filter(title="City").count() == 1
    assert "Bridge reopens at last</h1>" in client.get(bridge.url).content.decode()


def test_an_export_of_the_wrong_shapes_skips_what_it_spoils_and_imports_the_rest(tmp_path):
    """An export is input from outside: wrong types in any table skip the post they spoil,
    with the reason, and never end the import with a traceback."""
    good = post("ok", "Still imported", "still-imported", html="<p>Fine.</p>")
    spoiled = [
        post(7, "Id as a number", "number-id", html="<p>x</p>"),
        post(["x"], "Id as a list", "list-id", html="<p>x</p>"),
        post("s1", ["status"], "list-status", html="<p>x</p>", status=["published"]),
        post("d1", "Far future", "far-future", html="<p>x</p>", published_at=1e20),
        post("d2", "Before time", "before-time", html="<p>x</p>", published_at=-1e18),
        post("f1", "Picture as a number", "picture-number", html="<p>x</p>", feature_image=5),
        post(
            "f2", "Caption as a number", "caption-number", html="<p>x</p>", feature_image_caption=5
        ),
        post("u1", "Half an emoji \ud83d", "half-emoji", html="<p>x</p>"),
    ]
    again = post("ok", "The same id again", "same-id-again", html="<p>Not over the first.</p>")
    raw = json.loads(
        ghost_export(
            posts=[*spoiled, good, again],
            tags=[{"id": "t1", "slug": "t"}, {"id": "t2", "name": None, "slug": "n"}, "a tag"],
            users=None,
            posts_tags=[
                {"post_id": "ok", "sort_order": "1"},
                {"post_id": "ok", "tag_id": "t1", "sort_order": 2},
            ],
            posts_authors=[None],
            posts_meta=[None, {"post_id": ["x"]}],
        )
    )
    raw["db"][0]["meta"] = [1]
    path = tmp_path / "ghost.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    report = run(path)
    imported = set(ArticlePage.objects.values_list("title", flat=True))
    # A caption that is a number is shown as one; everything else spoiled is skipped.
    assert imported == {"Still imported", "Caption as a number"}
    assert "a second post with id ok in the export" in report
    assert "text that is not Unicode" in report
    # Nested past what the parser takes: a clear refusal.
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a Ghost export"):
        run(path)
