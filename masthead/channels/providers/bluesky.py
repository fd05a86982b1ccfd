"""A Bluesky account, through its PDS's XRPC endpoints over plain HTTP.

One post: ``com.atproto.server.createSession`` with the handle and an app password, the lead
photo through ``com.atproto.repo.uploadBlob``, then ``com.atproto.repo.createRecord`` of an
``app.bsky.feed.post`` with a link facet and an ``app.bsky.embed.external`` card built from
the article's own headline, standfirst and photo (Bluesky does not fetch the page).

The record key (``rkey``) is the ledger's ``key``, a TID chosen before the call. So after a
call whose answer was lost, ``com.atproto.repo.getRecord`` tells whether the post exists:
the ledger records it, or sends again under the same key. A post is never made twice.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

from masthead.channels.providers.base import (
    Article,
    Channel,
    Posted,
    Refused,
    fit,
    http_call,
    http_client,
)

COLLECTION = "app.bsky.feed.post"
LIMIT = 300  # graphemes; counted here as code points, never fewer than graphemes
BYTE_LIMIT = 3000
THUMB_MAX_BYTES = 1_000_000
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def tid_make() -> str:
    """A record key in the TID format: microseconds since the epoch and a random clock id,
    base32-sortable, 13 characters."""
    value = (time.time_ns() // 1000) << 10 | secrets.randbelow(1024)
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def _length(text: str) -> int:
    return len(text) if len(text.encode()) <= BYTE_LIMIT else BYTE_LIMIT + 1


class BlueskyChannel(Channel):
    name = "bluesky"
    label = "Bluesky"
    required_settings = ("BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD")
    account_settings = ("BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD")
    photo_spec = "fill-1200x630|format-jpeg|jpegquality-80"

    def new_key(self) -> str:
        return tid_make()

    def steps(self, article: Article) -> list[str]:
        return ["post"]

    @staticmethod
    def text(article: Article) -> str:
        def build(standfirst: str, title: str) -> str:
            return "\n\n".join(p for p in (title, standfirst, article.url) if p)

        return fit(build, [article.standfirst, article.title], LIMIT, _length)

    def record(self, article: Article, thumb: dict | None) -> dict:
        text = self.text(article)
        start = text.encode().rindex(article.url.encode())
        external = {"uri": article.url, "title": article.title, "description": article.standfirst}
        if thumb:
            external["thumb"] = thumb
        return {
            "$type": COLLECTION,
            "text": text,
            "createdAt": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "langs": [article.language],
            "facets": [
                {
                    "index": {"byteStart": start, "byteEnd": start + len(article.url.encode())},
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": article.url}],
                }
            ],
            "embed": {"$type": "app.bsky.embed.external", "external": external},
        }

    # --- Calls ---

    def _xrpc(self, method: str) -> str:
        return f"{self.setting('BLUESKY_PDS_URL').rstrip('/')}/xrpc/{method}"

    def _session(self, client) -> dict:
        response = http_call(
            client,
            "POST",
            self._xrpc("com.atproto.server.createSession"),
            json={
                "identifier": self.setting("BLUESKY_HANDLE"),
                "password": self.setting("BLUESKY_APP_PASSWORD"),
            },
        )
        session = response.json()
        if not session.get("accessJwt") or not session.get("did"):
            raise Refused("Bluesky's createSession answered without a session")
        client.headers["Authorization"] = f"Bearer {session['accessJwt']}"
        return session

    def _posted(self, session: dict, uri: str, cid: str, key: str) -> Posted:
        handle = session.get("handle") or self.setting("BLUESKY_HANDLE")
        return Posted(
            id=uri, url=f"https://bsky.app/profile/{handle}/post/{key}", extra={"cid": cid}
        )

    def send(self, step: str, article: Article, *, key: str, done: dict[str, dict]) -> Posted:
        if step != "post":
            raise Refused(f"No such step: {step}")
        with http_client() as client:
            session = self._session(client)
            thumb = None
            photo = article.photo
            if photo and len(photo.data) <= THUMB_MAX_BYTES:
                uploaded = http_call(
                    client,
                    "POST",
                    self._xrpc("com.atproto.repo.uploadBlob"),
                    content=photo.data,
                    headers={"Content-Type": photo.mime_type},
                ).json()
                thumb = uploaded.get("blob")
            response = http_call(
                client,
                "POST",
                self._xrpc("com.atproto.repo.createRecord"),
                json={
                    "repo": session["did"],
                    "collection": COLLECTION,
                    "rkey": key,
                    "record": self.record(article, thumb),
                },
            )
        body = response.json()
        return self._posted(session, body["uri"], body.get("cid", ""), key)

    def find(self, step, article, *, key, done, since: datetime) -> Posted | None:
        with http_client() as client:
            session = self._session(client)
            try:
                response = http_call(
                    client,
                    "GET",
                    self._xrpc("com.atproto.repo.getRecord"),
                    params={"repo": session["did"], "collection": COLLECTION, "rkey": key},
                )
            except Refused as error:
                if error.code == "RecordNotFound":
                    return None
                raise
        body = response.json()
        return self._posted(session, body["uri"], body.get("cid", ""), key)
