"""The interface every channel implements, and the data that crosses it.

A channel gets a frozen ``Article`` and the post's ``key`` and returns what the service made
of each step (``Posted``). It never touches the database: the ledger (``services``) records
before each call and after it. What a channel must tell the ledger, through its exceptions:

- ``Retry``: the service did not take the request (no connection, 429, 5xx): nothing was
  posted, try again later (after ``retry_after`` seconds when the service says so);
- ``Refused``: the service will never take it as it is (4xx): recorded, not retried;
- ``NoAnswer``: the request went out and no answer came back: it may have been posted. The
  ledger keeps the step ``in_flight`` and calls ``find`` before sending anything again.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import httpx
from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext_lazy

from masthead.core.numbers import whole_number

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


@dataclass(frozen=True)
class Photo:
    data: bytes
    mime_type: str
    filename: str
    alt: str
    caption: str
    credit: str


@dataclass(frozen=True)
class Article:
    page_id: int
    title: str
    standfirst: str
    url: str  # on the main site
    mirror_url: str  # the same article on a mirror that works today ("" when there is none)
    onion_url: str  # and on the onion service ("")
    publication: str
    language: str
    photo: Photo | None


# The words a post adds around the article's own, given in the article's language (``label``).
MIRROR = pgettext_lazy("channel post", "Mirror:")
TOR = pgettext_lazy("channel post", "Tor:")
PHOTO = pgettext_lazy("channel post", "Photo:")


def label(article: Article, words) -> str:
    """``words`` (one of the labels above) as the article's edition writes them."""
    with translation.override(article.language):
        return str(words)


@dataclass(frozen=True)
class Posted:
    id: str
    url: str = ""
    # Whatever a later step of the same post needs (Bluesky: the record's cid).
    extra: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, **(self.extra or {})}


class ChannelError(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None, code: str = ""):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
        self.code = code  # the service's own name for the error (XRPC's "RecordNotFound")


class Retry(ChannelError):
    """Not posted; may work later."""


class Refused(ChannelError):
    """Not posted, and never will be as it is."""


class NoAnswer(ChannelError):
    """May have been posted: the request went out, no answer came."""


class CannotTell(ChannelError):
    """``find`` cannot learn from the service whether the step arrived."""


class Channel:
    """One service, for the articles of one language. Subclasses set the class attributes and
    implement the three methods, reading their settings with ``setting``."""

    name: ClassVar[str]
    label: ClassVar[str]
    # The rendition of the lead photo the channel sends, or None for no photo.
    photo_spec: ClassVar[str | None] = None

    # The settings that must all be set for the channel to be on.
    required_settings: ClassVar[tuple[str, ...]]
    # Those of them that name the account: each language has its own (``CHANNEL_ACCOUNTS``),
    # never another language's. The others (a bot token, a server) serve every language.
    account_settings: ClassVar[tuple[str, ...]]

    def __init__(self, language: str | None = None):
        self.language = language or settings.LANGUAGE_CODE

    def setting(self, name: str) -> str:
        """``name`` for this channel's language: the plain setting for the default language,
        the language's own (``MASTHEAD_<name>_RU``) for an account of another one."""
        if name in self.account_settings and self.language != settings.LANGUAGE_CODE:
            return settings.CHANNEL_ACCOUNTS.get(self.language, {}).get(name, "")
        return getattr(settings, name)

    def configured(self) -> bool:
        return all(self.setting(name) for name in self.required_settings)

    def new_key(self) -> str:
        """A fresh key for one post (an idempotency key, a record key)."""
        return uuid.uuid4().hex

    def steps(self, article: Article) -> list[str]:
        """The calls one post is made of, in order; each is recorded before and after."""
        raise NotImplementedError

    def send(self, step: str, article: Article, *, key: str, done: dict[str, dict]) -> Posted:
        """Make one step's call. ``done`` holds what earlier steps returned (``Posted``)."""
        raise NotImplementedError

    def find(
        self, step: str, article: Article, *, key: str, done: dict[str, dict], since: datetime
    ) -> Posted | None:
        """After a step's call went unanswered (a worker stopped, a connection dropped): what
        the service made of it, or None when sending it again cannot post twice. Raises
        ``CannotTell`` when neither can be known, and the post is left for an editor."""
        raise NotImplementedError


