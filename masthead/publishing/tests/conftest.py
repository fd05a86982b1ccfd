"""The running demo publication and a browser for this app's browser tests.

Registered as one plugin (``masthead.project.tests.demo_server``) rather than imported here, so
that test modules elsewhere that use it too share one server and one browser per run.
"""


def pytest_configure(config):
    config.pluginmanager.import_plugin("masthead.project.tests.demo_server")
