"""``masthead build``: every public page written to a file, exactly as the app serves it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from masthead.distribution.services.output import STATE_DIR, Manifest
from masthead.distribution.tests.conftest import CONTACT, MIRROR, ONION

ATTRIBUTE = re.compile(r"""\s(href|src|srcset|action)="([^"]*)\"""")


def app_client() -> Client:
    base = urlsplit(settings.BASE_URL)
    return Client(HTTP_HOST=base.netloc)


def fetch(client: Client, path: str):
    response = client.get(path, secure=settings.BASE_URL.startswith("https"))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def html_files(root: Path) -> list[Path]:
    return [
        p for p in root.rglob("*.html") if STATE_DIR not in p.parts and "pagefind" not in p.parts
    ]


@pytest.mark.django_db
def test_every_file_is_byte_for_byte_what_the_app_serves(built, publication):
    manifest = Manifest.load(built.out)
    client = app_client()
    different = []
    for name, entry in manifest.files.items():
        status, body = fetch(client, entry["path"])
        if body != (built.out / name).read_bytes():
            different.append(f"{entry['path']} ({status})")
    assert not different, f"differs from the app: {different}"

    paths = manifest.paths()
    article = publication.articles[5]
    expected = {
        "/",
        "/world/",
        "/world/page/1/",
        "/culture/",
        article.url,
        unquote(publication.unicode_article.url),
        "/tags/exile/",
        "/tags/music/",
        f"/authors/{publication.pen_name.slug}/",
        "/archive/",
        "/archive/page/1/",
        "/privacy/",
        "/feeds/rss.xml",
        "/feeds/atom.xml",
        "/feeds/world/rss.xml",
        "/feeds/culture/atom.xml",
        "/sitemap.xml",
        "/sitemaps/pages-1.xml",
        "/sitemaps/listings.xml",
        "/news-sitemap.xml",
        "/robots.txt",
        "/search/",
        "/search/offline-index.js",
        "/mirrors.json",
        "/404.html",
    }
    assert expected <= paths, f"missing: {sorted(expected - paths)}"
    # 26 articles, 12 a page: page 1 has the 12 oldest, /world/ the 14 newest.
    assert "/world/page/2/" not in paths
    # Directory addresses are index.html files; the 404 page is 404.html.
    assert (built.out / "world/page/1/index.html").is_file()
    assert (built.out / "culture/концерт-в-изгнании/index.html").is_file()
    assert b"We could not find that page" in (built.out / "404.html").read_bytes()


def test_assets_are_the_hashed_files_the_pages_name_and_nothing_else(built):
    referenced = set()
    for page in html_files(built.out):
        for name, value in ATTRIBUTE.findall(page.read_text()):
            for url in value.split(",") if name == "srcset" else [value]:
                path = unquote(url.strip().split(" ")[0])
                if path.startswith(("/static/", "/media/")):
                    referenced.add(path)
    assert any(re.match(r"/static/masthead/site\.[0-9a-f]{12}\.css$", p) for p in referenced)
    assert any(p.startswith("/media/images/") for p in referenced)
    for path in referenced:
        assert (built.out / path.lstrip("/")).is_file(), path
    copied = {
        "/" + p.relative_to(built.out).as_posix()
        for p in (built.out / "static").rglob("*")
        if p.is_file() and not p.name.endswith((".gz", ".br"))
    }
    assert copied == referenced & copied  # no admin scripts or unused files
    assert not (built.out / "static" / "wagtailadmin").exists()


def test_portable_copy_links_relatively_and_names_index_html(built, api_origins):
    page = built.portable / "world/page/1/index.html"
    html = page.read_text()
    values = [value for _name, value in ATTRIBUTE.findall(html)]
    assert not [v for v in values if v.startswith("/")], "root-relative links left"
    assert 'href="../../../index.html"' in html  # the front page, from /world/page/1/
    assert re.search(r'href="\.\./\.\./\.\./static/masthead/site\.[0-9a-f]{12}\.css"', html)
    assert 'href="../../../archive/index.html"' in html
    # Canonical links still name the main domain.
    assert f'<link rel="canonical" href="{settings.BASE_URL}/world/page/1/">' in html
    # Forms that post go to the API origin (the copy has no app behind it).
    article = (built.portable / "world/world-story-4/index.html").read_text()
    assert f'action="{api_origins[0]}/newsletter/signup/"' in article


@pytest.mark.parametrize("copy", ["out", "portable"])
def test_nothing_loads_from_another_origin(built, copy):
    loads = re.compile(
        r"""<(?:script|img|source|iframe|video|audio)\b[^>]*\s(?:src|srcset)="([^"]+)"|"""
        r"""<link\b[^>]*rel="(?:stylesheet|icon|preload|modulepreload)"[^>]*href="([^"]+)\"""",
    )
    for page in html_files(getattr(built, copy)):
        for match in loads.finditer(page.read_text()):
            url = match.group(1) or match.group(2)
            assert not re.match(r"^(https?:)?//", url), f"{page}: loads {url}"


