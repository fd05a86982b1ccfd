"""Building the static site, and keeping it up to date as editors publish.

``site_build`` renders everything; ``site_update`` renders what a change touched. Both write
through the same engine, so a file is the same whichever of them wrote it last.

What an update re-renders, by event:

- an article edited, same address and memberships: the article, every file that shows it
  (listings, the front page, feeds, other articles' "read more"), the sitemap (lastmod);
- an article published, unpublished, deleted or moved, or its tags or authors changed: the
  above, plus every page of the listings it enters or leaves (section, tags, authors,
  archive), the front page, feeds, sitemaps and the offline search index; its old file goes;
- a section or information page renamed, moved, published or unpublished (they are in the
  navigation and footer of every page), or publication settings: everything;
- an author or image edited: the files that show it.

"Read more" lists of older articles are not re-rendered when a newly published article would
now be among their related stories; they catch up at the next full build.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from masthead.core import memo
from masthead.distribution import selectors
from masthead.distribution.keys import (
    ALL_ARTICLES,
    ANY_PAGE,
    ARCHIVE_LISTING,
    MIRRORS,
    REDIRECTS,
    ROUTES,
    SITE,
    Key,
    Kind,
)
from masthead.distribution.selectors import PageRecord, SiteUrl
from masthead.distribution.services import search
from masthead.distribution.services.assets import assets_copy
from masthead.distribution.services.engine import (
    FAILED,
    FileResult,
    Job,
    OutputTarget,
    in_workers,
    run_jobs,
)
from masthead.distribution.services.output import Manifest, OutputError, locked, remove
from masthead.distribution.services.progress import Progress
from masthead.publishing import pagination
from masthead.publishing import selectors as articles

logger = logging.getLogger(__name__)

# Listing pages past the first, sitemaps and the offline index: written last.
TAIL_MARKERS = (
    "/page/",
    "/sitemap.xml",
    "/sitemaps/",
    "/news-sitemap.xml",
    "/search/offline-index.js",
)


class BuildError(Exception):
    """The site cannot be built as configured; the message says what to fix."""


@dataclass
class BuildReport:
    rendered: int = 0
    written: int = 0  # files whose content changed
    unchanged: int = 0
    removed: int = 0
    assets: int = 0
    skipped: dict[str, str] = field(default_factory=dict)  # path → reason
    missing_assets: list[str] = field(default_factory=list)
    search_pages: int = 0
    seconds: float = 0.0
    front_seconds: float = 0.0  # until the pages readers see first were written
    search_seconds: float = 0.0
    full: bool = True
    changed_files: list[str] = field(default_factory=list)
    removed_files: list[str] = field(default_factory=list)

    @property
    def failures(self) -> dict[str, str]:
        """URLs that failed (see ``FileResult.failed``): path → why."""
        return {path: why for path, why in self.skipped.items() if why.startswith(FAILED)}


def _priority(path: str, front: frozenset[str] = frozenset({"/"})) -> int:
    """0: what a reader sees first (the changed page, the front page, the sections' fronts);
    2: the tail (deeper listing pages, sitemaps); 1: the rest (feeds, tags, authors…)."""
    if path in front:
        return 0
    return 2 if any(marker in path for marker in TAIL_MARKERS) else 1


def render_processes() -> int:
    """How many processes render a build or a large update: ``MASTHEAD_STATIC_BUILD_JOBS``,
    or one per core."""
    return settings.STATIC_BUILD_JOBS or os.cpu_count() or 1


def _jobs(urls: Iterable[SiteUrl], front: frozenset[str] = frozenset({"/"})) -> list[Job]:
    return [Job(u.path, u.deps, u.sources, _priority(u.path, front)) for u in urls]


def _overlap(a: Path, b: Path) -> bool:
    return a == b or a in b.parents or b in a.parents


def output_dirs_check(out: Path, portable_out: Path | None = None) -> None:
    """Refuse output directories a build would damage or be damaged by: a build removes the
    files it no longer writes, so it must own its directories, and share none with the
    uploads (``media/``), the collected static files or the data directory."""
    out = Path(out).resolve()
    portable = Path(portable_out).resolve() if portable_out else None
    for directory, flag in ((out, "--out"), (portable, "--portable-out")):
        if directory is None:
            continue
        try:
            a_file = directory.exists() and not directory.is_dir()
        except OSError as exc:  # a name too long, no permission to look
            raise BuildError(f"Cannot make {directory}: {exc.strerror or exc}.") from None
        if a_file:
            raise BuildError(f"{flag} {directory} is a file, not a directory.")
        data = Path(settings.DATA_DIR).resolve()
        if directory == data or directory in data.parents:
            raise BuildError(
                f"{flag} {directory} holds the data directory {data}: choose a folder of its own."
            )
        owned = {
            "the uploads (MEDIA_ROOT)": Path(settings.MEDIA_ROOT).resolve(),
            "the collected static files (STATIC_ROOT)": Path(settings.STATIC_ROOT).resolve(),
        }
        for what, other in owned.items():
            if _overlap(directory, other):
                raise BuildError(f"{flag} {directory} overlaps {what}, {other}: choose another.")
    if portable is not None and _overlap(out, portable):
        raise BuildError("--out and --portable-out must be apart: neither inside the other.")


def build_check() -> None:
    """Fail early, with what to do, on settings that would make every page an error."""
    from urllib.parse import urlsplit

    from django.http.request import validate_host

    host = urlsplit(settings.BASE_URL).hostname
    if not validate_host(host, settings.ALLOWED_HOSTS):
        raise BuildError(
            f"MASTHEAD_BASE_URL's host {host!r} is not in ALLOWED_HOSTS; pages are rendered "
            "for the canonical origin, so it must be allowed."
        )
    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    if "Manifest" in storage and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        raise BuildError(
            f"No collected static files in {settings.STATIC_ROOT}: run "
            "`masthead collectstatic --noinput` first (pages link their hashed names)."
        )


def _records_dict(records: Iterable[PageRecord]) -> dict[str, dict]:
    return {str(record.id): record.as_dict() for record in records}


class _Tally:
    """Counts results as they arrive, for the progress bar and the report."""

    def __init__(self, report: BuildReport, progress: Progress, started: float) -> None:
        self.report, self.progress, self.started = report, progress, started
        self.front_left = 0

    def __call__(self, result: FileResult) -> None:
        report = self.report
        report.rendered += 1
        if result.written:
            if result.changed:
                report.written += 1
                report.changed_files.append(result.name)
            else:
                report.unchanged += 1
        else:
            report.skipped[result.path] = result.skipped
        if result.priority == 0:
            self.front_left -= 1
            if self.front_left == 0:
                report.front_seconds = time.monotonic() - self.started
        self.progress.advance()


def _render(
    jobs: list[Job],
    target: OutputTarget,
    *,
    processes: int,
    follow,
    report: BuildReport,
    progress: Progress,
    started: float,
    description: str,
) -> dict[str, FileResult]:
    tally = _Tally(report, progress, started)
    tally.front_left = sum(1 for job in jobs if job.priority == 0)
    progress.start(description, len(jobs))
    try:
        return run_jobs(
            jobs,
            target,
            processes=processes,
            follow=follow,
            on_result=tally,
            on_found=progress.grow,
        )
    finally:
        progress.finish()


def _teasers_rendered(pks: list[int]) -> dict:
    """The listing teasers of the articles ``pks`` (already read into the scope), by key."""
    from masthead.publishing.templatetags.publishing_tags import teasers_prerender

    return teasers_prerender(articles.teasers(pks))


def _rendition_fixups(results: dict[str, FileResult]) -> list[str]:
    """Pages that name an image rendition the database does not know.

    Two processes creating the same rendition at once each write a file; one row survives.
    A page rendered by the other process names a file the app will never name again, so it is
    rendered once more, now that the rendition exists.
    """
    from wagtail.images import get_image_model

    rendition_model = get_image_model().get_rendition_model()
    prefix = settings.MEDIA_URL
    wanted: dict[str, set[str]] = {}
    for result in results.values():
        for asset in result.assets:
            if asset.startswith(prefix + "images/"):
                wanted.setdefault(asset[len(prefix) :], set()).add(result.path)
    known: set[str] = set()
    names = list(wanted)
    for start in range(0, len(names), 500):
        known.update(
            rendition_model.objects.filter(file__in=names[start : start + 500]).values_list(
                "file", flat=True
            )
        )
    return sorted({path for name, paths in wanted.items() if name not in known for path in paths})


def _finish_files(
    manifest: Manifest,
    results: dict[str, FileResult],
    target: OutputTarget,
    report: BuildReport,
) -> set[str]:
    """Record written files in the manifest; remove the files of URLs that no longer give
    one. Returns the assets the written pages reference."""
    assets: set[str] = set()
    by_path = {entry["path"]: name for name, entry in manifest.files.items()}
    for result in results.values():
        if result.written:
            manifest.put(result.name, result.manifest_entry())
            assets.update(result.assets)
        elif result.path in by_path and not result.failed:
            name = by_path[result.path]
            _remove_file(manifest, name, target, report)
    return assets


def _remove_file(manifest: Manifest, name: str, target: OutputTarget, report: BuildReport) -> None:
    for root in target.roots:
        remove(root, name)
    manifest.drop(name)
    report.removed += 1
    report.removed_files.append(name)


def _copy_assets(
    manifest: Manifest, paths: set[str], target: OutputTarget, report: BuildReport
) -> None:
    copied, missing = assets_copy(sorted(paths), roots=target.roots)
    manifest.assets.update(copied)
    report.assets = len(copied)
    report.missing_assets = sorted(missing)


def _search_parts(manifest: Manifest) -> dict[str, list[int]]:
    """The pages each part of the search index covers: articles in parts of
    ``SEARCH_PART_SIZE``, numbered from the oldest as listing pages are; the newest articles
    and the information pages in the main part."""
    indexed = {
        int(pk): record["kind"]
        for pk, record in manifest.pages.items()
        if record["kind"] in ("article", "info")
    }
    live = articles.articles_live().values_list("pk", flat=True)  # newest first
    newest_first = [pk for pk in live if indexed.get(pk) == "article"]
    count, size = len(newest_first), settings.SEARCH_PART_SIZE
    parts = {
        str(number): newest_first[pagination.page_slice(count, size, number)]
        for number in range(1, pagination.numbered_pages(count, size) + 1)
    }
    in_parts = {pk for members in parts.values() for pk in members}
    parts[search.MAIN_PART] = sorted(pk for pk in indexed if pk not in in_parts)
    return parts


def _index_search(
    manifest: Manifest,
    target: OutputTarget,
    report: BuildReport,
    changed: set[int] | None = None,
    processes: int = 1,
) -> None:
    """Index the parts of the search index that hold a ``changed`` page or whose pages
    changed (every part when ``changed`` is None), and list the parts for the search page.
    Up to ``processes`` parts at a time: one Pagefind run keeps less than a core busy."""
    started = time.monotonic()
    parts = _search_parts(manifest)
    redo = [
        part
        for part, members in parts.items()
        if changed is None or members != manifest.search.get(part) or changed & set(members)
    ]
    files = manifest.names_by_path()
    copies = [target.portable] if target.portable else []
    names_by_part = {
        part: sorted(
            files[path]
            for path in (manifest.pages[str(pk)]["path"] for pk in parts[part])
            if path in files
        )
        for part in redo
    }

    def index(part: str) -> dict[str, str]:
        return search.search_index_build(
            root=target.root, names=names_by_part[part], copies=copies, part=part
        )

    written: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(processes, len(redo) or 1))) as pool:
        for part_written in pool.map(index, redo):
            written |= part_written
    report.search_pages += sum(len(names) for names in names_by_part.values())
    written |= search.search_parts_publish(root=target.root, parts=list(parts), copies=copies)
    folders = {search.part_folder(part) for part in parts}
    redone = {search.part_folder(part) for part in redo}
    for name in [n for n, kind in manifest.assets.items() if kind == "search"]:
        folder = search.folder_of(name)
        if name not in written and (folder in redone or folder not in folders):
            manifest.assets.pop(name)
    manifest.assets.update(dict.fromkeys(written, "search"))
    manifest.search = parts
    report.search_seconds = time.monotonic() - started


# --- Full build ------------------------------------------------------------------------------


def site_build(
    *,
    out: Path,
    portable_out: Path | None = None,
    processes: int = 1,
    search_index: bool = True,
    progress: Progress | None = None,
) -> BuildReport:
    """Render the whole public site into ``out`` (and its portable copy into
    ``portable_out``). Files that did not change are left untouched; files of pages that no
    longer exist are removed."""
    output_dirs_check(out, portable_out)
    build_check()
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # no permission, a name too long, a read-only filesystem
        raise BuildError(f"Cannot make {out}: {exc.strerror or exc}.") from None
    with locked(out):
        return _build(out, portable_out, processes, search_index, progress or Progress())


def _build(
    out: Path,
    portable_out: Path | None,
    processes: int,
    search_index: bool,
    progress: Progress,
) -> BuildReport:
    from masthead.distribution.services.render import rendering_scope

    started = time.monotonic()
    target = OutputTarget.from_settings(root=out, portable=portable_out)
    report = BuildReport(full=True)
    previous = Manifest.load(out)
    urls, records = selectors.site_urls()
    with memo.scope(fresh=True):
        # Every article appears in some listing: their teasers are read and rendered at once,
        # before the render workers fork (they share what is made here, rather than each
        # rendering most of them again); rendered by as many processes as the pages will be.
        live = articles.teasers_preload()
        with rendering_scope():
            rendered = in_workers(_teasers_rendered, [a.pk for a in live], processes=processes)
        for key, value in rendered.items():
            memo.put(key, value)
        results = _render(
            _jobs(urls),
            target,
            processes=processes,
            follow=lambda _path: True,
            report=report,
            progress=progress,
            started=started,
            description="Rendering pages",
        )
    fixups = _rendition_fixups(results)
    if fixups:
        progress.note(f"Rendering {len(fixups)} pages again (image renditions settled)")
        jobs = [
            Job(p, frozenset(map(Key.parse, results[p].deps)), frozenset(results[p].sources))
            for p in fixups
        ]
        results.update(run_jobs(jobs, target, processes=1))

    manifest = Manifest(base_url=settings.BASE_URL, built_at=timezone.now().isoformat())
    manifest.pages = _records_dict(records)
    previous_names = previous.names_by_path()
    for result in results.values():
        if result.written:
            manifest.put(result.name, result.manifest_entry())
        elif result.failed and result.path in previous_names:
            # Kept as the last build wrote it, rather than removed below (see FileResult).
            name = previous_names[result.path]
            manifest.put(name, previous.files[name])
    assets = {a for r in results.values() if r.written for a in r.assets}
    progress.note(f"Copying {len(assets)} referenced assets")
    _copy_assets(manifest, assets, target, report)

    # Files written by an earlier build for pages that are gone.
    for name in sorted(set(previous.files) - set(manifest.files)):
        for root in target.roots:
            remove(root, name)
        report.removed += 1
        report.removed_files.append(name)
    if search_index:
        progress.note("Indexing articles for search (Pagefind)")
        _index_search(manifest, target, report, processes=processes)
    else:
        manifest.assets.update({n: k for n, k in previous.assets.items() if k == "search"})
        manifest.search = previous.search
    for name in sorted(set(previous.assets) - set(manifest.assets)):
        for root in target.roots:
            remove(root, name)
    manifest.save(out)
    report.seconds = time.monotonic() - started
    return report


# --- Incremental update ----------------------------------------------------------------------


@dataclass
class UpdatePlan:
    keys: set[Key] = field(default_factory=set)
    # Lists whose URLs are produced again (see SiteUrl.sources).
    sources: set[str] = field(default_factory=set)
    urls: list[SiteUrl] = field(default_factory=list)
    records: dict[int, PageRecord | None] = field(default_factory=dict)
    full: str = ""  # why everything must be rendered again
    search: bool = False


def _memberships(record: dict | PageRecord | None) -> tuple:
    if record is None:
        return ()
    if isinstance(record, PageRecord):
        record = record.as_dict()
    return (record["path"], record["section"], tuple(record["tags"]), tuple(record["authors"]))


def update_plan(*, manifest: Manifest, page_ids: Iterable[int], keys: Iterable[Key]) -> UpdatePlan:
    """Decide, from what the manifest recorded and what the database says now, which keys an
    update touches and which lists of URLs it produces again."""
    plan = UpdatePlan(keys=set(keys))
    page_ids = sorted(set(page_ids))
    now = {record.id: record for record in selectors.page_records(page_ids=page_ids)}
    sections, tags, authors = set(), set(), set()
    listed: list[int] = []
    for page_id in page_ids:
        before = manifest.pages.get(str(page_id))
        after = now.get(page_id)
        plan.records[page_id] = after
        if before is None and after is None:
            continue  # a draft, or a page of another site
        listed.append(page_id)
        kind = (after.kind if after else before["kind"]) or ""
        plan.keys |= {selectors.page_key(page_id), Key(Kind.SHOWS_PAGE, page_id), ANY_PAGE}
        plan.sources.add(f"page:{page_id}")
        if kind in ("section", "info"):
            # Both are in the navigation or the footer of every page.
            same = before is not None and after is not None
            same = same and (after.path, after.title) == (before["path"], before["title"])
            if not same:
                plan.full = f"{kind} page {page_id} changed its address, title or status"
        if kind in ("article", "info"):
            plan.search = True
        if before is not None and after is not None and before["path"] != after.path:
            # Wagtail keeps the old address as a redirect (created in bulk, without signals).
            plan.keys.add(REDIRECTS)
        if kind == "article" and _memberships(before) != _memberships(after):
            plan.keys |= {ALL_ARTICLES, ARCHIVE_LISTING}
            for record in (before, after):
                if record is None:
                    continue
                data = record.as_dict() if isinstance(record, PageRecord) else record
                if data["section"]:
                    sections.add(data["section"])
                tags.update(data["tags"])
                authors.update(data["authors"])
    if listed:  # the parts of the sitemap that list them, or did
        removed = any(plan.records[page_id] is None for page_id in listed)
        plan.keys |= selectors.sitemap_part_keys(listed, removed=removed)
    if SITE in plan.keys:
        plan.full = "site-wide settings changed"
    for key in list(plan.keys):
        if key.kind is Kind.SECTION_LISTING:
            sections.add(key.value)
        elif key.kind is Kind.TAG_LISTING:
            tags.add(key.value)
        elif key.kind in (Kind.AUTHOR_LISTING, Kind.AUTHOR):
            authors.add(key.value)
    plan.keys |= {selectors.section_listing_key(s) for s in sections}
    plan.keys |= {selectors.tag_listing_key(t) for t in tags}
    plan.keys |= {selectors.author_listing_key(a) for a in authors}
    plan.sources |= {f"section:{s}" for s in sections}
    plan.sources |= {f"tag:{t}" for t in tags}
    plan.sources |= {f"author:{a}" for a in authors}

    urls: list[SiteUrl] = list(selectors.page_urls(r for r in now.values()))
    if sections:
        urls += selectors.section_listing_urls(section_ids=sections, expect=True)
    if tags:
        urls += selectors.tag_listing_urls(slugs=tags, expect=True)
    if authors:
        urls += selectors.author_listing_urls(author_ids=authors, expect=True)
    if ARCHIVE_LISTING in plan.keys:
        urls += selectors.archive_urls(expect=True)
        plan.sources.add("archive")
    if plan.keys & {ALL_ARTICLES, ANY_PAGE}:
        # And those the output lacks: a part of the sitemap the index names from now on, or
        # a file an older Masthead did not write.
        written = manifest.paths()
        urls += [
            u for u in selectors.collection_urls() if u.deps & plan.keys or u.path not in written
        ]
    if MIRRORS in plan.keys:
        urls += [u for u in selectors.fixed_urls() if MIRRORS in u.deps]
    if REDIRECTS in plan.keys:
        urls += selectors.redirect_urls()
        plan.sources.add("redirects")
    if ROUTES in plan.keys:
        urls += selectors.route_urls()
        plan.sources.add("routes")
    plan.urls = selectors.merge_site_urls(urls)
    return plan


def _shown_articles(jobs: Iterable[Job]) -> set[int]:
    return {
        dep.value
        for job in jobs
        for dep in job.deps
        if dep.kind is Kind.SHOWS_PAGE and isinstance(dep.value, int)
    }


def _changed_urls(
    manifest: Manifest, urls: list[SiteUrl], matching: set[str], names: dict[str, str]
) -> list[SiteUrl]:
    """``urls`` but the numbered listing pages whose files still show what they should
    (``names``: the manifest's file names by address, before the update)."""
    changed = []
    for url in urls:
        same = url.unchanged
        if same is not None and url.path in names:
            name = names[url.path]
            shown = {
                key
                for key in map(Key.parse, manifest.files[name]["deps"])
                if key.kind is Kind.SHOWS_PAGE
            }
            if (
                name not in matching
                and shown == same.shows
                and (same.following in names) == same.following_listed
            ):
                continue
        changed.append(url)
    return changed


def site_update(
    *,
    out: Path,
    portable_out: Path | None = None,
    page_ids: Iterable[int] = (),
    keys: Iterable[Key] = (),
    search_index: bool = True,
    progress: Progress | None = None,
    processes: int | None = None,
) -> BuildReport:
    """Bring the output up to date after the pages ``page_ids`` changed (published, edited,
    unpublished, moved, deleted) or after changes named by dependency ``keys``. An update of
    many files renders them in ``processes`` (default: ``render_processes()``; see
    ``engine.run_jobs``)."""
    from masthead.distribution.services.render import collector_set_aside

    progress = progress or Progress()
    processes = render_processes() if processes is None else max(1, processes)
    output_dirs_check(out, portable_out)
    out = Path(out)
    with locked(out):
        manifest = Manifest.load(out)
        if not manifest.files:
            build_check()
            return _build(out, portable_out, processes, search_index, progress)
        with collector_set_aside():  # the manifest, from here to the end (see there)
            plan = update_plan(manifest=manifest, page_ids=page_ids, keys=keys)
            if not plan.full:
                return _update(manifest, plan, out, portable_out, search_index, progress, processes)
        logger.info("Rebuilding the whole site: %s", plan.full)
        build_check()
        return _build(out, portable_out, processes, search_index, progress)


def _update(
    manifest: Manifest,
    plan: UpdatePlan,
    out: Path,
    portable_out: Path | None,
    search_index: bool,
    progress: Progress,
    processes: int,
) -> BuildReport:
    started = time.monotonic()
    target = OutputTarget.from_settings(root=out, portable=portable_out)
    report = BuildReport(full=False)
    new_paths = {url.path for url in plan.urls}
    front = frozenset(
        {"/"}
        | {r.path for r in plan.records.values() if r is not None}
        | {p["path"] for p in manifest.pages.values() if p["kind"] == "section"}
    )
    matching = manifest.matching(plan.keys)
    known = manifest.names_by_path()  # the files before this update
    jobs = _jobs(_changed_urls(manifest, plan.urls, matching, known), front)
    for name, entry in list(manifest.files.items()):
        sources = entry.get("sources", ())  # a list: no set made for each of the site's files
        if entry["path"] not in new_paths and sources and plan.sources.issuperset(sources):
            # Every list that produced this URL was produced again without it: it is gone.
            _remove_file(manifest, name, target, report)
            matching.discard(name)
    for name in sorted(matching):
        entry = manifest.files[name]
        if entry["path"] in new_paths:
            continue
        sources = set(entry.get("sources", ()))
        new_paths.add(entry["path"])
        deps = frozenset(map(Key.parse, entry["deps"]))
        jobs.append(Job(entry["path"], deps, frozenset(sources), _priority(entry["path"], front)))
    with memo.scope(fresh=True):
        # The articles whose own pages are rendered again, read whole at once (as a full
        # build reads them all); then those the other files showed last time, for teasers.
        article_paths = {
            record["path"]: int(pk)
            for pk, record in manifest.pages.items()
            if record["kind"] == "article"
        }
        article_paths.update(
            (r.path, r.id) for r in plan.records.values() if r is not None and r.kind == "article"
        )
        articles.teasers_preload(
            sorted({article_paths[job.path] for job in jobs if job.path in article_paths})
        )
        articles.teasers(sorted(_shown_articles(jobs) | set(plan.records)))
        results = _render(
            jobs,
            target,
            processes=processes,
            follow=lambda path: path not in known,
            report=report,
            progress=progress,
            started=started,
            description="Updating pages",
        )
    assets = _finish_files(manifest, results, target, report)
    _copy_assets(manifest, assets, target, report)
    for page_id, record in plan.records.items():
        if record is None:
            manifest.pages.pop(str(page_id), None)
        else:
            manifest.pages[str(page_id)] = record.as_dict()
    manifest.built_at = timezone.now().isoformat()
    manifest.save(out)
    report.seconds = time.monotonic() - started
    if search_index and plan.search:
        # The pages are out already; a failing index leaves the previous one in place.
        try:
            _index_search(manifest, target, report, changed=set(plan.records))
        except search.SearchIndexError:
            logger.exception("Search index not updated")
        else:
            # Recording the index's files is the index's time, not the pages'.
            saving = time.monotonic()
            manifest.save(out)
            report.search_seconds += time.monotonic() - saving
    report.seconds = time.monotonic() - started
    return report


__all__ = [
    "BuildError",
    "BuildReport",
    "OutputError",
    "render_processes",
    "site_build",
    "site_update",
    "update_plan",
]
