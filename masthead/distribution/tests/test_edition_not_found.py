"""Each language edition's 404 page is written, in its language: ``/404.html`` and
``/ru/404.html`` (nginx answers a missing ``/ru/…`` address with the latter: see
``test_nginx_config``), in the copy and in the portable copy."""

from __future__ import annotations

import pytest

from masthead.distribution.selectors import not_found_paths
from masthead.publishing.tests.editions import russian, two_editions  # noqa: F401

pytestmark = pytest.mark.django_db


def test_with_one_language_there_is_one_404_page():
    assert not_found_paths() == ["/404.html"]


def test_each_language_edition_gets_its_own_404_page(publication, two_editions, tmp_path):  # noqa: F811
    from masthead.core.models import PublicationSettings, PublicationWording
    from masthead.distribution import services

    PublicationWording.objects.create(
        setting=PublicationSettings.load(), language="ru", name="Кельмарский курьер"
    )
    assert not_found_paths() == ["/404.html", "/ru/404.html"]
    out, portable = tmp_path / "out", tmp_path / "portable"
    services.site_build(out=out, portable_out=portable, processes=1, search_index=False)
    for root in (out, portable):
        ru = (root / "ru" / "404.html").read_text()
        assert '<html lang="ru">' in ru
        assert russian("We could not find that page") in ru
        assert f"{russian('Page not found')} — Кельмарский курьер</title>" in ru
        en = (root / "404.html").read_text()
        assert '<html lang="en">' in en and "We could not find that page" in en
        assert "Кельмарский курьер" not in en
