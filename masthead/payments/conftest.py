import pytest

from masthead.payments.tests.fixtures import test_mode  # noqa: F401 - shared fixture


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background tasks (receipts) run at once, in the test's own process."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
