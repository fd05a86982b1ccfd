"""Values that stay the same across the many pages of one static build.

Every public page repeats the same reads: the site for the host, the sections in the
navigation, the information pages in the footer, the private parts of the page tree, the
publication's settings. A web request makes each read once and its page is cached. A build
renders thousands of pages in one process, and those reads (each a few milliseconds of query
building) would cost more than the pages themselves.

``scope()`` opens a memo for the reads named with ``memo(key, compute)``: inside it each is
computed once; outside it (every web request) ``memo`` simply calls ``compute``. A scope
lives for one build or one incremental update, never longer: what it holds is as fresh as
the build that uses it.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Hashable

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("masthead_memo", default=None)


@contextlib.contextmanager
def scope():
    """Remember ``memo`` values until the block ends (nested scopes share the outer one)."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def scope_enter() -> None:
    """Open a scope for the rest of this process's life (a build's forked render worker)."""
    _memo.set({})


def active() -> bool:
    return _memo.get() is not None


def memo[T](key: Hashable, compute: Callable[[], T]) -> T:
    values = _memo.get()
    if values is None:
        return compute()
    if key not in values:
        values[key] = compute()
    return values[key]


class SiteMiddleware:
    """Inside a scope, find the Wagtail site for a host once instead of once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _memo.get() is not None:
            from wagtail.models import Site

            key = ("site", request._get_raw_host(), request.get_port())
            request._wagtail_site = memo(key, lambda: Site._find_for_request(request))
        return self.get_response(request)
