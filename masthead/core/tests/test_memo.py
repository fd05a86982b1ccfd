"""``core.memo``: web requests read in the content generation's scope, a build in a fresh one;
a publish starts a new generation's scope; outside a scope nothing is kept."""

import pytest
from django.test import RequestFactory
from wagtail.models import Site

from masthead.core import memo, page_cache


def test_outside_a_scope_every_read_is_computed():
    calls = []
    for _ in range(2):
        memo.memo("key", lambda: calls.append(1))
    assert len(calls) == 2


@pytest.mark.django_db
def test_web_requests_share_the_generations_scope_until_a_publish_moves_it():
    calls = []

    def read():
        with memo.scope():
            return memo.memo("key", lambda: calls.append(1) or len(calls))

    assert read() == read() == 1
    page_cache.invalidate()  # what publishing, unpublishing, moving, deleting do
    assert read() == read() == 2


@pytest.mark.django_db
def test_a_fresh_scope_is_its_own_and_nested_scopes_share_the_outer_one():
    with memo.scope():
        memo.memo("key", lambda: "web")
    with memo.scope(fresh=True):
        assert memo.memo("key", lambda: "build") == "build"
        with memo.scope():  # a request rendered by the build reads in the build's scope
            assert memo.memo("key", lambda: "web again") == "build"
    with memo.scope():
        assert memo.memo("key", lambda: "not read") == "web"


@pytest.mark.django_db
def test_the_middleware_keeps_the_admin_out_of_the_scope():
    seen = []
    middleware = memo.MemoMiddleware(lambda request: seen.append(memo.current()))
    middleware(RequestFactory().get("/admin/pages/"))
    middleware(RequestFactory().get("/world/"))
    assert seen[0] is None
    assert seen[1] is not None


@pytest.mark.django_db
def test_wagtail_reads_the_site_the_middleware_found_from_the_request():
    """``MemoMiddleware`` sets Wagtail's own cache of the request's site
    (``request._wagtail_site``, found with ``Site._find_for_request``): pin both names."""
    request = RequestFactory().get("/")
    found = Site._find_for_request(request)
    marker = object()
    request._wagtail_site = marker
    assert Site.find_for_request(request) is marker
    assert found == Site.objects.get(is_default_site=True)


def test_djangos_raw_host_is_what_the_middleware_keys_the_site_on():
    """``MemoMiddleware`` keys the site on ``request._get_raw_host()`` (the host before
    ALLOWED_HOSTS validation, as Wagtail's ``Site.find_for_request`` reads it): pin it."""
    request = RequestFactory().get("/", HTTP_HOST="news.example.org:8443")
    assert request._get_raw_host() == "news.example.org:8443"


def test_a_value_that_shows_something_is_declared_by_every_page_that_takes_it():
    photo = memo.Shown("image", 7)

    def full_text():
        memo.shows(photo)  # what rendering it loaded
        return "<p>text</p>"

    with memo.scope(fresh=True):
        for _ in range(2):  # computed for the first page, taken from the memo by the second
            with memo.recording() as shown:
                assert memo.memo_showing("full-text", full_text) == "<p>text</p>"
            assert shown == {photo}
        with memo.recording() as shown:  # a plain memo value declares nothing
            memo.memo("plain", full_text)
            memo.memo("plain", full_text)
        assert shown == set()
