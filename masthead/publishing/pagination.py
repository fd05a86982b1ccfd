"""Listings are paginated by path (``…/page/7/``), so every page can be written to a file.

Pages are numbered from the oldest, so that they stay put: page 1 holds the listing's
``per_page`` oldest articles, page 2 the next ones, and so on. The listing's own address shows
the newest articles: those that do not fill a page yet, and the newest full page (between
``per_page`` and ``2 × per_page - 1`` articles). A new article changes that first page only,
and, when it completes a page, adds one numbered page and the link to it; every other page of
an archive of thousands keeps its file. A removed or back-dated article moves the pages newer
than it.

A ``?page=N`` query is accepted for old links and redirected to its path; anything else in
it is not a page number and gets a 404. Listings declare ``PAGE_QUERY`` as what they read of
the query string (``core.page_cache``): every malformed value reaches them as ``page=``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect

from masthead.core.numbers import whole_number

MAX_PAGE_DIGITS = 6
FIRST = 0  # the listing's own address, with the newest articles


def numbered_pages(count: int, per_page: int) -> int:
    """How many numbered pages (``page/1/`` … ``page/N/``) a listing of ``count`` has."""
    return max(0, count // per_page - 1)


def page_slice(count: int, per_page: int, number: int) -> slice:
    """Where page ``number`` (``FIRST`` or 1…) lies in the listing ordered newest first."""
    if number == FIRST:
        return slice(0, count - numbered_pages(count, per_page) * per_page)
    return slice(count - number * per_page, count - (number - 1) * per_page)


def page_number_path(base_path: str, number: int) -> str:
    return base_path if number == FIRST else f"{base_path}page/{number}/"


@dataclass
class ListingPage:
    """One page of a listing: its articles (newest first) and its neighbours' addresses."""

    object_list: Sequence
    number: int  # FIRST, or 1 (the oldest page) and up
    last: int  # the highest numbered page
    base_path: str

    @property
    def path(self) -> str:
        return page_number_path(self.base_path, self.number)

    @property
    def newer_path(self) -> str | None:
        if self.number == FIRST:
            return None
        return page_number_path(
            self.base_path, FIRST if self.number == self.last else self.number + 1
        )

    @property
    def older_path(self) -> str | None:
        older = self.last if self.number == FIRST else self.number - 1
        return page_number_path(self.base_path, older) if older >= 1 else None

    @property
    def newest(self):
        return self.object_list[0] if self.object_list else None

    @property
    def oldest(self):
        return self.object_list[-1] if self.object_list else None


def paginate(items: Sequence, number: int, per_page: int, base_path: str) -> ListingPage:
    """Page ``number`` of ``items`` (ordered newest first); 404 if there is none."""
    count = len(items)
    last = numbered_pages(count, per_page)
    if not FIRST <= number <= last:
        raise Http404("No such page of this listing.")
    return ListingPage(items[page_slice(count, per_page, number)], number, last, base_path)


def page_number_clean(raw: str) -> str:
    """A ``?page=`` value as listings read it: the number, or ``""`` for anything else."""
    number = whole_number(raw, digits=MAX_PAGE_DIGITS)
    return str(number) if number is not None and number >= 1 else ""


# The query parameters a listing reads (its cleaners, for ``core.page_cache``).
PAGE_QUERY = {"page": page_number_clean}


def redirect_query_page(request: HttpRequest, base_path: str) -> HttpResponsePermanentRedirect:
    raw = page_number_clean(request.GET.get("page", ""))
    if not raw:
        raise Http404("Not a page number.")
    number = int(raw)
    return HttpResponsePermanentRedirect(base_path if number == 1 else f"{base_path}page/{number}/")
