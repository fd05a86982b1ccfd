"""Signing up: double opt-in, the same answer for everyone, spam protection, bad input."""

from pathlib import Path

import pytest

from masthead.newsletters.models import AuditEntry, Subscriber, Subscription
from masthead.newsletters.tests import factories
from masthead.newsletters.tests.helpers import link_in, post_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def weekly():
    return factories.newsletter(name="The Friday Courier", slug="friday")


def signup(client, email, *, lists=("friday",), json=True, lists_shown=None, **kwargs):
    data = {"email": email, "lists": list(lists), "source": "/politics/story/"}
    if lists_shown:
        data["lists_shown"] = lists_shown
    return post_form(client, "/newsletter/signup/", data, json=json, **kwargs)


def test_signup_sends_one_confirmation_with_a_working_link(
    client, weekly, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, "Reader@Example.NET")
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert "reader@example.net" in response.json()["message"]
    [mail] = smtp_sink.wait_for(1)
    assert mail.recipients == ["reader@example.net"]
    assert "Confirm your subscription to The Friday Courier" in mail.message["Subject"]
    subscription = Subscription.objects.get()
    assert subscription.status == "pending"
    assert subscription.source_page == "/politics/story/"
    # Only confirmed readers receive editions; confirming is a click on the emailed link.
    confirm_path = link_in(mail.message.get_body().get_content(), "/newsletter/confirm/")
    page = client.get(confirm_path)
    assert page.status_code == 200 and b"Confirm" in page.content
    subscription.refresh_from_db()
    assert subscription.status == "pending"  # opening the link (a scanner) confirms nothing
    done = post_form(client, confirm_path, {})
    assert done.status_code == 200 and b"You are subscribed" in done.content
    subscription.refresh_from_db()
    assert subscription.status == "confirmed" and subscription.consented_at is not None


def test_existing_address_gets_the_same_answer_and_at_most_one_email_an_hour(
    client, weekly, smtp_sink, django_capture_on_commit_callbacks
):
    factories.subscriber(email="known@example.net", lists=[weekly])
    with django_capture_on_commit_callbacks(execute=True):
        known = signup(client, "known@example.net")
        new = signup(client, "new@example.net")
    assert known.status_code == new.status_code == 200
    assert known.json()["message"].replace("known", "X") == new.json()["message"].replace(
        "new", "X"
    )
    smtp_sink.wait_for(2)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert signup(client, "new@example.net").status_code == 200
    assert len(smtp_sink.to("new@example.net")) == 1
    # The already-subscribed reader is told so, with a way to manage their lists.
    [reminder] = smtp_sink.to("known@example.net")
    assert "already subscribed" in reminder.message["Subject"]


def test_page_answer_without_javascript(client, weekly, smtp_sink):
    response = signup(client, "plain@example.net", json=False)
    assert response.status_code == 200
    assert b"Check your inbox" in response.content
    assert response["Cache-Control"].startswith("max-age=0")


def test_honeypot_looks_like_success_but_stores_nothing(client, weekly, smtp_sink):
    data = {"email": "bot@example.net", "lists": ["friday"], "website": "http://spam"}
    response = post_form(client, "/newsletter/signup/", data, json=True)
    assert response.status_code == 200 and response.json()["ok"]
    assert not Subscriber.objects.exists()


