"""Rendering many URLs to files: in this process, or in a pool of forked processes.

Each URL is rendered (``render.Renderer``), written to the server copy byte for byte and,
rewritten (``portable``), to the portable copy when there is one. The links it contains are
followed, so pages the explicit list does not know about (another app's new page) are
written too. Workers write the files themselves and send back only what the manifest needs.

Deliberately free of model imports at module level: pool workers import it before anything
else.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import queue
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections

from masthead.core.origins import api_origin
from masthead.distribution.keys import ROUTES, Key, texts

BATCH_SIZE = 12
# How a FileResult's ``skipped`` begins when the URL failed rather than gave no file.
FAILED = "error: "


@dataclass(frozen=True)
class OutputTarget:
    """Where files go, and what the portable copy's absolute links point at."""

    root: Path
    portable: Path | None = None
    api_origin: str = ""
    main_origin: str = ""

    @classmethod
    def from_settings(cls, *, root: Path, portable: Path | None = None) -> OutputTarget:
        return cls(
            root=Path(root),
            portable=Path(portable) if portable else None,
            api_origin=api_origin(),
            main_origin=settings.BASE_URL,
        )

    @property
    def roots(self) -> list[Path]:
        return [self.root, *([self.portable] if self.portable else [])]


@dataclass
class FileResult:
    path: str
    status: int
    content_type: str = ""
    name: str = ""  # the file written; empty when the URL gives no file
    digest: str = ""
    deps: list[str] = field(default_factory=list)  # as the manifest keeps them (keys.texts)
    sources: list[str] = field(default_factory=list)
    changed: bool = False
    links: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    skipped: str = ""  # why no file was written
    priority: int = 1

    @property
    def written(self) -> bool:
        return bool(self.name)

    @property
    def failed(self) -> bool:
        """The URL should give a file and did not (the app failed, the file could not be
        written): its previous file, if any, is kept, and the build reports the error."""
        return self.skipped.startswith(FAILED)

    def manifest_entry(self) -> dict:
        return {
            "path": self.path,
            "deps": sorted(self.deps),
            "sources": sorted(self.sources),
            "digest": self.digest,
            "type": self.content_type,
            "status": self.status,
        }


@dataclass(frozen=True)
class Job:
    path: str
    deps: frozenset[Key]
    sources: frozenset[str]
    priority: int = 1


def redirect_stub(location: str) -> bytes:
    """A static stand-in for a redirect: files cannot answer 301, so the page moves the
    reader on itself (and tells search engines where the page lives now)."""
    parts = urlsplit(location)
    main = urlsplit(settings.BASE_URL)
    if parts.netloc == main.netloc and parts.scheme == main.scheme:
        location = location[len(settings.BASE_URL) :] or "/"
    target = escape(location)
    canonical = escape(settings.BASE_URL + location if location.startswith("/") else location)
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Moved</title>'
        f'<meta http-equiv="refresh" content="0; url={target}">'
        f'<link rel="canonical" href="{canonical}"></head>'
        f'<body><p>This page has moved to <a href="{target}">{target}</a>.</p></body></html>\n'
    ).encode()


