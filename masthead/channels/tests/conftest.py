"""The three services as local servers, the settings pointed at them, and a way to run what
the publication queued (the task queue's own rows, run in order, as the worker would)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult, get_date_max

from masthead.channels.models import ChannelPost
from masthead.channels.tests import servers


@pytest.fixture
def telegram():
    with servers.TelegramServer() as server:
        yield server


@pytest.fixture
def mastodon():
    with servers.MastodonServer() as server:
        yield server


@pytest.fixture
def bluesky():
    with servers.BlueskyServer() as server:
        yield server


def channel_settings(telegram, mastodon, bluesky) -> dict[str, str]:
    """The environment (and settings) that point the channels at the local servers."""
    return {
        "MASTHEAD_TELEGRAM_BOT_TOKEN": servers.TELEGRAM_TOKEN,
        "MASTHEAD_TELEGRAM_CHAT_ID": servers.TELEGRAM_CHAT,
        "MASTHEAD_TELEGRAM_API_URL": telegram.url,
        "MASTHEAD_MASTODON_URL": mastodon.url,
        "MASTHEAD_MASTODON_TOKEN": servers.MASTODON_TOKEN,
        "MASTHEAD_BLUESKY_HANDLE": servers.BLUESKY_HANDLE,
        "MASTHEAD_BLUESKY_APP_PASSWORD": servers.BLUESKY_PASSWORD,
        "MASTHEAD_BLUESKY_PDS_URL": bluesky.url,
    }


@pytest.fixture
def channels_on(settings, telegram, mastodon, bluesky):
    for name, value in channel_settings(telegram, mastodon, bluesky).items():
        setattr(settings, name.removeprefix("MASTHEAD_"), value)
    return telegram, mastodon, bluesky


class Queue:
    """The task queue's rows for channel posts, run as the worker runs them."""

    def __init__(self, capture):
        self.capture = capture

    def tasks(self):
        return DBTaskResult.objects.filter(task_path__endswith=".post_send")

    def run(self, *, limit: int = 50) -> int:
        from masthead.channels.tasks import post_send

        ran = 0
        while ran < limit:
            ready = self.tasks().ready().order_by("run_after", "enqueued_at").first()
            if ready is None:
                return ran
            ready.delete()
            with self.capture(execute=True):
                post_send.call(**ready.args_kwargs["kwargs"])
            ran += 1
        raise AssertionError("tasks keep coming")

    def time_passes(self, seconds: float) -> None:
        """Move every waiting post and task this much nearer (as if the time had passed)."""
        shift = timedelta(seconds=seconds)
        for post in ChannelPost.objects.exclude(not_before=None):
            ChannelPost.objects.filter(pk=post.pk).update(not_before=post.not_before - shift)
        for post in ChannelPost.objects.exclude(lease_until=None):
            ChannelPost.objects.filter(pk=post.pk).update(lease_until=post.lease_until - shift)
        for task in self.tasks().exclude(run_after=get_date_max()):  # max: "as soon as can be"
            DBTaskResult.objects.filter(pk=task.pk).update(run_after=task.run_after - shift)


@pytest.fixture
def queue(django_capture_on_commit_callbacks):
    return Queue(django_capture_on_commit_callbacks)
