"""Background work: keeping the static output current as editors publish."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import timedelta
from urllib.parse import quote, urlsplit, urlunsplit

import dj_database_url
from django.conf import settings
from django.db import connection
from django.tasks import task

from masthead.core.scheduler import every
from masthead.distribution.keys import ROUTES, SITE, Key, KeyInvalid, texts

logger = logging.getLogger(__name__)
REBUILD_TIMEOUT = 3 * 3600


@task()
def static_output_update(page_ids: list[int] | None = None, keys: list[str] | None = None) -> dict:
    """Re-render the files that depend on the changed pages (or dependency keys, as text:
    ``distribution.keys``)."""
    from masthead.distribution import services

    if settings.STATIC_OUTPUT_DIR is None:
        return {}
    try:
        parsed = [Key.parse(key) for key in keys or ()]
    except KeyInvalid:
        logger.exception("Static output update asked for an unknown key; rendering everything")
        parsed = [SITE]
    report = services.site_update(
        out=settings.STATIC_OUTPUT_DIR,
        portable_out=settings.STATIC_PORTABLE_OUTPUT_DIR,
        page_ids=page_ids or (),
        keys=parsed,
    )
    for path, why in sorted(report.failures.items()):
        logger.error("Static output: %s failed (%s); its previous file is kept", path, why)
    logger.info(
        "Static output updated: %s files changed, %s removed, %.2f s%s",
        report.written,
        report.removed,
        report.seconds,
        " (full rebuild)" if report.full else "",
    )
    return {
        "rendered": report.rendered,
        "written": report.written,
        "removed": report.removed,
        "failed": len(report.failures),
        "full": report.full,
        "seconds": round(report.seconds, 3),
        "front_seconds": round(report.front_seconds, 3),
    }


@task()
def static_output_rebuild() -> None:
    """Render everything again (settings shown on every page changed). In a process of its own,
    as ``masthead build``: what a whole build reads and holds is given back when it ends, not
    kept by the worker for its life."""
    if settings.STATIC_OUTPUT_DIR is None:
        return
    command = [sys.executable, "-m", "masthead.project.cli", "build", "--quiet"]
    command += ["--out", str(settings.STATIC_OUTPUT_DIR)]
    if settings.STATIC_PORTABLE_OUTPUT_DIR:
        command += ["--portable-out", str(settings.STATIC_PORTABLE_OUTPUT_DIR)]
    env = {**os.environ, "DATABASE_URL": database_url()}
    subprocess.run(command, env=env, check=True, timeout=REBUILD_TIMEOUT)  # noqa: S603


@every(timedelta(minutes=10), name="distribution.refresh_routes")
@task()
def static_routes_refresh() -> None:
    """Other apps' public pages (newsletter archive, support page, appeal file) are written by
    following links and routes; without a signal of their own they are refreshed this often.
    An app can refresh them at once with ``static_output_update.enqueue(keys=["routes"])``."""
    if settings.STATIC_OUTPUT_DIR is None:
        return
    static_output_update.call(keys=texts([ROUTES]))


def database_url() -> str:
    """This process's database as a URL, for a child process (the test database included).

    The environment's ``DATABASE_URL`` is passed on as given, so that what it carries beyond
    host and name (``sslmode`` and other options, a quoted password) reaches the child. Only
    when this process uses another database than it names (pytest's ``test_…``) is the name
    replaced.
    """
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    given = os.environ.get("DATABASE_URL", "").strip()
    if given and dj_database_url.parse(given).get("NAME") == db["NAME"]:
        return given
    if given:
        return urlunsplit(urlsplit(given)._replace(path="/" + quote(db["NAME"], safe="")))
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"
