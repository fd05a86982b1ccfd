"""The running demo publication and Chromium, shared with the other apps' browser tests."""


def pytest_configure(config):
    config.pluginmanager.import_plugin("masthead.project.tests.demo_server")
