"""sitemap.xml (every public page) and the news sitemap (articles of the last 48 hours)."""

from datetime import timedelta
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from wagtail.contrib.sitemaps import Sitemap as PageSitemap

from masthead.core.models import PublicationSettings
from masthead.publishing import selectors
from masthead.publishing.models import Author

NEWS_WINDOW = timedelta(hours=48)


class CanonicalPageSitemap(PageSitemap):
    """Wagtail's page sitemap, always with the canonical origin."""

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for entry in urls:
            path = entry["location"].split("://", 1)[-1]
            path = path[path.find("/") :] if "/" in path else "/"
            entry["location"] = settings.BASE_URL + path
        return urls


class ListingSitemap(DjangoSitemap):
    """Author and tag listings and the archive: views rather than pages in the tree."""

    def items(self) -> list[str]:
        paths = ["/archive/"]
        paths += [
            a.get_absolute_url()
            for a in Author.objects.filter(article_links__isnull=False).distinct()
        ]
        paths += [f"/tags/{t.slug}/" for t in selectors.tags_in_use()]
        return paths

    def location(self, item: str) -> str:
        return item

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.BASE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.BASE_URL).netloc


def sitemaps() -> dict:
    return {"pages": CanonicalPageSitemap, "listings": ListingSitemap}


@require_safe
def news_sitemap(request: HttpRequest) -> HttpResponse:
    publication = PublicationSettings.load(request_or_site=request)
    since = timezone.now() - NEWS_WINDOW
    articles = selectors.articles_live().filter(first_published_at__gte=since)[:1000]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">',
    ]
    for article in articles:
        lines += [
            "<url>",
            f"<loc>{escape(settings.BASE_URL + article.url)}</loc>",
            "<news:news>",
            "<news:publication>",
            f"<news:name>{escape(publication.name)}</news:name>",
            f"<news:language>{escape(settings.LANGUAGE_CODE)}</news:language>",
            "</news:publication>",
            f"<news:publication_date>{article.published_at.isoformat()}</news:publication_date>",
            f"<news:title>{escape(article.title)}</news:title>",
            "</news:news>",
            "</url>",
        ]
    lines.append("</urlset>")
    return HttpResponse("\n".join(lines), content_type="application/xml; charset=utf-8")
