"""Reads for distribution: what the static site consists of, and where else it is reachable.

``site_urls()`` is the explicit list of public URLs (the renderer adds whatever it finds by
following links). Each URL comes with the *structural* dependencies that decide when it must
be rendered again: "this page", "the listing of section 7", "the set of live articles". What a
page happens to show (which articles, authors, images) is recorded while it renders; see
``services.render``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import orjson
from django.conf import settings
from django.db.models import CharField, Q
from django.db.models.functions import Cast, Substr
from django.urls import LocalePrefixPattern, URLPattern, URLResolver, get_resolver
from django.utils import translation
from wagtail.models import Page, Site

from masthead.core.editions import edition_prefix, editions_enabled, path_language
from masthead.core.memo import memo
from masthead.distribution.keys import (
    ALL_ARTICLES,
    ANY_PAGE,
    ARCHIVE_LISTING,
    MIRRORS,
    REDIRECTS,
    ROUTES,
    SHOWS_EVERY_ARTICLE,
    SITE,
    Key,
    Kind,
)
from masthead.distribution.models import Mirror, MirrorSettings
from masthead.publishing import pagination, sitemaps
from masthead.publishing.editions import locale_languages

# --- Mirrors and onion -----------------------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    """One entry of ``available_alternatives`` in the bypass-mirrors format."""

    proto: str
    type: str
    url: str
    created_at: datetime
    updated_at: datetime

    def as_dict(self) -> dict[str, str]:
        return {
            "proto": self.proto,
            "type": self.type,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "url": self.url,
        }


def mirror_settings() -> MirrorSettings:
    return memo("mirror_settings", MirrorSettings.load)


def mirrors_available() -> list[Alternative]:
    """The addresses to give readers besides the main domain: the onion service first (it is
    the hardest to block), then active mirrors, newest first (the least likely to be blocked).

    Newsletters include these so that each edition carries the current ways in.
    """
    result = []
    onion = mirror_settings()
    if onion.onion_address:
        # The settings row has no timestamps of its own; its primary key is stable, so the
        # entry's dates are those of the oldest mirror row or, failing that, a fixed epoch.
        since = datetime.fromisoformat("2000-01-01T00:00:00+00:00")
        result.append(
            Alternative(
                proto=Mirror.Proto.TOR,
                type=Mirror.Type.EOTK,
                url=onion.onion_origin,
                created_at=since,
                updated_at=since,
            )
        )
    for mirror in Mirror.objects.filter(active=True).order_by("-created_at", "-pk"):
        if mirror.url == onion.onion_origin:
            continue
        result.append(
            Alternative(
                proto=mirror.proto,
                type=mirror.type,
                url=mirror.url,
                created_at=mirror.created_at,
                updated_at=mirror.updated_at,
            )
        )
    return result


def mirror_list_document() -> dict:
    """``/mirrors.json`` in the bypass-mirrors v2 format."""
    return {
        "main_domain": urlsplit(settings.BASE_URL).hostname,
        "available_alternatives": [a.as_dict() for a in mirrors_available()],
    }


def mirror_origins() -> list[str]:
    """Every origin the public site is served from: main, API, active mirrors and onion.
    Public forms accept posts from these (registered with ``core.public_forms`` in apps.py)."""
    origins = [settings.BASE_URL, *settings.API_ORIGINS]
    for alternative in mirrors_available():
        parts = urlsplit(alternative.url)
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return list(dict.fromkeys(origins))


def onion_location(*, path: str) -> str:
    """The onion copy of the page at ``path`` (``""`` when there is no onion service)."""
    origin = mirror_settings().onion_origin
    return f"{origin}{path}" if origin else ""


def source_page_path() -> str | None:
    """Where the live "Contact us securely" page is (``/contact-securely/``), if there is one:
    its files get its own headers from the web server."""
    paths = source_page_paths()
    return paths[0] if paths else None


def source_page_paths() -> list[str]:
    """Where every live "Contact us securely" page is: one per language edition (the
    default's first, ``/contact-securely/``, ``/ru/contact-securely/``)."""
    from masthead.publishing.models import SecureContactPage
    from masthead.publishing.selectors import public_only

    root = site_root_path()
    if root is None:
        return []
    pages = public_only(SecureContactPage.objects.live()).order_by("path")
    paths = [_public_path(url_path, root) for url_path in pages.values_list("url_path", flat=True)]
    return sorted(
        (p for p in paths if p), key=lambda p: (path_language(p) != settings.LANGUAGE_CODE, p)
    )


def reader_contact_email() -> str:
    from masthead.core.models import PublicationSettings

    return PublicationSettings.load().contact_email


# --- The public site as a list of URLs -------------------------------------------------------

# Dependency keys: ``distribution.keys``.


def page_key(page_id: int) -> Key:
    return Key(Kind.PAGE, page_id)


def section_listing_key(section_id: int) -> Key:
    return Key(Kind.SECTION_LISTING, section_id)


def tag_listing_key(slug: str) -> Key:
    return Key(Kind.TAG_LISTING, slug)


def author_listing_key(author_id: int) -> Key:
    return Key(Kind.AUTHOR_LISTING, author_id)


# The 404 page, rendered by asking for an address that is no page; written as 404.html.
NOT_FOUND_PATH = "/404.html"


def not_found_paths() -> list[str]:
    """Each language edition's 404 page, in its language: ``/404.html``, ``/ru/404.html``…
    (what nginx answers a missing address with, by the edition the address is in)."""
    others = [code for code in _editions() if code != settings.LANGUAGE_CODE]
    return [NOT_FOUND_PATH, *(f"{edition_prefix(code)}404.html" for code in others)]


# Only the app answers these: the admin, APIs, payment steps, webhooks and its health.
APP_PREFIXES = ("/admin/", "/django-admin/", "/api/", "/payments/", "/healthz")
# Never rendered to files: the above, and files that are copied or generated rather than
# rendered (static assets, uploads, the search index).
DYNAMIC_PREFIXES = (*APP_PREFIXES, "/static/", "/media/", "/pagefind/", "/__")


@dataclass(frozen=True)
class SiteUrl:
    path: str  # unquoted, starting with "/"
    deps: frozenset[Key] = field(default_factory=frozenset)
    # The lists that produced it ("page:12", "section:3", "archive"…). An update that lists
    # them again and no longer finds the URL deletes its file.
    sources: frozenset[str] = field(default_factory=frozenset)
    # A numbered listing page whose file an update may keep (see Unchanged).
    unchanged: Unchanged | None = None


@dataclass(frozen=True)
class Unchanged:
    """When an update may keep a numbered listing page's file: it showed exactly the articles
    ``shows`` (as recorded when it was rendered), and the page after it, ``following``,
    existed then exactly when it exists now (``following_listed``)."""

    shows: frozenset[Key]
    following: str
    following_listed: bool


@dataclass(frozen=True)
class PageRecord:
    """What the incremental update compares against: a page's address and memberships."""

    id: int
    kind: str  # "article", "section", "info", "home" or the model name
    path: str
    title: str
    section: int | None = None
    tags: tuple[str, ...] = ()
    authors: tuple[int, ...] = ()

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "path": self.path,
            "title": self.title,
            "section": self.section,
            "tags": list(self.tags),
            "authors": list(self.authors),
        }


