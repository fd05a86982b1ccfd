"""RSS 2.0 and Atom feeds with the full text of each article, site-wide and per section.

Readers who cannot reach the site often can reach a feed reader or a relay, so the feeds
carry whole articles, with absolute links and image addresses.
"""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import get_language

from masthead.core.editions import edition_prefix, editions_enabled
from masthead.core.memo import memo_showing
from masthead.core.models import edition_publication
from masthead.publishing import selectors
from masthead.publishing.editions import in_edition
from masthead.publishing.models import ArticlePage

FEED_LENGTH = 30
_ROOT_RELATIVE = re.compile(r'(\s(?:src|href|srcset)=")/(?!/)')


def absolutize(html: str) -> str:
    """Make root-relative links and image addresses absolute, as feed readers need."""
    return _ROOT_RELATIVE.sub(rf"\1{settings.BASE_URL}/", html)


class FullTextRss(Rss201rev2Feed):
    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content_html"])


class FullTextAtom(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


class ArticlesFeed(Feed):
    """The articles of the language edition the feed's address is in (``/ru/feeds/…``)."""

    feed_type = FullTextRss

    def get_object(self, request, section: str | None = None):
        self.publication = edition_publication(request=request)  # the feed's edition's
        self.edition_root = edition_prefix(get_language()) if editions_enabled() else "/"
        if section is None:
            return None
        return get_object_or_404(in_edition(selectors.sections_live()), slug=section)

    def title(self, obj):
        return f"{obj.title} — {self.publication.name}" if obj else self.publication.name

    def link(self, obj):
        return settings.BASE_URL + (obj.url if obj else self.edition_root)

    def description(self, obj):
        return (obj.intro if obj else "") or self.publication.tagline or self.publication.name

    def feed_url(self, obj):
        kind = "atom" if self.feed_type is FullTextAtom else "rss"
        prefix = f"{self.edition_root}feeds/{obj.slug}" if obj else f"{self.edition_root}feeds"
        return f"{settings.BASE_URL}{prefix}/{kind}.xml"

    def items(self, obj):
        articles = in_edition(selectors.articles_live()).prefetch_related("tagged_items__tag")
        if obj is not None:
            articles = articles.child_of(obj)
        return articles[:FEED_LENGTH]

    def item_title(self, item: ArticlePage):
        return item.title

    def item_description(self, item: ArticlePage):
        return item.standfirst

    def item_link(self, item: ArticlePage):
        return settings.BASE_URL + item.url

    def item_guid(self, item: ArticlePage):
        return f"{settings.BASE_URL}/?article={item.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, item: ArticlePage):
        names = [a.name for a in item.authors]
        return ", ".join(names) if names else self.publication.name

    def item_pubdate(self, item: ArticlePage):
        return item.published_at

    def item_updateddate(self, item: ArticlePage):
        return item.modified_at

    def item_categories(self, item: ArticlePage):
        return [t.tag.name for t in item.tagged_items.all()]

    def item_extra_kwargs(self, item: ArticlePage):
        # An article is in several feeds (the site's and its section's, RSS and Atom): its full
        # text is rendered once per scope (``core.memo``), with the photos it shows.
        def content() -> str:
            return absolutize(render_to_string("publishing/feed_item.html", {"article": item}))

        return {"content_html": memo_showing(("feed_item", get_language(), item.pk), content)}


class ArticlesAtomFeed(ArticlesFeed):
    feed_type = FullTextAtom
    subtitle = ArticlesFeed.description
