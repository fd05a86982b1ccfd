import pytest


def pytest_configure(config):
    # One demo server and one browser per run, shared with other apps' browser tests.
    config.pluginmanager.import_plugin("masthead.project.tests.demo_server")
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
