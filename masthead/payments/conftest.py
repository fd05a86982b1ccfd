import pytest


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background tasks (receipts) run at once, in the test's own process."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def test_mode(db):
    from masthead.supporters.models import SupportSettings

    support = SupportSettings.load()
    support.test_mode = True
    support.save()
    return support