def _paginated(
    base: str,
    listing: int | Sequence[int],
    per_page: int,
    deps: frozenset[Key],
    source: str,
    *,
    page_deps: frozenset[Key] = frozenset(),
) -> Iterator[SiteUrl]:
    """A listing's first page, which depends on ``deps``, and its numbered pages, which
    depend on ``page_deps`` and on the articles they show (recorded as they are rendered).
    ``listing`` is the number of articles (a build) or their ids, newest first (an update):
    then the numbered pages say when the update may keep their files; numbered from the
    oldest, most of them never change."""
    sources = frozenset({source})
    pks = None if isinstance(listing, int) else listing
    count = listing if pks is None else len(pks)
    yield SiteUrl(base, deps, sources)
    last = pagination.numbered_pages(count, per_page)
    for number in range(1, last + 1):
        unchanged = None
        if pks is not None:
            shown = pks[pagination.page_slice(count, per_page, number)]
            unchanged = Unchanged(
                shows=frozenset(Key(Kind.SHOWS_PAGE, pk) for pk in shown),
                following=pagination.page_number_path(base, number + 1),
                following_listed=number < last,
            )
        path = pagination.page_number_path(base, number)
        yield SiteUrl(path, page_deps, sources, unchanged)


def _listing(queryset, expect: bool, count: int | None = None) -> int | list[int]:
    """For ``_paginated``: the ids of a listing's articles, newest first, when an update asks
    which of its pages may stay (``expect``); otherwise their number (``count`` if known)."""
    if expect:
        return list(queryset.values_list("pk", flat=True))
    return queryset.count() if count is None else count


