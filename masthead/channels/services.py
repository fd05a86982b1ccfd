"""Posting articles to the channels, each exactly once. The state machine is in ``models``.

The guarantee: one post per article and channel, whatever happens — a republish, an edit,
a retry, a task run twice, a worker killed between a call and its record.

- ``article_published`` makes the ledger rows on an article's *first* publication (a
  republish or an edit finds its rows, or is not a first publication) and queues one task
  per channel configured for the article's language: the plain settings' accounts for the
  default language, each other language's own (``CHANNEL_ACCOUNTS``). A language without
  an account on a channel gets no row there: the article's Channels panel says why. Editors
  can untick "post to channels" on the article.
- ``post_send`` (the task) claims a queued row with a compare-and-set (two tasks for one row:
  one sends, the other returns), then for each step of the post commits ``in_flight`` before
  the call and the result after it.
- A step found ``in_flight`` (its worker stopped, or its answer was lost) is never sent again
  blindly: the channel's ``find`` says what the service made of it. Bluesky looks the record
  up by the key chosen before the call; Mastodon sends again with the same Idempotency-Key,
  which Mastodon recognises for an hour; Telegram cannot tell, so the post becomes
  ``unknown`` and editors see it with "post again".
- Transient failures (no connection, 429, 5xx) are retried after ``CHANNELS_RETRY_DELAYS``
  or the service's ``retry_after``, whichever is longer; refusals (4xx) are recorded.
- ``posts_recover`` (every minute) takes over rows whose worker's lease ran out and queues
  again rows whose task was lost.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from wagtail.log_actions import log

from masthead.channels.models import ChannelPost
from masthead.channels.providers import CHANNELS, channel_get, channels_configured
from masthead.channels.providers.base import (
    CannotTell,
    NoAnswer,
    Posted,
    Refused,
    Retry,
)
from masthead.channels.selectors import (
    article_for_channel,
    article_language,
    article_live,
    not_configured_reason,
)
from masthead.publishing.models import ArticlePage

logger = logging.getLogger(__name__)

State = ChannelPost.State
LOST_TASK_GRACE = timedelta(minutes=5)  # a queued row this overdue has lost its task
BACK_DATED = timedelta(days=1)  # an article dated this much before its first publication


class PostRefused(Exception):
    """An editor's request that cannot be carried out (shown to them as it is)."""


# --- Queueing --------------------------------------------------------------------------------


def _enqueue(post: ChannelPost) -> None:
    from masthead.channels.tasks import post_send

    post_id, when = post.pk, post.not_before

    def enqueue():
        task = post_send.using(run_after=when) if when and when > timezone.now() else post_send
        task.enqueue(post_id=post_id)

    transaction.on_commit(enqueue)


def article_published(*, page: ArticlePage) -> list[ChannelPost]:
    """On a publication: the article's posts, made and queued if this is its first one and
    editors left "post to channels" ticked. Returns the rows made."""
    first = (
        page.first_published_at is not None and page.first_published_at == page.last_published_at
    )
    if not first or not page.post_to_channels:
        return []
    language = article_language(page)
    channels = channels_configured(language)
    if not channels or article_live(page_id=page.pk) is None:  # private, or not live after all
        return []
    made = []
    with transaction.atomic():
        for channel in channels:
            post, created = ChannelPost.objects.get_or_create(
                page_id=page.pk,
                channel=channel.name,
                defaults={
                    "key": channel.new_key(),
                    "language": language,
                    "not_before": timezone.now(),
                },
            )
            if created:
                _enqueue(post)
                made.append(post)
    return made


