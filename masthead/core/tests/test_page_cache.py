import pytest

from masthead.core.models import PublicationSettings
from masthead.publishing.tests import factories

pytestmark = pytest.mark.django_db


def test_second_request_is_served_from_cache(client):
    story = factories.article(parent=factories.section())
    first, second = client.get(story.url), client.get(story.url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert first.content == second.content


def test_publishing_an_edit_shows_at_once(client):
    story = factories.article(parent=factories.section(), title="First headline")
    client.get(story.url)
    story.title = "Corrected headline"
    story.save_revision().publish(skip_permission_checks=True)
    response = client.get(story.url)
    assert response["X-Page-Cache"] == "miss"
    assert "Corrected headline" in response.content.decode()


def test_a_draft_edit_does_not_change_the_public_page(client):
    story = factories.article(parent=factories.section(), title="Live headline")
    client.get(story.url)
    story.title = "Draft headline"
    story.save_revision()
    assert "Live headline" in client.get(story.url).content.decode()


def test_unpublishing_removes_the_page_and_its_teasers(client):
    world = factories.section()
    story = factories.article(parent=world, title="Soon withdrawn")
    assert "Soon withdrawn" in client.get("/").content.decode()
    client.get(story.url)
    story.unpublish()
    assert client.get(story.url).status_code == 404
    assert "Soon withdrawn" not in client.get("/").content.decode()


def test_a_cached_404_gives_way_to_a_new_page(client):
    world = factories.section()
    assert client.get("/world/breaking/").status_code == 404
    factories.article(parent=world, slug="breaking", title="Breaking")
    assert client.get("/world/breaking/").status_code == 200


def test_settings_change_invalidates(client):
    client.get("/")
    publication = PublicationSettings.load()
    publication.name = "The Renamed Courier"
    publication.save()
    assert "The Renamed Courier" in client.get("/").content.decode()


def test_signed_in_staff_bypass_the_cache(admin_client):
    story = factories.article(parent=factories.section())
    admin_client.get(story.url)
    assert "X-Page-Cache" not in admin_client.get(story.url)


def _junk_is_a_hit(client, url: str) -> None:
    plain = client.get(url)
    assert plain.status_code == 200 and plain["X-Page-Cache"] == "miss", url
    for junk in ("utm_source=x", "fbclid=y", "utm_x=z&utm_y=w", "a=%ff&b"):
        response = client.get(f"{url}?{junk}")
        assert response["X-Page-Cache"] == "hit", (url, junk)
        assert response.content == plain.content, (url, junk)
        assert response.headers == {**plain.headers, "X-Page-Cache": "hit"}, (url, junk)


def test_junk_query_parameters_answer_the_cached_page(client):
    """``?utm_source=`` and the like: the page's own entry, the same bytes, no render."""
    world = factories.section()
    story = factories.article(parent=world, tags=["energy"])
    for url in (story.url, world.url, "/tags/energy/", "/archive/", "/"):
        _junk_is_a_hit(client, url)


def test_a_view_never_sees_parameters_it_does_not_declare(client, settings):
    """Cached or not (the cache off), the page is the same: the view reads only what it
    declares, so a fresh render and a cached answer cannot differ."""
    story = factories.article(parent=factories.section())
    cached = client.get(story.url).content
    settings.PAGE_CACHE_ENABLED = False
    assert client.get(story.url, {"utm_source": "x"}).content == cached


def test_page_numbers_in_the_query(client):
    world = factories.section()
    factories.article(parent=world)
    client.get(world.url)  # the path's readers are known from here on
    two = client.get(world.url, {"page": "2"})
    assert two.status_code == 301 and two["Location"] == f"{world.url}page/2/"
    again = client.get(world.url, {"page": "02", "utm_source": "x"})
    assert again["X-Page-Cache"] == "hit" and again["Location"] == two["Location"]
    # Every malformed number is one entry: the first is rendered, the others are hits.
    first_bad = client.get(world.url, {"page": "abc"})
    assert (first_bad.status_code, first_bad["X-Page-Cache"]) == (404, "miss")
    for bad in ("99999999999999999999", "0", "-1", "1e3", "%D9%A3", ""):
        response = client.get(f"{world.url}?page={bad}")
        assert (response.status_code, response["X-Page-Cache"]) == (404, "hit"), bad
        assert response.content == first_bad.content


def test_a_parameter_the_page_reads_still_changes_it(client):
    """The front page reads ``?page=`` (old links into the archive); the form of the support
    page is filled in from its parameters, each kept only in its own format."""
    factories.article(parent=factories.section())
    home = client.get("/")
    assert home.status_code == 200
    moved = client.get("/", {"page": "3", "utm_source": "x"})
    assert moved.status_code == 301 and moved["Location"] == "/archive/page/3/"

    contribute = "/support/contribute/"
    plain = client.get(contribute).content
    fifty = client.get(contribute, {"frequency": "annual", "currency": "GBP", "amount": "50"})
    assert fifty.content != plain
    same = client.get(
        contribute, {"amount": "50", "currency": "GBP", "frequency": "annual", "fbclid": "q"}
    )
    assert same["X-Page-Cache"] == "hit" and same.content == fifty.content
    made_up = client.get(contribute, {"amount": "50" * 20, "frequency": "often", "campaign": "<"})
    assert made_up["X-Page-Cache"] == "hit" and made_up.content == plain


def test_posts_and_admin_are_never_cached(client):
    assert "X-Page-Cache" not in client.post("/archive/")
    client.get("/admin/login/")
    assert "X-Page-Cache" not in client.get("/admin/login/")


def test_responses_setting_cookies_are_not_cached(client, settings):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from masthead.core.page_cache import PageCacheMiddleware

    def view(request):
        response = HttpResponse("hello")
        response.set_cookie("reader", "1")
        return response

    middleware = PageCacheMiddleware(view)
    request = RequestFactory().get("/with-cookie/")
    middleware(request)
    second = middleware(RequestFactory().get("/with-cookie/"))
    assert "X-Page-Cache" not in second and second.cookies["reader"].value == "1"


def test_cache_can_be_switched_off(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    story = factories.article(parent=factories.section())
    client.get(story.url)
    assert "X-Page-Cache" not in client.get(story.url)


def test_old_wordpress_addresses_on_the_front_page_still_redirect(client):
    """``/?p=101`` is read by a middleware before the front page's view: still in the key."""
    from wagtail.contrib.redirects.models import Redirect

    story = factories.article(parent=factories.section())
    Redirect.objects.create(old_path=Redirect.normalise_path("/?p=101"), redirect_page=story)
    home = client.get("/")  # the front page's readers are known from here on
    moved = client.get("/", {"p": "101", "utm_source": "x"})
    assert moved.status_code == 301 and moved["Location"] == story.url
    unknown = client.get("/", {"p": "999"})
    assert unknown.status_code == 200 and unknown.content == home.content
