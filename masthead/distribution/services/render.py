"""Render one public URL through the whole Django stack, as a reader's request would be.

The request goes through the project's real middleware and views (Django's test handler,
which is the WSGI handler without a server), so a file written from it is byte for byte what
the app answers for that URL. Only the full-page cache is bypassed (``BYPASS_ENVIRON``, on
these requests alone): a build must see the database as it is now, not an entry stored
before the change that triggered it.

While a URL renders, the models it loads are recorded (``post_init``): which articles,
authors and images the page shows. Those become the file's dependencies, so that an edit to
an article re-renders exactly the pages that show it.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import re
import threading
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db.models.signals import post_init
from django.test import Client
from django.test.signals import setting_changed
from django.utils.encoding import iri_to_uri

from masthead.core import memo, page_cache
from masthead.core.memo import Shown
from masthead.distribution.keys import SHOWS_EVERY_ARTICLE, Key, Kind
from masthead.distribution.selectors import DYNAMIC_PREFIXES

# More articles than this on one page (sitemaps, the offline index) and the page is taken to
# show every article: any article edit re-renders it.
SHOWS_ALL_THRESHOLD = 120

REDIRECT_STATUSES = (301, 302, 303, 307, 308)


def _record_article(sender, instance, **kwargs) -> None:
    if instance.pk is not None:
        memo.shows(Shown("page", instance.pk))


def _record_author(sender, instance, **kwargs) -> None:
    if instance.pk is not None:
        memo.shows(Shown("author", instance.pk))


def _record_image(sender, instance, **kwargs) -> None:
    if instance.pk is not None:
        memo.shows(Shown("image", instance.pk))


def connect_recording() -> None:
    post_init.connect(
        _record_article, sender="publishing.ArticlePage", dispatch_uid="distribution-article"
    )
    post_init.connect(
        _record_author, sender="publishing.Author", dispatch_uid="distribution-author"
    )
    post_init.connect(_record_image, sender="wagtailimages.Image", dispatch_uid="distribution-img")


def _keys(shown: set[Shown]) -> set[Key]:
    """What a page showed, as its dependency keys; past ``SHOWS_ALL_THRESHOLD`` articles,
    every article."""
    keys = {Key.shown(item) for item in shown}
    if sum(item.kind == "page" for item in shown) > SHOWS_ALL_THRESHOLD:
        keys = {key for key in keys if key.kind is not Kind.SHOWS_PAGE}
        keys.add(SHOWS_EVERY_ARTICLE)
    return keys


@dataclass
class Rendered:
    path: str
    status: int
    content_type: str
    body: bytes
    location: str = ""
    shown: set[Key] = field(default_factory=set)
    public: bool = True  # the same for every reader: no cookie, not private

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")


class Renderer:
    """Renders URLs in this process. One per process; not thread-safe."""

    def __init__(self) -> None:
        base = urlsplit(settings.BASE_URL)
        # Django's test client is the WSGI handler without a server (and without closing the
        # database connection after every request, as a real server's handler does).
        # It reads the database, never the page cache: a build must see the content as it
        # is now, not an entry stored before the change that triggered it.
        self.client = Client(
            enforce_csrf_checks=True,
            raise_request_exception=False,
            HTTP_HOST=base.netloc,
            **{page_cache.BYPASS_ENVIRON: True},
        )
        self.secure = base.scheme == "https"
        # Now rather than at the first render: a render worker forked later starts with it.
        self.client.handler.load_middleware()

    def render(self, path: str) -> Rendered:
        self.client.cookies.clear()  # every request is a new reader's
        with memo.recording() as shown:
            response = self.client.get(iri_to_uri(path), secure=self.secure)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        cache_control = response.headers.get("Cache-Control", "")
        return Rendered(
            path=path,
            status=response.status_code,
            content_type=response.headers.get("Content-Type", ""),
            body=body,
            location=response.headers.get("Location", ""),
            shown=_keys(shown),
            public=not response.cookies
            and (
                # A page that forbids caches yet is the same for everyone (the source page,
                # core.security.source_page_headers_apply) still belongs in the static copy.
                getattr(response, "same_for_every_reader", False)
                or ("private" not in cache_control and "no-store" not in cache_control)
            ),
        )


_held = threading.local()
_settings_version = 0


def _settings_changed(**_kwargs) -> None:
    global _settings_version
    _settings_version += 1


setting_changed.connect(_settings_changed, dispatch_uid="distribution-renderer-settings")


def renderer() -> Renderer:
    """This thread's renderer, made once and kept while the settings stay as they were.

    Making one loads every middleware (WhiteNoise lists the collected static files), a fifth
    of a second: more than most one-article updates render. A render worker forked from a
    process that holds one starts with it."""
    held = getattr(_held, "renderer", None)
    if held is None or held[0] != _settings_version:
        held = _held.renderer = (_settings_version, Renderer())
    return held[1]


def private_cache():
    """A cache of this process's own for rendering.

    A render only reads, yet every image rendition it looks up is written back to the cache:
    with the default file cache that is a file write (and a directory listing) per image on
    the page. Renders share nothing worth sharing with other processes."""
    return _ObjectCache("masthead-render", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


class _ObjectCache(BaseCache):
    """A process-local cache that keeps the objects themselves: Django's local-memory cache
    pickles every value, which for the image renditions a page looks up costs more than the
    lookup saves. Values are never mutated by their readers (renditions, site root paths)."""

    def __init__(self, name, params):
        super().__init__(params)
        self._data: dict = {}

    def make_and_validate_key(self, key, version=None):
        # The keys never leave this process: memcached's rules for them (checked character
        # by character at every read) do not apply.
        return self.make_key(key, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        if key in self._data:
            return False
        self._data[key] = value
        return True

    def get(self, key, default=None, version=None):
        return self._data.get(self.make_and_validate_key(key, version=version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if len(self._data) >= self._max_entries:
            self._data.clear()
        self._data[self.make_and_validate_key(key, version=version)] = value

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self.make_and_validate_key(key, version=version) in self._data

    def delete(self, key, version=None):
        return self._data.pop(self.make_and_validate_key(key, version=version), None) is not None

    def has_key(self, key, version=None):
        return self.make_and_validate_key(key, version=version) in self._data

    def clear(self):
        self._data.clear()


# Apps whose templates make the public pages (the others' are included by these).
PUBLIC_TEMPLATE_APPS = ("core", "publishing")


def public_templates() -> list[str]:
    """The names of the public pages' templates: every template of ``PUBLIC_TEMPLATE_APPS``."""
    from django.apps import apps

    names = []
    for label in PUBLIC_TEMPLATE_APPS:
        folder = Path(apps.get_app_config(label).path) / "templates"
        names += sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    return names