def test_rate_limit_per_client_keeps_no_address(client, weekly, settings, smtp_sink):
    settings.NEWSLETTER_SIGNUP_RATE = (3, 600)
    codes = [
        signup(client, f"r{i}@example.net", REMOTE_ADDR="203.0.113.9").status_code for i in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    # What the limiter keeps is a keyed hash in the cache; the address is stored nowhere.
    cache_dir = Path(settings.CACHES["default"]["LOCATION"])
    for path in cache_dir.rglob("*"):
        if path.is_file():
            assert b"203.0.113.9" not in path.read_bytes()
    assert not AuditEntry.objects.filter(detail__icontains="203.0.113.9").exists()


def test_one_address_is_limited_whatever_the_client(client, weekly, settings, smtp_sink):
    settings.PUBLIC_FORMS_POSTS_PER_EMAIL = 2
    codes = [
        signup(client, "same@example.net", REMOTE_ADDR=f"203.0.113.{n}").status_code
        for n in (1, 2, 3)
    ]
    assert codes == [200, 200, 429]
    assert signup(client, "other@example.net", REMOTE_ADDR="203.0.113.4").status_code == 200


@pytest.mark.parametrize(
    "origin",
    [None, "https://evil.example", "https://news.example.org.evil.example"],
)
def test_post_from_another_origin_is_refused(client, weekly, origin):
    response = signup(client, "x@example.net", origin=origin)
    assert response.status_code == 403
    assert "own website" in response.json()["message"]
    assert not Subscriber.objects.exists()


def test_the_offline_copy_may_sign_up_from_disk(client, weekly, smtp_sink):
    """A page opened from disk (file://) sends ``Origin: null``; its script reads the answer."""
    response = signup(client, "disk@example.net", origin="null")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "null"


def test_referer_stands_in_for_a_missing_origin(client, weekly, smtp_sink):
    response = signup(
        client, "ref@example.net", origin=None, HTTP_REFERER="https://news.example.org/a/"
    )
    assert response.status_code == 200


def test_a_mirror_listed_in_public_origins_is_accepted(client, weekly, settings, smtp_sink):
    settings.PUBLIC_ORIGINS = ["https://mirror.example.net"]
    response = signup(client, "m@example.net", origin="https://mirror.example.net")
    assert response.status_code == 200
    # The mirror's copy of the page reads the answer of a post made from its own origin.
    assert response["Access-Control-Allow-Origin"] == "https://mirror.example.net"
    refused = signup(client, "m@example.net", origin="https://evil.example")
    assert "Access-Control-Allow-Origin" not in refused


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address."),
        ("not-an-address", "Enter an email address like name@example.org."),
        ("a@b@example.org", "Enter an email address like name@example.org."),
        ("two words@example.org", "An email address cannot contain spaces."),
        ("x" * 250 + "@example.org", "An email address has at most 254 characters."),
        ("user@exa mple.org", "An email address cannot contain spaces."),
    ],
)
def test_bad_addresses_get_a_clear_message_and_store_nothing(client, weekly, email, message):
    response = signup(client, email)
    assert response.status_code == 400
    assert response.json()["message"] == message
    page = signup(client, email, json=False)
    assert page.status_code == 400 and message.encode() in page.content.replace(b"&#x27;", b"'")
    assert not Subscriber.objects.exists()


def test_unknown_list_is_refused(client, weekly):
    response = signup(client, "x@example.net", lists=["no-such-list"])
    assert response.status_code == 400
    assert "There is no newsletter called no-such-list." in response.json()["message"]
    assert not Subscriber.objects.exists()


def test_several_lists_shown_need_a_choice(client, weekly):
    factories.newsletter(name="Breaking", slug="breaking", is_default=False)
    # The form shows both lists as choices: ticking none is a mistake, not the pre-selected.
    response = signup(client, "x@example.net", lists=[], lists_shown="1")
    assert response.status_code == 400
    assert response.json()["message"] == "Choose at least one newsletter."
    assert not Subscriber.objects.exists()
    html = client.get("/newsletter/").content.decode()
    assert '<input type="hidden" name="lists_shown" value="1">' in html


def test_a_signup_naming_no_list_joins_the_pre_selected_one(client, weekly):
    factories.newsletter(name="Breaking", slug="breaking", is_default=False)
    assert signup(client, "x@example.net", lists=[]).status_code == 200
    assert [s.newsletter for s in Subscription.objects.all()] == [weekly]


def test_several_lists_none_pre_selected_need_a_choice(client):
    factories.newsletter(name="Friday", slug="friday", is_default=False)
    factories.newsletter(name="Breaking", slug="breaking", is_default=False)
    response = signup(client, "x@example.net", lists=[])
    assert response.status_code == 400
    assert response.json()["message"] == "Choose at least one newsletter."


def test_malformed_requests_are_4xx(client, weekly):
    assert client.get("/newsletter/signup/").status_code == 302
    assert (
        client.put("/newsletter/signup/", HTTP_ORIGIN="https://news.example.org").status_code == 405
    )
    garbage = client.post(
        "/newsletter/signup/",
        b"\xff\xfe\x00not a form",
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN="https://news.example.org",
    )
    assert garbage.status_code == 400
    huge = post_form(
        client, "/newsletter/signup/", {"email": "a@b.org", "source": "/" + "x" * 5000}
    )
    assert huge.status_code == 400
