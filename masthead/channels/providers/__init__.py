"""The channels Masthead posts to. Adding one = a module with a ``Channel`` subclass, listed
here; it is on when ``configured()`` says its settings are set."""

from __future__ import annotations

from masthead.channels.providers.base import Channel
from masthead.channels.providers.bluesky import BlueskyChannel
from masthead.channels.providers.mastodon import MastodonChannel
from masthead.channels.providers.telegram import TelegramChannel

CHANNELS: dict[str, type[Channel]] = {
    c.name: c for c in (TelegramChannel, MastodonChannel, BlueskyChannel)
}


def channels_configured() -> list[type[Channel]]:
    return [c for c in CHANNELS.values() if c.configured()]


def channel_get(name: str) -> Channel | None:
    cls = CHANNELS.get(name)
    return cls() if cls else None
