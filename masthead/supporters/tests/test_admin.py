"""Reader revenue in the Wagtail admin: charts and tables, CSV exports, offline gifts to
confirm, and who may see them."""

from __future__ import annotations

import csv
import io
import re
import secrets
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from masthead.accounts.testing import sign_in_verified
from masthead.audit.models import SecurityAction, SecurityEvent
from masthead.payments.offline.models import OfflinePaymentSettings
from masthead.supporters import selectors
from masthead.supporters.models import BlockedAttempts, Contribution, RecurringSupport
from masthead.supporters.tests import factories
from masthead.supporters.tests.factories import origin

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        "ed", "ed@example.org", "pw-for-tests-only", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def contributor(django_user_model):
    user = django_user_model.objects.create_user(
        "co", "co@example.org", "pw-for-tests-only", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Contributor"))
    return user


def received(amount_minor, currency, frequency, days_ago, *, renewal=False, recurring=None):
    when = timezone.now() - timedelta(days=days_ago)
    return Contribution.objects.create(
        amount_minor=amount_minor,
        currency=currency,
        frequency=frequency,
        provider="test",
        status=Contribution.Status.SUCCEEDED,
        checkout_token=secrets.token_urlsafe(24),
        succeeded_at=when,
        is_renewal=renewal,
        recurring=recurring,
        is_test=True,
    )


@pytest.fixture
def money(test_mode):
    received(1500, "USD", "once", 0)
    received(500, "USD", "once", 0)
    received(5000, "EUR", "once", 0)
    monthly = factories.recurring(amount_minor=500, currency="USD")
    received(500, "USD", "monthly", 0, renewal=True, recurring=monthly)
    factories.recurring(amount_minor=6000, currency="USD", frequency="annual")
    factories.recurring(amount_minor=1000, currency="EUR", status="cancelled")
    RecurringSupport.objects.filter(status="cancelled").update(ended_at=timezone.now())
    BlockedAttempts.objects.create(day=timezone.localdate(), scope="payment", count=7)


def test_revenue_selectors(money):
    this_month = selectors.revenue_by_month(months=12, is_test=True)
    usd = this_month["USD"][-1]
    assert (usd.one_off_minor, usd.one_off_count) == (2000, 2)
    # factories.recurring backdates its first payment 10 days: it may fall in last month.
    assert usd.recurring_minor >= 500
    summary = selectors.recurring_summary(is_test=True)
    assert summary.active == 2
    assert summary.mrr_minor == {"USD": 500 + 500}  # 5 a month and 60 a year
    flow = selectors.recurring_flow_by_month(months=12, is_test=True)
    assert sum(f.new for f in flow) == 3 and flow[-1].cancelled == 1
    # Live figures leave test payments out.
    assert selectors.revenue_by_month(months=12, is_test=False) == {}


def test_editor_sees_charts_tables_and_counts(client, editor, money):
    sign_in_verified(client, editor)
    response = client.get(reverse("supporters_admin:revenue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg class="revenue-chart"') == 3  # USD, EUR, new/cancelled
    assert "Received in USD" in html and "Received in EUR" in html
    assert "$20" in html  # one-off this month
    assert re.search(r"<strong[^>]*>2</strong><br>active recurring supporters", html)
    assert "$10" in html  # MRR
    assert re.search(r"<strong[^>]*>7</strong><br>payment attempts blocked", html)
    assert "TEST MODE" in html
    assert "<script" not in html.split('<svg class="revenue-chart"')[1].split("</svg>")[0]


def test_csv_exports(client, editor, money):
    sign_in_verified(client, editor)
    response = client.get(reverse("supporters_admin:revenue-csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    this_month = timezone.localdate().strftime("%Y-%m")
    usd = next(r for r in rows if r["month"] == this_month and r["currency"] == "USD")
    assert usd["one_off"] == "20.00" and usd["one_off_count"] == "2"
    assert len([r for r in rows if r["currency"] == "USD"]) == 12

    # Contributions one by one, as a file: administrators only, and traced.
    assert b"contributions.csv" not in client.get(reverse("supporters_admin:revenue")).content
    assert client.get(reverse("supporters_admin:contributions-csv")).status_code == 403
    assert not SecurityEvent.objects.filter(action=SecurityAction.EXPORT).exists()
    editor.groups.add(Group.objects.get(name="Administrator"))
    editor = type(editor).objects.get(pk=editor.pk)  # permissions are cached per instance
    assert b"contributions.csv" in client.get(reverse("supporters_admin:revenue")).content
    response = client.get(reverse("supporters_admin:contributions-csv"))
    text = response.content.decode()
    assert "@example.org" not in text  # no email addresses leave in an export
    assert text.count("\n") == Contribution.objects.count() + 1
    event = SecurityEvent.objects.get(action=SecurityAction.EXPORT)
    assert event.user_id == editor.pk
    assert event.detail == {
        "what": "contributions",
        "rows": Contribution.objects.count(),
        "test_mode": True,
    }


def test_contributors_do_not_see_revenue(client, contributor):
    sign_in_verified(client, contributor)
    assert client.get(reverse("supporters_admin:revenue")).status_code in (302, 403)
    assert client.get(reverse("supporters_admin:revenue-csv")).status_code in (302, 403)
    assert "Reader revenue" not in client.get("/admin/").content.decode()


def test_readers_cannot_reach_the_admin_pages(client):
    response = client.get(reverse("supporters_admin:revenue"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_offline_gift_from_promise_to_receipt(client, editor, test_mode, mailoutbox):
    offline = OfflinePaymentSettings.load()
    offline.bank_transfer_instructions = "IBAN: XX00 TEST 1234\nBank: Aldenburg Savings"
    offline.save()
    data = {
        "frequency": "once",
        "currency": "EUR",
        "amount-once-EUR": "50",
        "method": "bank_transfer",
        "email": "transfer@example.org",
    }
    response = client.post("/support/contribute/", data, **origin())
    contribution = Contribution.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "IBAN: XX00 TEST 1234" in page
    reference = re.search(r'payment-offline__reference">(MH-[A-Z2-7]{8})<', page).group(1)
    response = client.post(response["Location"], {"promise": "sent"}, **origin())
    thanks = client.get(response["Location"])
    assert "as soon as the money reaches us" in thanks.content.decode()
    assert "mh_supporter" not in thanks.cookies  # not a supporter until the money arrives
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.PENDING
    assert contribution.provider_reference == reference
    assert mailoutbox == []

    sign_in_verified(client, editor)
    pending = client.get(reverse("supporters_admin:pending")).content.decode()
    assert reference in pending and "transfer@example.org" in pending and "€50" in pending
    decide = reverse("supporters_admin:pending-decide", args=[contribution.pk])
    client.post(decide, {"decision": "received"})
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.SUCCEEDED
    assert [m.to for m in mailoutbox] == [["transfer@example.org"]]
    assert contribution.audit.filter(action="contribution.succeeded", actor="editor:ed").exists()
    # Pressing the button again changes nothing.
    client.post(decide, {"decision": "received"})
    assert len(mailoutbox) == 1
    assert reference not in client.get(reverse("supporters_admin:pending")).content.decode()


def test_offline_gift_not_received(client, editor, test_mode):
    contribution = factories.contribution(provider="crypto")
    Contribution.objects.filter(pk=contribution.pk).update(
        status="pending", provider_reference="MH-AAAA2222"
    )
    sign_in_verified(client, editor)
    client.post(
        reverse("supporters_admin:pending-decide", args=[contribution.pk]),
        {"decision": "not_received"},
    )
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.CANCELLED


def test_admin_revenue_page_needs_csrf_for_decisions(editor, test_mode):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    sign_in_verified(client, editor)
    contribution = factories.contribution(provider="crypto")
    Contribution.objects.filter(pk=contribution.pk).update(
        status="pending", provider_reference="MH-BBBB3333"
    )
    response = client.post(
        reverse("supporters_admin:pending-decide", args=[contribution.pk]), {"decision": "received"}
    )
    assert response.status_code == 403
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.PENDING
