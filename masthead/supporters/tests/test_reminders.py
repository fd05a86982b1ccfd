"""Remind me later: one reminder, through the real worker's schedule and a real SMTP server,
then the address is gone."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.db import connection
from django.utils import timezone

from masthead.core.models import PeriodicJob
from masthead.supporters.models import Reminder
from masthead.supporters.services.reminders import months_later
from masthead.supporters.tests.factories import origin
from masthead.supporters.tests.smtp import body_text

REMIND = "/support/remind/"


def run_worker_batch(email_url: str) -> None:
    """``masthead worker --batch`` against the test database, mailing through ``email_url``."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "EMAIL_URL": email_url}
    result = subprocess.run(
        [sys.executable, "-m", "masthead.project.cli", "worker", "--batch"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def make_due_now() -> None:
    PeriodicJob.objects.update(next_run_at=timezone.now())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_reminder_on_the_day_then_the_address_is_deleted(
    client, smtp_server, inbox, mailoutbox
):
    response = client.post(REMIND, {"email": "later@example.org", "when": "next_month"}, **origin())
    assert response.status_code == 200
    remind_on = months_later(timezone.localdate(), 1)
    assert remind_on.strftime("%-d %B %Y") in response.content.decode()
    # This browser stops showing appeals until then.
    assert response.cookies["mh_appeal_snooze"].value == f"until:{remind_on.isoformat()}"
    (confirmation,) = mailoutbox
    cancel_path = re.search(r"(/support/remind/cancel/[^/\s]+/)", confirmation.body).group(1)
    assert Reminder.objects.get().remind_on == remind_on

    run_worker_batch(smtp_server.url)
    assert inbox.to("later@example.org") == []  # not yet

    Reminder.objects.update(remind_on=timezone.localdate())  # a month passes
    make_due_now()
    run_worker_batch(smtp_server.url)
    message = inbox.wait_for("later@example.org", subject="You asked us to remind you")
    assert "/support/" in body_text(message)
    assert not Reminder.objects.exists()
    assert "later@example.org" not in str(list(Reminder.objects.values()))

    make_due_now()
    run_worker_batch(smtp_server.url)
    assert len(inbox.to("later@example.org")) == 1
    # The confirmation's cancel link now has nothing left to cancel, and says so.
    assert "has been sent or cancelled" in client.get(cancel_path).content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cancelled_reminder_is_never_sent(client, smtp_server, inbox, mailoutbox):
    client.post(REMIND, {"email": "nevermind@example.org", "when": "three_months"}, **origin())
    assert Reminder.objects.get().remind_on == months_later(timezone.localdate(), 3)
    cancel_path = re.search(r"(/support/remind/cancel/[^/\s]+/)", mailoutbox[0].body).group(1)
    page = client.get(cancel_path).content.decode()
    assert "Cancel the reminder" in page and Reminder.objects.exists()
    assert "your address deleted" in client.post(cancel_path, **origin()).content.decode()
    assert not Reminder.objects.exists()
    make_due_now()
    run_worker_batch(smtp_server.url)
    assert inbox.to("nevermind@example.org") == []


@pytest.mark.django_db
def test_asking_again_moves_the_one_reminder(client):
    client.post(REMIND, {"email": "twice@example.org", "when": "next_month"}, **origin())
    client.post(REMIND, {"email": "TWICE@example.org", "when": "three_months"}, **origin())
    assert list(Reminder.objects.values_list("email", "remind_on")) == [
        ("twice@example.org", months_later(timezone.localdate(), 3))
    ]


@pytest.mark.django_db
def test_reminder_form_explains_bad_input(client):
    page = client.get(REMIND)
    assert page.status_code == 200 and "Remind me later" in page.content.decode()
    response = client.post(REMIND, {"email": "x", "when": "next_year"}, **origin())
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter an email address like name@example.org." in html
    assert "Choose next month or in three months." in html
    assert "mh_appeal_snooze" not in response.cookies
    assert client.post(REMIND, {"email": "a@example.org", "when": "next_month"}).status_code == 403
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_months_later_keeps_to_the_calendar():
    from datetime import date

    assert months_later(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert months_later(date(2026, 11, 15), 3) == date(2027, 2, 15)
