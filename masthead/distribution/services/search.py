"""The search index: Pagefind, run over the built pages, so search needs no server.

An attack on an uncached search endpoint once took a whole newsroom's CMS down; with the
index as static files next to the pages, search costs the server nothing and works on every
copy served over HTTP. Only articles and information pages are indexed (listings repeat the
articles' teasers), and of each page only the main content, without the signup form, the
appeal and the "read more" teasers.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from masthead.distribution.services.output import STATE_DIR, digest, remove, write_if_changed

INDEX_DIR = "pagefind"
# Written last when the index changes: it names the index files the others are.
ENTRY_FILE = "pagefind-entry.json"
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


def directory_sync(source: Path, target: Path) -> dict[str, str]:
    """Make ``target`` hold exactly ``source``'s files; the entry file last. Returns
    {name relative to target's parent: digest}."""
    files = sorted(p for p in source.rglob("*") if p.is_file())
    files.sort(key=lambda p: p.name == ENTRY_FILE)
    written: dict[str, str] = {}
    for path in files:
        relative = path.relative_to(source).as_posix()
        data = path.read_bytes()
        write_if_changed(target, relative, data)
        written[f"{target.name}/{relative}"] = digest(data)
    if target.exists():
        keep = {name.split("/", 1)[1] for name in written}
        for path in sorted(target.rglob("*"), reverse=True):
            if path.is_file() and path.relative_to(target).as_posix() not in keep:
                remove(target, path.relative_to(target).as_posix())
    return written


def search_index_build(*, root: Path, names: list[str], copies: list[Path]) -> dict[str, str]:
    """Index the pages ``names`` (files under ``root``) into ``root/pagefind`` and each copy."""
    state = root / STATE_DIR
    site, output = state / "pagefind-site", state / "pagefind-output"
    for directory in (site, output):
        shutil.rmtree(directory, ignore_errors=True)
    site.mkdir(parents=True)
    try:
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
        written = directory_sync(output, root / INDEX_DIR)
        for copy in copies:
            directory_sync(output, copy / INDEX_DIR)
        return written
    finally:
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(output, ignore_errors=True)
