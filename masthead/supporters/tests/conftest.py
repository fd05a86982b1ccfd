import os
from collections.abc import Iterator

import pytest


def pytest_configure(config):
    # One demo server and one browser per run, shared with other apps' browser tests.
    config.pluginmanager.import_plugin("masthead.core.tests.demo_server")
    config.pluginmanager.import_plugin("masthead.supporters.tests.revenue_site")


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background tasks run at once, in the test's own process and transaction."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def test_mode(db):
    from masthead.supporters.models import SupportSettings

    support = SupportSettings.load()
    support.test_mode = True
    support.save()
    return support


@pytest.fixture
def inbox(smtp_server):
    smtp_server.inbox.clear()
    return smtp_server.inbox


@pytest.fixture(scope="package", autouse=True)
def _orm_beside_playwright() -> Iterator[None]:
    """Once a browser test anywhere in the run has started Playwright's sync API, an asyncio
    loop counts as running in the main thread for the rest of the session, and Django refuses
    database calls there (SynchronousOnlyOperation) although nothing runs concurrently."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