# --- HTTP, with the service's answer sorted into the exceptions above ------------------------


def http_client(**kwargs) -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, headers={"User-Agent": "Masthead"}, **kwargs)


def http_call(client: httpx.Client, method: str, url: str, **kwargs) -> httpx.Response:
    """The response of a call that succeeded (2xx); anything else as a ``ChannelError``."""
    try:
        response = client.request(method, url, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
        raise Retry(f"Could not connect: {error}") from None
    except httpx.TransportError as error:  # sent, then a timeout or a dropped connection
        raise NoAnswer(f"No answer: {error.__class__.__name__} {error}") from None
    if response.is_success:
        return response
    if response.status_code == 429 or response.is_server_error:
        raise Retry(
            f"{response.status_code}: {_reason(response)}", retry_after=_retry_after(response)
        )
    raise Refused(f"{response.status_code}: {_reason(response)}", code=_code(response))


def _reason(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    if isinstance(body, dict):
        for field in ("description", "message", "error_description", "error"):
            if body.get(field):
                return str(body[field])[:300]
    return response.reason_phrase


def _code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait: Telegram's ``parameters.retry_after``, ``Retry-After``, or the
    ``RateLimit-Reset``/``X-RateLimit-Reset`` time (Bluesky: epoch seconds; Mastodon: ISO)."""
    try:
        body = response.json()
        value = body.get("parameters", {}).get("retry_after") if isinstance(body, dict) else None
        if value is not None:
            return float(value)
    except (ValueError, AttributeError):
        pass
    seconds = whole_number((response.headers.get("retry-after") or "").strip())
    if seconds is not None:
        return float(seconds)
    reset = response.headers.get("ratelimit-reset") or response.headers.get("x-ratelimit-reset")
    if reset:
        from django.utils import timezone
        from django.utils.dateparse import parse_datetime

        now = timezone.now()
        if (epoch := whole_number(reset.strip())) is not None:
            return max(0.0, epoch - now.timestamp())
        when = parse_datetime(reset.strip())
        if when is not None:
            return max(0.0, (when - now).total_seconds())
    return None


# --- Text within a service's limit -----------------------------------------------------------


def shorten(text: str, length: int) -> str:
    """``text`` in at most ``length`` characters, cut at a word and ended with "…"."""
    text = text.strip()
    if len(text) <= length:
        return text
    if length <= 1:
        return ""
    cut = text[: length - 1]
    space = cut.rfind(" ")
    if space >= length // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def fit(
    build: Callable[..., str], parts: Sequence[str], limit: int, measure: Callable[[str], int]
) -> str:
    """``build(*parts)`` within ``limit`` as ``measure`` counts, shortening the parts in order
    (the first as much as needed, down to nothing, before the second is touched)."""
    parts = list(parts)
    for index in range(len(parts)):
        if measure(build(*parts)) <= limit:
            return build(*parts)
        original = parts[index]
        low, high = 0, len(original)  # the longest length that fits lies in [low, high)
        while low < high:
            middle = (low + high + 1) // 2
            parts[index] = shorten(original, middle)
            if measure(build(*parts)) <= limit:
                low = middle
            else:
                high = middle - 1
        parts[index] = shorten(original, low)
    text = build(*parts)
    if measure(text) > limit:
        raise Refused(f"The post cannot be made to fit in {limit} characters")
    return text


_TAG = re.compile(r"<[^>]+>")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_length(markup: str) -> int:
    """Characters of HTML-formatted text once its tags are read (Telegram's count)."""
    return utf16_length(html.unescape(_TAG.sub("", markup)))
