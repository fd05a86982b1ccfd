"""``POST /figures/hit`` (the beacon of figures.js) and ``GET /figures/pixel.gif`` (the
<noscript> fallback). Both go through the public-form guard (origin and rate) and answer 4xx
with a short reason for anything malformed. Neither sets a cookie or may be cached."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt

from masthead.core import throttle
from masthead.core.numbers import whole_number
from masthead.core.public_forms import (
    PublicForm,
    Rate,
    Refusal,
    cors_headers_apply,
    public_post_check,
    request_origin,
)
from masthead.figures import classify, services

logger = logging.getLogger(__name__)

MAX_HIT_BODY = 1024
MAX_DAYS_LATE = services.LATE_DAYS

# Copies opened from disk send their hits with ``Origin: null``: accepted, and counted apart
# as "copy" (a sandboxed frame elsewhere could add views to that row only, within the rate).
HIT_FORM = PublicForm(
    name="figures-hit",
    rate=lambda: Rate(settings.FIGURES_HIT_LIMIT, settings.FIGURES_HIT_WINDOW, per_process=True),
    offline=True,
)
# A transparent 1×1 GIF.
PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def _plain(status: int, reason: str) -> HttpResponse:
    response = HttpResponse(reason + "\n", status=status, content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    return response


def _single(query, name: str) -> str:
    values = query.getlist(name)
    return values[0] if len(values) == 1 else ""


def _refused(request: HttpRequest) -> HttpResponse | None:
    refusal = public_post_check(request=request, form=HIT_FORM)
    if refusal == Refusal.ORIGIN:
        return _plain(403, "Hits are accepted from this site's own pages only.")
    if refusal == Refusal.RATE:
        response = _plain(429, "Too many hits from this client; try again later.")
        response.headers["Retry-After"] = str(settings.FIGURES_HIT_WINDOW)
        return response
    return None


def _record(request: HttpRequest, *, path: str, language: str, referrer: str, late: int) -> None:
    host = classify.host_classify(request_origin(request))
    if host is None:  # the guard let through the request's own origin, unknown to us
        host = classify.Host(classify.HostKind.OTHER)
    network = throttle.trusted_client_network(request)
    services.hit_record(
        path=path,
        language=language,
        referrer=referrer,
        host=host,
        network=network,
        user_agent=request.headers.get("User-Agent", ""),
        days_late=late,
    )


@csrf_exempt  # no session acts here: core.public_forms checks origin and rate (DESIGN.md)
def hit(request: HttpRequest) -> HttpResponse:
    """``p`` (path), ``l`` (the page's language), ``r`` (the referrer's kind), ``d`` (days
    late, for hits a copy kept while the API origin was unreachable), form-encoded. A page
    on a mirror may read the answer, refusals included, so its queue knows not to retry."""
    response = _hit(request)
    cors_headers_apply(request=request, response=response, form=HIT_FORM)
    return response


def _hit(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        if int(request.headers.get("Content-Length") or 0) > MAX_HIT_BODY:
            return _plain(413, "A hit is four short fields.")
    except ValueError:
        return _plain(400, "Malformed Content-Length.")
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _plain(415, "Send the hit form-encoded: p=/path/&l=en&r=none.")
    if refused := _refused(request):
        return refused
    try:
        fields = {name: _single(request.POST, name) for name in ("p", "l", "r", "d")}
    except Exception:  # noqa: BLE001 - a body Django cannot parse is the client's mistake
        return _plain(400, "The body could not be read as a form.")
    path = classify.path_clean(fields["p"])
    language = classify.language_clean(fields["l"])
    if path is None:
        return _plain(400, "p must be a path on this site.")
    if language is None:
        return _plain(400, "l must be a language code such as en or ru.")
    if fields["r"] not in classify.REFERRER_KINDS:
        return _plain(400, "r must be one of " + ", ".join(sorted(classify.REFERRER_KINDS)) + ".")
    late = whole_number(fields["d"] or "0", digits=4)
    if late is None or late > MAX_DAYS_LATE:
        return _plain(400, f"d must be a number of days from 0 to {MAX_DAYS_LATE}.")
    _record(request, path=path, language=language, referrer=fields["r"], late=late)
    response = HttpResponse(status=204)
    add_never_cache_headers(response)
    return response


def pixel(request: HttpRequest) -> HttpResponse:
    """``<noscript><img src="/figures/pixel.gif?p=…&l=…">``: a view, with no reader estimated
    and no referrer kind (no script ran to classify it)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    path = classify.path_clean(_single(request.GET, "p"))
    language = classify.language_clean(_single(request.GET, "l"))
    if path is None or language is None:
        return _plain(400, "p must be a path on this site and l a language code.")
    if refused := _refused(request):
        return refused
    host = classify.host_classify(request_origin(request)) or classify.Host(classify.HostKind.OTHER)
    services.hit_record(
        path=path,
        language=language,
        referrer=classify.NOSCRIPT,
        host=host,
        network=None,
        user_agent="",
    )
    response = HttpResponse(PIXEL, content_type="image/gif")
    add_never_cache_headers(response)
    return response
