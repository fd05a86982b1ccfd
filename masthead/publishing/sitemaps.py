"""The sitemaps: ``sitemap.xml``, an index of the parts that list every public page and
listing, and the news sitemap (articles of the last 48 hours).

Pages are listed in parts by their id (``settings.SITEMAP_PART_SIZE`` ids a part), so that a
page keeps its part whatever is published beside it: an edit changes one part and the index,
which a static build renders again in milliseconds rather than the whole list, and a site of
any size stays within the 50,000 addresses a sitemap may hold. The listings (archive, tags,
authors) are a part of their own, which changes only with the set of articles.
"""

import html
from datetime import datetime, timedelta
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import F, Max, UUIDField, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.html import escape as escape_html
from django.views.decorators.http import require_safe
from wagtail.models import Site

from masthead.core.editions import edition_prefix, editions_enabled
from masthead.core.models import edition_publication
from masthead.publishing import editions, selectors
from masthead.publishing.models import ArticlePage

NEWS_WINDOW = timedelta(hours=48)
MAX_ID = 2**63 - 1  # the largest id a database column holds
URL_SAFE = "/~:@!$&'()*+,;="  # django.urls.reverse keeps these unquoted


def part_of(page_id: int) -> int:
    """The part of the sitemap that lists page ``page_id``: ids 1 to the part size are
    part 1."""
    return (page_id - 1) // settings.SITEMAP_PART_SIZE + 1


def part_path(number: int) -> str:
    return f"/sitemaps/pages-{number}.xml"


LISTINGS_PATH = "/sitemaps/listings.xml"


# One date a row: the last publication, or the last revision of a page never published.
_LASTMOD = Coalesce("last_published_at", "latest_revision_created_at")


def _edition_pages() -> list[tuple[object, object]]:
    """(edition's home page, its live public pages) for each language edition."""
    root = Site.objects.select_related("root_page").get(is_default_site=True).root_page
    roots = [root]
    if editions_enabled():
        roots = sorted(root.get_translations(inclusive=True).live(), key=lambda r: r.path)
    return [
        (home, selectors.public_only(home.get_descendants(inclusive=True).live())) for home in roots
    ]


def _page_rows(part: int | None = None) -> list[tuple[str, datetime | None, object]]:
    """(address, last change, translation key) of every live, public page (of sitemap part
    ``part`` only, if given), the language editions' one after another, each in tree order:
    the pages Wagtail's sitemap lists, read as rows rather than as pages."""
    found = []
    # The translation key only when there are editions to link.
    key = "translation_key" if editions_enabled() else Value(None, output_field=UUIDField())
    for home, pages in _edition_pages():
        if part is not None:
            size = settings.SITEMAP_PART_SIZE
            pages = pages.filter(pk__gt=(part - 1) * size, pk__lte=part * size)
        rows = pages.order_by("path").values_list("url_path", _LASTMOD, key)
        prefix = editions.public_path(home.url_path) if editions_enabled() else "/"
        strip = len(home.url_path)
        found += [
            # Quoted as Django's reverse() quotes the page URLs Wagtail gives.
            (quote(prefix + url_path[strip:], safe=URL_SAFE), modified, key)
            for url_path, modified, key in rows
        ]
    return found


def parts() -> dict[int, datetime | None]:
    """The parts that list at least one page, and the last change among their pages: counted
    by the database, without reading the pages."""
    found: dict[int, datetime | None] = {}
    for _home, pages in _edition_pages():
        rows = (
            pages.order_by()
            .annotate(part=(F("pk") - 1) / settings.SITEMAP_PART_SIZE + 1)
            .values("part")
            .annotate(lastmod=Max(_LASTMOD))
            .values_list("part", "lastmod")
        )
        for number, lastmod in rows:
            known = found.get(number)
            found[number] = lastmod if known is None or (lastmod and lastmod > known) else known
    return dict(sorted(found.items()))


def listing_locations() -> list[str]:
    """Author and tag listings and the archive: views rather than pages in the tree; each
    language edition's, with its articles' authors and tags."""
    languages = [code for code, _name in settings.LANGUAGES] if editions_enabled() else [None]
    paths = []
    for language in languages:
        with translation.override(language):
            root = edition_prefix(language) if language else "/"
            articles = editions.in_edition(ArticlePage.objects.all())
            paths.append(f"{root}archive/")
            paths += [a.edition_url(language) for a in selectors.authors_in_use(articles)]
            paths += [f"{root}tags/{slug}/" for slug in selectors.tag_slugs_in_use(articles)]
    return paths


def _alternate_links(alternates) -> list[str]:
    links = []
    for language, path in [(a.language, a.path) for a in alternates] + [
        ("x-default", a.path) for a in alternates if a.language == settings.LANGUAGE_CODE
    ]:
        href = escape_html(settings.BASE_URL + quote(path, safe=URL_SAFE))
        links.append(f'<xhtml:link rel="alternate" hreflang="{language}" href="{href}"/>')
    return links


_URLSET = (
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
)


def _lastmod(value: datetime | None, zone) -> str:
    return f"<lastmod>{value.astimezone(zone).date().isoformat()}</lastmod>" if value else ""


def _xml(lines: list[str]) -> HttpResponse:
    response = HttpResponse("\n".join(lines), content_type="application/xml; charset=utf-8")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    """The index: each part of the sitemap with the last change among its pages, then the
    listings, on the canonical origin whichever host asked."""
    zone = timezone.get_current_timezone()  # localtime()'s, asked once rather than per row
    base = settings.BASE_URL
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for number, lastmod in parts().items():
        loc = html.escape(base + part_path(number))
        lines.append(f"<sitemap><loc>{loc}</loc>{_lastmod(lastmod, zone)}</sitemap>")
    lines.append(f"<sitemap><loc>{html.escape(base + LISTINGS_PATH)}</loc></sitemap>")
    lines.append("</sitemapindex>\n")
    return _xml(lines)


@require_safe
def sitemap_part(request: HttpRequest, number: int) -> HttpResponse:
    """The pages of one part. Written as text: Django's sitemap template takes 0.4 s over
    10,000 pages, this 20 ms."""
    rows = _page_rows(number) if 1 <= number <= part_of(MAX_ID) else []
    if not rows:
        raise Http404("No such part of the sitemap")
    lines = list(_URLSET)
    # With language editions, each translated page lists every language's address, itself
    # included, and x-default (the default language's), as its pages' <link> elements do.
    alternates = {}
    if editions_enabled():
        lines[1] = lines[1][:-1] + ' xmlns:xhtml="http://www.w3.org/1999/xhtml">'
        alternates = editions.translation_key_alternates()
    zone = timezone.get_current_timezone()
    base = settings.BASE_URL
    for path, lastmod, key in rows:
        links = "".join(_alternate_links(alternates[key])) if key in alternates else ""
        # html.escape: what django.utils.html.escape returns, without its lazy-string wrapper.
        loc = html.escape(base + path)
        lines.append(f"<url><loc>{loc}</loc>{_lastmod(lastmod, zone)}{links}</url>")
    lines.append("</urlset>\n")
    return _xml(lines)


@require_safe
def sitemap_listings(request: HttpRequest) -> HttpResponse:
    """Author and tag listings and the archive of every language edition."""
    lines = list(_URLSET)
    base = settings.BASE_URL
    for path in listing_locations():
        lines.append(f"<url><loc>{html.escape(base + path)}</loc></url>")
    lines.append("</urlset>\n")
    return _xml(lines)


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
        if article.url is None:  # of a language edition the newsroom has switched off
            continue
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
