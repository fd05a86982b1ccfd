"""A Telegram channel, through the Bot API over plain HTTP (``sendMessage``, ``sendPhoto``).

The text goes first, so that the post reads where media is throttled: headline, standfirst,
the article on the main site and on a working mirror, the onion address as text (tap to
copy). The lead photo follows as a second message, its caption within Telegram's 1,024
characters (text: 4,096), both in HTML parse mode with ``<``, ``>`` and ``&`` escaped.

The bot must be an administrator of the channel. The photo is uploaded (not given as a URL):
Telegram then needs no access to the site, which may be behind a CDN's bot checks.

Telegram cannot be asked whether a message arrived (a bot cannot read a channel's history),
so a message whose answer was lost is left ``unknown`` for an editor (``find``).
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from masthead.channels.providers.base import (
    MIRROR,
    PHOTO,
    TOR,
    Article,
    CannotTell,
    Channel,
    Posted,
    Refused,
    fit,
    http_call,
    http_client,
    label,
    visible_length,
)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


def _e(text: str) -> str:
    return escape(text, quote=True)


class TelegramChannel(Channel):
    name = "telegram"
    label = "Telegram"
    required_settings = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID")
    account_settings = ("TELEGRAM_CHAT_ID",)
    photo_spec = "max-1280x1280|format-jpeg|jpegquality-85"

    def steps(self, article: Article) -> list[str]:
        return ["text", "photo"] if article.photo else ["text"]

    # --- What is posted ---

    @staticmethod
    def text(article: Article) -> str:
        def build(standfirst: str, title: str) -> str:
            lines = [f"<b>{_e(title)}</b>"]
            if standfirst:
                lines += ["", _e(standfirst)]
            lines += ["", f'<a href="{_e(article.url)}">{_e(article.url)}</a>']
            if article.mirror_url:
                mirror = _e(article.mirror_url)
                lines.append(f'{_e(label(article, MIRROR))} <a href="{mirror}">{mirror}</a>')
            if article.onion_url:
                lines.append(f"{_e(label(article, TOR))} <code>{_e(article.onion_url)}</code>")
            return "\n".join(lines)

        return fit(build, [article.standfirst, article.title], TEXT_LIMIT, visible_length)

    @staticmethod
    def caption(article: Article) -> str:
        photo = article.photo
        assert photo is not None

        def build(caption: str, title: str) -> str:
            lines = [f"<b>{_e(title)}</b>"] if title else []
            credit = f"{label(article, PHOTO)} {photo.credit}" if photo.credit else ""
            about = " ".join(p for p in (caption, credit) if p)
            if about:
                lines.append(_e(about))
            lines.append(f'<a href="{_e(article.url)}">{_e(article.url)}</a>')
            return "\n".join(lines)

        return fit(build, [photo.caption, article.title], CAPTION_LIMIT, visible_length)

    # --- Calls ---

    def send(self, step: str, article: Article, *, key: str, done: dict[str, dict]) -> Posted:
        api = self.setting("TELEGRAM_API_URL").rstrip("/")
        base = f"{api}/bot{self.setting('TELEGRAM_BOT_TOKEN')}"
        with http_client() as client:
            if step == "text":
                response = http_call(
                    client,
                    "POST",
                    f"{base}/sendMessage",
                    json={
                        "chat_id": self.setting("TELEGRAM_CHAT_ID"),
                        "text": self.text(article),
                        "parse_mode": "HTML",
                        # The photo follows; a preview would load it (or another) twice.
                        "link_preview_options": {"is_disabled": True},
                    },
                )
            elif step == "photo" and article.photo:
                photo = article.photo
                response = http_call(
                    client,
                    "POST",
                    f"{base}/sendPhoto",
                    data={
                        "chat_id": self.setting("TELEGRAM_CHAT_ID"),
                        "caption": self.caption(article),
                        "parse_mode": "HTML",
                    },
                    files={"photo": (photo.filename, photo.data, photo.mime_type)},
                )
            else:
                raise Refused(f"No such step: {step}")
        return self._posted(response.json())

    def find(self, step, article, *, key, done, since: datetime) -> Posted | None:
        raise CannotTell(
            f"The worker stopped while Telegram was sending the {step}; Telegram cannot be "
            "asked whether it arrived. Look at the channel, and post again if it is missing."
        )

    @staticmethod
    def _posted(body: dict) -> Posted:
        if not isinstance(body, dict) or not body.get("ok"):
            raise Refused(f"Telegram answered: {json.dumps(body)[:300]}")
        message = body["result"]
        message_id = str(message["message_id"])
        chat = message.get("chat", {})
        if chat.get("username"):
            url = f"https://t.me/{chat['username']}/{message_id}"
        else:  # a private channel: -100<id>
            chat_id = str(chat.get("id", ""))
            url = f"https://t.me/c/{chat_id.removeprefix('-100')}/{message_id}" if chat_id else ""
        return Posted(id=message_id, url=url)
