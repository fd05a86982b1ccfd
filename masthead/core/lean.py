"""Hot endpoints answered in the WSGI layer, in front of Django's full middleware stack.

A beacon that every page view posts (``figures``: ``POST /figures/hit``) touches no session,
no user, no template and no page; what it pays in Django is the middleware stack around it.
``LeanPaths`` sends requests for a few exact paths straight to their view, through Django's
own WSGI handler (the same request object, signals, exception handling, 4xx logging and
response) and only the middleware that shapes such an answer (``settings.LEAN_MIDDLEWARE``:
the security headers, the host check); every other request goes to the whole application.

The view is the one the URLconf names for the same path (the test client reaches it there),
so there is one implementation. A view answered here must not need what the skipped
middleware gives: a session, ``request.user``, the CSRF check (it is ``csrf_exempt`` and does
its own origin check), messages, the edition language, a memo scope, a page-cache entry.
``masthead/figures/tests`` compares both paths' answers header by header.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.urls import resolve
from django.utils.module_loading import import_string

View = Callable[[HttpRequest], HttpResponse]


def lean_middleware() -> list[str]:
    """``LEAN_MIDDLEWARE``, checked to be a part of ``MIDDLEWARE`` in the same order."""
    lean, full = list(settings.LEAN_MIDDLEWARE), list(settings.MIDDLEWARE)
    positions = [full.index(m) if m in full else -1 for m in lean]
    if -1 in positions or positions != sorted(positions):
        raise ImproperlyConfigured("LEAN_MIDDLEWARE must be MIDDLEWARE entries, in its order.")
    return lean


class LeanHandler(WSGIHandler):
    """Django's WSGI handler for one view, behind ``LEAN_MIDDLEWARE`` only."""

    def __init__(self, view: View) -> None:
        self.view = view
        super().__init__()

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware, self._template_response_middleware = [], []
        self._exception_middleware = []
        handler = convert_exception_to_response(self.view)
        for path in reversed(lean_middleware()):
            handler = convert_exception_to_response(import_string(path)(handler))
        self._middleware_chain = handler


class LeanPaths:
    """A WSGI application: the paths in ``views`` answered by ``LeanHandler``, the rest by
    ``application``. Each path must resolve to its view in the URLconf."""

    def __init__(self, application, views: dict[str, View]) -> None:
        self.application = application
        for path, view in views.items():
            if resolve(path).func is not view:
                raise ImproperlyConfigured(f"{path} is not answered by {view!r} in the URLconf.")
        self.handlers = {path: LeanHandler(view) for path, view in views.items()}

    def __call__(self, environ, start_response):
        handler = self.handlers.get(environ.get("PATH_INFO", ""), self.application)
        return handler(environ, start_response)