def site_root_path() -> str | None:
    """The default site's root ``url_path`` (e.g. ``/home/``): pages below it are the site."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.url_path if site else None


def _public_path(url_path: str, root: str) -> str | None:
    if not url_path.startswith(root):
        if editions_enabled():  # another language's edition: /ru/…
            from masthead.publishing.editions import public_path

            return public_path(url_path)
        return None
    return "/" + url_path[len(root) :]


def _under_root(pages, root: str):
    """``pages`` below the site's root: each edition's, with language editions."""
    return pages if editions_enabled() else pages.filter(url_path__startswith=root)


def _editions() -> list[str]:
    """The languages whose editions have their own archive and feeds (the default alone with
    one edition: ``translation.override`` of it changes nothing)."""
    return [code for code, _name in settings.LANGUAGES] if editions_enabled() else []


def page_records(*, page_ids: Iterable[int] | None = None) -> list[PageRecord]:
    """Live, public pages of the default site (all, or those among ``page_ids``)."""
    from masthead.publishing.models import ArticleAuthor, ArticlePage, ArticleTag
    from masthead.publishing.selectors import public_only

    root = site_root_path()
    if root is None:
        return []
    pages = _under_root(public_only(Page.objects.live()), root)
    if page_ids is not None:
        pages = pages.filter(pk__in=list(page_ids))
    rows = list(pages.values_list("pk", "url_path", "title", "content_type__model", "path"))
    article_ids = [pk for pk, _, _, model, _ in rows if model == "articlepage"]
    tags: dict[int, list[str]] = {}
    for object_id, slug in ArticleTag.objects.filter(content_object_id__in=article_ids).values_list(
        "content_object_id", "tag__slug"
    ):
        tags.setdefault(object_id, []).append(slug)
    authors: dict[int, list[int]] = {}
    for page_id, author_id in ArticleAuthor.objects.filter(page_id__in=article_ids).values_list(
        "page_id", "author_id"
    ):
        authors.setdefault(page_id, []).append(author_id)
    # An article's section is its parent: the page whose tree path is the article's minus one
    # step (treebeard's materialised path), looked up in one query.
    steplen = ArticlePage.steplen
    parent_paths = {pk: path[:-steplen] for pk, _, _, model, path in rows if model == "articlepage"}
    parents = dict(
        Page.objects.filter(path__in=set(parent_paths.values())).values_list("path", "pk")
    )
    kinds = {
        "articlepage": "article",
        "sectionpage": "section",
        "infopage": "info",
        "securecontactpage": "info",  # an information page with its own headers
    }
    records = []
    for pk, url_path, title, model, _path in rows:
        public = _public_path(url_path, root)
        if public is None:
            continue
        kind = kinds.get(model, "home" if model == "homepage" else model)
        records.append(
            PageRecord(
                id=pk,
                kind=kind,
                path=public,
                title=title,
                section=parents.get(parent_paths[pk]) if kind == "article" else None,
                tags=tuple(sorted(tags.get(pk, ()))),
                authors=tuple(sorted(authors.get(pk, ()))),
            )
        )
    return records


def page_urls(records: Iterable[PageRecord]) -> Iterator[SiteUrl]:
    for record in records:
        deps = {page_key(record.id)}
        if record.kind == "home":
            deps.add(ALL_ARTICLES)
        if record.kind == "section":
            # The section page is the first page of its listing; further pages come below.
            deps.add(section_listing_key(record.id))
        yield SiteUrl(record.path, frozenset(deps), frozenset({f"page:{record.id}"}))


def section_listing_urls(
    *, section_ids: Iterable[int] | None = None, expect: bool = False
) -> Iterator[SiteUrl]:
    """Pages 1… of each section's listing, and the section's feeds (its first page is the
    section page itself)."""
    from masthead.publishing import selectors as publishing
    from masthead.publishing.models import SectionPage

    root = site_root_path() or "/"
    sections = publishing.sections_live()
    if section_ids is not None:
        sections = sections.filter(pk__in=list(section_ids))
    for section in sections:
        public = _public_path(section.url_path, root)
        if public is None:
            continue
        deps = frozenset({page_key(section.pk), section_listing_key(section.pk)})
        articles = publishing.articles_live().child_of(section)
        source = f"section:{section.pk}"
        pages = _paginated(
            public,
            _listing(articles, expect),
            SectionPage.per_page,
            deps,
            source,
            page_deps=frozenset({page_key(section.pk)}),
        )
        yield from list(pages)[1:]
        feeds = f"/feeds/{section.slug}/"
        if editions_enabled():
            from masthead.publishing.editions import page_language

            feeds = edition_prefix(page_language(section)) + feeds[1:]
        yield SiteUrl(f"{feeds}rss.xml", deps, frozenset({source}))
        yield SiteUrl(f"{feeds}atom.xml", deps, frozenset({source}))


def tag_listing_urls(
    *, slugs: Iterable[str] | None = None, expect: bool = False
) -> Iterator[SiteUrl]:
    """Each language edition's listing of each tag its articles carry (``/tags/…``,
    ``/ru/tags/…``)."""
    from masthead.publishing import selectors as publishing
    from masthead.publishing.editions import in_edition
    from masthead.publishing.models import ArticlePage
    from masthead.publishing.views import PER_PAGE

    slugs = None if slugs is None else list(slugs)
    for language in _editions() or [settings.LANGUAGE_CODE]:
        found = []
        with translation.override(language):  # read inside, yielded outside
            tags = publishing.tags_in_use(in_edition(ArticlePage.objects.all()))
            if slugs is not None:
                tags = tags.filter(slug__in=slugs)
            for tag in tags:
                articles = in_edition(publishing.articles_for_tag(tag=tag))
                found.append((tag.slug, _listing(articles, expect, tag.n)))
        for slug, listing in found:
            deps = frozenset({tag_listing_key(slug)})
            base = f"{edition_prefix(language)}tags/{slug}/"
            yield from _paginated(base, listing, PER_PAGE, deps, f"tag:{slug}")


def author_listing_urls(
    *, author_ids: Iterable[int] | None = None, expect: bool = False
) -> Iterator[SiteUrl]:
    """Authors with at least one live article in a language edition, in that edition
    (``/authors/…``, ``/ru/authors/…``: a byline links to its article's edition's)."""
    from django.db.models import Count, Q

    from masthead.publishing import selectors as publishing
    from masthead.publishing.editions import in_edition
    from masthead.publishing.models import ArticlePage, Author
    from masthead.publishing.views import PER_PAGE

    author_ids = None if author_ids is None else list(author_ids)
    for language in _editions() or [settings.LANGUAGE_CODE]:
        found = []
        with translation.override(language):  # read inside, yielded outside
            live = in_edition(publishing.public_only(ArticlePage.objects.live())).values("pk")
            authors = Author.objects.annotate(
                n=Count("article_links", filter=Q(article_links__page__in=live), distinct=True)
            ).filter(n__gt=0)
            if author_ids is not None:
                authors = authors.filter(pk__in=author_ids)
            for author in authors:
                articles = in_edition(publishing.articles_for_author(author=author))
                found.append((author, _listing(articles, expect, author.n)))
        for author, listing in found:
            changed = frozenset({Key(Kind.AUTHOR, author.pk)})
            yield from _paginated(
                author.edition_url(language),
                listing,
                PER_PAGE,
                changed | {author_listing_key(author.pk)},
                f"author:{author.pk}",
                page_deps=changed,
            )


def archive_urls(*, expect: bool = False) -> Iterator[SiteUrl]:
    from masthead.publishing import selectors as publishing
    from masthead.publishing.editions import in_edition
    from masthead.publishing.views import PER_PAGE

    deps = frozenset({ARCHIVE_LISTING, ALL_ARTICLES})
    if not editions_enabled():
        listing = _listing(publishing.articles_live(), expect)
        yield from _paginated("/archive/", listing, PER_PAGE, deps, "archive")
        return
    for language in _editions():  # each language edition's own archive
        with translation.override(language):
            listing = _listing(in_edition(publishing.articles_live()), expect)
        source = "archive" if language == settings.LANGUAGE_CODE else f"archive:{language}"
        path = f"{edition_prefix(language)}archive/"
        yield from _paginated(path, listing, PER_PAGE, deps, source)


def collection_urls() -> Iterator[SiteUrl]:
    """Files that list every article or every page."""
    articles, source = frozenset({ALL_ARTICLES}), frozenset({"collection"})
    for root in ["/", *(edition_prefix(code) for code in _editions()[1:])]:
        yield SiteUrl(f"{root}feeds/rss.xml", articles, source)
        yield SiteUrl(f"{root}feeds/atom.xml", articles, source)
    yield SiteUrl("/news-sitemap.xml", articles, source)
    # The index names each part's last change; a part, the pages whose ids it covers.
    yield SiteUrl("/sitemap.xml", frozenset({ALL_ARTICLES, ANY_PAGE}), source)
    yield SiteUrl(sitemaps.LISTINGS_PATH, articles, source)
    for number in sitemaps.parts():
        yield SiteUrl(sitemaps.part_path(number), frozenset({sitemap_part_key(number)}), source)
    # Reads rows, not pages: it shows every article whatever the recorder sees.
    yield SiteUrl("/search/offline-index.js", articles | {SHOWS_EVERY_ARTICLE}, source)


def sitemap_part_key(number: int) -> Key:
    return Key(Kind.SITEMAP_PART, number)


def sitemap_part_keys(page_ids: Iterable[int], *, removed: bool) -> set[Key]:
    """The parts of the sitemap that a change of the pages ``page_ids`` touches: their own,
    and with language editions, their translations' (whose entries link to them). A page
    removed takes its translation key with it: then every part that lists a page."""
    page_ids, keys = set(page_ids), set()
    if editions_enabled():
        if removed:
            keys = {sitemap_part_key(number) for number in sitemaps.parts()}
        translations = Page.objects.filter(pk__in=page_ids).values("translation_key")
        page_ids |= set(
            Page.objects.filter(translation_key__in=translations).values_list("pk", flat=True)
        )
    return keys | {sitemap_part_key(sitemaps.part_of(page_id)) for page_id in page_ids}


def _edition_roots() -> list[str]:
    """Where each language edition starts: ``/``, ``/ru/``."""
    return ["/", *(edition_prefix(c) for c in _editions()[1:])]


def search_paths() -> list[str]:
    """Each language edition's search page: ``/search/``, ``/ru/search/``."""
    return [f"{root}search/" for root in _edition_roots()]


