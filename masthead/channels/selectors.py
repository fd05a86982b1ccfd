"""Reads for channels: the article as a channel gets it, and the ledger as editors see it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from masthead.channels.models import ChannelPost
from masthead.channels.providers import CHANNELS, channels_configured
from masthead.channels.providers.base import Article, Photo
from masthead.core.models import PublicationSettings
from masthead.distribution.models import Mirror
from masthead.distribution.selectors import mirror_settings, mirrors_available
from masthead.publishing.models import ArticlePage


def article_live(*, page_id: int) -> ArticlePage | None:
    """The published, public article (None when it is a draft, unpublished or private)."""
    return ArticlePage.objects.live().public().filter(pk=page_id).first()


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
        publication=PublicationSettings.load().name,
        language=settings.LANGUAGE_CODE.split("-")[0],
        photo=photo,
    )


@dataclass(frozen=True)
class ChannelStatus:
    """One line of the article's Channels panel."""

    name: str
    label: str
    configured: bool
    post: ChannelPost | None

    @property
    def can_post(self) -> bool:
        return self.configured and (self.post is None or self.post.state in ChannelPost.FINAL)


def channel_statuses(*, page_id: int) -> list[ChannelStatus]:
    """Each configured channel with the article's post on it, and any channel that no longer is
    configured but holds a post."""
    posts = {p.channel: p for p in ChannelPost.objects.filter(page_id=page_id)}
    configured = {c.name for c in channels_configured()}
    return [
        ChannelStatus(
            name=name, label=cls.label, configured=name in configured, post=posts.get(name)
        )
        for name, cls in CHANNELS.items()
        if name in configured or name in posts
    ]
