import pytest
from django.test import override_settings

from masthead.figures import tally


@pytest.fixture(autouse=True)
def tally_flushed_by_the_test():
    """Each test flushes the process tally itself; its timer never writes behind its back."""
    tally.discard()
    with override_settings(FIGURES_FLUSH_SECONDS=3600):
        yield
    tally.discard()


def pytest_configure(config):
    # The running demo publication and Chromium, shared with the other apps' browser tests.
    config.pluginmanager.import_plugin("masthead.project.tests.demo_server")
