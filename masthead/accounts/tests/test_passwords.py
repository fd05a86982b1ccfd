"""Passwords set in Wagtail's admin: 12 characters at least, none of Django's bundled list of
20,000 common passwords (no network needed), and every change in the audit log."""

import re

import html5lib
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from masthead.accounts.testing import sign_in_verified
from masthead.audit.models import SecurityAction, SecurityEvent


def account_form(client) -> dict:
    """Every field of Wagtail's account page as it stands (its panels are saved together)."""
    document = html5lib.parse(client.get("/admin/account/").content, namespaceHTMLElements=False)
    data = {}
    for field in document.iter("input"):
        kind = field.get("type", "text")
        if field.get("name") and (kind not in ("checkbox", "radio") or "checked" in field.attrib):
            data[field.get("name")] = field.get("value", "")
    for select in document.iter("select"):
        chosen = [o for o in select.iter("option") if "selected" in o.attrib]
        if select.get("name") and chosen:
            data[select.get("name")] = chosen[0].get("value", "")
    data.pop("csrfmiddlewaretoken", None)
    return {**data, "name_email-first_name": "Ed", "name_email-last_name": "Itor"}


@pytest.mark.django_db
def test_changing_ones_own_password_refuses_short_and_common_ones(editor):
    client = Client()
    sign_in_verified(client, editor)
    for weak in ("Sh0rt!pass", "password1234", "qwertyuiop123"):
        response = client.post(
            "/admin/account/",
            {
                **account_form(client),
                "password-old_password": "correct horse battery staple 7",
                "password-new_password1": weak,
                "password-new_password2": weak,
            },
        )
        assert response.status_code == 200, weak
        assert re.search(rb"too short|too common", response.content), weak
    strong = "seven lanterns over the river"
    response = client.post(
        "/admin/account/",
        {
            **account_form(client),
            "password-old_password": "correct horse battery staple 7",
            "password-new_password1": strong,
            "password-new_password2": strong,
        },
    )
    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password(strong)
    assert SecurityEvent.objects.filter(
        action=SecurityAction.PASSWORD_CHANGED, object_id=str(editor.pk)
    ).exists()


@pytest.mark.django_db
def test_password_reset_is_logged_and_refuses_common_passwords(editor):
    client = Client()
    client.post("/admin/password_reset/", {"email": editor.email})
    client.post("/admin/password_reset/", {"email": "nobody@example.org"})
    assert len(mail.outbox) == 1
    assert SecurityEvent.objects.filter(action=SecurityAction.PASSWORD_RESET_REQUESTED).count() == 1
    link = re.search(r"(/admin/password_reset/confirm/\S+)", mail.outbox[0].body)[1]
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url, {"new_password1": "password1234", "new_password2": "password1234"}
    )
    assert response.status_code == 200 and b"too common" in response.content


@pytest.mark.django_db
def test_an_administrator_cannot_give_a_user_a_short_password(superuser, editor):
    client = Client()
    sign_in_verified(client, superuser)
    response = client.post(
        reverse("wagtailusers_users:edit", args=[editor.pk]),
        {
            "username": "editor",
            "email": editor.email,
            "first_name": "E",
            "last_name": "D",
            "password1": "abc12345",
            "password2": "abc12345",
            "is_active": "on",
            "groups": [g.pk for g in editor.groups.all()],
        },
    )
    assert response.status_code == 200
    assert b"too short" in response.content
