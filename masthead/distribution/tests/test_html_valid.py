"""Every page of the static output, server copy and portable copy, is valid HTML by the Nu
HTML Checker (the W3C validator), checked in one batch. The app's own pages, forms' answers
and the newsletter are checked in ``masthead/project/tests/test_html_valid.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from masthead.distribution.services.output import STATE_DIR

pytest_plugins = ["masthead.core.tests.html_checker"]

COPIES = ("out", "portable")


def _pages(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.html") if STATE_DIR not in p.relative_to(root).parts)


@pytest.fixture(scope="module")
def checked(built, vnu) -> dict[str, dict[str, list[str]]]:
    roots = {copy: getattr(built, copy) for copy in COPIES}
    pages = {copy: _pages(root) for copy, root in roots.items()}
    errors = vnu([page for copy in COPIES for page in pages[copy]])
    return {
        copy: {
            page.relative_to(roots[copy]).as_posix(): errors[page.resolve()] for page in pages[copy]
        }
        for copy in COPIES
    }


@pytest.mark.parametrize("copy", COPIES)
def test_every_kind_of_page_is_checked(checked, copy, publication):
    names = set(checked[copy])
    article = publication.articles[5].url.strip("/")
    assert {
        "index.html",
        "world/index.html",
        "world/page/1/index.html",
        f"{article}/index.html",
        f"authors/{publication.pen_name.slug}/index.html",
        "tags/exile/index.html",
        "archive/index.html",
        "archive/page/1/index.html",
        "privacy/index.html",
        "search/index.html",
        "404.html",
    } <= names
    assert len(names) > len(publication.articles)


@pytest.mark.parametrize("copy", COPIES)
def test_every_built_page_is_valid_html(checked, copy):
    invalid = {name: errors[:5] for name, errors in checked[copy].items() if errors}
    assert invalid == {}
