"""Listings that are not pages in the tree: authors, tags, the archive; and robots.txt."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe
from taggit.models import Tag

from masthead.core.editions import edition_prefix, editions_enabled
from masthead.core.page_cache import reads_query
from masthead.publishing import selectors
from masthead.publishing.editions import in_edition
from masthead.publishing.models import Author
from masthead.publishing.pagination import FIRST, PAGE_QUERY, redirect_query_page

PER_PAGE = 12


def _listing(
    request: HttpRequest,
    *,
    template: str,
    base_path: str,
    queryset,
    listing: tuple,
    number: int,
    **extra,
):
    if number == FIRST and request.path != base_path:
        raise Http404("Numbered pages start at 1.")
    if number == FIRST and "page" in request.GET:
        return redirect_query_page(request, base_path)
    articles = selectors.teaser_page(queryset, number, PER_PAGE, base_path, listing=listing)
    return render(request, template, {"articles": articles, "base_path": base_path, **extra})


def _edition_root() -> str:
    """Where the language edition being read starts: ``/``, or ``/ru/``."""
    return edition_prefix(get_language()) if editions_enabled() else "/"


@require_safe
@reads_query(**PAGE_QUERY)
def author_detail(request: HttpRequest, slug: str, number: int = FIRST) -> HttpResponse:
    """The author's articles in the language edition being read: none published there, no
    listing (an author whose work is all in drafts is not named to readers)."""
    author = get_object_or_404(Author, slug=slug)
    articles = in_edition(selectors.articles_for_author(author=author))
    base_path = author.edition_url(get_language())
    listing = ("author", author.pk, base_path)  # the base path names the edition
    if not selectors.listing_ids(articles, listing):
        raise Http404("No published articles by this author.")
    return _listing(
        request,
        template="publishing/author_listing.html",
        base_path=base_path,
        queryset=articles,
        listing=listing,
        number=number,
        author=author,
    )


@require_safe
@reads_query(**PAGE_QUERY)
def tag_detail(request: HttpRequest, slug: str, number: int = FIRST) -> HttpResponse:
    """The tag's articles in the language edition being read: none there, no listing."""
    tag = get_object_or_404(Tag, slug=slug)
    articles = in_edition(selectors.articles_for_tag(tag=tag))
    base_path = f"{_edition_root()}tags/{tag.slug}/"
    listing = ("tag", tag.pk, base_path)  # the base path names the edition
    if not selectors.listing_ids(articles, listing):
        raise Http404("No published articles carry this tag.")
    return _listing(
        request,
        template="publishing/tag_listing.html",
        base_path=base_path,
        queryset=articles,
        listing=listing,
        number=number,
        tag=tag,
    )


@require_safe
@reads_query(**PAGE_QUERY)
def archive(request: HttpRequest, number: int = FIRST) -> HttpResponse:
    """Every article of the language edition being read, newest first."""
    base_path = f"{_edition_root()}archive/"
    return _listing(
        request,
        template="publishing/archive.html",
        base_path=base_path,
        queryset=in_edition(selectors.articles_live()),
        listing=("archive", base_path),  # the base path names the edition
        number=number,
    )


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        f"Sitemap: {settings.BASE_URL}/sitemap.xml",
        f"Sitemap: {settings.BASE_URL}/news-sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
