"""Periodic jobs for ``masthead worker``.

Apps register a task with ``every(...)``; the worker calls ``enqueue_due_jobs()`` in a loop.
When a job is due it is put on the task queue, so it runs like any other task and a
deployment's own backend (RQ, Celery) runs it too. The next due time is kept in the
database (``PeriodicJob``) and moved forward with a compare-and-set update, so:

- a restart neither forgets a job nor runs a missed one more than once (a worker that was
  down for a day enqueues an overdue job once, not once per missed interval);
- several workers sharing a database enqueue each due run exactly once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    interval: timedelta
    task: object  # a django.tasks Task


_registry: dict[str, Job] = {}


def every(interval: timedelta, *, name: str | None = None):
    """Decorator for a task (``@task`` already applied) that should run every ``interval``."""

    def register(task):
        job_name = name or f"{task.module_path}"
        _registry[job_name] = Job(name=job_name, interval=interval, task=task)
        return task

    return register


def registered_jobs() -> list[Job]:
    return list(_registry.values())


def enqueue_due_jobs(*, now: datetime | None = None) -> list[str]:
    """Enqueue every job whose time has come; return the names enqueued."""
    from masthead.core.models import PeriodicJob

    now = now or timezone.now()
    enqueued = []
    for job in _registry.values():
        state = PeriodicJob.objects.filter(name=job.name).first()
        if state is None:
            try:
                with transaction.atomic():
                    PeriodicJob.objects.create(name=job.name, next_run_at=now)
            except IntegrityError:
                pass  # another worker registered it first
            state = PeriodicJob.objects.get(name=job.name)
        if state.next_run_at > now:
            continue
        # Skip whole missed intervals: an overdue job runs once, then returns to its rhythm.
        next_run_at = state.next_run_at + job.interval
        if next_run_at <= now:
            next_run_at = now + job.interval
        with transaction.atomic():
            claimed = PeriodicJob.objects.filter(pk=state.pk, next_run_at=state.next_run_at).update(
                next_run_at=next_run_at, last_enqueued_at=now
            )
            if claimed:
                # In the same transaction: a crash here leaves the job due, not lost.
                job.task.enqueue()
                enqueued.append(job.name)
                logger.info("Enqueued periodic job %s; next at %s", job.name, next_run_at)
    return enqueued
