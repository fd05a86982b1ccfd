"""Transactional tests keep the migrations' rows after a browser test (see the root
``conftest.py``): Playwright leaves its event loop marked as running in the test thread, and the
thread must keep the connection object that holds the serialized copy of those rows."""

import asyncio

import pytest
from django.db import connections

from masthead.publishing.models import HomePage

pytest_plugins = ["masthead.project.tests.demo_server"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_playwright_running_the_connection_keeps_the_migrations_rows(
    django_db_setup,  # the test database first, as in a whole run, then the browser
    browser,
):
    page = browser.new_page()
    try:
        page.set_content("<p>Playwright has run in this thread</p>")
    finally:
        page.close()
    assert asyncio.get_running_loop(), "Playwright's loop is marked as running"
    assert isinstance(connections["default"]._test_serialized_contents, str)
    assert HomePage.objects.count() == 1
