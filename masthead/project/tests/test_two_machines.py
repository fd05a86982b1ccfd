"""Two machines: two web servers and two workers, each with its own data directory, sharing one
PostgreSQL database and one Redis, as a scale-out deployment runs.

- a publish on machine A is served by machine B's web server at once (the page cache's
  generation lives in Redis: B rereads it within ``GENERATION_TTL``);
- a scheduled publish fires once, though both workers keep the schedule;
- a newsletter send is shared by both workers: each recipient gets one copy, none is missed.

PostgreSQL only: SQLite is one file on one machine. The run on PostgreSQL (DATABASE_URL=
postgres://…) runs it; the SQLite run skips it and says why.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import PageLogEntry

from masthead.core.models import PeriodicJob
from masthead.core.page_cache import GENERATION_TTL
from masthead.distribution.tests import test_publish_s3
from masthead.newsletters.models import Edition, Subscriber
from masthead.newsletters.services import sending
from masthead.newsletters.tests import factories as newsletter_factories
from masthead.newsletters.tests.conftest import start_smtp_sink
from masthead.newsletters.tests.test_kill_resume import database_url
from masthead.project.tests.demo_server import (
    SOURCE_ROOT,
    free_port,
    gunicorn_command,
    start_process,
    stop_process,
)
from masthead.publishing.tests import factories

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")),
        reason="two machines share a PostgreSQL database; this run is on SQLite",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# moto's S3 server in a process of its own, as the static-output tests start it.
s3_endpoint = test_publish_s3.s3_endpoint

# Our own Redis database on the local server: nothing else of the test run uses it.
REDIS_URL = "redis://127.0.0.1:6379/11"
MEDIA_BUCKET = "masthead-two-machines-media"
SUBSCRIBERS = 600


@dataclass
class Machine:
    name: str
    env: dict[str, str]
    base_url: str
    logs: Path

    def get(self, path: str) -> tuple[int, str, dict]:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=60) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def python(self, code: str) -> None:
        """Run Django code on this machine (what an editor's action in its admin runs)."""
        done = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup()\n{code}"],
            env={**self.env, "DJANGO_SETTINGS_MODULE": "masthead.project.settings"},
            cwd=SOURCE_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-40:]) if log.exists() else ""


@contextmanager
def machine(name: str, tmp_path: Path, sink_url: str, media: dict) -> Iterator[Machine]:
    data_dir = tmp_path / name
    data_dir.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "MASTHEAD_DATA_DIR": str(data_dir),  # its own: cache files, stamps, generated files
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        # Machines share the key (signed links made on one are checked on the other).
        "SECRET_KEY": "two-machines-share-this-secret-key-0123456789abcdef",
        "MASTHEAD_STATIC_ROOT": str(settings.STATIC_ROOT),  # collected once by the test run
        "MASTHEAD_BASE_URL": "https://news.example.org",
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_URL": sink_url,
        "MASTHEAD_NEWSLETTER_SEND_TASKS": "4",
        "MASTHEAD_NEWSLETTER_RATE": "40",  # per worker: 15 s alone, long enough for both to join
        "DEBUG": "false",
        **media,
    }
    web_log, worker_log = data_dir / "web.log", data_dir / "worker.log"
    web = start_process(
        gunicorn_command(port, "--workers", "1", "--threads", "4", "--timeout", "300"),
        env,
        web_log,
    )
    worker = start_process(
        [
            sys.executable,
            "-m",
            "masthead.project.cli",
            "worker",
            "--interval",
            "0.2",
            "--schedule-interval",
            "1",
        ],
        env,
        worker_log,
    )
    node = Machine(name=name, env=env, base_url=f"http://127.0.0.1:{port}", logs=data_dir)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert web.poll() is None, _tail(web_log)
            assert worker.poll() is None, _tail(worker_log)
            try:
                status, body, _ = node.get("/healthz")
            except OSError:
                status = None
            if status == 200:  # its database, Redis, and a worker's heartbeat
                break
            assert time.monotonic() < deadline, f"{name} not healthy: {status}\n{_tail(web_log)}"
            time.sleep(0.3)
        yield node
    finally:
        stop_process(worker)
        stop_process(web)


@pytest.fixture
def sink():
    sink, controller = start_smtp_sink()
    yield sink
    controller.stop()


