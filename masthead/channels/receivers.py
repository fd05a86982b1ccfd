"""Signal receivers: a publication hands the article to ``services.article_published``."""

from __future__ import annotations

from wagtail.signals import page_published


def article_published(sender, instance=None, **kwargs) -> None:
    from masthead.channels.services import article_published as published

    published(page=instance)


def connect() -> None:
    from masthead.publishing.models import ArticlePage

    # Also sent by Wagtail's publish_scheduled (the scheduler's job) for scheduled articles.
    page_published.connect(article_published, sender=ArticlePage, dispatch_uid="channels-publish")
