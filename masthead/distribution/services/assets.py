"""Static assets and uploaded images a built site references, copied next to its pages.

Static files come from ``collectstatic``'s output, already named after their content hash
(``site.3f2a….css``), so a copy with the same name never needs to change; whitenoise's
compressed siblings (``.gz``, ``.br``) come along for nginx's ``gzip_static``. Uploaded images
are the renditions the pages use, never the originals.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings

from masthead.distribution.services.output import OutputError, file_name

_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+?)\1\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""")
COMPRESSED_SUFFIXES = (".gz", ".br")


def asset_source(path: str) -> Path | None:
    """Where the file behind ``/static/…`` or ``/media/…`` lives on this machine."""
    if path.startswith(settings.STATIC_URL):
        relative = path[len(settings.STATIC_URL) :]
        candidate = Path(settings.STATIC_ROOT) / relative
        if candidate.is_file():
            return candidate
        if settings.DEBUG:  # development: no collectstatic, files come from the apps
            from django.contrib.staticfiles import finders

            found = finders.find(relative)
            return Path(found) if found else None
        return None
    if path.startswith(settings.MEDIA_URL):
        candidate = Path(settings.MEDIA_ROOT) / path[len(settings.MEDIA_URL) :]
        return candidate if candidate.is_file() else None
    return None


def copy_if_changed(source: Path, target: Path) -> bool:
    """Copy unless ``target`` already has the source's size and modification time."""
    stat = source.stat()
    try:
        existing = target.stat()
        if existing.st_size == stat.st_size and existing.st_mtime_ns == stat.st_mtime_ns:
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copy2(source, temporary)
    os.replace(temporary, target)
    return True


def _css_references(path: str, source: Path) -> set[str]:
    try:
        css = source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    found = set()
    directory = posixpath.dirname(path) + "/"
    for match in [*_CSS_URL.finditer(css), *_CSS_IMPORT.finditer(css)]:
        reference = match.group(2).strip()
        if reference.startswith(("data:", "#", "http:", "https:", "//")):
            continue
        reference_path = unquote(urlsplit(reference).path)
        if not reference_path:
            continue
        absolute = posixpath.normpath(posixpath.join(directory, reference_path))
        if absolute.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            found.add(absolute)
    return found


def assets_copy(paths: Iterable[str], *, roots: list[Path]) -> tuple[dict[str, str], list[str]]:
    """Copy the assets behind ``paths`` (and what their stylesheets reference) into each
    root. Returns ({file name: "static"|"media"}, [paths that have no file])."""
    copied: dict[str, str] = {}
    missing: list[str] = []
    queue, seen = list(paths), set()
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        source = asset_source(path)
        try:
            name = file_name(path)
        except OutputError:
            missing.append(path)
            continue
        if source is None:
            missing.append(path)
            continue
        kind = "static" if path.startswith(settings.STATIC_URL) else "media"
        for root in roots:
            copy_if_changed(source, root / name)
        copied[name] = kind
        if kind == "static":
            for suffix in COMPRESSED_SUFFIXES:
                sibling = source.with_name(source.name + suffix)
                if sibling.is_file():
                    for root in roots:
                        copy_if_changed(sibling, root / (name + suffix))
                    copied[name + suffix] = kind
            if source.suffix == ".css":
                queue.extend(_css_references(path, source) - seen)
    return copied, missing
