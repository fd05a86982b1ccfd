"""The demo publication for reader-revenue browser tests: served by gunicorn with a worker
beside it, mailing through a real local SMTP server (aiosmtpd). A pytest plugin, registered by
the conftests of the tests that use it, so that one such site serves the whole run."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext

from masthead.project.tests.demo_server import (
    DEMO_LANGUAGES,
    SOURCE_ROOT,
    DemoSite,
    environment,
    running_demo_site,
)
from masthead.supporters.tests.smtp import SMTPServer


@pytest.fixture(scope="session")
def smtp_server():
    with SMTPServer() as server:
        yield server


@contextmanager
def running_revenue_site(
    data_dir: Path, smtp_server: SMTPServer, *, languages: str | None = None
) -> Iterator[DemoSite]:
    """The demo, its web server and a worker, sending mail to ``smtp_server``; in
    ``languages`` (``MASTHEAD_LANGUAGES``) when given, else in the test run's own."""
    with (
        environment(EMAIL_URL=smtp_server.url),
        running_demo_site(data_dir, languages=languages) as site,
    ):
        log = (site.data_dir / "worker.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "masthead.project.cli", "worker", "--interval", "0.3"],
            env=site.env,
            cwd=SOURCE_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            yield site
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            log.close()


@pytest.fixture(scope="session")
def revenue_site(tmp_path_factory, smtp_server) -> Iterator[DemoSite]:
    """The demo, its web server and a worker, sending mail to ``smtp_server``."""
    with running_revenue_site(tmp_path_factory.mktemp("revenue-site"), smtp_server) as site:
        yield site


@pytest.fixture(scope="session")
def revenue_site_editions(tmp_path_factory, smtp_server) -> Iterator[DemoSite]:
    """``revenue_site`` in both language editions (``en,ru``: the Russian under ``/ru/``)."""
    with running_revenue_site(
        tmp_path_factory.mktemp("revenue-site-editions"),
        smtp_server,
        languages=DEMO_LANGUAGES,
    ) as site:
        yield site


CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@contextmanager
def browsing(browser: Browser, **options) -> Iterator[BrowserContext]:
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    context.add_init_script(CSP_RECORDER)
    try:
        yield context
    finally:
        context.close()