def feeds_paths() -> list[str]:
    """Each language edition's feeds folder: ``/feeds/``, ``/ru/feeds/``."""
    return [f"{root}feeds/" for root in _edition_roots()]


def fixed_urls() -> Iterator[SiteUrl]:
    """Files that change only with the site's settings."""
    source = frozenset({"fixed"})
    yield SiteUrl("/robots.txt", frozenset({SITE}), source)
    for path in search_paths():
        yield SiteUrl(path, frozenset({SITE}), source)
    for path in not_found_paths():
        yield SiteUrl(path, frozenset({SITE}), source)
    yield SiteUrl("/mirrors/", frozenset({MIRRORS, SITE}), source)
    yield SiteUrl("/mirrors.json", frozenset({MIRRORS, SITE}), source)
    yield SiteUrl("/mirrors.js", frozenset({MIRRORS, SITE}), source)


def redirect_urls() -> Iterator[SiteUrl]:
    """Old addresses editors or Wagtail (on moves and slug changes) redirect elsewhere."""
    from wagtail.contrib.redirects.models import Redirect

    redirects = Redirect.objects.filter(Q(site__isnull=True) | Q(site__is_default_site=True))
    for old_path in redirects.values_list("old_path", flat=True).distinct():
        if old_path.startswith("/") and not old_path.startswith(DYNAMIC_PREFIXES):
            # Wagtail stores "/old-page"; a file needs "/old-page/" (index.html) unless the
            # last segment looks like a file name.
            last = old_path.rsplit("/", 1)[-1]
            path = old_path if "." in last or old_path.endswith("/") else old_path + "/"
            yield SiteUrl(path, frozenset({REDIRECTS}), frozenset({"redirects"}))


