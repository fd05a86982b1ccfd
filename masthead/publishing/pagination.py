"""Listings are paginated by path (``…/page/2/``), so every page can be written to a file.

A ``?page=N`` query is accepted for old links and redirected to its path; anything else in
it is not a page number and gets a 404.
"""

from django.core.paginator import EmptyPage, Page, Paginator
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect

MAX_PAGE_DIGITS = 6


def paginate(queryset, number: int, per_page: int) -> Page:
    try:
        return Paginator(queryset, per_page, allow_empty_first_page=True).page(number)
    except EmptyPage:
        raise Http404("No such page of this listing.") from None


def redirect_query_page(request: HttpRequest, base_path: str) -> HttpResponsePermanentRedirect:
    raw = request.GET.get("page", "")
    if not raw.isascii() or not raw.isdigit() or len(raw) > MAX_PAGE_DIGITS or int(raw) < 1:
        raise Http404("Not a page number.")
    number = int(raw)
    return HttpResponsePermanentRedirect(base_path if number == 1 else f"{base_path}page/{number}/")
