"""The Nu HTML Checker (vnu.jar), the W3C's validator, run offline over saved pages.

A pytest plugin. ``vnu`` (session) is a function that checks a batch of HTML files in one
JVM (its start costs seconds, so never once per page) and returns the errors per file.

The jar comes from the npm package ``vnu-jar`` at a pinned version, installed once into
``.cache/vnu/`` of the source tree (ignored by git) and reused by later runs. It needs
``java`` (Debian: ``apt-get install default-jre-headless``) and, for the first run, ``npm``.
A machine without them fails the tests that need the checker: a validity test that skips
would pass an invalid page.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

VNU_VERSION = "26.9.27"
SOURCE_ROOT = Path(__file__).resolve().parents[3]
CACHE_DIR = SOURCE_ROOT / ".cache" / "vnu"
PACKAGE_DIR = CACHE_DIR / "node_modules" / "vnu-jar"
JAR = PACKAGE_DIR / "build" / "dist" / "vnu.jar"
INSTALL_TIMEOUT = 600
CHECK_TIMEOUT = 600

Errors = dict[Path, list[str]]

# Errors we accept on purpose, each for a reason, matched by the checker's exact message.
ACCEPTED_ERRORS = {
    # Tor Browser learns of the onion copy from the Onion-Location header or from
    # <meta http-equiv="onion-location"> (the Tor Project's Onion-Location guide gives both).
    # The header needs a server we configure; a copy on object storage, a CDN or a mirror has
    # only the meta element. HTML knows no such pragma, so the checker calls it an error: the
    # readers' way round a block wins over the validator.
    "Bad value \u201conion-location\u201d for attribute \u201chttp-equiv\u201d on element "
    "\u201cmeta\u201d.": "Tor Browser's onion-location",
}


def _installed_version() -> str | None:
    try:
        return json.loads((PACKAGE_DIR / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def vnu_jar() -> Path:
    """The pinned vnu.jar, installed with npm on first use. Concurrent test runs on the same
    tree wait for each other's install instead of writing the same files at once."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with (CACHE_DIR / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _installed_version() == VNU_VERSION and JAR.is_file():
            return JAR
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail(
                f"The HTML validity tests need vnu.jar (npm package vnu-jar@{VNU_VERSION}); "
                "npm is missing to install it (apt-get install npm).",
                pytrace=False,
            )
        # --ignore-scripts: the package's install script would download a Java runtime; the
        # system's java runs the jar.
        done = subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(CACHE_DIR),
                "--no-save",
                "--no-package-lock",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                f"vnu-jar@{VNU_VERSION}",
            ],
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            check=False,
        )
        if done.returncode != 0 or _installed_version() != VNU_VERSION or not JAR.is_file():
            pytest.fail(
                f"npm could not install vnu-jar@{VNU_VERSION} into {CACHE_DIR} "
                f"(exit {done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}",
                pytrace=False,
            )
        return JAR


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "The HTML validity tests run the Nu HTML Checker, which needs Java "
            "(apt-get install default-jre-headless); java is missing.",
            pytrace=False,
        )
    return java


def _file_of(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def vnu_check(files: Iterable[Path]) -> Errors:
    """Every error the checker reports, per file (files without errors map to [])."""
    files = [Path(f).resolve() for f in files]
    # The checker passes over a file it cannot find without a word.
    assert all(f.is_file() for f in files), [str(f) for f in files if not f.is_file()]
    errors: Errors = {f: [] for f in files}
    if not files:
        return errors
    done = subprocess.run(
        [
            _java(),
            "-jar",
            str(vnu_jar()),
            "--errors-only",
            "--format",
            "json",
            "--stdout",
            "--exit-zero-always",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT,
        check=False,
    )
    try:
        messages = json.loads(done.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(
            f"vnu.jar gave no report (exit {done.returncode}):\n{done.stdout[-2000:]}"
            f"{done.stderr[-2000:]}",
            pytrace=False,
        )
    for message in messages:
        # "error", and "non-document-error" when a file could not be read at all.
        if message.get("type") == "info" or message.get("message") in ACCEPTED_ERRORS:
            continue
        where = f"line {message.get('lastLine', '?')}" if "lastLine" in message else "file"
        text = f"{where}: {message.get('message', '')} [{message.get('extract', '').strip()}]"
        errors.setdefault(_file_of(message.get("url", "")), []).append(text)
    return errors


@pytest.fixture(scope="session")
def vnu() -> Callable[[Iterable[Path]], Errors]:
    """Installs the checker before the first test that needs it, so a missing Java or npm
    reports once, at set-up."""
    _java()
    vnu_jar()
    return vnu_check
