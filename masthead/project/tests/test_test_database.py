"""Pins the private Django attribute that the root conftest relies on to restore the
migrations' rows before transactional tests (see ``conftest.py``)."""

import pytest
from django.db import connections

from masthead.publishing.models import HomePage


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_serialized_rows_are_kept_on_the_connection_and_restored():
    assert isinstance(connections["default"]._test_serialized_contents, str)
    assert HomePage.objects.count() == 1
