"""Passkeys in Chromium, through a virtual authenticator (Chrome DevTools' WebAuthn domain):
enrol one at the first sign-in, then sign in with the passkey alone, and with a password and
the passkey as the second factor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test.testcases import LiveServerThread
from django_otp_webauthn.models import WebAuthnCredential

from masthead.audit.models import SecurityAction, SecurityEvent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a long enough passphrase 12"  # noqa: S105 - a test account's


@pytest.fixture
def site(settings) -> Iterator[str]:
    """The app on 127.0.0.1, browsed as http://localhost (a secure context, and a domain
    name a passkey can belong to), with the relying party set to match."""
    server = LiveServerThread("127.0.0.1", lambda app: app, port=0)  # WhiteNoise serves static
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base_url = f"http://localhost:{server.port}"
    settings.PASSKEYS_ENABLED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [base_url]
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    try:
        yield base_url
    finally:
        server.terminate()
        server.join()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    yield page
    context.close()


def test_passkey_enrolment_then_passwordless_and_second_factor_sign_in(site, page):
    # Admin access from the permission itself: the one thing the test needs, not the whole
    # Editor group of the data migrations.
    user = get_user_model().objects.create_user(
        username="reporter", email="reporter@example.org", password=PASSWORD, is_staff=True
    )
    user.user_permissions.add(
        Permission.objects.get_or_create(
            codename="access_admin",
            content_type=ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")[
                0
            ],
            defaults={"name": "Can access Wagtail admin"},
        )[0]
    )

    # First sign-in: the password, then a passkey must be set up before the admin opens.
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("reporter")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/admin/second-factor/enrol/**")
    page.get_by_role("button", name="Create a passkey").click()
    page.wait_for_url("**/admin/second-factor/recovery-codes/**")
    assert page.locator("[data-recovery-codes] li").count() == 10
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url(f"{site}/admin/")
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1

    # Sign out (the browser forgets the session); sign in with the passkey alone.
    page.context.clear_cookies()
    page.goto(f"{site}/admin/")
    page.wait_for_url("**/admin/login/**")
    page.get_by_role("button", name="Or sign in with a passkey").click()
    page.wait_for_url(f"{site}/admin/")
    assert page.get_by_role("heading", level=1).first.is_visible()
    assert "second-factor" not in page.url

    # Sign out; the password, then the passkey as the second factor.
    page.context.clear_cookies()
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("reporter")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/admin/second-factor/verify/**")
    page.get_by_role("button", name="Use your passkey").click()
    page.wait_for_url(f"{site}/admin/")

    methods = [
        e.detail.get("method")
        for e in SecurityEvent.objects.filter(action=SecurityAction.SIGNIN, user_id=user.pk)
    ]
    assert sorted(methods) == ["passkey", "password", "password"]
    assert SecurityEvent.objects.filter(
        action=SecurityAction.SECOND_FACTOR_ADDED, user_id=user.pk, detail__kind="passkey"
    ).exists()