@pytest.fixture
def media_bucket(s3_endpoint) -> Iterator[dict[str, str]]:
    """Media on S3 (moto's server): the variables both machines get."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=MEDIA_BUCKET)
    yield {
        "MASTHEAD_MEDIA_S3_BUCKET": MEDIA_BUCKET,
        "MASTHEAD_MEDIA_S3_ENDPOINT": s3_endpoint,
        "MASTHEAD_MEDIA_S3_REGION": "us-east-1",
        "MASTHEAD_MEDIA_S3_KEY_ID": "testing",
        "MASTHEAD_MEDIA_S3_SECRET": "testing",
    }
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=MEDIA_BUCKET):
        for item in page.get("Contents", ()):
            client.delete_object(Bucket=MEDIA_BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=MEDIA_BUCKET)


@pytest.fixture
def machines(tmp_path, sink, media_bucket) -> Iterator[tuple[Machine, Machine]]:
    assert connection.vendor == "postgresql"
    # The machines' shared Redis starts empty: entries of an earlier run (a rendition cached
    # for an image with the same id, a page-cache generation) must not answer for this one.
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    with ExitStack() as stack:
        a = stack.enter_context(machine("machine-a", tmp_path, sink.url, media_bucket))
        b = stack.enter_context(machine("machine-b", tmp_path, sink.url, media_bucket))
        yield a, b


def wait_until(condition, *, timeout: float, what: str) -> float:
    started = deadline = time.monotonic()
    deadline += timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return time.monotonic() - started


def test_two_machines_share_publishing_the_schedule_and_a_newsletter_send(machines, sink, settings):
    a, b = machines
    section = factories.section(title="World", slug="world")
    # No picture from this process: its media are not on the machines' S3 (see below).
    story = factories.article(parent=section, title="First version of the story", with_image=False)
    path = story.get_url_parts()[2]

    # --- A publish on A is served by B at once ---
    for node in (a, b):
        status, body, _ = node.get(path)
        assert status == 200 and "First version of the story" in body
    status, _, headers = b.get(path)
    assert headers.get("X-Page-Cache") == "hit"  # B answers from the shared page cache
    a.python(
        "from wagtail.models import Page\n"
        f"page = Page.objects.get(pk={story.pk}).specific\n"
        "page.title = 'Second version of the story'\n"
        "page.save_revision().publish()\n"
    )
    waited = wait_until(
        lambda: "Second version of the story" in b.get(path)[1],
        timeout=GENERATION_TTL + 2,
        what="machine B to serve the new version",
    )
    assert waited <= GENERATION_TTL + 1
    assert "Second version of the story" in a.get(path)[1]

    # --- A scheduled publish fires once, with both workers keeping the schedule ---
    embargoed = factories.article(
        parent=section, title="Embargoed story", publish=False, with_image=False
    )
    go_live = timezone.now() + timedelta(seconds=2)
    embargoed.save_revision(approved_go_live_at=go_live)
    wait_until(lambda: timezone.now() > go_live, timeout=5, what="the embargo to pass")
    job = "publishing.publish_scheduled"
    wait_until(
        lambda: PeriodicJob.objects.filter(name=job).exists(), timeout=30, what="the schedule"
    )
    bumped_at = timezone.now()
    PeriodicJob.objects.filter(name=job).update(next_run_at=bumped_at)  # due now, for both
    wait_until(
        lambda: type(embargoed).objects.get(pk=embargoed.pk).live,
        timeout=60,
        what="the scheduled publish",
    )
    time.sleep(3)  # both schedule loops have looked again since
    runs = DBTaskResult.objects.filter(
        task_path="masthead.publishing.tasks.publish_scheduled", enqueued_at__gte=bumped_at
    )
    assert runs.count() == 1
    assert (
        PageLogEntry.objects.filter(page=embargoed, action="wagtail.publish.scheduled").count() == 1
    )
    embargoed_path = type(embargoed).objects.get(pk=embargoed.pk).get_url_parts()[2]
    for node in (a, b):
        assert node.get(embargoed_path)[0] == 200

    # --- Media on S3: uploaded on A, a rendition made on B, served from the bucket ---
    a.python(
        "import io\n"
        "from django.core.files.images import ImageFile\n"
        "from PIL import Image as Picture\n"
        "from wagtail.images.models import Image\n"
        "data = io.BytesIO(); Picture.new('RGB', (640, 480), 'teal').save(data, 'JPEG')\n"
        "Image.objects.create(title='Harbour', file=ImageFile(data, name='harbour.jpg'))\n"
    )
    b.python(
        "from wagtail.images.models import Image\n"
        "rendition = Image.objects.get(title='Harbour').get_rendition('fill-320x240')\n"
        "assert rendition.url.startswith("
        f"'{b.env['MASTHEAD_MEDIA_S3_ENDPOINT']}/{MEDIA_BUCKET}/images/'), rendition.url\n"
    )
    bucket = boto3.client(
        "s3",
        endpoint_url=a.env["MASTHEAD_MEDIA_S3_ENDPOINT"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    stored = {
        item["Key"] for item in bucket.list_objects_v2(Bucket=MEDIA_BUCKET).get("Contents", ())
    }
    assert "original_images/harbour.jpg" in stored
    assert any(key.startswith("images/harbour.") for key in stored), stored
    assert not (a.logs / "media").exists() and not (b.logs / "media").exists()

    # --- A newsletter send shared by both workers: no copy twice, none missing ---
    weekly = newsletter_factories.newsletter()
    newsletter_factories.subscribers_bulk(newsletter=weekly, count=SUBSCRIBERS)
    edition = newsletter_factories.edition(newsletter=weekly, articles=[story])
    sink.clear()
    # The send is started here, in the test process: as many tasks as the machines are told.
    with override_settings(NEWSLETTER_SEND_TASKS=4):
        sending.edition_send_start(edition=edition)
    wait_until(
        lambda: Edition.objects.get(pk=edition.pk).status == Edition.Status.SENT,
        timeout=180,
        what="the edition to be sent",
    )
    time.sleep(0.5)
    per_recipient = Counter(r for m in sink.messages for r in m.recipients)
    expected = set(
        Subscriber.objects.filter(email__endswith="@example.net").values_list("email", flat=True)
    )
    assert len(expected) == SUBSCRIBERS
    assert {r: n for r, n in per_recipient.items() if n > 1} == {}
    assert expected - set(per_recipient) == set()
    # The send's tasks ran on both machines' workers.
    send_tasks = DBTaskResult.objects.filter(task_path__startswith="masthead.newsletters.tasks")
    workers = {worker for result in send_tasks for worker in result.worker_ids}
    assert len(workers) >= 2, workers
