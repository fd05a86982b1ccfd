"""A real worker (``masthead worker``, its own process) killed with SIGKILL in the middle of
each channel's post: the service has made the post, the worker has not recorded the answer.
Afterwards there is exactly one post per channel, and the ledger says what it knows:

- Telegram cannot be asked: ``unknown``, for an editor, and nothing sent again;
- Mastodon: sent again with the same Idempotency-Key, answered with the same status;
- Bluesky: the record found under the key chosen before the call; not created again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from masthead.channels.models import ChannelPost
from masthead.channels.tests.conftest import channel_settings
from masthead.channels.tests.servers import Fault
from masthead.distribution.tests.conftest import run_worker
from masthead.publishing.models import ArticlePage, SectionPage
from masthead.publishing.tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SOURCE_ROOT = Path(__file__).resolve().parents[3]
LEASE_SECONDS = 5


def worker(env: dict[str, str], log: Path, *batch: str) -> subprocess.Popen:
    from masthead.distribution.tasks import database_url

    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "masthead.project.cli", "worker", "--no-schedule", *batch]
            + ["--interval", "0.2"],
            env={**os.environ, "DATABASE_URL": database_url(), **env},
            cwd=SOURCE_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


def test_a_worker_killed_mid_post_never_posts_twice(channels_on, tmp_path):
    telegram, mastodon, bluesky = channels_on
    env = {
        **channel_settings(telegram, mastodon, bluesky),
        "MASTHEAD_CHANNELS_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    log = tmp_path / "worker.log"
    holds = {
        "telegram": Fault("hold"),
        "mastodon": Fault("hold"),
        "bluesky": Fault("hold"),
    }
    telegram.fail_next("sendMessage", holds["telegram"])
    mastodon.fail_next("statuses", holds["mastodon"])
    bluesky.fail_next("com.atproto.repo.createRecord", holds["bluesky"])
    section = SectionPage.objects.filter(slug="world").first() or factories.section(
        title="World", slug="world"
    )
    page = factories.article(parent=section, title="Border closed overnight")  # committed
    try:
        assert ChannelPost.objects.filter(page_id=page.pk).count() == 3
        # The tasks run in the order they were queued; each round's worker dies in one call.
        for channel in ("telegram", "mastodon", "bluesky"):
            process = worker(env, log)
            try:
                assert holds[channel].arrived.wait(timeout=120), log.read_text()
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=30)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
            holds[channel].release.set()
            post = ChannelPost.objects.get(page_id=page.pk, channel=channel)
            assert post.state == "sending" and post.in_flight, (channel, post.state)
        # The posts exist on the services; the ledger does not know it yet.
        assert len(telegram.messages) == 1 and len(mastodon.statuses) == 1
        assert len(bluesky.records) == 1

        time.sleep(LEASE_SECONDS + 0.5)  # the dead worker's leases run out
        from masthead.channels.tasks import posts_recover

        posts_recover.enqueue()
        run_worker(env)  # to the end of the queue, as in production
    finally:
        for fault in holds.values():
            fault.release.set()

    posts = {p.channel: p for p in ChannelPost.objects.filter(page_id=page.pk)}
    assert posts["telegram"].state == "unknown"
    assert "Look at the channel" in posts["telegram"].error
    assert posts["mastodon"].state == "sent"
    assert posts["mastodon"].remote_id == mastodon.statuses[0]["id"]
    assert posts["bluesky"].state == "sent"
    assert posts["bluesky"].remote_url.endswith(posts["bluesky"].key)
    # Exactly one post per channel, whatever the worker went through.
    assert len(telegram.messages) == 1 and telegram.messages[0]["method"] == "sendMessage"
    assert len(mastodon.statuses) == 1
    assert len(mastodon.requests_to("statuses")) == 2  # the same key twice
    assert len(bluesky.records) == 1
    assert len(bluesky.requests_to("com.atproto.repo.createRecord")) == 1
    assert (
        settings.BASE_URL + ArticlePage.objects.get(pk=page.pk).url
        in (telegram.messages[0]["text"])
    )
