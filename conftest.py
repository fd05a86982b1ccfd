from importlib import import_module

import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    """Pages link hashed asset names from the manifest, as in production."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def project_urls():
    """The project's URLconf is built when it is first imported, from the settings of that
    moment (one edition or several: ``core.editions.edition_urlpatterns``). Imported here,
    under the project's own settings, so that a test that changes them (``two_languages``)
    is never the first to import it and leave two editions' addresses to the tests after."""
    from django.conf import settings

    import_module(settings.ROOT_URLCONF)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (the page cache included), no memo of the
    content (``core.memo``: the rows of the test before were rolled back, which moves no
    generation) and no rate-limit counts kept in memory (``core.throttle``)."""
    from masthead.core import memo, throttle

    cache.clear()
    memo.forget()
    throttle.forget()
    yield
    cache.clear()
    memo.forget()
    throttle.forget()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's ``admin_client``, with the second factor that every admin session
    needs (see ``masthead.accounts.testing``)."""
    from django.test import Client

    from masthead.accounts.testing import sign_in_verified

    client = Client()
    sign_in_verified(client, admin_user)
    return client


# --- One database connection object per thread, also while Playwright runs ------------------
# Playwright's sync API runs its event loop in the test thread and, between calls, leaves it
# marked as running (asyncio._set_running_loop). Django keeps a thread's connections in an
# asgiref Local, which takes a thread with a running loop for async code and gives it
# connection objects of its own: from the first browser test on, the test thread got a fresh
# connection object, one without the serialized copy of the migrations' rows that
# pytest-django's database setup left on the first (``serialized_rollback`` restores it before
# each transactional test), and later transactional tests started on an empty database.
# Whichever fixture leaves a loop marked running (``browser``), the thread keeps the
# connection objects it had. ``masthead/project/tests/test_test_database.py`` pins it.


def _loop_marked_running() -> bool:
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    if _loop_marked_running():
        return (yield)
    from django.db import connections

    kept = {alias: connections[alias] for alias in connections}
    try:
        return (yield)
    finally:
        if _loop_marked_running():
            for alias, connection in kept.items():
                connections[alias] = connection


# --- Transactional tests give the database back as the migrations left it ------------------
# A transactional test empties every table when it ends. With ``serialized_rollback`` the rows
# the migrations made are loaded again before the next one; without it, Django runs the
# post-migrate handlers after emptying, which make content types and permissions of their own,
# and the next transactional test that does restore them fails on the duplicates. So every
# transactional test here restores them.


def pytest_collection_modifyitems(items):
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None:
            continue
        transaction = marker.kwargs.get("transaction", marker.args[0] if marker.args else False)
        if transaction and not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: a transactional test must also set serialized_rollback=True "
                "(see conftest.py)"
            )
