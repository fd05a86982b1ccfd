"""Old query-string addresses on the front page (WordPress's ``/?p=123``).

Wagtail's redirect middleware looks redirects up only for answers that are 404s, and ``/`` with
any query string is the front page (200). For the few query keys WordPress uses as addresses,
the redirects table is asked first. Every other request costs nothing more.
"""

from __future__ import annotations

from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

from masthead.core.numbers import whole_number
from masthead.core.page_cache import QueryParameters


def _number(raw: str) -> str | None:
    return raw if whole_number(raw, digits=12) is not None else None


def _slug(raw: str) -> str | None:
    return raw if 0 < len(raw) <= 200 else None


# ?p= posts, ?page_id= pages, ?cat= categories, ?tag= tags, ?attachment_id= media. Declared
# to the page cache, so that they stay in its key for the front page.
WORDPRESS_QUERY = QueryParameters(
    "imports.wordpress", p=_number, page_id=_number, cat=_slug, tag=_slug, attachment_id=_number
)
WORDPRESS_QUERY_KEYS = frozenset(WORDPRESS_QUERY.cleaners)


class OldQueryAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/":
            WORDPRESS_QUERY.declare(request)
        if (
            request.path == "/"
            and request.method in ("GET", "HEAD")
            and WORDPRESS_QUERY_KEYS.intersection(request.GET)
        ):
            old_path = Redirect.normalise_path(request.get_full_path())
            site = Site.find_for_request(request)
            redirect = (
                Redirect.get_for_site(site)
                .filter(old_path=old_path)
                .order_by(F("site_id").asc(nulls_last=True))  # a site-specific one first
                .first()
            )
            if redirect is not None and redirect.link:
                return HttpResponsePermanentRedirect(redirect.link)
        return self.get_response(request)
