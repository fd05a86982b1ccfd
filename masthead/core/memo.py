"""Values that stay the same for every public page until the content changes.

Every public page repeats the same reads: the site for the host, the page's address, the
sections in the navigation, the information pages in the footer, the private parts of the
page tree, the publication's settings, the teasers of the newest articles, the index that
*Read more* is chosen from. Made for each page, those reads would cost far more than the page
itself. ``memo(key, compute)`` computes each once per *scope* and hands the same value to
every page in it:

- a web request reads in the scope of the current content generation (``core.page_cache``:
  publishing, unpublishing, moving or deleting a page, or editing what pages show moves it
  on). The process keeps one such scope, shared by its requests, and starts a new one when
  the generation moves, so what it holds is never older than the page cache's pages.
  ``MemoMiddleware`` opens it for every request outside the admin;
- a static build opens a fresh scope of its own (``scope(fresh=True)``) for its life, so that
  it reads the database as it is when the build starts;
- outside a scope (a task, a command, the admin) ``memo`` simply calls ``compute``.

Web requests and builds run the same code through the same reads: the scope is the only
difference. What a build also needs (which articles, authors and images each file shows) is
recorded through ``shows``, which does nothing unless a recorder listens (``recording``).
A value taken from the memo was loaded for another page, so whoever shows it declares it.
Nothing is recorded while a memo value is computed.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Hashable
from typing import Literal, NamedTuple


class Shown(NamedTuple):
    """Something a page shows that can change without the page itself changing: an article
    (in a teaser, in *Read more*), an author (a byline), an image (a photo)."""

    kind: Literal["page", "author", "image"]
    id: int


_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("masthead_memo", default=None)
_shown: contextvars.ContextVar[set[Shown] | None] = contextvars.ContextVar(
    "masthead_shown", default=None
)


# The web requests' scope: (content generation, values), shared by the process's threads and
# replaced whole when the generation moves.
_generation_scope: tuple[int, dict] | None = None


def _generation_values() -> dict:
    global _generation_scope
    from masthead.core.page_cache import current_generation

    generation, held = current_generation(), _generation_scope
    if held is None or held[0] != generation:
        held = (generation, {})
        _generation_scope = held
    return held[1]


@contextlib.contextmanager
def scope(*, fresh: bool = False):
    """Remember ``memo`` values until the block ends: the content generation's (shared with
    the process's other requests), or, with ``fresh``, a new one of the block's own. Nested
    scopes share the outer one."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({} if fresh else _generation_values())
    try:
        yield
    finally:
        _memo.reset(token)


def forget() -> None:
    """Drop the web requests' scope (tests, whose rolled-back rows leave no generation move)."""
    global _generation_scope
    _generation_scope = None


def scope_enter(values: dict) -> None:
    """Open a scope for the rest of this process's life (a build's forked render worker),
    holding ``values`` (what the build read before it forked)."""
    _memo.set(values)


def current() -> dict | None:
    """The open scope's values (to hand to forked workers); None outside a scope."""
    return _memo.get()


def memo[T](key: Hashable, compute: Callable[[], T]) -> T:
    values = _memo.get()
    if values is None:
        return compute()
    if key not in values:
        values[key] = unrecorded(compute)
    return values[key]


def memo_showing[T](key: Hashable, compute: Callable[[], T]) -> T:
    """``memo`` for a value that shows something of its own (an article's full text shows the
    photos in its body): what computing it recorded is kept with it, and every page that
    takes it declares the same."""
    values = _memo.get()
    if values is None:
        return compute()
    if key not in values:
        shown: set[Shown] = set()
        token = _shown.set(shown)
        try:
            value = compute()
        finally:
            _shown.reset(token)
        values[key] = (value, frozenset(shown))
    value, shown = values[key]
    shows(*shown)
    return value


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
    """Collect what the pages rendered in the block show (``Shown`` values)."""
    shown: set[Shown] = set()
    token = _shown.set(shown)
    try:
        yield shown
    finally:
        _shown.reset(token)


def shows(*items: Shown) -> None:
    """Declare that the page being recorded shows these."""
    shown = _shown.get()
    if shown is not None:
        shown.update(items)


class MemoMiddleware:
    """Every request outside the admin reads in the content generation's scope; the Wagtail
    site for a host is found once per scope rather than once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from masthead.core.page_cache import UNCACHED_PREFIXES

        if request.path.startswith(UNCACHED_PREFIXES):
            return self.get_response(request)
        with scope():
            from wagtail.models import Site

            key = ("site", request._get_raw_host(), request.get_port())
            request._wagtail_site = memo(key, lambda: Site._find_for_request(request))
            return self.get_response(request)
