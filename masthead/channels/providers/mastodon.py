"""A Mastodon account, through ``POST /api/v1/statuses`` over plain HTTP.

Every request of one post carries the same ``Idempotency-Key`` (the ledger's ``key``):
Mastodon answers a repeated request with the status it already made, for an hour. So a call
whose answer was lost is simply made again within that hour (``find`` returns None); later
than that, the post is left ``unknown`` for an editor.

No media is uploaded: Mastodon builds the link card from the article's own Open Graph tags
(headline, standfirst, lead photo). Mastodon counts every link as 23 characters.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.utils import timezone

from masthead.channels.providers.base import (
    MIRROR,
    Article,
    CannotTell,
    Channel,
    Posted,
    Refused,
    fit,
    http_call,
    http_client,
    label,
)

LIMIT = 500
URL_LENGTH = 23
# Mastodon keeps idempotency keys for one hour; a margin for clocks and queues.
IDEMPOTENCY_WINDOW = timedelta(minutes=50)
_URL = re.compile(r"https?://\S+")


def mastodon_length(text: str) -> int:
    return len(_URL.sub("x" * URL_LENGTH, text))


class MastodonChannel(Channel):
    name = "mastodon"
    label = "Mastodon"
    required_settings = ("MASTODON_URL", "MASTODON_TOKEN")
    account_settings = ("MASTODON_URL", "MASTODON_TOKEN")

    def steps(self, article: Article) -> list[str]:
        return ["status"]

    @staticmethod
    def text(article: Article) -> str:
        def build(standfirst: str, title: str) -> str:
            paragraphs = [p for p in (title, standfirst) if p]
            mirror = f"\n{label(article, MIRROR)} {article.mirror_url}"
            links = article.url + (mirror if article.mirror_url else "")
            return "\n\n".join([*paragraphs, links])

        return fit(build, [article.standfirst, article.title], LIMIT, mastodon_length)

    def send(self, step: str, article: Article, *, key: str, done: dict[str, dict]) -> Posted:
        if step != "status":
            raise Refused(f"No such step: {step}")
        with http_client() as client:
            response = http_call(
                client,
                "POST",
                f"{self.setting('MASTODON_URL').rstrip('/')}/api/v1/statuses",
                headers={
                    "Authorization": f"Bearer {self.setting('MASTODON_TOKEN')}",
                    "Idempotency-Key": key,
                },
                json={
                    "status": self.text(article),
                    "visibility": "public",
                    "language": article.language,
                },
            )
        body = response.json()
        if not isinstance(body, dict) or not body.get("id"):
            raise Refused(f"Mastodon answered without a status: {response.text[:300]}")
        return Posted(id=str(body["id"]), url=str(body.get("url") or body.get("uri") or ""))

    def find(self, step, article, *, key, done, since: datetime) -> Posted | None:
        if timezone.now() - since < IDEMPOTENCY_WINDOW:
            return None  # the same key again: Mastodon returns the status it made, if any
        raise CannotTell(
            "The worker stopped while Mastodon was posting, too long ago for Mastodon to "
            "recognise a repeat. Look at the account, and post again if it is missing."
        )
