"""What an output file depends on, and what a change names: one small value type.

A file's dependencies come from the list of URLs that produced it (its page, its listing) and
from what it showed while it rendered (``core.memo.Shown``: an article, an author, a photo).
A change (a publish, an edited author, new mirrors) names keys of the same kinds, and the
update renders again the files that depend on any of them. The manifest and the task queue
carry keys as text (``str(key)``, ``Key.parse``); the code handles ``Key`` values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from masthead.core.memo import Shown


class Kind(StrEnum):
    SHOWS_PAGE = "shows:page"  # the file shows the article (its page, a teaser, a link)
    SHOWS_AUTHOR = "shows:author"
    SHOWS_IMAGE = "shows:image"
    PAGE = "page"  # the page's own file
    AUTHOR = "author"  # the author's own pages
    SECTION_LISTING = "listing:section"
    TAG_LISTING = "listing:tag"
    AUTHOR_LISTING = "listing:author"
    ARCHIVE_LISTING = "listing:archive"
    SITEMAP_PART = "sitemap"  # a part of the sitemap: the pages whose ids it covers
    ALL_ARTICLES = "articles:all"  # the set of live articles or their order changed
    ANY_PAGE = "pages:any"  # any page published, changed or removed (sitemap lastmod)
    ROUTES = "routes"  # views of other apps found in the URLconf or by following links
    MIRRORS = "mirrors"
    REDIRECTS = "redirects"
    SITE = "site"  # settings shown on every page: everything is rendered again


# Kinds that name one thing, and how the name is read back from text. The others stand alone.
_VALUE_TYPES: dict[Kind, type] = {
    Kind.SHOWS_PAGE: int,
    Kind.SHOWS_AUTHOR: int,
    Kind.SHOWS_IMAGE: int,
    Kind.PAGE: int,
    Kind.AUTHOR: int,
    Kind.SECTION_LISTING: int,
    Kind.TAG_LISTING: str,  # a tag's slug
    Kind.AUTHOR_LISTING: int,
    Kind.SITEMAP_PART: int,
}
# Kinds by length, longest first: "listing:section:3" is a section listing, not a "listing".
_PREFIXES = sorted(Kind, key=lambda kind: len(kind.value), reverse=True)
EVERY = "*"  # with SHOWS_PAGE: the file shows every article (sitemaps, the offline index)


class KeyInvalid(ValueError):
    """Text that is not a dependency key."""


@dataclass(frozen=True, slots=True)
class Key:
    kind: Kind
    value: int | str | None = None

    def __post_init__(self) -> None:
        wanted = _VALUE_TYPES.get(self.kind)
        if wanted is None and self.value is not None:
            raise KeyInvalid(f"{self.kind} names nothing: {self.value!r}")
        every = self.kind is Kind.SHOWS_PAGE and self.value == EVERY
        if wanted is not None and not every and not isinstance(self.value, wanted):
            raise KeyInvalid(f"{self.kind} needs a {wanted.__name__}: {self.value!r}")

    def __str__(self) -> str:
        return self.kind.value if self.value is None else f"{self.kind.value}:{self.value}"

    @classmethod
    def parse(cls, text: str) -> Key:
        for kind in _PREFIXES:
            if text == kind.value and kind not in _VALUE_TYPES:
                return cls(kind)
            if kind in _VALUE_TYPES and text.startswith(kind.value + ":"):
                raw = text[len(kind.value) + 1 :]
                if kind is Kind.SHOWS_PAGE and raw == EVERY:
                    return cls(kind, EVERY)
                try:
                    return cls(kind, _VALUE_TYPES[kind](raw))
                except ValueError:
                    break
        raise KeyInvalid(f"not a dependency key: {text!r}")

    @classmethod
    def shown(cls, item: Shown) -> Key:
        return cls(Kind("shows:" + item.kind), item.id)


ALL_ARTICLES = Key(Kind.ALL_ARTICLES)
ANY_PAGE = Key(Kind.ANY_PAGE)
ARCHIVE_LISTING = Key(Kind.ARCHIVE_LISTING)
ROUTES = Key(Kind.ROUTES)
MIRRORS = Key(Kind.MIRRORS)
REDIRECTS = Key(Kind.REDIRECTS)
SITE = Key(Kind.SITE)
SHOWS_EVERY_ARTICLE = Key(Kind.SHOWS_PAGE, EVERY)


def texts(keys) -> list[str]:
    """``keys`` as the manifest and the task queue carry them, sorted."""
    return sorted(str(key) for key in keys)
