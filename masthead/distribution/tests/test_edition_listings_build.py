"""The static build writes each language edition's tag and author listings and search page
(``/ru/tags/…``, ``/ru/authors/…``, ``/ru/search/``), in that edition's language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from masthead.publishing.tests.edition_listings import Listings
from masthead.publishing.tests.editions import two_editions  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_build_writes_each_editions_listings_and_search(two_editions, tmp_path: Path):  # noqa: F811
    from masthead.distribution.services.site import site_build

    listings = Listings()
    site_build(out=tmp_path, processes=1)
    # Pagefind indexes each <html lang> apart: /ru/search/ (lang="ru") loads the Russian one.
    entry = json.loads((tmp_path / "pagefind/pagefind-entry.json").read_text())
    assert {"en", "ru"} <= set(entry["languages"])
    slug = listings.author.slug
    for folder, lang, title in (
        ("ru/", "ru", "Выборы отложены"),
        ("", "en", "Elections postponed"),
    ):
        for listing in ("tags/vote/", f"authors/{slug}/"):
            page = (tmp_path / folder / listing / "index.html").read_text()
            assert f'<html lang="{lang}">' in page and title in page, folder + listing
        search = (tmp_path / folder / "search/index.html").read_text()
        assert f'<html lang="{lang}">' in search
        assert f'href="/{folder}archive/"' in search
    assert (tmp_path / "tags/english-only/index.html").is_file()
    assert not (tmp_path / "ru/tags/english-only").exists()
    article = (tmp_path / listings.ru_article.url.lstrip("/") / "index.html").read_text()
    assert 'href="/ru/tags/vote/"' in article and 'href="/ru/search/"' in article
    # The search of a copy opened from disk lists the page's own edition (search.js keeps the
    # entries of the page's <html lang>): each entry says its language.
    offline = (tmp_path / "search/offline-index.js").read_text()
    entries = json.loads(offline[offline.index("[") : offline.rindex("]") + 1])
    languages = {entry["title"]: entry["lang"] for entry in entries}
    assert languages["Выборы отложены"] == "ru" and languages["Elections postponed"] == "en"


def test_an_update_follows_the_russian_listings(two_editions, tmp_path: Path):  # noqa: F811
    """Unpublishing the Russian article takes its tag's and author's Russian listings away
    (nothing of that edition carries them any more) and leaves the English ones."""
    from masthead.distribution.services.site import site_build, site_update

    listings = Listings()
    site_build(out=tmp_path, processes=1, search_index=False)
    slug = listings.author.slug
    assert (tmp_path / "ru/tags/vote/index.html").is_file()
    listings.ru_article.unpublish()
    site_update(out=tmp_path, page_ids=[listings.ru_article.pk], search_index=False)
    assert not (tmp_path / "ru/tags/vote/index.html").exists()
    assert not (tmp_path / f"ru/authors/{slug}/index.html").exists()
    assert "Elections postponed" in (tmp_path / "tags/vote/index.html").read_text()
    assert (tmp_path / f"authors/{slug}/index.html").is_file()
