"""Leaving: RFC 8058 one-click POST, and a page to leave or rejoin each list."""

import pytest

from masthead.newsletters import tokens
from masthead.newsletters.models import Subscription
from masthead.newsletters.tests import factories
from masthead.newsletters.tests.helpers import post_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    weekly = factories.newsletter(name="The Friday Courier", slug="friday")
    breaking = factories.newsletter(name="Breaking", slug="breaking", is_default=False)
    person = factories.subscriber(email="r@example.net", lists=[weekly])
    token = tokens.list_token_make(subscriber_key=person.key, newsletter_id=weekly.pk)
    return person, weekly, breaking, token


def test_one_click_post_unsubscribes_without_origin_or_csrf(reader):
    from django.test import Client

    person, weekly, _breaking, token = reader
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/newsletter/unsubscribe/{token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Subscription.objects.get(subscriber=person, newsletter=weekly).status == "unsubscribed"
    # Repeating it (mail providers retry) changes nothing and still answers 200.
    assert client.post(f"/newsletter/unsubscribe/{token}/").status_code == 200


def test_opening_the_link_changes_nothing_and_shows_the_lists(client, reader):
    person, weekly, _breaking, token = reader
    page = client.get(f"/newsletter/unsubscribe/{token}/")
    assert page.status_code == 200
    assert b"Leave The Friday Courier" in page.content and b"Join Breaking" in page.content
    assert Subscription.objects.get(subscriber=person, newsletter=weekly).status == "confirmed"
    assert "no-store" in page["Cache-Control"]


def test_manage_page_leaves_and_rejoins(client, reader):
    person, weekly, breaking, token = reader
    path = f"/newsletter/manage/{token}/"
    left = post_form(client, path, {"action": "leave", "list": "friday"})
    assert left.status_code == 200 and b"You have left The Friday Courier" in left.content
    assert Subscription.objects.get(newsletter=weekly).status == "unsubscribed"
    back = post_form(client, path, {"action": "join", "list": "friday"})
    assert b"You have joined The Friday Courier" in back.content
    assert Subscription.objects.get(newsletter=weekly).status == "confirmed"
    post_form(client, path, {"action": "join", "list": "breaking"})
    assert Subscription.objects.get(newsletter=breaking).source_page == "manage page"


def test_manage_needs_our_origin_and_a_real_list(client, reader):
    _person, weekly, _breaking, token = reader
    path = f"/newsletter/manage/{token}/"
    assert (
        post_form(
            client, path, {"action": "leave", "list": "friday"}, origin="https://x.example"
        ).status_code
        == 403
    )
    assert post_form(client, path, {"action": "leave", "list": "nope"}).status_code == 400
    assert post_form(client, path, {"action": "explode", "list": "friday"}).status_code == 400
    # Whatever the field holds names no list (a NUL is refused by PostgreSQL in a query).
    for junk in ("\x00", "friday\x00", "x" * 5000, ""):
        assert post_form(client, path, {"action": "leave", "list": junk}).status_code == 400
    assert Subscription.objects.get(newsletter=weekly).status == "confirmed"


@pytest.mark.parametrize(
    "path", ["/newsletter/unsubscribe/{t}x/", "/newsletter/manage/{t}x/", "/newsletter/manage/abc/"]
)
def test_tampered_tokens_get_a_clear_400(client, reader, path):
    _person, weekly, _breaking, token = reader
    url = path.format(t=token)
    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    assert Subscription.objects.get(newsletter=weekly).status == "confirmed"


def test_a_token_for_an_erased_reader_is_refused(client, reader):
    person, _weekly, _breaking, token = reader
    from masthead.newsletters.services.subscriptions import subscriber_erase

    subscriber_erase(subscriber=person)
    assert client.post(f"/newsletter/unsubscribe/{token}/").status_code == 400