def render_job(renderer, target: OutputTarget, job: Job) -> FileResult:
    from masthead.distribution.selectors import not_found_paths
    from masthead.distribution.services.output import (
        OutputError,
        digest,
        file_name,
        write_if_changed,
    )
    from masthead.distribution.services.portable import portable_bytes
    from masthead.distribution.services.render import REDIRECT_STATUSES, links_in

    result = FileResult(path=job.path, status=0, sources=sorted(job.sources), priority=job.priority)
    try:
        rendered = renderer.render(job.path)
    except Exception as exc:  # noqa: BLE001 - one broken page must not stop a build
        result.skipped = f"{FAILED}{exc!r}"
        return result
    result.status, result.content_type = rendered.status, rendered.content_type
    if rendered.status == 200 and rendered.public:
        body, is_html = rendered.body, rendered.is_html
    elif rendered.status == 404 and job.path in not_found_paths():
        body, is_html = rendered.body, True
    elif rendered.status in REDIRECT_STATUSES and rendered.location and rendered.public:
        body, is_html = redirect_stub(rendered.location), True
        result.content_type = "text/html; charset=utf-8"
    elif rendered.status >= 500:
        # The app failed on this URL (a bug, a database that went away): not a page that is
        # gone. Its file stays as it was, and the build says so.
        result.skipped = f"{FAILED}status {rendered.status}"
        return result
    else:
        result.skipped = f"status {rendered.status}" + ("" if rendered.public else ", private")
        return result
    try:
        name = file_name(job.path)
        result.changed = write_if_changed(target.root, name, body)
        if target.portable is not None:
            copy = body
            if is_html:
                copy = portable_bytes(
                    body,
                    path=job.path,
                    api_origin=target.api_origin,
                    main_origin=target.main_origin,
                )
            result.changed |= write_if_changed(target.portable, name, copy)
    except OutputError as exc:
        result.skipped = f"{FAILED}{exc}"
        return result
    result.name, result.digest = name, digest(body)
    result.deps = texts(job.deps | rendered.shown)
    if is_html:
        pages, assets = links_in(body.decode("utf-8", errors="replace"))
        result.links, result.assets = sorted(pages), sorted(assets)
    return result


# --- Running jobs ----------------------------------------------------------------------------

_worker: dict = {}


def _scope_init(inherited: dict | None) -> None:
    from django.core.cache import caches

    from masthead.core import memo
    from masthead.distribution.services.render import private_cache

    # A forked child must not reuse the parent's database connections (closed before the
    # fork); it opens its own on first use. It lives for one build: a cache of its own (see
    # render.private_cache) for all of it, and the memo the build had read before it forked
    # (its copy: what a worker adds stays its own).
    caches["default"] = private_cache()
    memo.scope_enter(inherited if inherited is not None else {})
    # A child of the task worker inherits its graceful-shutdown handlers, under which the
    # pool's end (SIGTERM) would not end it, and the pool would wait for it for ever: it ends
    # as a plain process does. Ctrl-C is the parent's to handle (it ends the pool).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker_init(target: OutputTarget, inherited: dict | None) -> None:
    from masthead.distribution.services.render import renderer

    _scope_init(inherited)
    _worker["renderer"] = renderer()  # the parent's, made before the fork
    _worker["target"] = target


# Fewer items than this for each process, and forking costs more than it saves.
MIN_SPLIT = 200


