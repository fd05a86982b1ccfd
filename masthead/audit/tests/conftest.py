import pytest


@pytest.fixture
def sign_in():
    from masthead.accounts.testing import sign_in_verified

    return sign_in_verified