def post_request(*, page: ArticlePage, channel: str, user) -> ChannelPost:
    """An editor's "post" or "post again": a post (or a new one) on ``channel`` now, whatever
    "post to channels" says. Refused while a post is queued or being sent."""
    language = article_language(page)
    implementation = channel_get(channel, language)
    if implementation is None:
        raise PostRefused(f"{channel} is not configured.")
    if not implementation.configured():
        raise PostRefused(not_configured_reason(channel=channel, language=language))
    if article_live(page_id=page.pk) is None:
        raise PostRefused("Only a published, public article can be posted.")
    with transaction.atomic():
        post = (
            ChannelPost.objects.select_for_update().filter(page_id=page.pk, channel=channel).first()
        )
        previous = None
        if post is None:
            post = ChannelPost(page_id=page.pk, channel=channel)
        elif post.state not in ChannelPost.FINAL:
            raise PostRefused(f"The post to {implementation.label} is already on its way.")
        else:
            previous = {"state": post.state, "url": post.remote_url}
        post.state = State.QUEUED
        post.language = language
        post.requested_by_id = user.pk
        post.key = implementation.new_key()
        post.attempts = 0
        post.not_before = timezone.now()
        post.lease_until = None
        post.in_flight = ""
        post.in_flight_since = None
        post.progress = {}
        post.remote_id = post.remote_url = post.error = ""
        post.sent_at = None
        post.save()
        log(
            instance=page,
            action="masthead.channels.post_requested",
            user=user,
            data={"channel": implementation.label, "previous": previous},
        )
        _enqueue(post)
    return post


# --- Sending ---------------------------------------------------------------------------------


def _update(post: ChannelPost, **fields) -> bool:
    """Write ``fields`` if this worker still holds the post (no one took it over since it was
    claimed: ``attempts`` is the fencing token)."""
    fields["updated_at"] = timezone.now()
    written = ChannelPost.objects.filter(
        pk=post.pk, state=State.SENDING, attempts=post.attempts
    ).update(**fields)
    for name, value in fields.items():
        setattr(post, name, value)
    if not written:
        logger.warning("Channel post %s was taken over by another worker", post.pk)
    return bool(written)


def _claim(post_id: int) -> ChannelPost | None:
    now = timezone.now()
    claimed = (
        ChannelPost.objects.filter(pk=post_id, state=State.QUEUED)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .update(
            state=State.SENDING,
            attempts=F("attempts") + 1,
            lease_until=now + timedelta(seconds=settings.CHANNELS_LEASE_SECONDS),
            updated_at=now,
        )
    )
    return ChannelPost.objects.get(pk=post_id) if claimed else None


def _retry_later(post: ChannelPost, error: Retry | NoAnswer, *, keep_in_flight: bool) -> None:
    delays = settings.CHANNELS_RETRY_DELAYS
    fields = {"error": error.message, "lease_until": None}
    if not keep_in_flight:
        fields.update(in_flight="", in_flight_since=None)
    if post.attempts > len(delays):
        # Out of retries: a step that may have arrived is for an editor to look at.
        fields["state"] = State.UNKNOWN if keep_in_flight else State.FAILED
        _update(post, **fields)
        return
    delay = max(delays[post.attempts - 1], error.retry_after or 0)
    fields.update(state=State.QUEUED, not_before=timezone.now() + timedelta(seconds=delay))
    if _update(post, **fields):
        _enqueue(post)


def _finish(post: ChannelPost, page: ArticlePage, main_step: str) -> None:
    main = post.progress.get(main_step, {})
    if _update(
        post,
        state=State.SENT,
        remote_id=str(main.get("id", ""))[:300],
        remote_url=main.get("url", "")[:500],
        sent_at=timezone.now(),
        lease_until=None,
    ):
        log(
            instance=page,
            action="masthead.channels.posted",
            data={"channel": CHANNELS[post.channel].label, "url": post.remote_url},
        )