def route_urls() -> Iterator[SiteUrl]:
    """Parameterless routes of every app (``/newsletter/``, ``/appeals/active.json``…).

    Other apps add public pages all the time; walking the URLconf finds them without a list
    to keep up to date. What they answer decides whether they are written (see the renderer).
    """
    deps, sources = frozenset({ROUTES}), frozenset({"routes"})

    def walk(patterns, prefix: str) -> Iterator[str]:
        for entry in patterns:
            if isinstance(entry, URLResolver) and isinstance(entry.pattern, LocalePrefixPattern):
                # The language editions' routes (``core.editions``): once in each edition.
                for code, _name in settings.LANGUAGES:
                    yield from walk(entry.url_patterns, prefix + edition_prefix(code)[1:])
            elif isinstance(entry, URLResolver):
                route = _literal_route(entry.pattern)
                if route is not None:
                    yield from walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                route = _literal_route(entry.pattern)
                # Webhooks and other machine endpoints are csrf-exempt; pages never are.
                if route is not None and not getattr(entry.callback, "csrf_exempt", False):
                    yield prefix + route

    seen = set()
    for path in walk(get_resolver().url_patterns, "/"):
        if path.startswith(DYNAMIC_PREFIXES) or path in seen:
            continue
        seen.add(path)
        yield SiteUrl(path, deps, sources)


