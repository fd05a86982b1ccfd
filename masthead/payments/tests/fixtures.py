"""Fixtures every provider's tests share. Test-only: the tests may reach into the app that
keeps the records (the payments package itself never does)."""

import pytest


@pytest.fixture
def test_mode(db):
    from masthead.supporters.models import SupportSettings

    support = SupportSettings.load()
    support.test_mode = True
    support.save()
    return support