def in_workers(function: Callable[[list], dict], items: list, *, processes: int) -> dict:
    """``function(part)`` for ``items`` cut into ``processes`` parts, each in a forked process
    that starts with this one's state and memo; their results merged. In this process when
    there are too few items to be worth it. ``function`` must be a module's own function (it
    is named to the workers) and return what pickles. (In this process too inside a
    transaction: see ``run_jobs``.)"""
    if processes <= 1 or len(items) < processes * MIN_SPLIT or _in_transaction():
        return function(items)
    from masthead.core import memo
    from masthead.distribution.services.render import collector_set_aside

    size = -(-len(items) // processes)
    parts = [items[start : start + size] for start in range(0, len(items), size)]
    merged: dict = {}
    with collector_set_aside(), _forked_pool(processes, _scope_init, (memo.current(),)) as pool:
        for result in pool.map(function, parts):
            merged.update(result)
    return merged


@contextlib.contextmanager
def _forked_pool(processes: int, initializer: Callable, initargs: tuple) -> Iterator:
    """A pool of ``processes`` forked from this one: they inherit its state (settings, the
    test database's name, the open memo). Its database connections are closed first, so
    that no socket is shared; the worker's background threads are held off while it forks
    (``core.forking``). The pool ends with the block."""
    from masthead.core import forking

    connections.close_all()
    context = multiprocessing.get_context("fork")
    with forking.forking():
        pool = context.Pool(processes, initializer=initializer, initargs=initargs)
    with pool:
        yield pool


def _worker_render(jobs: list[Job]) -> list[FileResult]:
    return [render_job(_worker["renderer"], _worker["target"], job) for job in jobs]


# Fewer jobs than this left after the first ones, and they are rendered here too: starting
# the processes costs more than they would save.
MIN_FORKED = 24


def _in_transaction() -> bool:
    return any(c.in_atomic_block for c in connections.all(initialized_only=True))


def run_jobs(
    jobs: Iterable[Job],
    target: OutputTarget,
    *,
    processes: int = 1,
    follow: Callable[[str], bool] = lambda _path: False,
    on_result: Callable[[FileResult], None] = lambda _result: None,
    on_found: Callable[[int], None] = lambda _count: None,
) -> dict[str, FileResult]:
    """Render every job (highest priority first) and the pages their links lead to when
    ``follow(path)`` says so. Returns the results by path.

    With more than one of ``processes``, the first jobs (priority 0: the changed page and
    the fronts, what readers see first) are rendered here at once, and the rest, when there
    are at least ``MIN_FORKED`` of them, by that many forked processes. Those start with what
    the first ones read (the index *Read more* is chosen from, the pages' addresses, the
    teasers), rather than each reading it again. Inside a transaction everything is rendered
    here: another process would not see what it has not committed."""
    from masthead.distribution.services.render import renderer, rendering_scope

    if processes > 1 and _in_transaction():
        processes = 1
    pending = sorted(jobs, key=lambda job: job.priority)
    seen = {job.path for job in pending}
    results: dict[str, FileResult] = {}

    def taken(result: FileResult) -> list[Job]:
        """Record ``result``; the jobs for the new pages it links to."""
        results[result.path] = result
        on_result(result)
        found = []
        for path in result.links:
            if path not in seen and follow(path):
                seen.add(path)
                found.append(Job(path, frozenset({ROUTES}), frozenset({"crawl"})))
        if found:
            on_found(len(found))
        return found

    def render(job: Job) -> list[Job]:
        return taken(render_job(this_renderer, target, job))

    def render_here(jobs: Iterable[Job]) -> None:
        """``jobs`` and every job they lead to, rendered in this process."""
        queued = collections.deque(jobs)
        while queued:
            queued.extend(render(queued.popleft()))

    this_renderer = renderer()  # made once, here, rather than by each forked process
    with rendering_scope():
        if processes <= 1:
            render_here(pending)
            return results
        rest = [job for job in pending if job.priority != 0]
        for job in pending:
            if job.priority == 0:
                rest.extend(render(job))  # what they lead to waits with the rest
        if len(rest) < MIN_FORKED:
            render_here(rest)
        else:
            _render_forked(rest, target, processes, taken)
    return results


def _render_forked(
    jobs: list[Job],
    target: OutputTarget,
    processes: int,
    taken: Callable[[FileResult], list[Job]],
) -> None:
    """``jobs`` and the jobs ``taken`` finds, rendered by ``processes`` forked processes
    (``_forked_pool``). What this one read is set aside from the collector before the fork
    (the caller's ``render.rendering_scope``): the processes then neither walk it nor, by
    walking it, copy the pages they share."""
    from masthead.core import memo

    done: queue.Queue = queue.Queue()
    # Small batches for a few dozen jobs (an update), so that no process is left with the
    # last long batch while the other waits; up to BATCH_SIZE for a whole site.
    size = max(1, min(BATCH_SIZE, len(jobs) // (processes * 16)))
    with _forked_pool(processes, _worker_init, (target, memo.current())) as pool:
        outstanding = 0

        def submit_all(items: list[Job]) -> None:
            nonlocal outstanding
            for start in range(0, len(items), size):
                outstanding += 1
                pool.apply_async(
                    _worker_render,
                    (items[start : start + size],),
                    callback=done.put,
                    error_callback=done.put,
                )

        submit_all(jobs)
        while outstanding:
            batch_results = done.get()
            outstanding -= 1
            if isinstance(batch_results, BaseException):
                raise batch_results
            found: list[Job] = []
            for result in batch_results:
                found.extend(taken(result))
            submit_all(found)
