"""sitemap.xml (every public page) and the news sitemap (articles of the last 48 hours)."""

import html
from datetime import datetime, timedelta
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import UUIDField, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.html import escape as escape_html
from django.views.decorators.http import require_safe
from wagtail.models import Site

from masthead.core.editions import edition_prefix, editions_enabled
from masthead.core.models import edition_publication
from masthead.publishing import editions, selectors
from masthead.publishing.models import ArticlePage, Author

NEWS_WINDOW = timedelta(hours=48)
URL_SAFE = "/~:@!$&'()*+,;="  # django.urls.reverse keeps these unquoted


def page_locations() -> list[tuple[str, datetime | None]]:
    """Every live, public page of the site and when it last changed, as Wagtail's sitemap
    lists them, read as rows rather than as pages: 10,000 articles without loading 10,000
    pages."""
    return [(path, lastmod) for path, lastmod, _key in _page_rows()]


def _page_rows() -> list[tuple[str, datetime | None, object]]:
    """(address, last change, translation key) of every live, public page, the language
    editions' one after another."""
    root = Site.objects.select_related("root_page").get(is_default_site=True).root_page
    roots = [root]
    if editions_enabled():
        roots = sorted(root.get_translations(inclusive=True).live(), key=lambda r: r.path)
    found = []
    # One date a row (the last publication, or the last revision of a page never published),
    # and the translation key only when there are editions to link: 10,000 rows are read
    # whenever a page changes.
    lastmod = Coalesce("last_published_at", "latest_revision_created_at")
    key = "translation_key" if editions_enabled() else Value(None, output_field=UUIDField())
    for home in roots:
        pages = selectors.public_only(home.get_descendants(inclusive=True).live())
        rows = pages.order_by("path").values_list("url_path", lastmod, key)
        prefix = editions.public_path(home.url_path) if editions_enabled() else "/"
        strip = len(home.url_path)
        found += [
            # Quoted as Django's reverse() quotes the page URLs Wagtail gives.
            (quote(prefix + url_path[strip:], safe=URL_SAFE), modified, key)
            for url_path, modified, key in rows
        ]
    return found


def listing_locations() -> list[str]:
    """Author and tag listings and the archive: views rather than pages in the tree; each
    language edition's, with its articles' authors and tags."""
    languages = [code for code, _name in settings.LANGUAGES] if editions_enabled() else [None]
    paths = []
    for language in languages:
        with translation.override(language):
            root = edition_prefix(language) if language else "/"
            articles = editions.in_edition(ArticlePage.objects.all())
            authors = Author.objects.filter(article_links__page__in=articles.values("pk"))
            paths.append(f"{root}archive/")
            paths += [a.edition_url(language) for a in authors.distinct()]
            paths += [f"{root}tags/{t.slug}/" for t in selectors.tags_in_use(articles)]
    return paths


def _alternate_links(alternates) -> list[str]:
    links = []
    for language, path in [(a.language, a.path) for a in alternates] + [
        ("x-default", a.path) for a in alternates if a.language == settings.LANGUAGE_CODE
    ]:
        href = escape_html(settings.BASE_URL + quote(path, safe=URL_SAFE))
        links.append(f'<xhtml:link rel="alternate" hreflang="{language}" href="{href}"/>')
    return links


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    """Every public page and listing, on the canonical origin whichever host asked. Written
    as text: Django's sitemap template takes 0.4 s over 10,000 pages, this 20 ms."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    # With language editions, each translated page lists every language's address, itself
    # included, and x-default (the default language's), as its pages' <link> elements do.
    alternates = {}
    if editions_enabled():
        lines[1] = lines[1][:-1] + ' xmlns:xhtml="http://www.w3.org/1999/xhtml">'
        alternates = editions.translation_key_alternates()
    zone = timezone.get_current_timezone()  # localtime()'s, asked once rather than per row
    base = settings.BASE_URL
    for path, lastmod, key in _page_rows():
        modified = (
            f"<lastmod>{lastmod.astimezone(zone).date().isoformat()}</lastmod>" if lastmod else ""
        )
        links = "".join(_alternate_links(alternates[key])) if key in alternates else ""
        # html.escape: what django.utils.html.escape returns, without its lazy-string wrapper.
        lines.append(f"<url><loc>{html.escape(base + path)}</loc>{modified}{links}</url>")
    for path in listing_locations():
        lines.append(f"<url><loc>{html.escape(base + path)}</loc></url>")
    lines.append("</urlset>\n")
    response = HttpResponse("\n".join(lines), content_type="application/xml; charset=utf-8")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@require_safe
def news_sitemap(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - NEWS_WINDOW
    articles = selectors.articles_live().filter(first_published_at__gte=since)[:1000]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">',
    ]
    names: dict[str, str] = {}
    for article in articles:
        language = editions.page_language(article)
        if language not in names:  # each edition's name for the publication, read once
            names[language] = edition_publication(language, request=request).name
        lines += [
            "<url>",
            f"<loc>{escape(settings.BASE_URL + article.url)}</loc>",
            "<news:news>",
            "<news:publication>",
            f"<news:name>{escape(names[language])}</news:name>",
            f"<news:language>{escape(language)}</news:language>",
            "</news:publication>",
            f"<news:publication_date>{article.published_at.isoformat()}</news:publication_date>",
            f"<news:title>{escape(article.title)}</news:title>",
            "</news:news>",
            "</url>",
        ]
    lines.append("</urlset>")
    return HttpResponse("\n".join(lines), content_type="application/xml; charset=utf-8")