def warm_up() -> None:
    """Load what the first render in a process would: the URL configuration (every app's
    views) and the public templates, compiled. A worker does this when it starts, so that
    the first publish after a restart reaches the output as fast as the next one."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 - imports every app's URLs and views, indexes them
    for name in public_templates():
        get_template(name)
    renderer()


_set_aside_depth = 0


@contextlib.contextmanager
def collector_set_aside():
    """While rendering: the objects that exist now are left out of the garbage collector's
    passes (``gc.freeze``) until the block ends.

    A build holds what it read once for every page (every live article for teasers, the
    memo) besides Django and Wagtail themselves, and keeps it to the end. Each full pass of
    the collector walked all of it: a third of a second at 1,000 articles, more with every
    article, and more often as the memo grows. An update holds the build manifest (300,000
    objects at 10,000 articles), and the passes over it were a fifth of a one-article update.
    What the pages make is still collected as usual.

    Blocks nest (an update sets aside its manifest, then renders): what an inner block's
    start holds is set aside too, and all of it comes back when the outermost block ends."""
    global _set_aside_depth
    gc.freeze()
    _set_aside_depth += 1
    try:
        yield
    finally:
        _set_aside_depth -= 1
        if _set_aside_depth == 0:
            gc.unfreeze()


@contextlib.contextmanager
def rendering_scope():
    """While rendering in this thread: a private cache (see ``private_cache``; Django's cache
    handles are per thread, so other threads keep the shared cache), a fresh memo of what
    every page reads alike (``core.memo``), for the life of the build, and the collector
    leaving what was read before alone (``collector_set_aside``)."""
    from django.core.cache import caches

    shared = caches["default"]
    caches["default"] = private_cache()
    try:
        with memo.scope(fresh=True), collector_set_aside():
            yield
    finally:
        caches["default"] = shared


# --- Links in a rendered page ----------------------------------------------------------------

_LINK_ATTR = re.compile(
    r"""\s(href|src|srcset|action|poster)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE
)
_METHOD_POST = re.compile(r"""\smethod\s*=\s*["']?post""", re.IGNORECASE)


def srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def local_path(url: str) -> str | None:
    """The unquoted path of a root-relative URL on this site; None for anything else."""
    url = unescape(url.strip())
    if not url.startswith("/") or url.startswith("//"):
        return None
    parts = urlsplit(url)
    return unquote(parts.path)


@functools.lru_cache(maxsize=50_000)
def _link_targets(name: str, value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(pages, assets) one attribute's value names. Most values (the navigation, the footer,
    style sheets and scripts, teasers) are on many pages: each is taken apart once."""
    pages, assets = [], []
    candidates = srcset_urls(value) if name == "srcset" else [value]
    for candidate in candidates:
        if urlsplit(candidate.strip()).query:
            continue  # a query is not a file
        path = local_path(candidate)
        if path is None:
            continue
        if path.startswith(("/static/", "/media/")):
            assets.append(path)
        elif not path.startswith(DYNAMIC_PREFIXES):
            pages.append(path)
    return tuple(pages), tuple(assets)


def links_in(html: str) -> tuple[set[str], set[str]]:
    """(pages, assets) the page links to: root-relative paths, queries and fragments dropped.

    Forms that post are left out: they go to the app, never to a file.
    """
    pages, assets = set(), set()
    for match in _LINK_ATTR.finditer(html):
        name, value = match.group(1).lower(), match.group(2) or match.group(3) or ""
        if name == "action":
            start = html.rfind("<form", 0, match.start())
            tag = html[start : html.find(">", match.start()) + 1]
            if _METHOD_POST.search(tag):
                continue
        found_pages, found_assets = _link_targets(name, value)
        pages.update(found_pages)
        assets.update(found_assets)
    return pages, assets
