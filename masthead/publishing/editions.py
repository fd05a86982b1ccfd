"""Reads for language editions (``core.editions``): which pages belong to the edition being
read, and where each page's translations are.

Each edition is a page tree of its own, a Wagtail locale: the other language's home page is a
translation of the default one, and a page and its translations share a ``translation_key``.
With one language every function here answers as if there were no editions, without a query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import translation
from wagtail.models import Locale, Page, Site

from masthead.core.editions import edition_prefix, editions_enabled
from masthead.core.memo import memo


def locale_languages() -> dict[int, str]:
    """Each locale's language, by id (read once per scope)."""
    return memo("locale_languages", lambda: dict(Locale.objects.values_list("pk", "language_code")))


def page_language(page: Page) -> str:
    """The language of ``page``'s edition (the default language's with one edition)."""
    if not editions_enabled():
        return settings.LANGUAGE_CODE
    return locale_languages().get(page.locale_id, settings.LANGUAGE_CODE)


def edition_locale_id() -> int | None:
    """The locale of the edition being read (the active language's). With one edition, None
    (every page) unless pages of another language are left from an edition the newsroom has
    since switched off: those have no address any more, and the default language's locale
    is the edition."""
    if not editions_enabled():
        languages = locale_languages()
        if len(languages) <= 1:
            return None
        return {code: pk for pk, code in languages.items()}.get(settings.LANGUAGE_CODE)
    language = translation.get_language() or settings.LANGUAGE_CODE
    ids = {code: pk for pk, code in locale_languages().items()}
    return ids.get(language, -1)  # a language without a locale has no pages


def in_edition(pages: QuerySet) -> QuerySet:
    """``pages`` of the edition being read: all of them when there is one edition."""
    locale_id = edition_locale_id()
    return pages if locale_id is None else pages.filter(locale_id=locale_id)


def is_in_edition(page: Page) -> bool:
    locale_id = edition_locale_id()
    return locale_id is None or page.locale_id == locale_id


@dataclass(frozen=True)
class Alternate:
    """A page in one language: the page itself or one of its translations."""

    language: str
    path: str  # root-relative: /ru/politics/…
    is_current: bool


def _root_paths() -> list[tuple[str, str]]:
    """(url_path of an edition's home, that edition's address prefix), the longest first."""

    def read() -> list[tuple[str, str]]:
        site = Site.objects.filter(is_default_site=True).first()
        roots = [
            (root_path, edition_prefix(language))
            for site_id, root_path, _url, language in Site.get_site_root_paths()
            if site is not None and site_id == site.pk
        ]
        return sorted(roots, key=lambda root: len(root[0]), reverse=True)

    return memo("edition_root_paths", read)


def public_path(url_path: str) -> str | None:
    """The address of the page at tree ``url_path`` (``/home-ru/politics/`` →
    ``/ru/politics/``), as Wagtail's ``page.url`` would give it; None outside the site."""
    for root, prefix in _root_paths():
        if url_path.startswith(root):
            return prefix + url_path[len(root) :]
    return None


def _translations() -> dict:
    """translation key → [(language, url_path)] of every live, public page that has a live,
    public translation (read once per scope, in one query)."""
    from masthead.publishing.selectors import public_only

    def read() -> dict:
        live = public_only(Page.objects.live())
        shared = (
            live.order_by()
            .values("translation_key")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values("translation_key")
        )
        languages = locale_languages()
        found: dict = {}
        rows = live.filter(translation_key__in=shared).values_list(
            "translation_key", "locale_id", "url_path"
        )
        for key, locale_id, url_path in rows:
            found.setdefault(key, []).append((languages.get(locale_id), url_path))
        return found

    return memo("page_translations", read)


def page_alternates(page: Page) -> list[Alternate]:
    """``page`` and its live, public translations, one per language in the order of
    ``LANGUAGES``: empty with one edition."""
    if not editions_enabled():
        return []
    rows = _translations().get(page.translation_key) or [(page_language(page), page.url_path)]
    order = [code for code, _name in settings.LANGUAGES]
    found = []
    for language, url_path in rows:
        path = public_path(url_path)
        if path is not None and language in order:
            found.append(Alternate(language, path, url_path == page.url_path))
    return sorted(found, key=lambda alternate: order.index(alternate.language))


def translation_key_alternates() -> dict:
    """For the sitemap: translation key → [Alternate] of every translated page."""
    order = [code for code, _name in settings.LANGUAGES]
    result = {}
    for key, rows in _translations().items():
        alternates = [
            Alternate(language, path, False)
            for language, url_path in rows
            if language in order and (path := public_path(url_path)) is not None
        ]
        result[key] = sorted(alternates, key=lambda alternate: order.index(alternate.language))
    return result
