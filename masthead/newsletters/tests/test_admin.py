"""Editors in the Wagtail admin: compose, preview, test, schedule, send, watch; subscribers."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from masthead.accounts.testing import sign_in_verified
from masthead.newsletters.models import AuditEntry, Edition, Newsletter, Subscriber, Subscription
from masthead.newsletters.tests import factories
from masthead.publishing.tests.editions import two_editions  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("ed", "editor@example.org", "pw")
    sign_in_verified(client, user)
    return user


def test_edition_listing_and_edit_form(client, editor):
    weekly = factories.newsletter(name="The Friday Courier")
    edition = factories.edition(newsletter=weekly, subject="Week 48")
    listing = client.get("/admin/snippets/newsletters/edition/")
    assert listing.status_code == 200 and b"Week 48" in listing.content
    assert b"Preview, test, send" in listing.content
    form = client.get(f"/admin/snippets/newsletters/edition/edit/{edition.pk}/")
    assert form.status_code == 200 and b"Articles (drag to order)" in form.content


def test_send_page_preview_test_schedule_and_send(
    client, editor, smtp_sink, django_capture_on_commit_callbacks
):
    weekly = factories.newsletter(name="The Friday Courier")
    factories.subscribers_bulk(newsletter=weekly, count=3)
    edition = factories.edition(newsletter=weekly, subject="Week 48")
    page_url = f"/admin/newsletters/editions/{edition.pk}/send/"
    page = client.get(page_url)
    assert page.status_code == 200
    assert b"It will go to <strong>3</strong> confirmed subscribers" in page.content
    email = client.get(f"/admin/newsletters/editions/{edition.pk}/email/")
    assert email.status_code == 200 and b"<table" in email.content and b"Story 0" in email.content

    client.post(page_url, {"action": "test"})
    [test_mail] = smtp_sink.wait_for(1)
    assert test_mail.recipients == ["editor@example.org"]

    client.post(page_url, {"action": "schedule"})
    edition.refresh_from_db()
    assert edition.status == "scheduled"
    local = timezone.localtime(edition.scheduled_at)
    assert (local.weekday(), local.hour, local.minute) == (4, 9, 0)  # Friday 09:00
    client.post(page_url, {"action": "unschedule"})
    edition.refresh_from_db()
    assert edition.status == "draft"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url, {"action": "send_now"})
    edition.refresh_from_db()
    assert edition.status == "sent"
    assert len(smtp_sink.messages) == 4
    progress = client.get(page_url)
    assert b"3 of 3 done" in progress.content
    assert AuditEntry.objects.filter(
        edition=edition, actor=editor, action="edition_send_started"
    ).exists()
    # A sent edition cannot be edited any more.
    edit = client.get(f"/admin/snippets/newsletters/edition/edit/{edition.pk}/")
    assert edit.status_code == 302 and edit["Location"] == page_url


def test_subscribers_search_filter_export_and_erase(client, editor):
    weekly = factories.newsletter(name="The Friday Courier")
    breaking = factories.newsletter(name="Breaking", slug="breaking", is_default=False)
    anna = factories.subscriber(email="anna@example.org", lists=[weekly])
    factories.subscriber(email="boris@example.org", lists=[breaking], status="pending")
    base = "/admin/snippets/newsletters/subscriber/"
    found = client.get(base, {"q": "anna"}).content
    assert b"anna@example.org" in found and b"boris@example.org" not in found
    by_list = client.get(base, {"newsletter": breaking.pk}).content
    assert b"boris@example.org" in by_list and b"anna@example.org" not in by_list
    by_status = client.get(base, {"status": "pending"}).content
    assert b"boris@example.org" in by_status and b"anna@example.org" not in by_status
    export = client.get(base, {"export": "csv"})
    assert export.status_code == 200
    content = b"".join(export.streaming_content) if export.streaming else export.content
    assert b"anna@example.org" in content and b"consent" in content

    confirm = client.get(f"{base}delete/{anna.pk}/")
    assert b"Erasing deletes the email address" in confirm.content
    client.post(f"{base}delete/{anna.pk}/")
    assert not Subscriber.objects.filter(email="anna@example.org").exists()
    assert not Subscription.objects.filter(subscriber_id=anna.pk).exists()
    entry = AuditEntry.objects.get(action="erased")
    assert "anna" not in str(entry.detail) and entry.actor == editor


def test_admin_screens_need_a_login(client):
    weekly = factories.newsletter()
    edition = factories.edition(newsletter=weekly)
    response = client.get(f"/admin/newsletters/editions/{edition.pk}/send/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Edition.objects.get().status == "draft"


def test_the_editor_group_can_compose_and_send_but_not_edit_the_log(client, smtp_sink):
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("ed2", "ed2@example.org", "pw")
    user.groups.add(Group.objects.get(name="Editor"))
    sign_in_verified(client, user)
    weekly = factories.newsletter()
    edition = factories.edition(newsletter=weekly)
    assert client.get("/admin/snippets/newsletters/edition/").status_code == 200
    assert client.get(f"/admin/newsletters/editions/{edition.pk}/send/").status_code == 200
    assert client.get("/admin/snippets/newsletters/subscriber/").status_code == 200
    assert client.get("/admin/snippets/newsletters/auditentry/").status_code == 200
    entry = AuditEntry.objects.create(action="imported")
    assert client.get(f"/admin/snippets/newsletters/auditentry/edit/{entry.pk}/").status_code in (
        302,
        403,
    )
    assert client.get(f"/admin/snippets/newsletters/newsletter/edit/{weekly.pk}/").status_code in (
        302,
        403,
    )


def test_a_newsletter_cannot_take_the_address_of_another_page(client, editor):
    response = client.post(
        "/admin/snippets/newsletters/newsletter/add/",
        {
            "name": "Preview",
            "slug": "preview",
            "sender_name": "X",
            "sender_email": "x@example.org",
            "cadence": "weekly",
            "send_weekday": "4",
            "send_time": "09:00",
            "sort_order": "0",
        },
    )
    assert response.status_code == 200
    assert "is the address of another page" in response.content.decode()


def test_a_lists_language_is_shown_only_when_the_site_has_several(client, editor):
    """One language: the list's form and listing are as they were; its language is the site's."""
    add = client.get("/admin/snippets/newsletters/newsletter/add/")
    assert add.status_code == 200 and b'name="language"' not in add.content
    listing = client.get("/admin/snippets/newsletters/newsletter/")
    assert listing.status_code == 200 and b"Language" not in listing.content
    response = client.post(
        "/admin/snippets/newsletters/newsletter/add/",
        {
            "name": "Weekly",
            "slug": "weekly",
            "sender_name": "The Courier",
            "sender_email": "newsletter@news.example.org",
            "cadence": "weekly",
            "send_weekday": "4",
            "send_time": "09:00",
            "sort_order": "0",
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    assert Newsletter.objects.get(slug="weekly").language == "en"


def test_editors_choose_and_filter_by_a_lists_language(client, editor, two_editions):  # noqa: F811
    factories.newsletter(name="The Friday Courier", slug="friday")
    factories.newsletter(name="Пятничный «Курьер»", slug="friday-ru", language="ru")
    add = client.get("/admin/snippets/newsletters/newsletter/add/")
    assert (
        b'name="language"' in add.content and b'<option value="ru">Russian</option>' in add.content
    )
    listing = client.get("/admin/snippets/newsletters/newsletter/?language=ru").content.decode()
    assert "Language" in listing and "Пятничный «Курьер»" in listing
    assert "The Friday Courier" not in listing
    refused = client.post(
        "/admin/snippets/newsletters/newsletter/add/",
        {
            "name": "X",
            "slug": "x",
            "sender_name": "X",
            "sender_email": "x@news.example.org",
            "cadence": "weekly",
            "send_weekday": "4",
            "send_time": "09:00",
            "sort_order": "0",
            "language": "de",
        },
    )
    assert refused.status_code == 200 and not Newsletter.objects.filter(slug="x").exists()
