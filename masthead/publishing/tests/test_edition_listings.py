"""Tag and author listings and the search page of each language edition
(``MASTHEAD_LANGUAGES=en,ru``): ``/ru/tags/…``, ``/ru/authors/…`` and ``/ru/search/`` list and
speak the Russian edition, and the Russian pages link to them; the default edition's
addresses are the ones they always were."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from masthead.publishing.tests.edition_listings import Listings
from masthead.publishing.tests.editions import russian, two_editions  # noqa: F401
from masthead.publishing.tests.sitemaps import sitemap_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings(two_editions) -> Listings:  # noqa: F811
    return Listings()


def get(path: str, status: int = 200) -> str:
    response = Client().get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def lang(body: str) -> str:
    return re.search(r'<html lang="([^"]+)"', body).group(1)


def test_each_edition_has_its_own_tag_listing(listings):
    body = get("/ru/tags/vote/")
    assert lang(body) == "ru" and russian("Tag") in body
    assert "Выборы отложены" in body and "Elections postponed" not in body
    assert "/ru/tags/vote/" in re.search(r'<link rel="canonical"[^>]*>', body).group(0)
    body = get("/tags/vote/")
    assert lang(body) == "en" and "Elections postponed" in body and "Выборы отложены" not in body
    # A tag no Russian article carries has no Russian listing.
    get("/tags/english-only/")
    get("/ru/tags/english-only/", status=404)


def test_each_edition_has_its_own_author_listing(listings):
    slug = listings.author.slug
    body = get(f"/ru/authors/{slug}/")
    assert lang(body) == "ru" and "Ana Reporter" in body
    assert "Выборы отложены" in body and "Elections postponed" not in body
    body = get(f"/authors/{slug}/")
    assert lang(body) == "en" and "Elections postponed" in body and "Выборы отложены" not in body
    get(f"/ru/authors/{slug}/page/1/", status=404)  # one page: nothing numbered


def test_an_editions_pages_link_to_its_own_listings_and_search(listings):
    slug = listings.author.slug
    body = get(listings.ru_article.url)
    assert lang(body) == "ru"
    assert 'href="/ru/tags/vote/"' in body and 'href="/tags/vote/"' not in body
    assert f'href="/ru/authors/{slug}/"' in body and f'href="/authors/{slug}/"' not in body
    assert 'href="/ru/search/"' in body and 'href="/search/"' not in body
    assert f"/ru/authors/{slug}/" in re.search(r'"author":.*?\]', body, re.S).group(0)
    body = get(listings.article.url)
    assert 'href="/tags/vote/"' in body and f'href="/authors/{slug}/"' in body
    assert 'href="/search/"' in body and "/ru/search/" not in body.split("hreflang")[0]


def test_each_edition_has_its_own_search_page(listings):
    response = Client().get("/ru/search/")
    body = response.content.decode()
    assert response.status_code == 200 and lang(body) == "ru"
    assert "wasm-unsafe-eval" in response["Content-Security-Policy"]
    assert "/ru/search/" in re.search(r'<link rel="canonical"[^>]*>', body).group(0)
    assert 'href="/ru/archive/"' in body and russian("Search") in body
    body = get("/search/")
    assert lang(body) == "en" and 'href="/archive/"' in body


def test_the_sitemap_lists_each_editions_listings(listings):
    sitemap = sitemap_text(get)
    slug = listings.author.slug
    for path in ("/ru/tags/vote/", f"/ru/authors/{slug}/", "/tags/vote/", f"/authors/{slug}/"):
        assert f"{path}</loc>" in sitemap, path
    assert "/ru/tags/english-only/" not in sitemap


def test_nginx_gives_each_editions_search_page_the_search_policy(listings, tmp_path):
    from masthead.distribution.services.nginx import nginx_config

    server = nginx_config(
        root=tmp_path,
        listen="127.0.0.1:8080",
        server_names=["127.0.0.1"],
        portable_root=tmp_path / "portable",
        portable_prefix="/offline/",
    )

    def block(location: str) -> str:
        return re.search(rf"location = {location} \{{(.*?)\n    \}}", server, re.S).group(1)

    for path in ("/search/", "/ru/search/"):
        assert f"try_files {path}index.html =404;" in block(path)
        assert "wasm-unsafe-eval" in block(path)
        # The portable copy's search page too.
        assert f"/offline{path}index.html last;" in block(f"/offline{path}")
        portable = block(f"/offline{path}index.html")
        assert f"portable{path}index.html;" in portable and "wasm-unsafe-eval" in portable
    # nginx accepts it.
    import shutil
    import subprocess

    from masthead.distribution.services.nginx import nginx_standalone_config

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    (tmp_path / "nginx.conf").write_text(nginx_standalone_config(server=server, prefix=tmp_path))
    done = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
