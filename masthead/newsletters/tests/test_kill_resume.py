"""A worker killed with SIGKILL mid-send, again and again, still delivers one copy to each.

The worker is the real ``masthead worker`` command in its own process, against the test
database, sending to a real SMTP server in this process. What counts is what the server
received: one message per recipient, every Message-ID once.

What is asserted is the engine's documented guarantee (``services.sending``), exactly:

- nobody receives two copies, ever;
- everyone receives exactly one copy, except recipients the ledger itself marks
  ``unconfirmed`` (handed over when a worker died, answer not recorded): those received at
  most one, and the ones that received none are the one window two independent systems
  cannot close — a kill landing between one message's "handed over" commit and its final
  dot: at most one message per kill, whatever the number of connections. The test kills
  just after the server received a message, so its kills fall among hand-overs and now and
  then one lands in the window; the run prints how many did.

The killed worker's rows are taken over only once its lease has run out (nothing is judged
by process ids): the test waits for that before the dispatcher runs again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from masthead.core.models import PeriodicJob
from masthead.newsletters.models import Delivery, Edition, Subscriber
from masthead.newsletters.services import sending
from masthead.newsletters.tests import factories
from masthead.newsletters.tests.conftest import start_smtp_sink

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SUBSCRIBERS = 3000
KILL_AFTER = [300, 800, 1300, 1800, 2300]  # messages received before each SIGKILL
CONNECTIONS = 4
LEASE_SECONDS = 5
SOURCE_ROOT = Path(__file__).resolve().parents[3]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = db["PASSWORD"] or ""
    return f"postgres://{db['USER']}:{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(sink, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": sink.url,
        "MASTHEAD_NEWSLETTER_CONCURRENCY": str(CONNECTIONS),
        # Paced like a real relay's limit; also keeps the test's run short and even.
        "MASTHEAD_NEWSLETTER_RATE": "300",
        "MASTHEAD_NEWSLETTER_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "masthead.project.cli", "worker", "--interval", "0.2"],
            env=env,
            cwd=SOURCE_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


def wait_until(condition, *, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
    raise AssertionError(f"timed out waiting for {what}\n{tail}")


def test_sigkilled_worker_resumes_and_everyone_gets_exactly_one_copy(settings, tmp_path):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    sink, controller = start_smtp_sink()
    log = tmp_path / "worker.log"
    weekly = factories.newsletter()
    factories.subscribers_bulk(newsletter=weekly, count=SUBSCRIBERS)
    edition = factories.edition(newsletter=weekly)
    sending.edition_send_start(edition=edition)  # enqueued for the worker
    kills = 0
    worker = start_worker(sink, log)
    try:
        for threshold in KILL_AFTER:
            wait_until(
                lambda t=threshold: len(sink.messages) >= t,
                timeout=120,
                what=f"{threshold} messages",
                log=log,
            )
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            kills += 1
            # The dead worker's lease runs out, and the dispatcher's next run is due when the
            # worker comes back (it runs every minute).
            time.sleep(LEASE_SECONDS + 0.5)
            PeriodicJob.objects.filter(name="newsletters.dispatch").update(
                next_run_at=timezone.now()
            )
            worker = start_worker(sink, log)
        wait_until(
            lambda: Edition.objects.get(pk=edition.pk).status == Edition.Status.SENT,
            timeout=180,
            what="the edition to be sent",
            log=log,
        )
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        time.sleep(0.2)
        controller.stop()

    assert kills == len(KILL_AFTER)
    per_recipient = Counter(r for m in sink.messages for r in m.recipients)
    expected = set(Subscriber.objects.values_list("email", flat=True))
    assert len(expected) == SUBSCRIBERS
    duplicates = {r: n for r, n in per_recipient.items() if n > 1}
    missing = expected - set(per_recipient)
    statuses = Counter(Delivery.objects.filter(edition=edition).values_list("status", flat=True))
    unconfirmed = set(
        Delivery.objects.filter(edition=edition, status="unconfirmed").values_list(
            "subscriber__email", flat=True
        )
    )
    print(
        f"kills={kills} received={len(sink.messages)} ledger={dict(statuses)} "
        f"missed-in-the-window={len(missing)}"
    )
    assert duplicates == {}, f"sent twice: {list(duplicates)[:5]} ledger {dict(statuses)}"
    message_ids = Counter(m.message["Message-ID"] for m in sink.messages)
    assert max(message_ids.values()) == 1
    # Everyone the ledger does not flag got exactly one copy.
    assert missing <= unconfirmed, f"never sent and not flagged: {list(missing - unconfirmed)[:5]}"
    # One message in the window per kill, never a whole group; the unconfirmed that were
    # delivered are at most the group whose answers were not yet recorded.
    assert len(missing) <= kills
    assert len(unconfirmed) <= CONNECTIONS * kills
    assert statuses.keys() <= {"sent", "unconfirmed"}
    assert set(per_recipient) | missing == expected
