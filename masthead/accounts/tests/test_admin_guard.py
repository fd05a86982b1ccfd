"""No admin page, JSON endpoint or chooser answers a session that has only a password."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from masthead.accounts.testing import sign_in_verified
from masthead.accounts.tests.conftest import password_sign_in

VERIFY = "/admin/second-factor/verify/"
ENROL = "/admin/second-factor/enrol/"


def admin_urls() -> list[str]:
    """A representative set: Wagtail's own areas and JSON endpoints, and each of our menus."""
    return [
        "/admin/",
        "/admin/pages/",
        "/admin/pages/search/",
        "/admin/snippets/",
        "/admin/users/",
        "/admin/groups/",
        reverse("wagtailsettings:edit", args=["core", "publicationsettings"]),
        "/admin/images/",
        "/admin/images/chooser/",
        "/admin/documents/",
        "/admin/api/main/pages/",
        "/admin/account/",
        reverse("wagtailsnippets_newsletters_newsletter:list"),
        reverse("wagtailsnippets_newsletters_edition:list"),
        reverse("wagtailsnippets_newsletters_subscriber:list"),
        reverse("supporters_admin:revenue"),
        reverse("supporters_admin:contributions-csv"),
        reverse("wagtailsnippets_appeals_appeal:list"),
        reverse("accounts:manage"),
    ]


def assert_guarded(client: Client, *, to: str) -> None:
    for url in admin_urls():
        for headers in ({}, {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}):
            response = client.get(url, **headers)
            assert response.status_code == 302, (url, response.status_code)
            assert response["Location"].startswith(to), (url, response["Location"])
    response = client.post("/admin/pages/add/publishing/articlepage/2/", {"title": "x"})
    assert response.status_code == 302 and response["Location"].startswith(to)


@pytest.mark.django_db
def test_the_urls_checked_are_real_admin_pages(superuser):
    client = Client()
    sign_in_verified(client, superuser)
    for url in admin_urls():
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        assert not any("second-factor/verify" in u for u, _ in response.redirect_chain), url


@pytest.mark.django_db
def test_a_password_alone_reaches_no_admin_page(superuser, client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=superuser, name="Phone", confirmed=True)
    response = password_sign_in(client, superuser.username)
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"].startswith(VERIFY)
    assert_guarded(client, to=VERIFY)
    # The pages it may reach: the second-factor page itself, and signing out.
    assert client.get(VERIFY).status_code == 200
    assert client.post("/admin/logout/").status_code == 302
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_an_account_without_a_factor_must_enrol_first(superuser, client):
    password_sign_in(client, superuser.username)
    assert_guarded(client, to=ENROL)
    response = client.get(ENROL)
    assert response.status_code == 200
    assert b"data-totp-secret" in response.content


@pytest.mark.django_db
def test_a_password_reset_does_not_open_the_admin(superuser, client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=superuser, name="Phone", confirmed=True)
    client.post("/admin/password_reset/", {"email": superuser.email})
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/admin/password_reset/confirm/\S+)", message.body)[1]
    set_password_url = client.get(link)["Location"]
    new_password = "a new and long passphrase 42"
    response = client.post(
        set_password_url, {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    # The reset signs nobody in…
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    # …and the new password alone is still only the first step.
    assert password_sign_in(client, superuser.username, new_password).status_code == 302
    assert_guarded(client, to=VERIFY)


@pytest.mark.django_db
def test_django_admin_is_not_served(superuser, client):
    sign_in_verified(client, superuser)
    assert client.get("/django-admin/").status_code == 404
    assert client.get("/django-admin/auth/user/").status_code == 404


@pytest.mark.django_db
def test_public_pages_are_untouched_by_an_unverified_session(superuser, client):
    anonymous = Client().get("/robots.txt")
    password_sign_in(client, superuser.username)
    signed_in = client.get("/robots.txt")
    assert signed_in.status_code == anonymous.status_code == 200
    assert signed_in.content == anonymous.content
    assert "Set-Cookie" not in anonymous.headers


@pytest.mark.django_db
def test_optional_mode_lets_accounts_without_factors_in(settings, superuser, client):
    settings.ADMIN_2FA = "optional"
    password_sign_in(client, superuser.username)
    assert client.get("/admin/").status_code == 200
    from django.core import checks

    warnings = [m for m in checks.run_checks() if m.id == "masthead.accounts.W001"]
    assert warnings and "development only" in warnings[0].hint.lower()


@pytest.mark.django_db
def test_default_admin_client_fixture_is_verified(admin_client):
    assert admin_client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_password_alone_opens_no_page_or_document_restricted_to_signed_in_users(
    superuser, client
):
    from django.core.files.base import ContentFile
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from wagtail.documents.models import Document
    from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

    from masthead.publishing.tests import factories

    TOTPDevice.objects.create(user=superuser, name="Phone", confirmed=True)
    section = factories.section(title="Desk", slug="desk")
    PageViewRestriction.objects.create(page=section, restriction_type="login")
    staff_only = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(collection=staff_only, restriction_type="login")
    document = Document.objects.create(
        title="Rota", collection=staff_only, file=ContentFile(b"night shift", name="rota.txt")
    )
    password_sign_in(client, superuser.username)
    for url in (section.url, document.url):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    verified = Client()
    sign_in_verified(verified, superuser)
    assert verified.get(section.url).status_code == 200
    assert verified.get(document.url).status_code == 200
