"""Language editions: one edition of the site per language in ``MASTHEAD_LANGUAGES``.

(An *edition* here is the site in one language, not a newsletter's edition.) The first
language's edition is at the root (``/politics/…``), every other one under its code
(``/ru/politics/…``). With one language there is one edition and nothing here does anything:
``WAGTAIL_I18N_ENABLED`` is the switch (settings turn it on for two languages or more).

The language of a request is the edition its path is in, never the reader's browser or a
cookie: public pages are the same for every reader, and a cached or static copy of
``/ru/…`` must be in Russian whoever asked first. Django's ``LocaleMiddleware`` would also
look at ``Accept-Language`` for paths outside the editions and add ``Vary`` to every answer.
"""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def editions_enabled() -> bool:
    return settings.WAGTAIL_I18N_ENABLED


def path_language(path: str) -> str:
    """The language of the edition ``path`` is in: the default for paths without a
    language's prefix (every path, when there is one edition)."""
    if editions_enabled():
        first = path[1:].partition("/")[0]
        if first != settings.LANGUAGE_CODE and first in dict(settings.LANGUAGES):
            return first
    return settings.LANGUAGE_CODE


def default_language() -> str:
    """The default edition's language: what a reader's recorded language is (model default)
    when they posted before languages were recorded."""
    return settings.LANGUAGE_CODE


def known_language(language: str | None) -> str:
    """The language to write a reader's later email in (a task renders it, away from the
    page): ``language``, the one recorded from their page, when there is a translation for it;
    the default language's for a row from before languages were recorded (empty) or a code
    nothing is translated into."""
    if language and (
        language in dict(settings.LANGUAGES) or translation.check_for_language(language)
    ):
        return language
    return settings.LANGUAGE_CODE


def edition_languages() -> list[tuple[str, str]]:
    """(code, name) of every edition's language: the choices of a field that names one."""
    return list(settings.LANGUAGES)


def edition_prefix(language: str) -> str:
    """Where ``language``'s edition starts: ``/`` for the default, ``/ru/`` for another."""
    return "/" if language == settings.LANGUAGE_CODE else f"/{language}/"


def edition_urlpatterns(patterns: list) -> list:
    """``patterns`` in every language edition: as they are for the default language, under
    ``/<code>/`` for another (Django's ``i18n_patterns``, which match the prefix of the active
    language: ``EditionLanguageMiddleware`` activates it first). Unchanged with one edition."""
    if not editions_enabled():
        return list(patterns)
    return i18n_patterns(*patterns, prefix_default_language=False)


class EditionLanguageMiddleware:
    """Activates the language of the edition the request's path is in, for the request
    alone (Django's URL resolver reads it to match ``/ru/``, see ``project.urls``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not editions_enabled():
            return self.get_response(request)
        language = path_language(request.path_info)
        request.LANGUAGE_CODE = language
        with translation.override(language):
            return self.get_response(request)
