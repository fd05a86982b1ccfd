"""Public files of the distribution app: the search page, the mirror list (a page for readers,
JSON for tools), the offline search index, and the probe that tells a static copy's script
the API can be reached."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe
from django.views.static import serve

from masthead.core.page_cache import reads_query
from masthead.distribution import selectors

# Pagefind compiles its WebAssembly search engine in the browser; nothing else is widened.
SEARCH_CSP = {
    **settings.SECURE_CSP,
    "script-src": [*settings.SECURE_CSP["script-src"], CSP.WASM_UNSAFE_EVAL],
}


def _script(name: str, data) -> HttpResponse:
    return HttpResponse(
        selectors.window_script(name, data), content_type="text/javascript; charset=utf-8"
    )


@require_safe
@csp_override(SEARCH_CSP)
def search_page(request: HttpRequest) -> HttpResponse:
    return render(request, "distribution/search.html")


@require_safe
def offline_index(request: HttpRequest) -> HttpResponse:
    """Headlines and summaries as a script: the search that works from a copy on disk."""
    return _script("mastheadOfflineIndex", selectors.offline_index_entries())


@require_safe
def mirrors_json(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(
        selectors.mirror_list_document(), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    # Public by design: browser extensions and other sites read it from anywhere.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@reads_query()
def mirrors_page(request: HttpRequest) -> HttpResponse:
    """The "If this site is blocked" page: the mirrors and the onion address for readers,
    linked from every page's footer and written into every static copy."""
    alternatives = selectors.mirrors_available()
    return render(
        request,
        "distribution/mirrors.html",
        {
            "mirrors": [a for a in alternatives if a.proto != "tor"],
            "onions": [a for a in alternatives if a.proto == "tor"],
            "contact_email": selectors.reader_contact_email(),
            "canonical_path": "/mirrors/",
        },
    )


@require_safe
def mirrors_js(request: HttpRequest) -> HttpResponse:
    """What the page script offers when the API cannot be reached: other ways in. A script
    rather than JSON so that it loads from a copy opened from disk too."""
    return _script(
        "mastheadAlternatives",
        {
            "main": settings.BASE_URL,
            "alternatives": [a.as_dict() for a in selectors.mirrors_available()],
            "email": selectors.reader_contact_email(),
        },
    )


def reach(request: HttpRequest) -> HttpResponse:
    """Answers only from the app (static copies have no such file): a copy's script asks it
    to find out whether forms can be posted to this origin."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, OPTIONS"})
    response = JsonResponse({"reachable": True})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@csp_override(SEARCH_CSP)  # the index's worker compiles WebAssembly under this policy
def search_index_file(request: HttpRequest, path: str) -> HttpResponse:
    """The Pagefind index of the last build, for the app's own search page (nginx serves it
    in production)."""
    if settings.STATIC_OUTPUT_DIR is None:
        raise Http404("No static output is configured (MASTHEAD_STATIC_OUT).")
    return serve(request, path, document_root=settings.STATIC_OUTPUT_DIR / "pagefind")
