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
