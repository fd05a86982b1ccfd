"""The channels Masthead posts to. Adding one = a module with a ``Channel`` subclass, listed
here; it is on for a language when ``configured()`` says its settings are set for it."""

from __future__ import annotations

from django.conf import settings

from masthead.channels.providers.base import Channel
from masthead.channels.providers.bluesky import BlueskyChannel
from masthead.channels.providers.mastodon import MastodonChannel
from masthead.channels.providers.telegram import TelegramChannel

CHANNELS: dict[str, type[Channel]] = {
    c.name: c for c in (TelegramChannel, MastodonChannel, BlueskyChannel)
}


def channels_configured(language: str | None = None) -> list[Channel]:
    """The channels that post articles in ``language`` (the default language's when None)."""
    return [channel for cls in CHANNELS.values() if (channel := cls(language)).configured()]


def channel_get(name: str, language: str | None = None) -> Channel | None:
    cls = CHANNELS.get(name)
    return cls(language) if cls else None


def channel_languages(name: str) -> list[str]:
    """The languages of ``MASTHEAD_LANGUAGES`` whose articles go to channel ``name``."""
    cls = CHANNELS.get(name)
    if cls is None:
        return []
    return [code for code, _label in settings.LANGUAGES if cls(code).configured()]
