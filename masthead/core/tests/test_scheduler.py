"""Periodic jobs and scheduled publishing, through the real worker command."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import Revision

from masthead.core import scheduler
from masthead.core.models import PeriodicJob
from masthead.publishing.tests import factories

# The worker runs as its own process, as in production: it must see committed data.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker_batch() -> None:
    """``masthead worker --batch`` against the test database, in a separate process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "-m", "masthead.project.cli", "worker", "--batch"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


JOB = "publishing.publish_scheduled"


def _queued(path: str) -> int:
    return DBTaskResult.objects.filter(task_path=path).count()


def test_due_job_is_enqueued_once_and_schedule_moves_on():
    now = timezone.now()
    assert "publishing.publish_scheduled" in scheduler.enqueue_due_jobs(now=now)
    assert JOB not in scheduler.enqueue_due_jobs(now=now + timedelta(seconds=30))
    job = PeriodicJob.objects.get(name="publishing.publish_scheduled")
    assert job.next_run_at == now + timedelta(minutes=1)
    assert "publishing.publish_scheduled" in scheduler.enqueue_due_jobs(
        now=now + timedelta(minutes=1)
    )
    assert _queued("masthead.publishing.tasks.publish_scheduled") == 2


def test_schedule_survives_a_restart_and_does_not_catch_up_every_missed_run():
    start = timezone.now()
    scheduler.enqueue_due_jobs(now=start)
    # The worker is down for a day; the state is in the database, not in the process.
    later = start + timedelta(days=1)
    assert JOB in scheduler.enqueue_due_jobs(now=later)
    assert JOB not in scheduler.enqueue_due_jobs(now=later)
    assert _queued("masthead.publishing.tasks.publish_scheduled") == 2
    assert PeriodicJob.objects.get(name=JOB).next_run_at == later + timedelta(minutes=1)


def test_two_workers_racing_enqueue_a_run_once():
    now = timezone.now()
    scheduler.enqueue_due_jobs(now=now)
    stale = PeriodicJob.objects.get(name=JOB)
    # A second worker read the same state before the first moved it on: its update misses.
    scheduler.enqueue_due_jobs(now=now + timedelta(minutes=1))
    claimed = PeriodicJob.objects.filter(pk=stale.pk, next_run_at=stale.next_run_at).update(
        next_run_at=stale.next_run_at + timedelta(minutes=1)
    )
    assert claimed == 0
    assert _queued("masthead.publishing.tasks.publish_scheduled") == 2


def test_scheduled_article_goes_live_when_the_worker_runs():
    story = factories.article(parent=factories.section(), title="Embargoed", publish=False)
    revision = story.save_revision(approved_go_live_at=timezone.now() + timedelta(hours=1))
    run_worker_batch()
    story.refresh_from_db()
    assert not story.live  # not before its time

    # An hour passes: the embargo time is now behind us, and the next minute's job is due.
    Revision.objects.filter(pk=revision.pk).update(
        approved_go_live_at=timezone.now() - timedelta(seconds=1)
    )
    PeriodicJob.objects.update(next_run_at=timezone.now())
    run_worker_batch()
    story.refresh_from_db()
    assert story.live and story.first_published_at is not None


def test_the_worker_warms_the_static_renderer_when_it_starts(settings, tmp_path, monkeypatch):
    """With static output kept, the worker loads the URLs and templates before its first
    task: the first publish after a restart is as fast as the next."""
    from django.core.management import call_command

    from masthead.distribution.services import render

    warmed = []
    monkeypatch.setattr(render, "warm_up", lambda: warmed.append(True))
    settings.STATIC_OUTPUT_DIR = None
    call_command("worker", "--batch", "--no-schedule", "--interval", "0")
    assert warmed == []
    settings.STATIC_OUTPUT_DIR = tmp_path
    call_command("worker", "--batch", "--no-schedule", "--interval", "0")
    assert warmed == [True]
