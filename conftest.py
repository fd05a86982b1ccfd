import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    """Pages link hashed asset names from the manifest, as in production."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (the page cache included)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's ``admin_client``, with the second factor that every admin session
    needs (see ``masthead.accounts.testing``)."""
    from django.test import Client

    from masthead.accounts.testing import sign_in_verified

    client = Client()
    sign_in_verified(client, admin_user)
    return client


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests marked ``runs_last`` run after every other test of the session (and after
    pytest-django has put transactional tests after the others).

    A transactional test that drives Chromium against an in-process live server leaves the
    main thread with a fresh database connection object, one that no longer holds the
    serialized copy of the migrations' rows: transactional tests after it then start on an
    empty database (no home page, no groups). Until that is understood, such a test runs last,
    where nothing depends on the database it leaves behind.
    """
    last = [item for item in items if item.get_closest_marker("runs_last")]
    if last:
        items[:] = [item for item in items if not item.get_closest_marker("runs_last")] + last


# --- Serialized rollback that survives a replaced connection object -------------------------
# Django keeps the serialized copy of the migrations' rows (which ``serialized_rollback``
# restores before each transactional test) on the connection object, as
# ``_test_serialized_contents``. Somewhere in a full session (browser tests, live servers and
# asyncio servers in threads) the main thread is handed a fresh connection object without it,
# and from then on transactional tests start on an empty database. We keep the copy from the
# first test and give it back to whichever connection object is current before each test's
# fixtures run. ``masthead/project/tests/test_test_database.py`` pins the attribute's name.
_serialized_contents: dict[str, str] = {}


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_setup(item):
    from django.db import connections

    for alias, contents in _serialized_contents.items():
        connection = connections[alias]
        if not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = contents
    yield
    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            _serialized_contents.setdefault(alias, contents)