@pytest.mark.django_db
def test_pages_name_their_onion_copy(built, publication):
    article = publication.articles[3]
    html = (built.out / article.url.lstrip("/") / "index.html").read_text()
    assert f'<meta http-equiv="onion-location" content="http://{ONION}{article.url}">' in html
    assert (
        f'<meta http-equiv="onion-location" content="http://{ONION}/">'
        in (built.out / "index.html").read_text()
    )


def test_mirror_list_in_the_bypass_mirrors_format(built):
    document = json.loads((built.out / "mirrors.json").read_text())
    assert document["main_domain"] == urlsplit(settings.BASE_URL).hostname
    alternatives = document["available_alternatives"]
    assert [a["url"] for a in alternatives] == [f"http://{ONION}", MIRROR]
    assert alternatives[0]["proto"] == "tor" and alternatives[0]["type"] == "eotk"
    assert alternatives[1]["proto"] == "https" and alternatives[1]["type"] == "mirror"
    assert all({"proto", "type", "created_at", "url"} <= set(a) for a in alternatives)
    script = (built.out / "mirrors.js").read_text()
    assert CONTACT in script and MIRROR in script


def test_search_index_covers_articles_and_information_pages_in_parts(built, publication):
    def indexed(folder: str) -> int:
        entry = json.loads((built.out / folder / "pagefind-entry.json").read_text())
        return sum(language["page_count"] for language in entry["languages"].values())

    # 31 articles, parts of 12: the 12 oldest in part 1, the rest and the privacy policy.
    assert indexed("pagefind/part-1") == 12
    assert indexed("pagefind") == len(publication.articles) - 12 + 1
    assert not (built.out / "pagefind/part-2").exists()
    parts = (built.out / "pagefind/masthead-parts.js").read_text()
    assert parts == 'window.mastheadSearchParts = ["part-1/"];\n'
    for name in ("pagefind/pagefind-entry.json", "pagefind/part-1/pagefind-entry.json"):
        assert (built.portable / name).read_bytes() == (built.out / name).read_bytes()
    offline = (built.out / "search/offline-index.js").read_text()
    assert publication.unicode_article.title in offline


def test_state_stays_out_of_the_copies(built):
    assert (built.out / STATE_DIR / "manifest.json").is_file()
    assert not (built.portable / STATE_DIR / "manifest.json").exists()


@pytest.mark.django_db
def test_building_again_rewrites_nothing(built, django_db_blocker, tmp_path):
    """Unchanged pages are not written again: syncs and caches see nothing new."""
    from masthead.distribution import services

    before = {p: p.stat().st_mtime_ns for p in built.out.rglob("*") if p.is_file()}
    report = services.site_build(out=built.out, portable_out=built.portable, processes=1)
    assert report.written == 0 and report.removed == 0
    after = {p: p.stat().st_mtime_ns for p in built.out.rglob("*") if p.is_file()}
    changed = {p for p in before if after.get(p) != before[p] and STATE_DIR not in p.parts}
    assert not changed


def test_build_command_needs_a_destination(publication):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--out"):
        call_command("build", out=None)


def test_parts_of_the_search_index_that_are_gone_are_removed(tmp_path):
    from masthead.distribution.services import search

    root, copy = tmp_path / "out", tmp_path / "portable"
    for base in (root, copy):
        for part in ("part-1", "part-2"):
            (base / "pagefind" / part).mkdir(parents=True)
            (base / "pagefind" / part / search.ENTRY_FILE).write_text("{}")
    written = search.search_parts_publish(root=root, parts=["", "1"], copies=[copy])
    assert list(written) == ["pagefind/masthead-parts.js"]
    for base in (root, copy):
        assert (base / "pagefind/part-1" / search.ENTRY_FILE).is_file()
        assert not (base / "pagefind/part-2").exists()
        script = (base / "pagefind/masthead-parts.js").read_text()
        assert script == 'window.mastheadSearchParts = ["part-1/"];\n'


