"""Reads for the public site. Every listing shows live, public articles only."""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Prefetch, QuerySet
from taggit.models import Tag
from wagtail.models import Page

from masthead.core.editions import edition_prefix, editions_enabled
from masthead.core.memo import Shown, memo, shows, unrecorded
from masthead.publishing.editions import in_edition, page_language
from masthead.publishing.models import (
    ArticleAuthor,
    ArticlePage,
    ArticleTag,
    Author,
    HomePage,
    RelatedArticle,
    SectionPage,
)
from masthead.publishing.pagination import paginate


def public_only(pages: QuerySet) -> QuerySet:
    """``pages`` outside the private parts of the tree (Wagtail's ``public()``, with the
    restrictions read once per build rather than once per query)."""
    return pages.exclude(memo("private_pages_q", pages.private_q))


def articles_live() -> QuerySet[ArticlePage]:
    """Published articles, newest first, with what a teaser needs loaded in few queries."""
    return (
        public_only(ArticlePage.objects.live())
        .select_related("lead_image")
        .prefetch_related(
            Prefetch("article_authors", queryset=ArticleAuthor.objects.select_related("author")),
        )
        .order_by("-first_published_at", "-pk")
    )


def with_renditions(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """``articles`` with their photos' renditions read in one query, for a few teasers.
    (A full build does not: every photo's renditions at once would be most of its memory.)"""
    return articles.prefetch_related("lead_image__renditions")


def teasers(pks: Iterable[int]) -> list[ArticlePage]:
    """The live articles among ``pks``, in that order, with what a teaser shows loaded.

    Each article is read once per scope (``core.memo``) rather than once per listing and
    *Read more* that shows it; whoever shows one declares it (the ``teaser`` tag does)."""
    pks = list(pks)
    known: dict[int, ArticlePage | None] = memo("teaser_articles", dict)
    missing = [pk for pk in pks if pk not in known]
    if missing:
        # The body is not part of a teaser, and a scope may come to hold every article.
        wanted = with_renditions(articles_live()).defer("body").filter(pk__in=missing)
        loaded = unrecorded(lambda: list(wanted))
        known.update(dict.fromkeys(missing))
        known.update((a.pk, a) for a in loaded)
    return [known[pk] for pk in pks if known[pk] is not None]


def teasers_preload(pks: Iterable[int] | None = None) -> list[ArticlePage]:
    """Read every live article at once, whole and with its tags, into the open scope (a full
    build shows them all, in listings and on their own pages); with ``pks``, those articles
    only, their photos' renditions too (an update, about to render their pages). Returns
    them."""
    known: dict[int, ArticlePage | None] = memo("teaser_articles", dict)
    tags = Prefetch("tagged_items", queryset=ArticleTag.objects.select_related("tag"))
    wanted = articles_live().prefetch_related(tags)
    if pks is not None:
        wanted = with_renditions(wanted).filter(pk__in=list(pks))
    live = wanted.iterator(chunk_size=2000)
    loaded = unrecorded(lambda: list(live))
    known.update((a.pk, a) for a in loaded)
    return loaded


def article_shows(article: ArticlePage) -> list[Shown]:
    """What showing ``article`` (its page or a teaser) shows: the article, its authors and
    its photo."""
    return [
        Shown("page", article.pk),
        *[Shown("author", author.pk) for author in article.authors],
        *([Shown("image", article.lead_image_id)] if article.lead_image_id else []),
    ]


def listing_ids(queryset: QuerySet[ArticlePage], listing: Hashable) -> list[int]:
    """The ids of the articles of ``queryset`` in its order, read once per scope
    (``core.memo``) under the name ``listing`` (which must name that one queryset: the same
    listing in the same edition). Every page of a listing is cut from it: read page by page,
    each page counted and sorted the whole listing again, twice, and a build of 10,000
    articles has 4,000 such pages."""
    return memo(("listing_ids", listing), lambda: list(queryset.values_list("pk", flat=True)))


def teaser_page(
    queryset: QuerySet[ArticlePage],
    number: int,
    per_page: int,
    base_path: str,
    *,
    listing: Hashable,
):
    """Page ``number`` of the listing ``listing`` of ``queryset`` (see ``listing_ids``), its
    articles ready for teasers."""
    page = paginate(listing_ids(queryset, listing), number, per_page, base_path)
    page.object_list = teasers(page.object_list)
    return page


def routed_page(home: HomePage, components: list[str]) -> tuple[Page, list[str]] | None:
    """Inside a build: the deepest page on the path ``components`` below ``home`` and the
    components left for it to route, found in a map of every page's address read once per
    build (Wagtail finds it level by level, two queries per level). None: no page there."""
    addresses = memo(("page_addresses", home.pk), lambda: _page_addresses(home))
    for depth in range(len(components), 0, -1):
        found = addresses.get(home.url_path + "/".join(components[:depth]) + "/")
        if found is None:
            continue
        pk, content_type_id, tree_path = found
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        sections = memo("sections_by_path", _sections_by_path)
        page = None
        if model is ArticlePage:
            page = _routed_article(pk)
        elif model is SectionPage:
            page = sections.get(tree_path)
        if page is None:
            pages = model.objects.filter(pk=pk)
            if model is ArticlePage:
                pages = pages.select_related("lead_image")
            page = pages.first()
        if page is None:
            return None
        parent = sections.get(tree_path[: -page.steplen])
        if parent is not None:
            page._cached_parent_obj = parent  # as Wagtail's route does, from the navigation
        return page, components[depth:]
    return None


def _routed_article(pk: int) -> ArticlePage | None:
    """A live public article as the build already holds it for teasers (None: not one)."""
    found = teasers([pk])
    if not found:
        return None
    shows(*article_shows(found[0]))  # read for another page, it records nothing itself
    return found[0]


def _page_addresses(home: HomePage) -> dict[str, tuple[int, int, str]]:
    """Each page's address: its id, content type and tree path."""
    rows = Page.objects.descendant_of(home).values_list("url_path", "pk", "content_type_id", "path")
    return {url_path: (pk, content_type_id, path) for url_path, pk, content_type_id, path in rows}


def _sections_by_path() -> dict[str, SectionPage]:
    return {section.path: section for section in sections_navigation()}


def rewarm_paths(*, page_id: int) -> list[str]:
    """What to render into the page cache after page ``page_id`` changed: the front page, the
    archive, its section's first page and the page itself (while it is live and public)."""
    paths = ["/", "/archive/"]
    page = public_only(Page.objects.live()).filter(pk=page_id).first()
    if page is not None and editions_enabled():  # and those of the page's language edition
        root = edition_prefix(page_language(page))
        paths += [root, f"{root}archive/"]
    if page is not None:
        parent = page.get_parent()
        if parent is not None and parent.specific_class is SectionPage:
            paths.append(parent.url)
        paths.append(page.url)
    return list(dict.fromkeys(path for path in paths if path))


def home_lead_article(*, home: HomePage) -> ArticlePage | None:
    if home.lead_article_id:
        lead = with_renditions(articles_live()).filter(pk=home.lead_article_id).first()
        if lead:
            return lead
    return with_renditions(in_edition(articles_live())).first()


def sections_live() -> QuerySet[SectionPage]:
    return public_only(SectionPage.objects.live()).order_by("path")


def sections_navigation() -> list[SectionPage]:
    """The sections in every page's navigation."""
    return memo("sections_navigation", lambda: list(sections_live()))


def home_sections_latest(
    *, exclude: ArticlePage | None, per_section: int
) -> list[tuple[SectionPage, list]]:
    """The newest ``per_section`` articles of each section, read from one list of the newest
    articles overall; a section too quiet to appear in it is asked for on its own. (Those of
    the language edition being read.)"""
    sections = list(in_edition(sections_live()))
    live = in_edition(articles_live())
    if exclude is not None:
        live = live.exclude(pk=exclude.pk)
    chosen: dict[str, list[int]] = {section.path: [] for section in sections}
    batch = per_section * len(sections) * 4
    newest = list(live.values_list("pk", "path")[:batch])
    for pk, path in newest:
        picks = chosen.get(path[: -ArticlePage.steplen])
        if picks is not None and len(picks) < per_section:
            picks.append(pk)
    if len(newest) == batch:  # older articles exist: quiet sections may have more
        for section in sections:
            picks = chosen[section.path]
            if len(picks) < per_section:
                older = live.child_of(section).values_list("pk", flat=True)[:per_section]
                picks[:] = list(older)
    found = {a.pk: a for a in teasers(pk for picks in chosen.values() for pk in picks)}
    result = []
    for section in sections:
        shown = [found[pk] for pk in chosen[section.path] if pk in found]
        if shown:
            result.append((section, shown))
    return result


def articles_for_author(*, author: Author) -> QuerySet[ArticlePage]:
    return articles_live().filter(article_authors__author=author)


def articles_for_tag(*, tag: Tag) -> QuerySet[ArticlePage]:
    return articles_live().filter(tagged_items__tag=tag)


def article_read_more(*, article: ArticlePage, limit: int) -> list[ArticlePage]:
    """Editors' picks first; then articles sharing the most tags (the most recent first among
    equals), then the newest of the same section. Chosen from an index of every live article
    (``_ReadMoreIndex``), read once per scope."""
    return teasers(_read_more_index().choose(article, limit))


class _ReadMoreIndex:
    """Every live article's date, section and tags and the editors' picks, read in four
    queries, so that each article's *Read more* is chosen in memory."""

    def __init__(self) -> None:
        # Ordered by the database, most recent first (undated last, then the higher id among
        # equals): an article's rank is its place in that order, and no date is read.
        live = articles_live().order_by(
            F("first_published_at").desc(nulls_last=True), F("pk").desc()
        )
        self.rank: dict[int, int] = {}  # higher: more recent
        self.section: dict[int, str] = {}
        self.locale: dict[int, int] = {}  # an article's language edition
        self.by_section: dict[str, list[int]] = {}  # most recent first
        steplen = ArticlePage.steplen
        rows = list(live.values_list("pk", "path", "locale_id"))
        for place, (pk, path, locale_id) in enumerate(rows):
            section = path[:-steplen]
            self.rank[pk] = len(rows) - place
            self.section[pk] = section
            self.locale[pk] = locale_id
            self.by_section.setdefault(section, []).append(pk)
        self.tags: dict[int, list[int]] = {}
        # The articles of each tag in each language edition (tags are shared by the
        # editions; an article is read more in its own).
        self.tagged: dict[tuple[int, int], set[int]] = {}
        rows = ArticleTag.objects.filter(
            content_object_id__in=live.order_by().values("pk")
        ).values_list("content_object_id", "tag_id")
        for pk, tag_id in rows:
            self.tags.setdefault(pk, []).append(tag_id)
            self.tagged.setdefault((tag_id, self.locale[pk]), set()).add(pk)
        self.picks: dict[int, list[int]] = {}
        links = RelatedArticle.objects.order_by("page_id", "sort_order", "pk")
        for page_id, article_id in links.values_list("page_id", "article_id"):
            self.picks.setdefault(page_id, []).append(article_id)

    def choose(self, article: ArticlePage, limit: int) -> list[int]:
        result = [pk for pk in self.picks.get(article.pk, []) if pk in self.rank][:limit]
        exclude = {article.pk, *result}
        # sharing[n]: the articles of its edition that share more than n of its tags, made
        # with set operations (in C) rather than by counting, in Python, every article that
        # shares one (a tag may have thousands). Each tag's set raises what the others
        # already hold by one level, the highest level first.
        sharing: list[set[int]] = []
        for tag_id in self.tags.get(article.pk, []):
            members = self.tagged.get((tag_id, article.locale_id))
            if not members:
                continue
            for level in range(len(sharing) - 1, -1, -1):
                more = sharing[level] & members
                if level + 1 < len(sharing):
                    sharing[level + 1] |= more
                elif more:
                    sharing.append(more)
            if sharing:
                sharing[0] |= members
            else:
                sharing.append(set(members))
        # Most tags shared first, then the most recent (ranks are unique: no two tie).
        for level in range(len(sharing) - 1, -1, -1):
            if len(result) >= limit:
                break
            taken = heapq.nlargest(
                limit - len(result), sharing[level] - exclude, key=self.rank.__getitem__
            )
            result += taken
            exclude.update(taken)
        section = article.path[: -ArticlePage.steplen]
        for pk in self.by_section.get(section, []):
            if len(result) >= limit:
                break
            if pk not in exclude:
                result.append(pk)
        return result


def _read_more_index() -> _ReadMoreIndex:
    return memo("read_more_index", _ReadMoreIndex)


def tags_in_use(articles: QuerySet[ArticlePage] | None = None) -> QuerySet[Tag]:
    """Tags of live, public articles (of ``articles`` only, if given: a language edition's),
    each with ``n``, the number of those articles that carry it."""
    return (
        Tag.objects.filter(publishing_articletag_items__content_object_id__in=_live_ids(articles))
        .annotate(n=Count("publishing_articletag_items"))
        .order_by("name")
    )


def tag_slugs_in_use(articles: QuerySet[ArticlePage] | None = None) -> list[str]:
    """The slugs of ``tags_in_use``, in the same order, without counting: half the time at
    10,000 articles (the sitemap reads them whenever a page changes)."""
    used = ArticleTag.objects.filter(content_object_id__in=_live_ids(articles)).values("tag_id")
    return list(Tag.objects.filter(pk__in=used).order_by("name").values_list("slug", flat=True))


def authors_in_use(articles: QuerySet[ArticlePage] | None = None) -> QuerySet[Author]:
    """Authors of the live, public articles among ``articles`` (all when None): a draft's
    byline is not shown anywhere."""
    return Author.objects.filter(article_links__page__in=_live_ids(articles)).distinct()


def _live_ids(articles: QuerySet[ArticlePage] | None) -> QuerySet:
    if articles is None:
        articles = ArticlePage.objects.all()
    return public_only(articles.live()).values("pk")
