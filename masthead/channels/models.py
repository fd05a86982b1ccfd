"""The ledger of posts to the newsroom's channels: one row per article and channel. The row
names the article's language, whose account the post goes to (an article has one language,
so this is also one post per article, channel and language).

A row exists before any call to the service is made, and says at every moment what is known:

    queued ──► sending ──► sent
      ▲           │ ├────► failed   (the service refused: 4xx; or every retry failed)
      │           │ └────► unknown  (a call went out and no answer came; the service cannot
      └── retry ◄─┘                  be asked whether it arrived: an editor looks)

``in_flight`` names the step whose call has started and whose answer is not recorded yet. A
worker that finds it set (its predecessor stopped, or the answer never came) asks the channel
whether that step arrived before sending anything (``Channel.find``).
"""

from __future__ import annotations

from django.db import models


class ChannelPost(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Posted"
        FAILED = "failed", "Not posted"
        UNKNOWN = "unknown", "Unknown: check the channel"

    FINAL = (State.SENT, State.FAILED, State.UNKNOWN)

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20)  # a name in providers.CHANNELS
    # The article's language when the row was made: the account it goes to (CHANNEL_ACCOUNTS).
    language = models.CharField(max_length=100)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    # Who asked for it (an editor's "post" in the admin); empty for the post on publication.
    requested_by_id = models.BigIntegerField(null=True, blank=True)
    # New for each request: Mastodon's Idempotency-Key, Bluesky's record key.
    key = models.CharField(max_length=64)
    attempts = models.PositiveIntegerField(default=0)
    not_before = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    in_flight = models.CharField(max_length=20, blank=True)
    in_flight_since = models.DateTimeField(null=True, blank=True)
    # What each step left on the service: {"text": {"id": "12", "url": "https://t.me/…"}}.
    progress = models.JSONField(default=dict, blank=True)
    remote_id = models.CharField(max_length=300, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["page", "channel"], name="channels_one_post_per_channel"
            )
        ]
        indexes = [models.Index(fields=["state", "not_before"])]

    def __str__(self) -> str:
        return f"{self.channel} post of page {self.page_id}: {self.state}"
