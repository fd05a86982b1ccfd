"""``masthead bundle``: an offline copy in a .zip that opens from disk."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.management import call_command

from masthead.distribution.tests.conftest import app_serves

ATTRIBUTE = re.compile(r"""\s(?:href|src)="([^"]*)\"""")


def bundle(source: Path, out: Path, **options) -> str:
    stdout = io.StringIO()
    call_command("bundle", source=source, out=out, quiet=True, stdout=stdout, **options)
    return stdout.getvalue()


def unzip(path: Path, target: Path) -> Path:
    with zipfile.ZipFile(path) as archive:
        archive.extractall(target)
    (folder,) = [p for p in target.iterdir() if p.is_dir()]
    return folder


def broken_links(folder: Path) -> list[str]:
    """Links to files the bundle does not hold, among pages the app itself serves."""
    broken = []
    for page in folder.rglob("*.html"):
        for link in ATTRIBUTE.findall(page.read_text()):
            if link.startswith(("http:", "https:", "mailto:", "#")) or not link:
                continue
            target = (page.parent / unquote(link.split("#")[0].split("?")[0])).resolve()
            if target.is_file():
                continue
            path = "/" + re.sub(
                r"index\.html$", "", target.relative_to(folder.resolve()).as_posix()
            )
            if app_serves(path):
                broken.append(f"{page.relative_to(folder)} → {link}")
    return broken


def test_whole_site_bundle_opens_from_disk(built, tmp_path):
    out = tmp_path / "site.zip"
    message = bundle(built.out, out)
    assert "Wrote" in message
    folder = unzip(out, tmp_path / "unzipped")
    assert (folder / "index.html").is_file()
    assert (folder / "README.txt").read_text().startswith("The Test Courier")
    assert (folder / "pagefind/pagefind-entry.json").is_file()
    home = (folder / "index.html").read_text()
    assert 'href="world/index.html"' in home
    assert broken_links(folder) == []


@pytest.mark.django_db
def test_bundle_of_recent_days_holds_recent_articles_and_links_out_for_the_rest(
    built, publication, tmp_path
):
    out = tmp_path / "week.zip"
    bundle(built.out, out, days=2)
    folder = unzip(out, tmp_path / "week")
    recent = [a for a in publication.articles if a.slug.startswith("culture-story")]
    old = publication.articles[10]
    for article in recent:
        assert (folder / unquote(article.url).lstrip("/") / "index.html").is_file()
    assert not (folder / old.url.lstrip("/")).exists()
    assert not (folder / "pagefind").exists()  # Pagefind cannot run from disk
    # Older articles are a click away on the main site; nothing links into the void.
    world = (folder / "world/index.html").read_text()
    assert f'href="{settings.BASE_URL}{old.url}"' in world
    assert broken_links(folder) == []
    offline = (folder / "search/offline-index.js").read_text()
    assert recent[0].title in offline and old.title not in offline


def test_bundle_says_what_is_wrong_with_its_source(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    a_file = tmp_path / "site.txt"
    a_file.write_text("x")
    with pytest.raises(CommandError, match="not a directory"):
        call_command("bundle", "--from", str(a_file), "--out", str(tmp_path / "b.zip"), "--quiet")
