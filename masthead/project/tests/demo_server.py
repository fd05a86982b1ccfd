"""The demo publication running for real, and a browser to read it with.

A pytest plugin. Tests that use it talk to a separate server process over HTTP, as a reader
would, so they never touch the test database:

``demo_site`` (session)
    Builds the demo publication (``masthead demo --no-serve``) into a temporary data
    directory and serves it with gunicorn on 127.0.0.1 and a free port, in both language
    editions (``MASTHEAD_LANGUAGES=en,ru``: English at the root, as with one language, and the
    demo's Russian edition under ``/ru/``). The database follows
    the test run's own ``DATABASE_URL``: on PostgreSQL a fresh database
    ``masthead_browser_<pid>`` is created on that server and dropped afterwards; otherwise an
    SQLite file in the data directory.
``browser`` (session)
    Debian's Chromium driven by Playwright. A machine without it fails the tests that need
    it: a browser test that silently skips would pass a broken page.

Register it with ``pytest_plugins = ["masthead.project.tests.demo_server"]`` in a test module,
or ``config.pluginmanager.import_plugin(...)`` from a conftest; either way there is one
server and one browser per run.
"""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}
# Generous: these bound a wait for something that normally takes seconds, and are never
# asserted as a speed.
DEMO_BUILD_TIMEOUT = 600
SERVER_START_TIMEOUT = 60
SERVER_STOP_TIMEOUT = 15
# A page's first request makes its image renditions; on a loaded machine that outlasts
# gunicorn's default 30 s and the worker is killed mid-page.
SERVER_REQUEST_TIMEOUT = 300

# The shared demo site's language editions (MASTHEAD_LANGUAGES): the default's at the root.
DEMO_LANGUAGES = "en,ru"

# The directory that holds the ``masthead`` package: subprocesses import it from there even
# when the project is not installed.
SOURCE_ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class DemoSite:
    base_url: str  # http://127.0.0.1:<port>, no trailing slash
    data_dir: Path
    env: dict[str, str]  # the environment the server runs with

    def url(self, path: str) -> str:
        return self.base_url + path


# --- Database ---------------------------------------------------------------------------------


def _libpq_url(url: str) -> str:
    """``pgsql://`` is dj-database-url's spelling only; libpq knows ``postgresql://``."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def _postgres_admin_connection(server_url: str):
    import psycopg

    # The maintenance database, as Django's own test runner uses; the database named in the
    # URL when that one is not reachable.
    try:
        return psycopg.connect(_libpq_url(server_url), dbname="postgres", autocommit=True)
    except psycopg.OperationalError:
        return psycopg.connect(_libpq_url(server_url), autocommit=True)


def _postgres_drop(server_url: str, name: str) -> None:
    from psycopg import sql

    with _postgres_admin_connection(server_url) as conn:
        # FORCE (PostgreSQL 13+): a connection the server left behind must not keep it alive.
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


_sites_started = itertools.count(1)


@contextmanager
def _database(test_database_url: str, data_dir: Path) -> Iterator[str]:
    """A ``DATABASE_URL`` for the demo: its own PostgreSQL database, or an SQLite file."""
    parts = urlsplit(test_database_url)
    if parts.scheme not in POSTGRES_SCHEMES:
        yield f"sqlite:///{data_dir / 'masthead.sqlite3'}"
        return
    from psycopg import sql

    # One per site: a session may run several demo sites at once (each its own database).
    name = f"masthead_browser_{os.getpid()}_{next(_sites_started)}"
    _postgres_drop(test_database_url, name)  # left over by a killed run with the same pid
    with _postgres_admin_connection(test_database_url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        _postgres_drop(test_database_url, name)


# --- Server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def gunicorn_command(port: int, *options: str) -> list[str]:
    """The command line of a test server: Masthead under gunicorn on 127.0.0.1:``port``."""
    # Gunicorn opens a control socket at one fixed path in the home directory; a test server
    # must not take it from (or give it up under) a demo running beside it.
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "masthead.project.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        *options,
    ]


def start_process(command: list[str], env: dict[str, str] | None, log: Path) -> subprocess.Popen:
    """A server or worker for a test, started from the source tree, its output added to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            env=env,
            cwd=SOURCE_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


def _build_demo(env: dict[str, str], log: Path) -> None:
    with log.open("wb") as out:
        try:
            result = subprocess.run(
                [sys.executable, "-m", "masthead.project.cli", "demo", "--no-serve"],
                env=env,
                cwd=SOURCE_ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=DEMO_BUILD_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"masthead demo --no-serve did not finish:\n{_log_tail(log)}")
    if result.returncode != 0:
        pytest.fail(
            f"masthead demo --no-serve failed (exit {result.returncode}):\n{_log_tail(log)}"
        )


def _wait_until_answering(server: subprocess.Popen, base_url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{_log_tail(log)}")
        try:
            # The first front page makes its renditions: wait for it as long as gunicorn does.
            with urllib.request.urlopen(base_url + "/", timeout=SERVER_REQUEST_TIMEOUT) as response:
                response.read()
                return
        except urllib.error.HTTPError:
            return  # it answers; what it answers is for the tests to judge
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer on {base_url}:\n{_log_tail(log)}")


def stop_process(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=SERVER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables (the demo site's processes inherit them) for a block."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def running_demo_site(
    data_dir: Path, *, gunicorn_args: tuple[str, ...] = (), languages: str | None = None
) -> Iterator[DemoSite]:
    """The demo built and served; in ``languages`` (``MASTHEAD_LANGUAGES``) when given, else
    in those of the test run's environment (English alone, unless it says otherwise)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with _database(os.environ.get("DATABASE_URL", ""), data_dir) as database_url:
        # The test process has its own MASTHEAD_DATA_DIR, DATABASE_URL and MASTHEAD_BASE_URL
        # (see environment.py): each is replaced, never inherited.
        env = {
            **os.environ,
            "MASTHEAD_DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url,
            "MASTHEAD_BASE_URL": base_url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "false",  # the production error pages and hashed static names
        }
        if languages is not None:
            env["MASTHEAD_LANGUAGES"] = languages
        _build_demo(env, data_dir / "demo.log")
        server_log = data_dir / "gunicorn.log"
        server = start_process(
            gunicorn_command(
                port, "--workers", "2", "--timeout", str(SERVER_REQUEST_TIMEOUT), *gunicorn_args
            ),
            env,
            server_log,
        )
        try:
            _wait_until_answering(server, base_url, server_log)
            yield DemoSite(base_url=base_url, data_dir=data_dir, env=env)
        finally:
            stop_process(server)


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    with running_demo_site(tmp_path_factory.mktemp("demo-site"), languages=DEMO_LANGUAGES) as site:
        yield site


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium); "
            "it is missing or not executable.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def wait_until(page, expression: str, *, timeout: float = 30.0) -> None:
    """Wait until ``expression`` (JavaScript, or a function of no argument) is true in
    ``page``, asking from here every 50 ms.

    Playwright's own ``wait_for_function`` evaluates its first try through the browser's
    debugging protocol, which a page's Content-Security-Policy does not cover, but each later
    try with ``eval`` inside the page, which our pages' policy (no ``'unsafe-eval'``) refuses:
    a condition not yet true at the first try failed with an ``EvalError``. Each
    ``page.evaluate`` here is such a first try."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"Not true after {timeout:g} s: {expression}")
        page.wait_for_timeout(50)