def _literal_route(pattern) -> str | None:
    """The fixed text of a ``path()`` route; None when it takes parameters or is a regex."""
    from django.urls.resolvers import RoutePattern

    if not isinstance(pattern, RoutePattern) or pattern.converters:
        return None
    return str(pattern)  # RoutePattern's str() is its route text


def site_urls() -> tuple[list[SiteUrl], list[PageRecord]]:
    """Every public URL known without following links, and the page records behind them."""
    records = page_records()
    urls = [
        *page_urls(records),
        *section_listing_urls(),
        *tag_listing_urls(),
        *author_listing_urls(),
        *archive_urls(),
        *collection_urls(),
        *fixed_urls(),
        *redirect_urls(),
        *route_urls(),
    ]
    return merge_site_urls(urls), records


def merge_site_urls(urls: Iterable[SiteUrl]) -> list[SiteUrl]:
    deps: dict[str, set[str]] = {}
    sources: dict[str, set[str]] = {}
    unchanged: dict[str, set[Unchanged | None]] = {}
    for url in urls:
        deps.setdefault(url.path, set()).update(url.deps)
        sources.setdefault(url.path, set()).update(url.sources)
        unchanged.setdefault(url.path, set()).add(url.unchanged)
    return [
        SiteUrl(
            path,
            frozenset(deps[path]),
            frozenset(sources[path]),
            # Listed twice in different ways: render it.
            next(iter(unchanged[path])) if len(unchanged[path]) == 1 else None,
        )
        for path in deps
    ]


# --- Search without a server -----------------------------------------------------------------


# The day of the first publication in UTC (YYYY-MM-DD), as text from the database: both
# store the time in UTC (PostgreSQL's sessions are set to UTC by Django) and write the date
# first, so no datetime is made for each of 10,000 rows (a third of the read).
_UTC_DAY = Substr(Cast("first_published_at", CharField()), 1, 10)


def offline_index_entries() -> list[dict]:
    """Title, standfirst, section and date of every live article, newest first: the search
    that works from a copy opened from disk, where Pagefind cannot run."""
    from masthead.publishing.models import ArticlePage, SectionPage
    from masthead.publishing.selectors import public_only

    root = site_root_path()
    if root is None:
        return []
    # Articles' parents, by tree path: an article's path minus its last step.
    sections = dict(SectionPage.objects.values_list("path", "title"))
    steplen = ArticlePage.steplen
    languages = locale_languages() if editions_enabled() else {}
    default = settings.LANGUAGE_CODE  # read once: settings are a lazy object
    return [
        {
            "url": _public_path(url_path, root),
            "title": title,
            "standfirst": standfirst,
            "section": sections.get(path[:-steplen], ""),
            "date": published or "",
            # search.js lists a page's own edition only: the page's <html lang>.
            "lang": languages.get(locale_id, default),
        }
        for url_path, path, title, standfirst, published, locale_id in (
            _under_root(public_only(ArticlePage.objects.live()), root)
            .order_by("-first_published_at", "-pk")
            .annotate(published_on=_UTC_DAY)
            .values_list("url_path", "path", "title", "standfirst", "published_on", "locale_id")
        )
    ]


def window_script(name: str, data) -> bytes:
    """A script that sets ``window.<name>`` to ``data``: what a copy opened from disk can
    load where it cannot fetch JSON. Keys sorted, so that the same data is the same file.
    orjson: the offline index of 10,000 articles in 4 ms rather than json's 28."""
    body = orjson.dumps(data, option=orjson.OPT_SORT_KEYS, default=str)  # str: lazy texts
    return b"window.%s = %s;\n" % (name.encode(), body)
