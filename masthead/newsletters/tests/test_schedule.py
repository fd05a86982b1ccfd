"""Scheduled editions go out at the newsletter's time, through the periodic dispatcher."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from masthead.newsletters import selectors
from masthead.newsletters.models import Edition, Newsletter
from masthead.newsletters.services import editions
from masthead.newsletters.tests import factories

pytestmark = pytest.mark.django_db

RIGA = ZoneInfo("Europe/Riga")


@pytest.mark.parametrize(
    ("cadence", "after", "expected"),
    [
        (
            "weekly",
            datetime(2026, 11, 25, 12, 0, tzinfo=RIGA),
            datetime(2026, 11, 27, 9, 0, tzinfo=RIGA),
        ),
        (
            "weekly",
            datetime(2026, 11, 27, 9, 0, tzinfo=RIGA),
            datetime(2026, 12, 4, 9, 0, tzinfo=RIGA),
        ),
        (
            "weekly",
            datetime(2026, 11, 27, 8, 59, tzinfo=RIGA),
            datetime(2026, 11, 27, 9, 0, tzinfo=RIGA),
        ),
        (
            "daily",
            datetime(2026, 11, 25, 12, 0, tzinfo=RIGA),
            datetime(2026, 11, 26, 9, 0, tzinfo=RIGA),
        ),
        (
            "monthly",
            datetime(2026, 11, 25, 12, 0, tzinfo=RIGA),
            datetime(2026, 12, 4, 9, 0, tzinfo=RIGA),
        ),
    ],
)
def test_next_slot_in_the_publication_time_zone(settings, cadence, after, expected):
    settings.TIME_ZONE = "Europe/Riga"
    weekly = Newsletter(cadence=cadence, send_weekday=4, send_time=time(9, 0))
    assert selectors.newsletter_next_slot(newsletter=weekly, after=after) == expected


def test_dispatcher_sends_due_editions_only(smtp_sink, django_capture_on_commit_callbacks):
    from masthead.newsletters.tasks import dispatch

    weekly = factories.newsletter()
    factories.subscriber(lists=[weekly])
    due = factories.edition(newsletter=weekly, subject="Due")
    later = factories.edition(newsletter=weekly, subject="Later")
    editions.edition_schedule(edition=due, at=datetime(2020, 1, 1, tzinfo=RIGA))
    editions.edition_schedule(edition=later)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.call()
    assert Edition.objects.get(pk=due.pk).status == "sent"
    assert Edition.objects.get(pk=later.pk).status == "scheduled"
    assert [m.message["Subject"] for m in smtp_sink.messages] == ["Due"]


def test_dispatch_is_registered_with_the_worker_schedule():
    from masthead.core import scheduler

    assert "newsletters.dispatch" in [job.name for job in scheduler.registered_jobs()]


def test_an_edition_without_articles_cannot_be_scheduled():
    weekly = factories.newsletter()
    empty = Edition.objects.create(newsletter=weekly, subject="Empty")
    with pytest.raises(ValueError, match="at least one article"):
        editions.edition_schedule(edition=empty)
