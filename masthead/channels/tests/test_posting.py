"""Publishing an article posts it to Telegram, Mastodon and Bluesky (local servers that answer
like them): once, with the right text and links, within each service's limits, whatever
happens after — edits, republishing, retries, answers lost on the way back."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageLogEntry

from masthead.channels.models import ChannelPost
from masthead.channels.tests import servers
from masthead.channels.tests.servers import Fault, telegram_429
from masthead.distribution.models import Mirror, MirrorSettings
from masthead.publishing.models import ArticlePage
from masthead.publishing.tests import factories

pytestmark = pytest.mark.django_db

ONION = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion"
MIRROR = "https://mirror-one.example.net"
BASE = "https://news.example.org"


@pytest.fixture
def reach():
    onion = MirrorSettings.load()
    onion.onion_address = ONION
    onion.save()
    Mirror.objects.create(url="https://old-mirror.example.net")
    Mirror.objects.create(url=MIRROR)  # the newest: the likeliest to work
    Mirror.objects.create(url="https://retired.example.net", active=False)


def publish(capture, **fields) -> ArticlePage:
    """A new article, published the way an editor does (its first publication)."""
    section = fields.pop("parent", None) or world()
    with capture(execute=True):
        page = factories.article(parent=section, **fields)
    return page


def world():
    from masthead.publishing.models import SectionPage

    found = SectionPage.objects.filter(slug="world").first()
    return found or factories.section(title="World", slug="world")


def republish(capture, page: ArticlePage, **changes) -> None:
    page = ArticlePage.objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    with capture(execute=True):
        page.save_revision().publish(skip_permission_checks=True)


def posts(page) -> dict[str, ChannelPost]:
    return {p.channel: p for p in ChannelPost.objects.filter(page_id=page.pk)}


def test_a_publication_posts_once_to_each_channel(
    channels_on, reach, queue, django_capture_on_commit_callbacks
):
    telegram, mastodon, bluesky = channels_on
    capture = django_capture_on_commit_callbacks
    page = publish(
        capture,
        title="Court jails <editor> for “fakes” & lies",
        standfirst="The verdict came after a closed trial of three days.",
        slug="court-jails-editor",
    )
    url = f"{BASE}/world/court-jails-editor/"
    assert {c: p.state for c, p in posts(page).items()} == {
        "telegram": "queued",
        "mastodon": "queued",
        "bluesky": "queued",
    }
    assert queue.tasks().count() == 3
    assert queue.run() == 3

    # Telegram: the text first, then the photo with its caption.
    text, photo = telegram.messages
    assert (text["method"], photo["method"]) == ("sendMessage", "sendPhoto")
    assert text["markup"].startswith("<b>Court jails &lt;editor&gt; for “fakes” &amp; lies</b>")
    assert text["text"].splitlines() == [
        "Court jails <editor> for “fakes” & lies",
        "",
        "The verdict came after a closed trial of three days.",
        "",
        url,
        f"Mirror: {MIRROR}/world/court-jails-editor/",
        f"Tor: http://{ONION}/world/court-jails-editor/",
    ]
    assert f'<a href="{url}">{url}</a>' in text["markup"]
    assert f"<code>http://{ONION}/world/court-jails-editor/</code>" in text["markup"]
    assert "Protesters gather in the square. Photo: Jane Doe / Masthead Agency" in photo["text"]
    sent_photo = telegram.requests_to("sendPhoto")[0].files["photo"]
    assert sent_photo.startswith(b"\xff\xd8")  # a JPEG

    # Mastodon: one public status, with its key.
    (status,) = mastodon.statuses
    assert status["text"] == (
        "Court jails <editor> for “fakes” & lies\n\n"
        "The verdict came after a closed trial of three days.\n\n"
        f"{url}\nMirror: {MIRROR}/world/court-jails-editor/"
    )
    assert status["visibility"] == "public"
    (request,) = mastodon.requests_to("statuses")
    assert request.headers["idempotency-key"] == posts(page)["mastodon"].key

    # Bluesky: a post with a link facet and a card made of the article's own parts.
    ((rkey, record),) = bluesky.records.items()
    assert rkey == posts(page)["bluesky"].key
    assert record["text"].endswith(url)
    assert record["facets"][0]["features"][0]["uri"] == url
    card = record["embed"]["external"]
    assert record["embed"]["$type"] == "app.bsky.embed.external"
    assert (card["uri"], card["title"]) == (url, page.title)
    assert card["description"] == page.standfirst
    assert card["thumb"]["ref"]["$link"] == "bafkreitestblob1"
    assert bluesky.blobs[0].startswith(b"\xff\xd8")

    # The ledger has each post's link, and the article's history says so.
    done = posts(page)
    assert {c: p.state for c, p in done.items()} == dict.fromkeys(done, "sent")
    assert done["telegram"].remote_url == "https://t.me/testcourier/1"
    assert done["mastodon"].remote_url == status["url"]
    assert done["bluesky"].remote_url == f"https://bsky.app/profile/courier.test/post/{rkey}"
    assert PageLogEntry.objects.filter(page=page, action="masthead.channels.posted").count() == 3

    # An edit, a republish, an unpublish and a publish again: nothing more is posted.
    republish(capture, page, title="Court jails editor (updated)")
    republish(capture, page)
    with capture(execute=True):
        ArticlePage.objects.get(pk=page.pk).unpublish()
    republish(capture, page)
    assert queue.run() == 0
    assert len(telegram.messages) == 2 and len(mastodon.statuses) == 1
    assert len(bluesky.records) == 1
    assert ChannelPost.objects.count() == 3


def test_a_task_run_twice_posts_once(channels_on, queue, django_capture_on_commit_callbacks):
    from masthead.channels.tasks import post_send

    telegram, mastodon, _ = channels_on
    page = publish(django_capture_on_commit_callbacks, with_image=False)
    for post in ChannelPost.objects.filter(page_id=page.pk):
        post_send.enqueue(post_id=post.pk)  # a second task for the same post
    assert queue.run() == 6
    assert len(telegram.messages) == 1 and len(mastodon.statuses) == 1


def test_unticked_articles_and_unconfigured_channels_are_not_posted(
    channels_on, settings, queue, django_capture_on_commit_callbacks
):
    telegram, _, _ = channels_on
    page = publish(django_capture_on_commit_callbacks, post_to_channels=False)
    assert not posts(page) and queue.run() == 0
    settings.MASTODON_TOKEN = settings.BLUESKY_HANDLE = ""
    page = publish(django_capture_on_commit_callbacks)
    assert set(posts(page)) == {"telegram"}


def test_back_dated_articles_are_not_posted(channels_on, queue, django_capture_on_commit_callbacks):
    """An import publishes old articles and gives them their original dates: not news."""
    telegram, _, _ = channels_on
    page = publish(django_capture_on_commit_callbacks, hours_ago=24 * 400)
    queue.run()
    assert {p.state for p in posts(page).values()} == {"failed"}
    assert "dated before it was published here" in posts(page)["telegram"].error
    assert telegram.messages == []


def test_a_scheduled_article_is_posted_when_the_scheduler_publishes_it(
    channels_on, queue, django_capture_on_commit_callbacks
):
    telegram, _, _ = channels_on
    page = factories.article(parent=world(), publish=False, slug="scheduled")
    page.go_live_at = timezone.now() + timedelta(seconds=2)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish(skip_permission_checks=True)
    assert not ArticlePage.objects.get(pk=page.pk).live and not posts(page)
    time.sleep(2.5)  # the time comes
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")
    assert ArticlePage.objects.get(pk=page.pk).live
    assert set(posts(page)) == {"telegram", "mastodon", "bluesky"}
    queue.run()
    assert telegram.messages[0]["text"].startswith(page.title)


def test_a_long_article_is_cut_to_each_services_limit(
    channels_on, queue, django_capture_on_commit_callbacks
):
    telegram, mastodon, bluesky = channels_on
    standfirst = ("Witnesses describe a night of arrests across the city. " * 8)[:400]
    title = ("Dozens detained as police raid the homes of journalists " * 5)[:255].strip()
    page = factories.article(parent=world(), publish=False, title=title, standfirst=standfirst)
    page.lead_image_caption = ("A long caption about the photograph & what it shows. " * 10)[:500]
    page.lead_image_photographer, page.lead_image_organisation = "P" * 120, "O" * 120
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish(skip_permission_checks=True)
    queue.run()
    assert {p.state for p in posts(page).values()} == {"sent"}  # no service refused it
    (status,) = mastodon.statuses
    assert len(re.sub(r"https?://\S+", "x" * 23, status["text"])) <= 500
    assert status["text"].startswith(title + "\n\nWitnesses describe")
    assert "…" in status["text"] and status["text"].endswith(page.url)
    (record,) = bluesky.records.values()
    assert len(record["text"]) <= 300 and record["text"].endswith(page.url)
    assert record["text"].startswith(title)
    # What is left of 300 characters after the headline and the link: the standfirst is cut
    # (or, with too little room for a word, left out); the card below carries it whole.
    assert "…" in record["text"] or "Witnesses" not in record["text"]
    assert record["embed"]["external"]["description"] == standfirst  # the card has it whole
    assert posts(page)["telegram"].error == ""
    text, photo = telegram.messages
    assert standfirst in text["text"]  # 4,096 characters hold it whole
    assert len(photo["text"]) <= 1024 and "…" in photo["text"]
    assert photo["text"].endswith(page.url)


def test_rate_limits_and_server_errors_are_retried_after_a_while(
    channels_on, queue, django_capture_on_commit_callbacks
):
    telegram, mastodon, bluesky = channels_on
    telegram.fail_next("sendMessage", telegram_429(45))
    mastodon.fail_next("statuses", Fault("status", 502, {"error": "Bad gateway"}))
    bluesky.fail_next(
        "com.atproto.server.createSession",
        Fault("status", 429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}),
    )
    page = publish(django_capture_on_commit_callbacks, with_image=False)
    queue.run()
    waiting = posts(page)
    assert {p.state for p in waiting.values()} == {"queued"}
    telegram_post = waiting["telegram"]
    assert "Too Many Requests" in telegram_post.error
    # Telegram asked for 45 s, more than the first delay (30 s): its wait wins.
    wait = (telegram_post.not_before - timezone.now()).total_seconds()
    assert 40 < wait <= 45
    assert 25 < (waiting["mastodon"].not_before - timezone.now()).total_seconds() <= 30
    assert telegram.messages == [] and mastodon.statuses == [] and bluesky.records == {}
    assert queue.run() == 0  # not before their time
    queue.time_passes(46)
    assert queue.run() == 3
    assert {p.state for p in posts(page).values()} == {"sent"}
    assert len(telegram.messages) == 1 and len(mastodon.statuses) == 1
    assert len(bluesky.records) == 1
    assert {p.attempts for p in posts(page).values()} == {2}


def test_refusals_are_recorded_and_not_retried(
    channels_on, settings, queue, django_capture_on_commit_callbacks
):
    telegram, mastodon, bluesky = channels_on
    settings.TELEGRAM_CHAT_ID = "@no-such-channel"
    settings.BLUESKY_APP_PASSWORD = "wrong-password-here"
    mastodon.fail_next("statuses", Fault("status", 422, {"error": "Validation failed"}))
    page = publish(django_capture_on_commit_callbacks)
    queue.run()
    failed = posts(page)
    assert {p.state for p in failed.values()} == {"failed"}
    assert failed["telegram"].error == "400: Bad Request: chat not found"
    assert failed["bluesky"].error == "401: Invalid identifier or password"
    assert failed["mastodon"].error == "422: Validation failed"
    queue.time_passes(7200 * 2)
    assert queue.run() == 0 and telegram.messages == []


def test_every_retry_failing_ends_in_failed(
    channels_on, settings, queue, django_capture_on_commit_callbacks
):
    _, mastodon, _ = channels_on
    settings.TELEGRAM_BOT_TOKEN = settings.BLUESKY_HANDLE = ""
    settings.CHANNELS_RETRY_DELAYS = [10, 20]
    mastodon.fail_next("statuses", *[Fault("status", 503, {"error": "Down"})] * 3)
    page = publish(django_capture_on_commit_callbacks)
    for _ in range(3):
        queue.run()
        queue.time_passes(30)
    post = posts(page)["mastodon"]
    assert (post.state, post.attempts, post.error) == ("failed", 3, "503: Down")
    assert mastodon.statuses == []


def test_lost_answers_never_post_twice(channels_on, queue, django_capture_on_commit_callbacks):
    """Each service made the post, and its answer never came back (the connection dropped)."""
    telegram, mastodon, bluesky = channels_on
    telegram.fail_next("sendMessage", Fault("drop"))
    mastodon.fail_next("statuses", Fault("drop"))
    bluesky.fail_next("com.atproto.repo.createRecord", Fault("drop"))
    page = publish(django_capture_on_commit_callbacks)
    queue.run()
    lost = posts(page)
    assert {c: (p.state, p.in_flight) for c, p in lost.items()} == {
        "telegram": ("queued", "text"),
        "mastodon": ("queued", "status"),
        "bluesky": ("queued", "post"),
    }
    queue.time_passes(31)
    queue.run()
    done = posts(page)
    # Telegram cannot be asked: the post waits for an editor, and nothing is sent again.
    assert done["telegram"].state == "unknown"
    assert "cannot be asked" in done["telegram"].error
    assert len(telegram.messages) == 1 and len(telegram.requests_to("sendPhoto")) == 0
    # Mastodon recognised the key: the same status, not a second one.
    assert done["mastodon"].state == "sent" and len(mastodon.statuses) == 1
    assert len(mastodon.requests_to("statuses")) == 2
    assert done["mastodon"].remote_id == mastodon.statuses[0]["id"]
    # Bluesky: the record was found under its key, and not created again.
    assert done["bluesky"].state == "sent" and len(bluesky.records) == 1
    assert len(bluesky.requests_to("com.atproto.repo.createRecord")) == 1
    assert len(bluesky.requests_to("com.atproto.repo.getRecord")) == 1


def test_a_worker_that_stopped_mid_post_is_taken_over(
    channels_on, queue, django_capture_on_commit_callbacks
):
    """The row says a call was in flight when its worker's lease ran out (the process was
    killed; ``test_kill`` kills a real one): the recovery round hands it to the next worker,
    which reconciles instead of sending blindly."""
    from masthead.channels.services import posts_recover

    telegram, mastodon, bluesky = channels_on
    page = publish(django_capture_on_commit_callbacks)
    queue.tasks().delete()  # the worker took the tasks…
    now = timezone.now()
    for post in ChannelPost.objects.filter(page_id=page.pk):  # …claimed each post, and died
        first = {"telegram": "text", "mastodon": "status", "bluesky": "post"}[post.channel]
        ChannelPost.objects.filter(pk=post.pk).update(
            state="sending", attempts=1, in_flight=first, in_flight_since=now, lease_until=now
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert posts_recover() == {"taken_over": 3, "requeued": 0}
    queue.run()
    done = posts(page)
    assert done["telegram"].state == "unknown" and telegram.messages == []
    assert done["mastodon"].state == "sent" and len(mastodon.statuses) == 1  # never arrived: sent
    assert done["bluesky"].state == "sent" and len(bluesky.records) == 1


def test_a_lost_task_is_queued_again(channels_on, queue, django_capture_on_commit_callbacks):
    from masthead.channels.services import posts_recover

    telegram, _, _ = channels_on
    page = publish(django_capture_on_commit_callbacks, with_image=False)
    queue.tasks().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert posts_recover() == {"taken_over": 0, "requeued": 0}  # not overdue yet
    queue.time_passes(6 * 60)
    with django_capture_on_commit_callbacks(execute=True):
        assert posts_recover() == {"taken_over": 0, "requeued": 3}
    queue.run()
    assert {p.state for p in posts(page).values()} == {"sent"}
    assert len(telegram.messages) == 1


def test_channel_settings_come_in_pairs():
    import os
    import subprocess
    import sys

    env = {**os.environ, "MASTHEAD_TELEGRAM_BOT_TOKEN": servers.TELEGRAM_TOKEN}
    env.pop("MASTHEAD_TELEGRAM_CHAT_ID", None)
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "masthead.project.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "MASTHEAD_TELEGRAM_CHAT_ID: needed too when MASTHEAD_TELEGRAM_BOT_TOKEN is set" in (
        done.stderr
    )


@pytest.mark.parametrize(
    ("headers", "body", "wait"),
    [
        ({"Retry-After": "120"}, b"", 120.0),
        ({"Retry-After": "²".encode()}, b"", None),  # a digit to str.isdigit(), not a number
        ({"Retry-After": b"soon", "X-RateLimit-Reset": "³".encode()}, b"", None),
        ({}, b'{"parameters": {"retry_after": "x"}}', None),
        ({}, b'{"parameters": {"retry_after": 7}}', 7.0),
    ],
)
def test_a_wait_the_service_asks_for_is_read_or_ignored_never_a_crash(headers, body, wait):
    import httpx

    from masthead.channels.providers.base import _retry_after

    assert _retry_after(httpx.Response(429, headers=headers, content=body)) == wait