def post_send(*, post_id: int) -> str:
    """Send (what is left of) one post. Returns the state it is left in."""
    post = _claim(post_id)
    if post is None:
        return "not due"  # sent, being sent by another worker, or waiting for its retry time
    channel = channel_get(post.channel, post.language)
    page = article_live(page_id=post.page_id)
    if channel is None or not channel.configured():
        why = (
            not_configured_reason(channel=post.channel, language=post.language)
            if channel is not None
            else "no such channel."
        )
        _update(post, state=State.FAILED, error=f"Not posted: {why}", lease_until=None)
        return post.state
    if page is None or (post.requested_by_id is None and not page.post_to_channels):
        why = "unpublished" if page is None else "set not to be posted"
        _update(
            post, state=State.FAILED, error=f"Not posted: the article was {why}.", lease_until=None
        )
        return post.state
    if post.requested_by_id is None and page.first_published_at < post.created_at - BACK_DATED:
        # Given an earlier date than its publication here: an imported archive, not news.
        _update(
            post,
            state=State.FAILED,
            error="Not posted: the article is dated before it was published here (an import?). "
            "Post it by hand if it should go out.",
            lease_until=None,
        )
        return post.state
    article = article_for_channel(page=page, photo_spec=channel.photo_spec)
    steps = channel.steps(article)
    if post.in_flight:
        try:
            found = channel.find(
                post.in_flight,
                article,
                key=post.key,
                done=post.progress,
                since=post.in_flight_since or post.updated_at,
            )
        except CannotTell as error:
            _update(post, state=State.UNKNOWN, error=error.message, lease_until=None)
            return post.state
        except (Retry, NoAnswer) as error:
            _retry_later(post, error, keep_in_flight=True)
            return post.state
        except Refused as error:
            _update(post, state=State.UNKNOWN, error=error.message, lease_until=None)
            return post.state
        if found is not None:
            progress = {**post.progress, post.in_flight: found.as_dict()}
            _update(post, progress=progress, in_flight="", in_flight_since=None)
        else:
            _update(post, in_flight="", in_flight_since=None)
    for step in steps:
        if step in post.progress:
            continue
        now = timezone.now()
        lease = now + timedelta(seconds=settings.CHANNELS_LEASE_SECONDS)
        if not _update(post, in_flight=step, in_flight_since=now, lease_until=lease):
            return "taken over"
        try:
            posted: Posted = channel.send(step, article, key=post.key, done=post.progress)
        except Retry as error:
            _retry_later(post, error, keep_in_flight=False)
            return post.state
        except NoAnswer as error:
            _retry_later(post, error, keep_in_flight=True)
            return post.state
        except Refused as error:
            if post.progress:  # the first message is out: the post stands, without this step
                _update(post, error=f"{step}: {error.message}", in_flight="", in_flight_since=None)
                break
            _update(post, state=State.FAILED, error=error.message, lease_until=None, in_flight="")
            return post.state
        progress = {**post.progress, step: posted.as_dict()}
        _update(post, progress=progress, in_flight="", in_flight_since=None)
    _finish(post, page, steps[0])
    return post.state


# --- Recovery --------------------------------------------------------------------------------


def posts_recover() -> dict[str, int]:
    """Posts whose worker stopped (lease run out) go back to the queue, their step still in
    flight, to be reconciled by the next worker; queued posts whose task was lost are queued
    again. Safe to run at any time and in several processes: a post is sent by whoever
    claims it."""
    now = timezone.now()
    taken_over = 0
    for post in ChannelPost.objects.filter(state=State.SENDING, lease_until__lt=now):
        with transaction.atomic():
            if ChannelPost.objects.filter(
                pk=post.pk, state=State.SENDING, attempts=post.attempts, lease_until__lt=now
            ).update(state=State.QUEUED, not_before=now, lease_until=None, updated_at=now):
                post.not_before = now
                _enqueue(post)
                taken_over += 1
    requeued = 0
    for post in ChannelPost.objects.filter(
        state=State.QUEUED, not_before__lt=now - LOST_TASK_GRACE
    ):
        with transaction.atomic():
            # Moved forward, so that a task merely waiting in a busy queue gets one more
            # companion every few minutes, not one a minute.
            if ChannelPost.objects.filter(pk=post.pk, state=State.QUEUED).update(
                not_before=now, updated_at=now
            ):
                post.not_before = now
                _enqueue(post)
                requeued += 1
    return {"taken_over": taken_over, "requeued": requeued}
