"""TOTP codes, recovery codes, enrolment, remembered devices and the administrator's reset."""

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from masthead.accounts.demo import totp_code
from masthead.accounts.selectors import TRUSTED_DEVICE_COOKIE
from masthead.accounts.testing import sign_in_verified
from masthead.accounts.tests.conftest import password_sign_in
from masthead.audit.models import SecurityAction, SecurityEvent

VERIFY = "/admin/second-factor/verify/"


def actions(user) -> list[str]:
    return list(
        SecurityEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True)
    )


def verify(client, code, **data):
    return client.post(VERIFY, {"code": code, "next": "/admin/", **data})


@pytest.mark.django_db
def test_a_totp_code_works_once(editor, totp):
    code = totp_code(key=totp.key)
    first = Client()
    password_sign_in(first, "editor")
    response = verify(first, code)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert first.get("/admin/").status_code == 200

    second = Client()
    password_sign_in(second, "editor")
    replay = verify(second, code)
    assert replay.status_code == 200
    assert b"already been used" in replay.content
    assert second.get("/admin/").status_code == 302
    assert SecurityAction.SIGNIN in actions(editor)
    assert SecurityAction.SECOND_FACTOR_FAILED in actions(editor)


@pytest.mark.django_db
def test_a_recovery_code_works_exactly_once(editor, totp, recovery_codes):
    first = Client()
    password_sign_in(first, "editor")
    assert verify(first, recovery_codes[3].upper()).status_code == 302
    assert first.get("/admin/").status_code == 200
    assert StaticToken.objects.count() == 9
    assert SecurityAction.RECOVERY_CODE_USED in actions(editor)

    second = Client()
    password_sign_in(second, "editor")
    assert verify(second, recovery_codes[3]).status_code == 200
    assert second.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_wrong_codes_lock_the_account(settings, editor, totp):
    client = Client()
    password_sign_in(client, "editor")
    for _ in range(settings.SIGNIN_FAILURE_LIMIT):
        assert verify(client, "000000").status_code == 200
    # Locked: the right code is refused now, and so is the right password.
    response = verify(client, totp_code(key=totp.key))
    assert b"Too many failed sign-in attempts" in response.content
    assert client.get("/admin/").status_code == 302
    refused = password_sign_in(Client(), "editor")
    assert refused.status_code == 200
    assert b"Too many failed sign-in attempts" in refused.content
    assert SecurityAction.LOCKED_OUT in actions(editor)


@pytest.mark.django_db
def test_first_sign_in_enrols_an_authenticator_app_and_shows_recovery_codes_once(editor):
    client = Client()
    password_sign_in(client, "editor")
    page = client.get("/admin/second-factor/enrol/")
    assert page.status_code == 200 and b"otpauth://totp/" in page.content
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert verify_enrol(client, "123").status_code == 200  # wrong: stays
    response = verify_enrol(client, totp_code(key=device.key))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/second-factor/recovery-codes/")
    shown = client.get(client.get(response["Location"])["Location"])
    codes = StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)
    assert len(codes) == 10
    assert all(code.encode() in shown.content for code in codes)
    again = client.get("/admin/second-factor/recovery-codes/")
    assert not any(code.encode() in again.content for code in codes)
    assert client.get("/admin/").status_code == 200
    assert actions(editor).count(SecurityAction.SECOND_FACTOR_ADDED) == 2  # app, codes


def verify_enrol(client, code):
    return client.post("/admin/second-factor/enrol/", {"code": code, "next": "/admin/"})


@pytest.mark.django_db
def test_remembered_device_skips_the_code_until_factors_are_reset(editor, totp, superuser):
    client = Client()
    password_sign_in(client, "editor")
    response = verify(client, totp_code(key=totp.key), remember="on")
    cookie = response.cookies[TRUSTED_DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["path"] == "/admin/"
    assert cookie["secure"]  # the test site is https
    assert 0 < int(cookie["max-age"]) <= 30 * 86400
    client.post("/admin/logout/")

    password_sign_in(client, "editor")
    assert client.get(VERIFY)["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    # Another account on the same browser gets nothing from it.
    TOTPDevice.objects.create(user=superuser, name="Phone", confirmed=True)
    client.post("/admin/logout/")
    password_sign_in(client, "chief")
    assert client.get(VERIFY).status_code == 200

    admin = Client()
    sign_in_verified(admin, superuser)
    admin.post(f"/admin/second-factor/reset/{editor.pk}/")
    client.post("/admin/logout/")
    password_sign_in(client, "editor")
    assert client.get(VERIFY)["Location"].startswith("/admin/second-factor/enrol/")


@pytest.mark.django_db
def test_administrator_resets_another_users_factors(editor, totp, recovery_codes, superuser):
    WebAuthnCredential.objects.create(
        user=editor, name="Key", credential_id=b"x", public_key=b"y", confirmed=True
    )
    victim_session = Client()
    sign_in_verified(victim_session, editor)
    admin = Client()
    sign_in_verified(admin, superuser)
    listing = admin.get("/admin/users/")
    assert f"/admin/second-factor/reset/{editor.pk}/".encode() in listing.content
    assert admin.get(f"/admin/second-factor/reset/{editor.pk}/").status_code == 200
    response = admin.post(f"/admin/second-factor/reset/{editor.pk}/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()
    assert not WebAuthnCredential.objects.filter(user=editor).exists()
    event = SecurityEvent.objects.get(action=SecurityAction.SECOND_FACTOR_RESET)
    assert event.user_id == superuser.pk and event.object_id == str(editor.pk)
    # Their open session loses the admin at once.
    assert victim_session.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_only_permitted_users_reset_factors(editor, totp, superuser):
    client = Client()
    sign_in_verified(client, editor)
    assert client.post(f"/admin/second-factor/reset/{superuser.pk}/").status_code == 403
    assert b"/admin/second-factor/reset/" not in client.get("/admin/users/").content


@pytest.mark.django_db
def test_user_removes_one_of_their_factors_but_not_the_last(editor, totp):
    spare = TOTPDevice.objects.create(user=editor, name="Old phone", confirmed=True)
    client = Client()
    sign_in_verified(client, editor)
    assert client.get("/admin/second-factor/").status_code == 200
    client.post("/admin/second-factor/remove/", {"device": spare.persistent_id})
    assert not TOTPDevice.objects.filter(pk=spare.pk).exists()
    assert SecurityAction.SECOND_FACTOR_REMOVED in actions(editor)
    client.post("/admin/second-factor/remove/", {"device": totp.persistent_id})
    assert TOTPDevice.objects.filter(pk=totp.pk).exists()
