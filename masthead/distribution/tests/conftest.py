"""A small publication, built once for this package's tests, and the real servers around it.

``publication`` (package)
    Sections, articles (one with a Cyrillic address), tags, authors (one a pen name), an
    information page, a mirror and an onion address, committed to the test database so that
    build processes, the task worker and the app server see them. At the end the database is
    emptied and given back the rows it had before (the migrations', since pytest-django runs
    these tests before any transactional test), as Django does around a transactional test
    with ``serialized_rollback``: the other apps' tests find it as the migrations left it.
``api_server`` (package)
    The app itself under gunicorn on 127.0.0.1, on the test database: the API origin the
    static copies' forms post to.
``built`` (package)
    ``masthead build`` of the publication: the server copy and the portable copy.
``nginx`` (package)
    Debian's nginx with the shipped configuration, serving the server copy at ``/`` and the
    portable copy at ``/mirror/``. Missing nginx fails the tests that need it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

NGINX = "/usr/sbin/nginx"
START_TIMEOUT = 60
ONION = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion"
MIRROR = "https://mirror-one.example.net"
CONTACT = "tips@example.org"
# The search index in parts of 12 articles: the 31 of the publication make the main part
# (the 19 newest and the privacy policy) and part 1 (the 12 oldest).
SEARCH_PART_SIZE = 12
OLD_STORY_WORD = "kingfisher"  # in the headline of the oldest article, in part 1
SOURCE_ROOT = Path(__file__).resolve().parents[3]


def pytest_configure(config):
    # The Chromium fixture (``browser``) shared with the other apps' browser tests.
    config.pluginmanager.import_plugin("masthead.project.tests.demo_server")


@pytest.fixture(autouse=True)
def db(django_db_setup, django_db_blocker) -> Iterator[None]:
    """This package's tests share one committed publication, which build processes, the task
    worker and the app server read from their own processes; so a test here has database
    access without a wrapping transaction (what it commits, it removes). Tests marked
    ``django_db`` still run in a transaction rolled back afterwards.

    (Named ``db`` so that pytest-django sets the test database up for any selection of
    these tests; it replaces pytest-django's ``db`` in this package only.)"""
    with django_db_blocker.unblock():
        yield


# --- Helpers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    from masthead.distribution.tasks import database_url as url

    return url()


def wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"nothing answered on {url}:\n{log.read_text()}")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def app_serves(path: str) -> bool:
    """Whether the app itself answers ``path`` with a page (links to another app's pages that
    do not exist yet are that app's to fix, not the copy's)."""
    from urllib.parse import urlsplit

    from django.test import Client

    client = Client(HTTP_HOST=urlsplit(settings.BASE_URL).netloc)
    return client.get(path, secure=settings.BASE_URL.startswith("https")).status_code == 200


