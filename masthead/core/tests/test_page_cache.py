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


def test_query_strings_are_cached_apart(client):
    story = factories.article(parent=factories.section())
    client.get(story.url)
    assert client.get(story.url, {"utm": "x"})["X-Page-Cache"] == "miss"


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
