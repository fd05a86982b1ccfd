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

# ?p= posts, ?page_id= pages, ?cat= categories, ?tag= tags, ?attachment_id= media.
WORDPRESS_QUERY_KEYS = frozenset({"p", "page_id", "cat", "tag", "attachment_id"})


class OldQueryAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
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