def run_worker(env: dict[str, str]) -> None:
    """``masthead worker --batch`` in its own process: the task queue as in production."""
    done = subprocess.run(
        [sys.executable, "-m", "masthead.project.cli", "worker", "--batch", "--no-schedule"],
        env={**os.environ, "DATABASE_URL": database_url(), **env},
        cwd=SOURCE_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


# --- The publication -------------------------------------------------------------------------


@dataclass
class Publication:
    world: object
    culture: object
    articles: list
    unicode_article: object
    imaged: object
    pen_name: object
    privacy: object
    # Addresses, worked out while the database may be used (not inside a browser test).
    article_urls: list[str]
    unicode_url: str


def _create_publication():
    from wagtail.rich_text import RichText

    from masthead.core.models import PublicationSettings
    from masthead.distribution.models import Mirror, MirrorSettings
    from masthead.publishing.models import ArticlePage, InfoPage
    from masthead.publishing.tests import factories

    publication = PublicationSettings.load()
    publication.name = "The Test Courier"
    publication.tagline = "News from a closed country"
    publication.contact_email = CONTACT
    publication.save()
    onion = MirrorSettings.load()
    onion.onion_address = ONION
    onion.save()
    Mirror.objects.create(url=MIRROR)

    world = factories.section(title="World", slug="world")
    culture = factories.section(title="Culture", slug="culture")
    ana = factories.author(name="Ana Reporter")
    pen = factories.author(name="Quiet Owl", pseudonym=True)
    photo = factories.image(title="Shared photo")
    articles = []
    # 26 in World: three pages of its listing (12 a page) and of the archive with Culture's.
    for n in range(26):
        articles.append(
            factories.article(
                parent=world,
                title=f"World story {n}: harbour strike day {n}"
                + (f", {OLD_STORY_WORD} seen" if n == 25 else ""),
                slug=f"world-story-{n}",
                authors=[ana] if n % 2 else [pen],
                tags=["exile"] if n % 3 == 0 else ["courts"],
                hours_ago=100 + n * 3,
                with_image=False,
            )
        )
    for n in range(4):
        articles.append(
            factories.article(
                parent=culture,
                title=f"Culture story {n}: a choir in exile",
                slug=f"culture-story-{n}",
                authors=[ana],
                tags=["exile", "music"],
                hours_ago=6 + n,
                with_image=False,
            )
        )
    unicode_article = factories.article(
        parent=culture,
        title="Репортаж: zebrafinch концерт в изгнании",
        slug="концерт-в-изгнании",
        authors=[pen],
        tags=["music"],
        hours_ago=3,
        with_image=False,
    )
    articles.append(unicode_article)
    imaged = articles[-2]
    # Two articles share a photo: renditions made once, used on several pages.
    ArticlePage.objects.filter(pk__in=[imaged.pk, articles[0].pk]).update(lead_image=photo)
    privacy = factories.home().add_child(
        instance=InfoPage(
            title="Privacy policy",
            slug="privacy",
            body=[("paragraph", RichText("<p>We keep as little as we can.</p>"))],
        )
    )
    privacy.save_revision().publish(skip_permission_checks=True)
    articles = [ArticlePage.objects.get(pk=a.pk) for a in articles]
    return Publication(
        world=world,
        culture=culture,
        articles=articles,
        article_urls=[a.url for a in articles],
        unicode_url=unicode_article.url,
        unicode_article=ArticlePage.objects.get(pk=unicode_article.pk),
        imaged=ArticlePage.objects.get(pk=imaged.pk),
        pen_name=pen,
        privacy=privacy,
    )


def restore_database(rows: str) -> None:
    """Empty the test database and load ``rows`` (``serialize_db_to_string``) back, as Django
    does around a transactional test with ``serialized_rollback``."""
    from django.contrib.contenttypes.models import ContentType
    from django.core import serializers
    from django.db import transaction

    # Sequences go on (as in Django's own flush between tests): reset, they would hand the
    # reloaded rows' ids out again on PostgreSQL.
    call_command(
        "flush",
        interactive=False,
        verbosity=0,
        reset_sequences=False,
        inhibit_post_migrate=True,
    )
    # Content types first: the rows of a page type (masthead's apps come before
    # contenttypes) are built as new Wagtail pages, which look their content type up by name
    # (``Page.__init__``) and would create a missing one again under another id.
    with transaction.atomic():
        for row in serializers.deserialize("json", rows):
            if isinstance(row.object, ContentType):
                row.save()
    connection.creation.deserialize_db_from_string(rows)
    cache.clear()


@pytest.fixture(scope="package")
def publication(django_db_setup, django_db_blocker) -> Iterator[Publication]:
    with django_db_blocker.unblock():
        call_command("collectstatic", interactive=False, verbosity=0)
        cache.clear()
        found = connection.creation.serialize_db_to_string()
        created = _create_publication()
    try:
        yield created
    finally:
        with django_db_blocker.unblock():
            restore_database(found)
            connection.close()


# --- The app as API origin -------------------------------------------------------------------


@pytest.fixture(scope="package")
def api_server(publication, tmp_path_factory) -> Iterator[str]:
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("api") / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "masthead.project.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            env={**os.environ, "DATABASE_URL": database_url(), "DEBUG": "false"},
            cwd=SOURCE_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        wait_for(origin + "/api/reach", process, log)
        yield origin
    finally:
        stop(process)


@pytest.fixture(scope="package")
def api_origins(api_server) -> Iterator[list[str]]:
    """Pages name the app server as their API origin, as MASTHEAD_API_ORIGINS would."""
    saved = settings.API_ORIGINS, {k: list(v) for k, v in settings.SECURE_CSP.items()}
    settings.API_ORIGINS = [api_server]
    for directive in ("form-action", "connect-src"):
        settings.SECURE_CSP[directive] = [*settings.SECURE_CSP[directive], api_server]
    try:
        yield settings.API_ORIGINS
    finally:
        settings.API_ORIGINS = saved[0]
        settings.SECURE_CSP.clear()
        settings.SECURE_CSP.update(saved[1])


# --- The build -------------------------------------------------------------------------------


@dataclass
class Built:
    out: Path
    portable: Path
    report: object


@pytest.fixture(scope="package")
def search_parts() -> Iterator[int]:
    saved = settings.SEARCH_PART_SIZE
    settings.SEARCH_PART_SIZE = SEARCH_PART_SIZE
    yield SEARCH_PART_SIZE
    settings.SEARCH_PART_SIZE = saved


@pytest.fixture(scope="package")
def built(publication, api_origins, search_parts, django_db_blocker, tmp_path_factory) -> Built:
    from masthead.distribution import services
    from masthead.distribution.services import engine

    root = tmp_path_factory.mktemp("site")
    out, portable = root / "out", root / "portable"
    # Teasers too are rendered by two processes, as they are on a site of hundreds of
    # articles (test_building_again_rewrites_nothing then compares with one process).
    saved, engine.MIN_SPLIT = engine.MIN_SPLIT, 1
    try:
        with django_db_blocker.unblock():
            report = services.site_build(out=out, portable_out=portable, processes=2)
            connection.close()
    finally:
        engine.MIN_SPLIT = saved
    assert not [r for r in report.skipped.values() if r.startswith("error")], report.skipped
    return Built(out=out, portable=portable, report=report)


# --- nginx -----------------------------------------------------------------------------------


@dataclass
class Nginx:
    origin: str
    prefix: Path
    config: str

    def url(self, path: str) -> str:
        return self.origin + path


@pytest.fixture(scope="package")
def nginx(built, django_db_blocker, tmp_path_factory) -> Iterator[Nginx]:
    from masthead.distribution.services.nginx import nginx_config, nginx_standalone_config

    if not os.access(NGINX, os.X_OK):
        pytest.fail(
            f"These tests serve the site with Debian's nginx at {NGINX} (apt-get install "
            "nginx); it is missing.",
            pytrace=False,
        )
    prefix = tmp_path_factory.mktemp("nginx")
    port = free_port()
    with django_db_blocker.unblock():
        server = nginx_config(
            root=built.out,
            listen=f"127.0.0.1:{port}",
            server_names=["127.0.0.1", "localhost"],
            portable_root=built.portable,
            portable_prefix="/mirror/",
        )
    config = nginx_standalone_config(server=server, prefix=prefix)
    (prefix / "nginx.conf").write_text(config)
    log = prefix / "error.log"
    log.touch()
    process = subprocess.Popen(
        [NGINX, "-c", str(prefix / "nginx.conf"), "-p", str(prefix)],
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
        stdin=subprocess.DEVNULL,
    )
    origin = f"http://127.0.0.1:{port}"
    try:
        wait_for(origin + "/", process, log)
        yield Nginx(origin=origin, prefix=prefix, config=server)
    finally:
        stop(process, signal.SIGQUIT)


def copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, symlinks=True, copy_function=shutil.copy2)
