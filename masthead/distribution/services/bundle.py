"""Offline bundles: the site as a .zip that opens from disk, to pass on by messenger or USB.

A bundle is the portable copy (relative links, ``index.html`` named) of a built site. With a
window of days it holds the articles published in that window, the pages that list them, and
the site's fixed pages; links to what it leaves out point at the main domain. Search inside
a bundle covers headlines and summaries of what it holds (Pagefind cannot run from disk).
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from masthead.core.origins import api_origin
from masthead.distribution.keys import Key, Kind
from masthead.distribution.selectors import window_script
from masthead.distribution.services.assets import _css_references
from masthead.distribution.services.output import STATE_DIR, Manifest, file_name
from masthead.distribution.services.portable import portable_bytes
from masthead.distribution.services.progress import Progress
from masthead.distribution.services.render import links_in

OFFLINE_INDEX = "search/offline-index.js"
OFFLINE_INDEX_NAME = "mastheadOfflineIndex"  # distribution.views.offline_index
OFFLINE_INDEX_PREFIX = f"window.{OFFLINE_INDEX_NAME} = "
# Already compressed: stored as they are.
STORED_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".woff2", ".zip")
README = """{name}: an offline copy of {main}

Open index.html in any web browser. Everything in this folder works without a connection;
links to articles that are not in this copy lead to the website itself.

Made {date}. For the latest news: {main}
"""


class BundleError(Exception):
    pass


@dataclass
class BundleReport:
    path: Path
    files: int
    pages: int
    articles: int
    size: int


def _recent_article_paths(manifest: Manifest, days: int) -> set[str]:
    from masthead.publishing.models import ArticlePage

    since = timezone.now() - timedelta(days=days)
    ids = set(
        ArticlePage.objects.live()
        .filter(first_published_at__gte=since)
        .values_list("pk", flat=True)
    )
    return {
        record["path"]
        for key, record in manifest.pages.items()
        if record["kind"] == "article" and int(key) in ids
    }


def _chosen_files(manifest: Manifest, days: int | None) -> tuple[dict[str, dict], set[str]]:
    """(files to include, article paths included)."""
    article_paths = {r["path"] for r in manifest.pages.values() if r["kind"] == "article"}
    if days is None:
        return dict(manifest.files), article_paths
    recent = _recent_article_paths(manifest, days)
    recent_ids = {key for key, record in manifest.pages.items() if record["path"] in recent}
    chosen = {}
    for name, entry in manifest.files.items():
        path = entry["path"]
        if path in article_paths:
            if path in recent:
                chosen[name] = entry
            continue
        kinds = {source.split(":")[0] for source in entry.get("sources", ())}
        listing = bool(kinds & {"section", "tag", "author", "archive"})
        # Listing pages beyond a section's or the archive's first, and tag and author pages
        # (every edition's): only those that show an article the bundle holds.
        if listing and ("/page/" in path or kinds & {"tag", "author"}):
            shown = {
                str(key.value)
                for key in map(Key.parse, entry["deps"])
                if key.kind is Kind.SHOWS_PAGE
            }
            if not shown & recent_ids:
                continue
        chosen[name] = entry
    return chosen, recent


def bundle_create(
    *,
    source: Path,
    out: Path,
    days: int | None = None,
    progress: Progress | None = None,
) -> BundleReport:
    """Zip the site built in ``source`` (a server copy with its manifest) into ``out``."""
    progress = progress or Progress()
    if not Path(source).is_dir():
        raise BundleError(f"{source} is not a directory: give the folder of a built site.")
    manifest = Manifest.load(source)
    if not manifest.files:
        raise BundleError(f"No built site in {source}: run `masthead build --out {source}`.")
    chosen, articles = _chosen_files(manifest, days)
    paths = {entry["path"] for entry in chosen.values()}
    main = settings.BASE_URL
    api = api_origin()
    host = urlsplit(main).hostname or "site"
    today = timezone.localdate().isoformat()
    folder = f"{host}-{today}"

    def exists(path: str) -> bool:
        return path in paths

    assets: set[str] = set()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=out.parent, prefix=".bundle-", suffix=".zip")
    os.close(descriptor)
    count = 0
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            progress.start("Bundling pages", len(chosen))
            for name, entry in sorted(chosen.items()):
                data = (source / name).read_bytes()
                if entry["type"].startswith("text/html"):
                    html = data.decode("utf-8", errors="replace")
                    assets.update(links_in(html)[1])
                    data = portable_bytes(
                        data, path=entry["path"], api_origin=api, main_origin=main, exists=exists
                    )
                elif name == OFFLINE_INDEX and days is not None:
                    data = _filtered_offline_index(data, paths)
                archive.writestr(f"{folder}/{name}", data)
                count += 1
                progress.advance()
            progress.finish()
            count += _add_assets(archive, source, folder, assets)
            if days is None:
                count += _add_tree(archive, source, folder, "pagefind")
            archive.writestr(
                f"{folder}/README.txt",
                README.format(name=_publication_name(), main=main, date=today),
            )
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return BundleReport(
        path=out,
        files=count,
        pages=len(chosen),
        articles=len(articles),
        size=out.stat().st_size,
    )


def _publication_name() -> str:
    from masthead.core.models import PublicationSettings

    return PublicationSettings.load().name


def _filtered_offline_index(data: bytes, paths: set[str]) -> bytes:
    text = data.decode("utf-8")
    if not text.startswith(OFFLINE_INDEX_PREFIX):
        return data
    entries = json.loads(text[len(OFFLINE_INDEX_PREFIX) :].rstrip().rstrip(";"))
    return window_script(OFFLINE_INDEX_NAME, [e for e in entries if e["url"] in paths])


def _write(archive: zipfile.ZipFile, source: Path, arcname: str) -> None:
    compress = zipfile.ZIP_STORED if arcname.lower().endswith(STORED_SUFFIXES) else None
    archive.write(source, arcname, compress_type=compress)


def _add_assets(archive: zipfile.ZipFile, source: Path, folder: str, assets: set[str]) -> int:
    queue, seen, count = sorted(assets), set(), 0
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        name = file_name(path)
        local = source / name
        if not local.is_file():
            continue
        _write(archive, local, f"{folder}/{name}")
        count += 1
        if name.endswith(".css"):
            queue.extend(_css_references(path, local) - seen)
    return count


def _add_tree(archive: zipfile.ZipFile, source: Path, folder: str, directory: str) -> int:
    count = 0
    for path in sorted((source / directory).rglob("*")):
        if path.is_file() and STATE_DIR not in path.parts:
            _write(archive, path, f"{folder}/{path.relative_to(source).as_posix()}")
            count += 1
    return count
