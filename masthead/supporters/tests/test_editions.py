"""Support pages in each language edition (``MASTHEAD_LANGUAGES=en,ru``): /ru/support/… in
Russian, linking and posting within that edition, and every email a task sends later (the
reminder and its confirmation, receipts, renewal notices, the sign-in link) in the language of
the edition the reader was on.

The settings and URLconf are those of two languages (``two_editions``, from publishing's
edition tests); with one language these pages are what the other supporters tests check.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.publishing.tests.editions import russian, two_editions  # noqa: F401
from masthead.supporters import services, tasks
from masthead.supporters.models import Contribution, RecurringSupport, Reminder
from masthead.supporters.tests import factories
from masthead.supporters.tests.factories import origin

pytestmark = pytest.mark.django_db


@pytest.fixture
def editions(two_editions, test_mode):  # noqa: F811
    return test_mode


def html_lang(html: str) -> str:
    return re.search(r'<html[^>]* lang="([^"]+)"', html).group(1)


def give(client, prefix: str, frequency: str = "once", email: str = "giver@example.org"):
    """A test-mode gift from the support page of the edition at ``prefix``, paid; the
    contribution."""
    amount = {"once": "amount-once-EUR", "monthly": "amount-monthly-EUR"}[frequency]
    data = {
        "frequency": frequency,
        "currency": "EUR",
        amount: "15",
        "method": "test",
        "email": email,
    }
    response = client.post(f"{prefix}support/contribute/", data, **origin())
    assert response.status_code == 303, response.content[:300]
    contribution = Contribution.objects.latest("pk")
    pay_path = f"{prefix}support/pay/{contribution.checkout_token}/"
    assert response["Location"] == pay_path
    paid = client.post(pay_path, {"outcome": "succeed"}, **origin())
    assert paid["Location"] == f"{prefix}support/thanks/{contribution.checkout_token}/"
    thanks = client.get(paid["Location"])
    assert thanks.status_code == 200
    assert html_lang(thanks.content.decode()) == ("ru" if prefix == "/ru/" else "en")
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.SUCCEEDED
    return contribution


def test_a_gift_from_the_russian_support_page_gets_a_russian_receipt(client, editions, mailoutbox):
    contribution = give(client, "/ru/")
    assert contribution.language == "ru"
    (receipt,) = mailoutbox
    expected = russian("Your receipt %(number)s") % {"number": contribution.receipt_number}
    assert receipt.subject.startswith(f"[{russian('TEST MODE')}] {expected}")
    assert "Your receipt" not in receipt.subject
    # Sent again by the worker, away from the Russian page (the retry job): still Russian.
    mailoutbox.clear()
    Contribution.objects.filter(pk=contribution.pk).update(receipt_sent_at=None)
    assert services.receipt_send(contribution_id=contribution.pk)
    (again,) = mailoutbox
    assert again.subject == receipt.subject


def test_a_gift_from_the_default_support_page_stays_in_english(client, editions, mailoutbox):
    contribution = give(client, "/")
    assert contribution.language == "en"
    (receipt,) = mailoutbox
    assert receipt.subject.startswith("[TEST MODE] Your receipt MH-")
    assert "/ru/" not in receipt.body


def test_recurring_support_keeps_its_language_for_renewals_and_notices(
    client, editions, mailoutbox
):
    contribution = give(client, "/ru/", frequency="monthly")
    recurring = RecurringSupport.objects.get(pk=contribution.recurring_id)
    assert recurring.language == "ru"
    # "Manage my support" in the receipt is the Russian edition's.
    (receipt,) = mailoutbox
    assert re.search(r"https?://\S+/ru/support/manage/(\s|$)", receipt.body)
    mailoutbox.clear()

    # A renewal arrives from the provider, with nobody on a page: still Russian.
    assert services.contribution_renewal_record(
        recurring=recurring,
        payment_reference="renewal-1",
        amount_minor=None,
        currency="",
        actor="provider:test",
        at=timezone.now(),
    )
    (receipt,) = mailoutbox
    assert russian("Your receipt %(number)s").split("%")[0] in receipt.subject

    mailoutbox.clear()
    RecurringSupport.objects.filter(pk=recurring.pk).update(
        frequency="annual", current_period_end=timezone.now() + timedelta(days=5)
    )
    assert services.renewal_notices_send() == 1
    (notice,) = mailoutbox
    assert russian("Your annual support renews soon") in notice.subject


def test_the_sign_in_link_is_in_the_language_it_was_asked_in(client, editions, mailoutbox):
    give(client, "/")  # an English gift
    mailoutbox.clear()
    client.post("/ru/support/manage/sign-in/", {"email": "giver@example.org"}, **origin())
    (mail,) = mailoutbox
    assert russian("Your link to manage your support") in mail.subject
    path = re.search(r"https?://[^/\s]+(/ru/support/manage/sign-in/[^/\s]+/)", mail.body).group(1)
    page = client.get(path)
    assert page.status_code == 200 and html_lang(page.content.decode()) == "ru"

    mailoutbox.clear()
    client.post("/support/manage/sign-in/", {"email": "giver@example.org"}, **origin())
    (mail,) = mailoutbox
    assert "Your link to manage your support" in mail.subject
    assert "/ru/" not in mail.body


def test_without_a_language_the_sign_in_link_follows_the_last_gift(editions, mailoutbox):
    contribution = factories.contribution(email="old@example.org")
    Contribution.objects.filter(pk=contribution.pk).update(language="ru")
    mailoutbox.clear()
    assert services.signin_request(email="old@example.org")
    (mail,) = mailoutbox
    assert russian("Your link to manage your support") in mail.subject


def test_a_reminder_asked_in_russian_is_confirmed_and_sent_in_russian(client, editions, mailoutbox):
    response = client.post(
        "/ru/support/remind/", {"email": "later@example.org", "when": "next_month"}, **origin()
    )
    assert response.status_code == 200 and html_lang(response.content.decode()) == "ru"
    assert Reminder.objects.get().language == "ru"
    (confirmation,) = mailoutbox
    assert russian("We will remind you") in confirmation.subject
    cancel_path = re.search(r"(/ru/support/remind/cancel/[^/\s]+/)", confirmation.body).group(1)
    assert client.get(cancel_path).status_code == 200
    # The worker writes it in Russian away from the Russian page too.
    mailoutbox.clear()
    tasks.reminder_confirmation_email.call(
        reminder_id=Reminder.objects.get().pk, cancel_token="token"
    )
    (again,) = mailoutbox
    assert again.subject == confirmation.subject

    mailoutbox.clear()
    Reminder.objects.update(remind_on=timezone.localdate())
    assert services.reminders_send_due() == 1
    (reminder,) = mailoutbox
    assert russian("You asked us to remind you") in reminder.subject
    assert re.search(r"https?://\S+/ru/support/(\s|$)", reminder.body)


def test_a_reminder_asked_in_english_stays_english(client, editions, mailoutbox):
    client.post(
        "/support/remind/", {"email": "later@example.org", "when": "next_month"}, **origin()
    )
    (confirmation,) = mailoutbox
    assert "We will remind you" in confirmation.subject and "/ru/" not in confirmation.body


@pytest.mark.parametrize("recorded", ["", "xx"])
def test_a_reminder_without_a_known_language_is_sent_in_the_default(editions, mailoutbox, recorded):
    """Rows from before languages were recorded, or in a language nothing is translated into."""
    Reminder.objects.create(
        email="old@example.org",
        remind_on=timezone.localdate(),
        cancel_token_hash="x" * 64,
        language=recorded,
    )
    assert services.reminders_send_due() == 1
    (reminder,) = mailoutbox
    assert "You asked us to remind you" in reminder.subject and "/ru/" not in reminder.body


def test_the_russian_support_page_links_and_posts_within_its_edition(client, editions):
    html = client.get("/ru/support/").content.decode()
    assert html_lang(html) == "ru"
    assert 'action="/ru/support/contribute/"' in html
    assert 'href="/ru/support/remind/"' in html
    assert 'href="/ru/support/manage/sign-in/"' in html
    assert not re.search(r'(href|action)="/support/', html)

    english = client.get("/support/").content.decode()
    assert html_lang(english) == "en"
    assert 'action="/support/contribute/"' in english and 'href="/support/remind/"' in english
    assert "/ru/support/" not in english

    reminder_page = client.get("/ru/support/remind/").content.decode()
    assert 'action="/ru/support/remind/"' in reminder_page


def test_the_pages_after_a_russian_form_lead_back_to_the_russian_edition(
    client, editions, mailoutbox
):
    done = client.post(
        "/ru/support/remind/", {"email": "later@example.org", "when": "next_month"}, **origin()
    ).content.decode()
    back = russian("Back to the front page")
    assert re.search(rf'<a href="([^"]*)">{back}</a>', done).group(1) == "/ru/"
    english = client.post(
        "/support/remind/", {"email": "other@example.org", "when": "next_month"}, **origin()
    ).content.decode()
    assert '<a href="/">Back to the front page</a>' in english