def test_the_manifest_is_compact_sorted_utf8_json_and_reads_back(tmp_path):
    manifest = Manifest(base_url="https://news.example.org", built_at="2026-12-06T21:00:00+00:00")
    manifest.files = {
        "ru/politika/index.html": {"path": "/ru/политика/", "deps": ["b", "a"], "status": 200},
        "index.html": {"path": "/", "deps": [], "status": 200},
    }
    manifest.pages = {"12": {"kind": "article", "path": "/ru/политика/x/"}}
    manifest.search = {"": [12], "1": []}
    manifest.save(tmp_path)
    written = (tmp_path / STATE_DIR / "manifest.json").read_bytes()
    data = json.loads(written)
    assert written == json.dumps(
        data, ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode("utf-8")
    assert "политика" in written.decode("utf-8")
    again = Manifest.load(tmp_path)
    assert (again.files, again.pages, again.search) == (
        manifest.files,
        manifest.pages,
        manifest.search,
    )


@pytest.mark.django_db
def test_the_offline_index_dates_each_article_by_its_first_publication_in_utc():
    """The offline search's dates are read as text from the database (see
    ``selectors._UTC_DAY``): each database must give the UTC day, late in the day too."""
    from datetime import UTC, datetime

    from masthead.distribution.selectors import offline_index_entries
    from masthead.publishing.models import ArticlePage
    from masthead.publishing.tests import factories

    section = factories.section(title="Nights")
    late = factories.article(parent=section, title="Filed before midnight")
    early = factories.article(parent=section, title="Filed after midnight")
    for story, moment in (
        (late, datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=UTC)),
        (early, datetime(2026, 3, 2, 0, 0, 1, tzinfo=UTC)),
    ):
        ArticlePage.objects.filter(pk=story.pk).update(first_published_at=moment)
    dates = {entry["title"]: entry["date"] for entry in offline_index_entries()}
    assert dates["Filed before midnight"] == "2026-03-01"
    assert dates["Filed after midnight"] == "2026-03-02"


@pytest.mark.django_db
def test_a_page_the_app_fails_on_keeps_its_file_and_the_build_says_so(
    publication, tmp_path, monkeypatch
):
    """A 500 is not a page that is gone: a transient failure must not take the page off
    the main site, its mirrors and object storage."""
    from django.core.management.base import CommandError

    from masthead.distribution import services
    from masthead.publishing.models import ArticlePage

    out = tmp_path / "out"
    services.site_build(out=out, processes=1, search_index=False)
    article = publication.articles[3]
    name = Manifest.load(out).names_by_path()[article.url]
    kept = (out / name).read_bytes()
    original = ArticlePage.get_context

    def failing(self, request, *args, **kwargs):
        if self.pk == article.pk:
            raise RuntimeError("the database went away")
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(ArticlePage, "get_context", failing)
    with pytest.raises(CommandError, match="failed"):
        call_command("build", out=out, jobs=1, no_search=True, quiet=True)
    assert (out / name).read_bytes() == kept
    assert Manifest.load(out).files[name]["path"] == article.url
    # An update that renders it again keeps it the same way, and reports it.
    report = services.site_update(out=out, page_ids=[article.pk], search_index=False)
    assert report.failures == {article.url: "error: status 500"}
    assert (out / name).read_bytes() == kept
    assert name in Manifest.load(out).files
    monkeypatch.undo()
    report = services.site_update(out=out, page_ids=[article.pk], search_index=False)
    assert not report.failures and (out / name).read_bytes() == kept


@pytest.mark.django_db
def test_a_build_refuses_directories_it_would_damage(publication, tmp_path):
    from django.core.management.base import CommandError

    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    refused = [
        ({"out": Path(settings.MEDIA_ROOT)}, "MEDIA_ROOT"),
        ({"out": Path(settings.MEDIA_ROOT) / "site"}, "MEDIA_ROOT"),
        ({"out": Path(settings.STATIC_ROOT) / "site"}, "STATIC_ROOT"),
        ({"out": Path(settings.DATA_DIR)}, "data directory"),
        ({"out": a_file}, "is a file"),
        ({"out": tmp_path / "o", "portable_out": a_file}, "is a file"),
        ({"out": tmp_path / "o", "portable_out": tmp_path / "o" / "p"}, "apart"),
        ({"out": tmp_path / "o" / "p", "portable_out": tmp_path / "o"}, "apart"),
        ({"out": tmp_path / ("x" * 300)}, "Cannot make"),
    ]
    for options, message in refused:
        with pytest.raises(CommandError, match=message):
            call_command("build", jobs=1, no_search=True, quiet=True, **options)
    assert a_file.read_text() == "x"
    assert not (tmp_path / "o").exists()
