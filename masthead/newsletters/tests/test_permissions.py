"""Sending an edition and exporting subscribers each need a permission of their own, and
leave a trace in the security log; who holds them after the migrations."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission

from masthead.accounts.testing import sign_in_verified
from masthead.audit.models import SecurityAction, SecurityEvent
from masthead.newsletters.models import Edition
from masthead.newsletters.tests import factories

pytestmark = pytest.mark.django_db

SUBSCRIBERS = "/admin/snippets/newsletters/subscriber/"


def staff(django_user_model, username: str, *codenames: str):
    """A staff account with exactly these permissions (and the admin itself)."""
    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", "pw-for-tests-only", is_staff=True
    )
    names = ("access_admin", *codenames)
    user.user_permissions.add(*Permission.objects.filter(codename__in=names))
    assert user.user_permissions.count() == len(names)
    return user


WRITER = ("view_edition", "change_edition", "add_edition", "view_newsletter")


@pytest.fixture
def edition():
    weekly = factories.newsletter(name="The Friday Courier")
    factories.subscribers_bulk(newsletter=weekly, count=3)
    return factories.edition(newsletter=weekly, subject="Week 48")


def send_page(edition: Edition) -> str:
    return f"/admin/newsletters/editions/{edition.pk}/send/"


def test_changing_an_edition_is_not_sending_it(
    client, django_user_model, edition, smtp_sink, django_capture_on_commit_callbacks
):
    writer = staff(django_user_model, "writer", *WRITER)
    sign_in_verified(client, writer)
    page = client.get(send_page(edition))
    assert page.status_code == 200
    assert b"Send a test" in page.content  # a test to oneself needs no more than editing
    assert b'value="send_now"' not in page.content and b'value="schedule"' not in page.content
    with django_capture_on_commit_callbacks(execute=True):
        for action in ("send_now", "schedule", "unschedule", "resend_unconfirmed"):
            assert client.post(send_page(edition), {"action": action}).status_code == 403
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT and edition.scheduled_at is None
    assert smtp_sink.messages == []
    assert not SecurityEvent.objects.filter(action=SecurityAction.EDITION_SENT).exists()


def test_sender_schedules_and_sends_and_each_leaves_a_trace(
    client, django_user_model, edition, smtp_sink, django_capture_on_commit_callbacks
):
    sender = staff(django_user_model, "sender", *WRITER, "send_edition")
    sign_in_verified(client, sender)
    page = client.get(send_page(edition))
    assert b'value="send_now"' in page.content and b'value="schedule"' in page.content

    client.post(send_page(edition), {"action": "schedule"})
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SCHEDULED
    scheduled = SecurityEvent.objects.get(action=SecurityAction.EDITION_SENT)
    assert scheduled.user_id == sender.pk
    assert (scheduled.object_type, scheduled.object_id) == ("newsletters.edition", str(edition.pk))
    assert scheduled.detail["list"] == "The Friday Courier"
    assert scheduled.detail["recipients"] == 3
    assert scheduled.detail["scheduled_for"] == edition.scheduled_at.isoformat()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_page(edition), {"action": "send_now"})
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    assert len(smtp_sink.messages) == 3
    sent = SecurityEvent.objects.filter(action=SecurityAction.EDITION_SENT).order_by("pk")
    assert sent.count() == 2
    assert sent.last().detail == {
        "list": "The Friday Courier",
        "newsletter_id": edition.newsletter_id,
        "recipients": 3,
    }
    # Pressed again once sent: nothing more goes out, and no second trace.
    client.post(send_page(edition), {"action": "send_now"})
    assert sent.count() == 2


def test_viewing_subscribers_is_not_exporting_them(client, django_user_model, edition):
    viewer = staff(django_user_model, "viewer", "view_subscriber")
    sign_in_verified(client, viewer)
    listing = client.get(SUBSCRIBERS)
    assert listing.status_code == 200
    assert b"export=csv" not in listing.content and b"Download CSV" not in listing.content
    for file_format in ("csv", "xlsx"):
        response = client.get(SUBSCRIBERS, {"export": file_format})
        assert response.status_code == 403
        assert "attachment" not in response.get("Content-Disposition", "")
    assert not SecurityEvent.objects.filter(action=SecurityAction.EXPORT).exists()


def test_exporting_subscribers_is_traced(client, django_user_model, edition):
    exporter = staff(django_user_model, "exporter", "view_subscriber", "export_subscribers")
    sign_in_verified(client, exporter)
    assert b"export=csv" in client.get(SUBSCRIBERS).content
    response = client.get(SUBSCRIBERS, {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 3
    event = SecurityEvent.objects.get(action=SecurityAction.EXPORT)
    assert event.user_id == exporter.pk
    assert event.detail == {"what": "subscribers", "rows": 3, "format": "csv", "filtered": False}
    assert "@" not in str(event.detail)  # the log names no reader


def test_groups_hold_the_new_permissions():
    def codenames(group: str) -> set[str]:
        return set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))

    assert "send_edition" in codenames("Editor") and "send_edition" in codenames("Administrator")
    assert "export_subscribers" in codenames("Administrator")
    assert "export_subscribers" not in codenames("Editor")
    assert "export_contributions" in codenames("Administrator")
    assert "export_contributions" not in codenames("Editor")
    assert not {"send_edition", "export_subscribers"} & codenames("Contributor")
