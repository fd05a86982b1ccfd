"""Two language editions for tests (``MASTHEAD_LANGUAGES=en,ru``): the settings that gives and
the project's URLconf built again under them (it is read once, at import, with one language).
Tests of any app use ``two_editions`` from here."""

from __future__ import annotations

import contextlib
import types
from collections.abc import Iterator

import pytest
from django.test import override_settings
from django.urls import clear_url_caches
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Site

from masthead.core import memo

TWO_LANGUAGES = [("en", "English"), ("ru", "Russian")]


def _urlconf() -> types.ModuleType:
    """The project's URLconf as it is built when the settings have two languages."""
    from masthead.core.editions import edition_urlpatterns
    from masthead.project import urls

    module = types.ModuleType("masthead_two_editions_urls")
    module.urlpatterns = urls.site_patterns + edition_urlpatterns(urls.edition_patterns)
    return module


def two_languages(**more) -> override_settings:
    """Settings with English and Russian content and interface (and ``more``)."""
    return override_settings(
        LANGUAGES=TWO_LANGUAGES,
        WAGTAIL_I18N_ENABLED=True,
        WAGTAIL_CONTENT_LANGUAGES=TWO_LANGUAGES,
        **more,
    )


@contextlib.contextmanager
def edition_urls() -> Iterator[None]:
    """The two editions' URLs for the block (inside ``two_languages``). The addresses and
    memo that any other language setting left are dropped on the way in, and these on the
    way out: a test after this one must not meet them."""
    try:
        with override_settings(ROOT_URLCONF=_urlconf()):
            Site.clear_site_root_paths_cache()
            memo.forget()
            yield
    finally:
        clear_url_caches()
        Site.clear_site_root_paths_cache()
        memo.forget()


@pytest.fixture
def two_editions(db):
    with two_languages(), edition_urls():
        yield


def russian(message: str) -> str:
    with translation.override("ru"):
        return gettext(message)


def ru(message: str) -> str:
    """The Russian the catalogues give for an English message of the interface; a message
    without one fails the test."""
    translated = russian(message)
    assert translated != message, f"no Russian for {message!r}"
    return translated
