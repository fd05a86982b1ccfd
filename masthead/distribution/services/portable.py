"""The portable copy: the same pages with links that work wherever the folder is put.

The app, and the server copy written by ``masthead build``, link root-relative (``/world/``),
which works on any host serving the site at its root: the main domain, a mirror hostname,
the onion address. A copy under a sub-path (``https://cdn.example.net/news/``) or opened from
disk (``file://``) needs links relative to each page, and on disk a folder does not open its
``index.html`` by itself, so directory links name it. Canonical links and other absolute
addresses are left as they are: they point at the main domain on purpose.

Forms that post go to the API origin: a copy has no server behind it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from html import escape, unescape
from urllib.parse import urlsplit

from masthead.distribution.selectors import APP_PREFIXES

_ATTR = re.compile(
    r"""(?P<lead>\s(?P<name>href|src|srcset|action|poster)\s*=\s*)(?P<q>["'])(?P<value>.*?)(?P=q)""",
    re.IGNORECASE | re.DOTALL,
)
_FORM_TAG = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
_METHOD_POST = re.compile(r"""\smethod\s*=\s*["']?post\b""", re.IGNORECASE)
_REFRESH = re.compile(r'(http-equiv="refresh" content="\d+;\s*url=)(/[^"]*)(")', re.IGNORECASE)


def page_directory(path: str) -> str:
    """The directory a page's relative links resolve against: ``/a/b/`` for ``/a/b/`` (its
    file is ``a/b/index.html``) and ``/a/`` for ``/a/feed.xml``."""
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def relative_url(target: str, *, from_directory: str) -> str:
    """``target`` (root-relative, may carry ?query and #fragment) relative to a directory,
    naming ``index.html`` for directories so that it opens from disk too."""
    parts = urlsplit(target)
    path = parts.path or "/"
    relative = posixpath.relpath(path, from_directory)
    if path.endswith("/"):
        relative = "index.html" if relative == "." else relative + "/index.html"
    if parts.query:
        relative += "?" + parts.query
    if parts.fragment:
        relative += "#" + parts.fragment
    return relative


def portable_html(
    html: str,
    *,
    path: str,
    api_origin: str,
    main_origin: str,
    exists: Callable[[str], bool] | None = None,
) -> str:
    """Rewrite a page rendered for ``path``.

    ``exists(path)`` says whether the copy holds a page; links to pages it does not hold (an
    article older than a bundle's window) point at the main domain instead. Without it every
    link is taken to be in the copy. What a page loads (``src``, ``srcset``, ``poster``) never
    points at the main domain, which is the origin that is blocked and watched.
    """
    directory = page_directory(path)

    def rewrite(url: str, *, post: bool = False, load: bool = False) -> str:
        raw = unescape(url.strip())
        if not raw.startswith("/") or raw.startswith("//"):
            return url
        target_path = urlsplit(raw).path
        if post or target_path.startswith(APP_PREFIXES):
            # Forms and the app's own endpoints: the copy has no server behind it.
            return escape(api_origin + raw)
        is_asset = target_path.startswith(("/static/", "/media/"))
        if exists is not None and not (is_asset or load) and not exists(target_path):
            # Not in this copy (an older article left out of a bundle): the main site has it.
            return escape(main_origin + raw)
        return escape(relative_url(raw, from_directory=directory))

    def attribute(match: re.Match, *, post: bool = False) -> str:
        name, value = match.group("name").lower(), match.group("value")
        if name == "srcset":
            items = []
            for item in value.split(","):
                bits = item.strip().split(None, 1)
                if not bits:
                    continue
                bits[0] = rewrite(bits[0], load=True)
                items.append(" ".join(bits))
            new = ", ".join(items)
        else:
            new = rewrite(value, post=post and name == "action", load=name in ("src", "poster"))
        return f"{match.group('lead')}{match.group('q')}{new}{match.group('q')}"

    def form(match: re.Match) -> str:
        tag = match.group(0)
        post = bool(_METHOD_POST.search(tag))
        return _ATTR.sub(lambda m: attribute(m, post=post), tag)

    # Form tags first (their action depends on the method), then everything outside them.
    pieces, last = [], 0
    for match in _FORM_TAG.finditer(html):
        pieces.append(_ATTR.sub(attribute, html[last : match.start()]))
        pieces.append(form(match))
        last = match.end()
    pieces.append(_ATTR.sub(attribute, html[last:]))
    result = "".join(pieces)
    return _REFRESH.sub(
        lambda m: (
            m.group(1) + escape(relative_url(m.group(2), from_directory=directory)) + m.group(3)
        ),
        result,
    )


def portable_bytes(body: bytes, **kwargs) -> bytes:
    return portable_html(body.decode("utf-8"), **kwargs).encode("utf-8")
