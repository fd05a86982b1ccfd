import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple 7"  # noqa: S105 - a test account's


def pytest_configure(config):
    # The Chromium fixture (``browser``) shared with the other apps' browser tests: one
    # Playwright per session, whichever apps' tests run.
    config.pluginmanager.import_plugin("masthead.project.tests.demo_server")


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user(
        username="editor", email="editor@example.org", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="chief", email="chief@example.org", password=PASSWORD
    )


@pytest.fixture
def totp(editor) -> TOTPDevice:
    return TOTPDevice.objects.create(user=editor, name="Phone", confirmed=True)


@pytest.fixture
def recovery_codes(editor) -> list[str]:
    device = StaticDevice.objects.create(user=editor, name="Recovery codes", confirmed=True)
    codes = [f"code{i:04d}" for i in range(10)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def password_sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post(
        "/admin/login/", {"username": username, "password": password, "next": "/admin/"}, **extra
    )
