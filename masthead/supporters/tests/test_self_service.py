""" "Manage my support": a sign-in link by email, then changes reflected at the provider and in
our records, and receipts to see and download."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masthead.supporters.models import AuditEntry, RecurringSupport, SignInLink, Supporter
from masthead.supporters.tests import factories
from masthead.supporters.tests.factories import origin

pytestmark = pytest.mark.django_db

SIGNIN = "/support/manage/sign-in/"


def link_from(mail) -> str:
    return re.search(r"https?://[^/\s]+(/support/manage/sign-in/[^/\s]+/)", mail.body).group(1)


@pytest.fixture
def member(test_mode) -> RecurringSupport:
    return factories.recurring(amount_minor=500, frequency="monthly")


def sign_in(client, recurring: RecurringSupport, mailoutbox) -> None:
    client.post(SIGNIN, {"email": recurring.supporter.email.upper()}, **origin())
    path = link_from(mailoutbox[-1])
    page = client.get(path)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(path, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/support/manage/"


def test_the_answer_never_reveals_whether_an_address_is_known(client, member, mailoutbox):
    known = client.post(SIGNIN, {"email": member.supporter.email}, **origin())
    unknown = client.post(SIGNIN, {"email": "stranger@example.org"}, **origin())

    def strip(response) -> str:
        html = response.content.decode()
        return html.replace(member.supporter.email, "X").replace("stranger@example.org", "X")

    assert known.status_code == unknown.status_code == 200
    assert strip(known) == strip(unknown)
    assert [m.to for m in mailoutbox] == [[member.supporter.email]]
    assert not Supporter.objects.filter(email="stranger@example.org").exists()


def test_link_signs_in_once_within_fifteen_minutes(client, member, mailoutbox):
    client.post(SIGNIN, {"email": member.supporter.email}, **origin())
    path = link_from(mailoutbox[0])
    assert "15 minutes" in mailoutbox[0].body
    # Only a hash is stored.
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert not SignInLink.objects.filter(token_hash=token).exists()
    # Opening the link (or a mail scanner following it) uses nothing up.
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    assert client.get("/support/manage/").status_code == 200
    # Used once: no second time, in another browser either.
    other = Client()
    assert other.post(path).status_code == 410
    assert other.get("/support/manage/")["Location"] == SIGNIN


def test_expired_link_does_not_sign_in(client, member, mailoutbox):
    client.post(SIGNIN, {"email": member.supporter.email}, **origin())
    SignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    path = link_from(mailoutbox[0])
    assert client.get(path).status_code == 410
    assert client.post(path).status_code == 410
    assert client.get("/support/manage/").status_code == 302


def test_the_emailed_link_is_on_the_origin_readers_act_on(client, member, mailoutbox, settings):
    """The main domain may be blocked where the supporter reads: the sign-in link (and so the
    supporter's page behind it) is on the first API origin, which static copies use too."""
    settings.API_ORIGINS = ["https://api.news.example.net", "https://api2.news.example.net"]
    client.post(SIGNIN, {"email": member.supporter.email}, **origin())
    (mail,) = mailoutbox
    link = re.search(r"https?://\S+/support/manage/sign-in/\S+/", mail.body).group(0)
    assert link.startswith("https://api.news.example.net/support/manage/sign-in/")
    assert settings.BASE_URL not in mail.body
    # The same app answers there: the link's path signs in as on the main domain.
    assert client.get(link.removeprefix("https://api.news.example.net")).status_code == 200


def test_sign_in_requests_are_limited_per_address(client, member, mailoutbox, settings):
    for _ in range(5):
        response = client.post(SIGNIN, {"email": member.supporter.email}, **origin())
        assert response.status_code == 200
    assert len(mailoutbox) == 3


def test_bad_sign_in_input(client, member):
    assert client.post(SIGNIN, {"email": "nope"}, **origin()).status_code == 400
    assert client.post(SIGNIN, {"email": member.supporter.email}).status_code == 403
    assert client.get("/support/manage/sign-in/" + "x" * 500 + "/").status_code == 410


def test_supporter_page_lists_support_and_receipts(client, member, mailoutbox):
    sign_in(client, member, mailoutbox)
    response = client.get("/support/manage/")
    html = response.content.decode()
    assert "$5 a month" in html and "Active. Next payment on" in html
    receipt = member.contributions.get()
    assert receipt.receipt_number in html
    # Visiting renews the supporter cookie for as long as support lasts.
    assert response.cookies["mh_supporter"].value.startswith("until:")
    assert "no-store" in response["Cache-Control"]

    page = client.get(reverse("supporters:receipt", args=[receipt.pk]))
    assert receipt.receipt_number in page.content.decode() and "$5" in page.content.decode()
    download = client.get(reverse("supporters:receipt", args=[receipt.pk]) + "?download=1")
    assert (
        download["Content-Disposition"]
        == f'attachment; filename="receipt-{receipt.receipt_number}.html"'
    )


def test_change_amount_switch_cancel_and_resume(client, member, mailoutbox):
    sign_in(client, member, mailoutbox)
    action = reverse("supporters:recurring-action", args=[member.pk])

    client.post(action, {"action": "change", "amount": "12.50", "frequency": "monthly"})
    member.refresh_from_db()
    assert (member.amount_minor, member.frequency) == (1250, "monthly")

    client.post(action, {"action": "change", "amount": "120", "frequency": "annual"})
    member.refresh_from_db()
    assert (member.amount_minor, member.frequency) == (12000, "annual")

    client.post(action, {"action": "cancel"})
    member.refresh_from_db()
    assert member.cancel_at_period_end and member.status == "active"
    html = client.get("/support/manage/").content.decode()
    assert "Cancelled: ends on" in html and "Keep supporting" in html

    client.post(action, {"action": "resume"})
    member.refresh_from_db()
    assert not member.cancel_at_period_end
    actions = list(
        AuditEntry.objects.filter(recurring=member, actor__startswith="supporter:")
        .order_by("at")
        .values_list("action", flat=True)
    )
    assert actions.count("recurring.changed_by_supporter") == 2
    assert "recurring.cancel_requested" in actions and "recurring.resumed" in actions


def test_bad_changes_are_explained(client, member, mailoutbox):
    sign_in(client, member, mailoutbox)
    action = reverse("supporters:recurring-action", args=[member.pk])
    response = client.post(action, {"action": "change", "amount": "1", "frequency": "monthly"})
    assert response.status_code == 400
    assert "The smallest amount we can take is $2." in response.content.decode()
    response = client.post(action, {"action": "change", "amount": "5", "frequency": "weekly"})
    assert response.status_code == 400
    assert client.post(action, {"action": "explode"}).status_code == 400
    member.refresh_from_db()
    assert member.amount_minor == 500


def test_nobody_else_can_touch_your_support(client, member, mailoutbox):
    other = factories.recurring()
    sign_in(client, member, mailoutbox)
    response = client.post(
        reverse("supporters:recurring-action", args=[other.pk]), {"action": "cancel"}
    )
    assert response.status_code == 404
    receipt = other.contributions.get()
    assert client.get(reverse("supporters:receipt", args=[receipt.pk])).status_code == 404
    other.refresh_from_db()
    assert not other.cancel_at_period_end


def test_signed_in_pages_need_csrf(member, mailoutbox):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, member, mailoutbox)
    response = client.post(
        reverse("supporters:recurring-action", args=[member.pk]), {"action": "cancel"}
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert not member.cancel_at_period_end


def test_sign_out(client, member, mailoutbox):
    sign_in(client, member, mailoutbox)
    client.post(reverse("supporters:signout"))
    assert client.get("/support/manage/").status_code == 302
