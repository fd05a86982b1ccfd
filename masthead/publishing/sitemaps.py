"""sitemap.xml (every public page) and the news sitemap (articles of the last 48 hours)."""

from datetime import timedelta
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from wagtail.models import Site

from masthead.core.models import PublicationSettings
from masthead.publishing import selectors
from masthead.publishing.models import Author

NEWS_WINDOW = timedelta(hours=48)
URL_SAFE = "/~:@!$&'()*+,;="  # django.urls.reverse keeps these unquoted


class CanonicalSitemap(DjangoSitemap):
    """Locations on the canonical origin, whichever host asked."""

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.BASE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.BASE_URL).netloc


class PageSitemap(CanonicalSitemap):
    """Every live, public page of the site, as Wagtail's sitemap lists them, read as rows
    (address and dates) rather than as pages: 10,000 articles without loading 10,000 pages."""

    def items(self) -> list[tuple[str, object]]:
        root = Site.objects.select_related("root_page").get(is_default_site=True).root_page
        pages = selectors.public_only(root.get_descendants(inclusive=True).live())
        rows = pages.order_by("path").values_list(
            "url_path", "last_published_at", "latest_revision_created_at"
        )
        strip = len(root.url_path) - 1
        return [
            # Quoted as Django's reverse() quotes the page URLs Wagtail gives.
            (quote(url_path[strip:], safe=URL_SAFE), published or revised)
            for url_path, published, revised in rows
        ]

    def location(self, item: tuple[str, object]) -> str:
        return item[0]

    def lastmod(self, item: tuple[str, object]):
        return item[1]


class ListingSitemap(CanonicalSitemap):
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


def sitemaps() -> dict:
    return {"pages": PageSitemap, "listings": ListingSitemap}


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
