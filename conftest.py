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
