"""Editors see each post's status and link on the article's edit page, and can post again:
a POST with Django's CSRF token, by someone who may publish the article, in its history."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from wagtail.models import PageLogEntry

from masthead.accounts.testing import sign_in_verified
from masthead.channels.models import ChannelPost
from masthead.channels.tests.test_posting import posts, publish

pytestmark = pytest.mark.django_db


def csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    sign_in_verified(client, user)
    return client


def token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_the_edit_page_shows_each_post_and_the_opt_out(
    admin_client, channels_on, queue, django_capture_on_commit_callbacks
):
    page = publish(django_capture_on_commit_callbacks, with_image=False)
    queue.run()
    html = admin_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert re.search(r'<input[^>]*name="post_to_channels"[^>]*checked', html)
    assert "https://t.me/testcourier/1" in html
    assert posts(page)["mastodon"].remote_url in html
    assert f"/admin/channels/pages/{page.pk}/" in html
    # A new article's form says what will happen.
    add = admin_client.get(f"/admin/pages/add/publishing/articlepage/{page.get_parent().pk}/")
    assert "Posted to the newsroom's channels when first published" in add.content.decode()


def test_post_again_needs_csrf_and_is_recorded(
    admin_user, channels_on, queue, django_capture_on_commit_callbacks
):
    telegram, mastodon, _ = channels_on
    page = publish(django_capture_on_commit_callbacks, with_image=False)
    queue.run()
    client = csrf_client(admin_user)
    listing = client.get(f"/admin/channels/pages/{page.pk}/").content.decode()
    assert "Post again" in listing and "this posts it a second time" in listing
    url = f"/admin/channels/pages/{page.pk}/post/"
    assert client.post(url, {"channel": "mastodon"}).status_code == 403  # no CSRF token
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, {"channel": "mastodon", "csrfmiddlewaretoken": token(listing)})
    assert answer.status_code == 302
    post = posts(page)["mastodon"]
    assert (post.state, post.requested_by_id, post.remote_url) == ("queued", admin_user.pk, "")
    entry = PageLogEntry.objects.get(page=page, action="masthead.channels.post_requested")
    assert entry.user_id == admin_user.pk and entry.data["channel"] == "Mastodon"
    assert entry.data["previous"]["state"] == "sent"
    # Asked twice (a double click): one post.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            url, {"channel": "mastodon", "csrfmiddlewaretoken": token(listing)}, follow=True
        )
    assert "already on its way" in again.content.decode()
    queue.run()
    assert len(mastodon.statuses) == 2  # the editor asked for a second one, once
    assert len(telegram.messages) == 1
    assert posts(page)["mastodon"].state == "sent"


def test_an_article_published_unticked_can_be_posted_by_hand(
    admin_user, channels_on, queue, django_capture_on_commit_callbacks
):
    telegram, _, _ = channels_on
    page = publish(django_capture_on_commit_callbacks, with_image=False, post_to_channels=False)
    client = csrf_client(admin_user)
    listing = client.get(f"/admin/channels/pages/{page.pk}/").content.decode()
    assert "Post now" in listing and "is unticked" in listing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/channels/pages/{page.pk}/post/",
            {"channel": "telegram", "csrfmiddlewaretoken": token(listing)},
        )
    queue.run()
    assert set(posts(page)) == {"telegram"} and len(telegram.messages) == 1


def test_only_those_who_may_publish_the_article_can_post(
    django_user_model, channels_on, django_capture_on_commit_callbacks
):
    page = publish(django_capture_on_commit_callbacks, with_image=False)
    user = django_user_model.objects.create_user("reader-staff", password="x" * 16)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    sign_in_verified(client, user)
    assert client.get(f"/admin/channels/pages/{page.pk}/").status_code in (302, 403)
    client.post(f"/admin/channels/pages/{page.pk}/post/", {"channel": "telegram"})
    assert ChannelPost.objects.get(page_id=page.pk, channel="telegram").state == "queued"
    assert not PageLogEntry.objects.filter(action="masthead.channels.post_requested").exists()


def test_unknown_channels_get_a_clear_answer(
    admin_client, channels_on, django_capture_on_commit_callbacks
):
    page = publish(django_capture_on_commit_callbacks, with_image=False)
    answer = admin_client.post(
        f"/admin/channels/pages/{page.pk}/post/", {"channel": "myspace"}, follow=True
    )
    assert answer.status_code == 200
    assert "Choose one of the channels listed." in answer.content.decode()
    assert admin_client.get("/admin/channels/pages/999999/").status_code == 404


def test_an_address_naming_no_article_is_404(admin_user, channels_on):
    from wagtail.models import Page

    client = csrf_client(admin_user)
    home = Page.objects.get(depth=2)  # a page, not an article
    for page_id in (home.pk, 10**6, 2**63, 10**20):
        assert client.get(f"/admin/channels/pages/{page_id}/").status_code == 404, page_id
        posted = client.post(f"/admin/channels/pages/{page_id}/post/", {"channel": "telegram"})
        assert posted.status_code in (403, 404), page_id  # no CSRF token, or no such article
