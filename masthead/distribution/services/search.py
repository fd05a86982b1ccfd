"""The search index: Pagefind, run over the built pages, so search needs no server.

An attack on an uncached search endpoint once took a whole newsroom's CMS down; with the
index as static files next to the pages, search costs the server nothing and works on every
copy served over HTTP. Only articles and information pages are indexed (listings repeat the
articles' teasers), and of each page only the main content, without the signup form, the
appeal and the "read more" teasers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from masthead.distribution.services.output import STATE_DIR, digest, remove, write_if_changed

INDEX_DIR = "pagefind"
# Written last when the index changes: it names the index files the others are.
ENTRY_FILE = "pagefind-entry.json"
# The index comes in parts, so that a publish does not index every page again: the newest
# articles and the information pages in pagefind/, older articles in pagefind/part-1/ (the
# oldest), pagefind/part-2/… The search page merges them, as this script lists them.
PART_PREFIX = "part-"
PARTS_SCRIPT = "masthead-parts.js"
MAIN_PART = ""
EXCLUDE_SELECTORS = (
    ".signup",
    ".appeal",
    ".read-more",
    ".pagination",
    "nav",
    "form",
    "script",
)
PAGEFIND_TIMEOUT = 600


class SearchIndexError(Exception):
    pass


def pagefind_executable() -> str:
    try:
        import pagefind_bin
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise SearchIndexError("pagefind-bin is not installed (pip install pagefind-bin)") from exc
    return str(pagefind_bin.get_executable())


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        target.hardlink_to(source)
    except OSError:
        shutil.copyfile(source, target)


def _place(source: Path, root: Path, name: str, data: bytes) -> None:
    """Make ``root/name`` hold ``data``, the contents of ``source``. A new file is linked to
    ``source``: a link appears whole, and costs neither a copy nor a rename. A file already
    there is compared, and replaced atomically only if it changed: files are only ever
    replaced, never written into, so sharing one between the output and its copies is safe."""
    target = root / name
    for _attempt in range(2):
        try:
            os.link(source, target)
            return
        except FileNotFoundError:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                break
        except OSError:  # there already, another filesystem, no links here
            break
    write_if_changed(root, name, data)


def part_folder(part: str) -> str:
    """Where part ``part`` lives below the output root ("" is the main part)."""
    return INDEX_DIR if part == MAIN_PART else f"{INDEX_DIR}/{PART_PREFIX}{part}"


def folder_of(name: str) -> str:
    """The part folder of an index file named from the output root."""
    folder, _, rest = name.partition("/")
    if rest.startswith(PART_PREFIX) and "/" in rest:
        return f"{folder}/{rest.split('/', 1)[0]}"
    return folder


def _belongs_to_main(relative: str) -> bool:
    """Files below pagefind/ that are the main part's (not another part's, not the list)."""
    return not relative.startswith(PART_PREFIX) and relative != PARTS_SCRIPT


def directory_sync(
    source: Path, root: Path, folder: str, *, owned=lambda relative: True
) -> dict[str, str]:
    """Make ``root/folder`` hold exactly ``source``'s files, among the files it ``owned``;
    the entry file last. Returns {name relative to ``root``: digest}."""
    target = root / folder
    files = sorted(p for p in source.rglob("*") if p.is_file())
    files.sort(key=lambda p: p.name == ENTRY_FILE)
    written: dict[str, str] = {}
    keep = set()
    for path in files:
        relative = path.relative_to(source).as_posix()
        data = path.read_bytes()
        _place(path, target, relative, data)
        written[f"{folder}/{relative}"] = digest(data)
        keep.add(relative)
    if target.exists():
        for path in sorted(target.rglob("*"), reverse=True):
            relative = path.relative_to(target).as_posix()
            if path.is_file() and relative not in keep and owned(relative):
                remove(target, relative)
    return written


def search_index_build(
    *, root: Path, names: list[str], copies: list[Path], part: str = MAIN_PART
) -> dict[str, str]:
    """Index the pages ``names`` (files under ``root``) into the folder of part ``part``
    under ``root`` and each copy. Returns {name relative to the output root: digest}."""
    state = root / STATE_DIR
    # A folder pair per part: parts may be indexed at the same time.
    label = f"{PART_PREFIX}{part}" if part != MAIN_PART else "main"
    site, output = state / f"pagefind-site-{label}", state / f"pagefind-output-{label}"
    for directory in (site, output):
        shutil.rmtree(directory, ignore_errors=True)
    site.mkdir(parents=True)
    owned = _belongs_to_main if part == MAIN_PART else (lambda relative: True)
    try:
        # A folder of links to just these pages, for the command line. Pagefind's service
        # (its Python API) measured dearer for 10,000 pages: fed page by page its to and
        # fro costs more system time than these links, and pointed at the output with a
        # glob it walks every file of the site for each part.
        for name in names:
            if (root / name).is_file():
                _link_or_copy(root / name, site / name)
        command = [
            pagefind_executable(),
            "--site",
            str(site),
            "--output-path",
            str(output),
            "--root-selector",
            "main",
            "--silent",
        ]
        for selector in EXCLUDE_SELECTORS:
            command += ["--exclude-selectors", selector]
        done = subprocess.run(  # noqa: S603 - our own arguments
            command, capture_output=True, text=True, timeout=PAGEFIND_TIMEOUT, check=False
        )
        if done.returncode != 0:
            raise SearchIndexError(f"pagefind failed: {done.stderr or done.stdout}")
        written = directory_sync(output, root, part_folder(part), owned=owned)
        for copy in copies:
            directory_sync(output, copy, part_folder(part), owned=owned)
        return written
    finally:
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(output, ignore_errors=True)


def search_parts_publish(*, root: Path, parts: list[str], copies: list[Path]) -> dict[str, str]:
    """Write the list of the older parts for the search page, and remove the folders of
    parts that are gone. Returns {name relative to the output root: digest}."""
    folders = [f"{PART_PREFIX}{part}/" for part in parts if part != MAIN_PART]
    data = f"window.mastheadSearchParts = {json.dumps(folders)};\n".encode()
    for base in (root, *copies):
        write_if_changed(base / INDEX_DIR, PARTS_SCRIPT, data)
        index = base / INDEX_DIR
        if index.is_dir():
            for folder in index.iterdir():
                gone = folder.name.startswith(PART_PREFIX) and f"{folder.name}/" not in folders
                if gone and folder.is_dir():
                    shutil.rmtree(folder)
    return {f"{INDEX_DIR}/{PARTS_SCRIPT}": digest(data)}
