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

A build also records what each page shows (``recording``), so that an edit re-renders the
pages that show the edited article, author or image. Models loaded while a page renders are
recorded as they load; a value taken from the memo was loaded for another page, so whoever
shows it declares it with ``shows(...)``. Nothing is recorded while a memo value is computed.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Hashable

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("masthead_memo", default=None)
_shown: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "masthead_shown", default=None
)


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


def scope_enter(values: dict | None = None) -> None:
    """Open a scope for the rest of this process's life (a build's forked render worker),
    starting from ``values`` (what the build read before it forked)."""
    _memo.set(values if values is not None else {})


def current() -> dict | None:
    """The open scope's values (to hand to forked workers); None outside a scope."""
    return _memo.get()


def active() -> bool:
    return _memo.get() is not None


def memo[T](key: Hashable, compute: Callable[[], T]) -> T:
    values = _memo.get()
    if values is None:
        return compute()
    if key not in values:
        values[key] = unrecorded(compute)
    return values[key]


def put(key: Hashable, value) -> None:
    """Remember ``value`` under ``key`` in the open scope (nothing outside a scope)."""
    values = _memo.get()
    if values is not None:
        values[key] = value


def unrecorded[T](compute: Callable[[], T]) -> T:
    """``compute()`` with the page's recording paused: what it loads is not (yet) shown."""
    token = _shown.set(None)
    try:
        return compute()
    finally:
        _shown.reset(token)


@contextlib.contextmanager
def recording():
    """Collect the dependency keys (``shows:page:12``…) of what renders in the block."""
    shown: set[str] = set()
    token = _shown.set(shown)
    try:
        yield shown
    finally:
        _shown.reset(token)


def shows(*keys: str) -> None:
    """Declare that the page being recorded shows these (``shows:page:12``…)."""
    shown = _shown.get()
    if shown is not None:
        shown.update(keys)


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
