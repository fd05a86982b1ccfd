"""Reads for channels: the article as a channel gets it, and the ledger as editors see it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from masthead.channels.models import ChannelPost
from masthead.channels.providers import CHANNELS, channel_languages
from masthead.channels.providers.base import Article, Photo
from masthead.core.models import edition_publication
from masthead.distribution.models import Mirror
from masthead.distribution.selectors import mirror_settings, mirrors_available
from masthead.publishing.editions import page_language
from masthead.publishing.models import ArticlePage


def article_live(*, page_id: int) -> ArticlePage | None:
    """The published, public article (None when it is a draft, unpublished or private)."""
    return ArticlePage.objects.live().public().filter(pk=page_id).first()


def article_language(page) -> str:
    """The language of the article's edition: whose accounts it is posted to."""
    return page_language(page)


def language_name(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, code)


def not_configured_reason(*, channel: str, language: str) -> str:
    """Why an article in ``language`` is not posted to ``channel``, for editors."""
    cls = CHANNELS[channel]
    if not channel_languages(channel):
        return f"{cls.label} is not configured."
    return f"{cls.label} has no account for {language_name(language)} articles."


def mirror_origin() -> str:
    """The newest active mirror on the web (not the onion service, not IPFS): the likeliest
    to work today."""
    onion = mirror_settings().onion_origin
    for alternative in mirrors_available():
        web = urlsplit(alternative.url).scheme in ("http", "https")
        if web and alternative.type == Mirror.Type.MIRROR and alternative.url != onion:
            return alternative.url.rstrip("/")
    return ""


def article_for_channel(*, page: ArticlePage, photo_spec: str | None) -> Article:
    path = page.url or "/"
    mirror = mirror_origin()
    onion = mirror_settings().onion_origin
    photo = None
    if photo_spec and page.lead_image:
        rendition = page.lead_image.get_rendition(photo_spec)
        with rendition.file.open("rb") as handle:
            data = handle.read()
        photo = Photo(
            data=data,
            mime_type="image/jpeg",
            filename=f"{page.slug}.jpg",
            alt=page.lead_image_alt,
            caption=page.lead_image_caption,
            credit=page.lead_image_credit,
        )
    return Article(
        page_id=page.pk,
        title=page.title,
        standfirst=page.standfirst,
        url=settings.BASE_URL + path,
        mirror_url=mirror + path if mirror else "",
        onion_url=onion + path if onion else "",
        publication=edition_publication(article_language(page)).name,
        language=article_language(page).split("-")[0],
        photo=photo,
    )


@dataclass(frozen=True)
class ChannelStatus:
    """One line of the article's Channels panel."""

    name: str
    label: str
    configured: bool  # for the article's language
    post: ChannelPost | None
    note: str = ""  # why it is not configured for the article's language

    @property
    def can_post(self) -> bool:
        return self.configured and (self.post is None or self.post.state in ChannelPost.FINAL)


def channel_statuses(*, page_id: int) -> list[ChannelStatus]:
    """Each channel on for the article's language, with the article's post on it; any channel
    that holds a post of it but no longer is; and any channel on for other languages only,
    saying that this one has no account there (so an editor sees why nothing was posted)."""
    page = ArticlePage.objects.filter(pk=page_id).first()
    language = article_language(page) if page is not None else settings.LANGUAGE_CODE
    posts = {p.channel: p for p in ChannelPost.objects.filter(page_id=page_id)}
    statuses = []
    for name, cls in CHANNELS.items():
        languages = channel_languages(name)
        configured = language in languages
        if configured or name in posts or languages:
            note = "" if configured else not_configured_reason(channel=name, language=language)
            statuses.append(
                ChannelStatus(
                    name=name,
                    label=cls.label,
                    configured=configured,
                    post=posts.get(name),
                    note=note,
                )
            )
    return statuses
