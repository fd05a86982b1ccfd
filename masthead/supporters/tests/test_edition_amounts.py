"""Suggested amounts per language edition (``AmountChoice.language``): an edition takes its own
rows for a frequency and currency when editors wrote them, else the rows for every edition (no
language), else the defaults; what it checks a gift against is what it offered. Emails name the
publication as the reader's edition does."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import translation

from masthead.core.models import PublicationSettings, PublicationWording
from masthead.publishing.tests.editions import two_editions  # noqa: F401
from masthead.supporters import selectors
from masthead.supporters.models import (
    AmountChoice,
    Contribution,
    SupportSettings,
    ThankYouMessage,
)
from masthead.supporters.tests import test_editions as support_editions
from masthead.supporters.tests.factories import origin

pytestmark = pytest.mark.django_db


def _amounts(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{re.escape(name)}" value="([^"]+)"', html)


@pytest.fixture
def rows(two_editions, test_mode):  # noqa: F811
    support = SupportSettings.load()

    def row(frequency, currency, amounts, minimum, language=""):
        AmountChoice.objects.create(
            setting=support,
            frequency=frequency,
            currency=currency,
            language=language,
            amounts=amounts,
            minimum=Decimal(minimum),
        )

    row("annual", "EUR", "30, 60, 120", "20")
    row("annual", "EUR", "100, 200, 400", "80", language="ru")
    row("monthly", "USD", "3, 6, 9", "3")
    return support


def test_each_edition_offers_its_own_amounts_or_the_shared_ones(client, rows):
    russian = client.get("/ru/support/").content.decode()
    english = client.get("/support/").content.decode()
    assert _amounts(russian, "amount-annual-EUR") == ["100", "200", "400"]
    assert _amounts(english, "amount-annual-EUR") == ["30", "60", "120"]
    # No Russian row for these: the shared row, then the defaults.
    assert _amounts(russian, "amount-monthly-USD") == ["3", "6", "9"]
    assert _amounts(russian, "amount-once-GBP") == ["5", "15", "50"]
    assert _amounts(english, "amount-once-GBP") == ["5", "15", "50"]


def test_a_gift_is_checked_against_the_minimum_of_its_edition(client, rows):
    data = {
        "frequency": "annual",
        "currency": "EUR",
        "custom_amount": "50",
        "method": "test",
        "email": "reader@example.org",
    }
    refused = client.post("/ru/support/contribute/", data, **origin())
    assert refused.status_code == 400 and not Contribution.objects.exists()
    accepted = client.post("/support/contribute/", data, **origin())
    assert accepted.status_code == 303
    assert Contribution.objects.get().amount_minor == 5000


def test_the_appeal_forms_amounts_follow_the_active_language(rows):
    # The appeal's form (appeals.reader_revenue) reads the options in the page's language.
    with translation.override("ru"):
        russian = selectors.form_options(support=rows)
    english = selectors.form_options(support=rows, language="en")
    assert russian.amounts[("annual", "EUR")].suggestions == (10000, 20000, 40000)
    assert russian.amounts[("annual", "EUR")].minimum == 8000
    assert english.amounts[("annual", "EUR")].suggestions == (3000, 6000, 12000)
    # A language without rows of its own (one not even offered) takes the shared ones.
    other = selectors.amount_options(support=rows, language="de")
    assert other[("annual", "EUR")].suggestions == (3000, 6000, 12000)


def test_a_russian_receipt_names_the_russian_edition(client, rows, mailoutbox):
    publication = PublicationSettings.load()
    publication.name = "Kelmar Courier"
    publication.save()
    PublicationWording.objects.create(setting=publication, language="ru", name="Кельмарский курьер")
    support_editions.give(client, "/ru/")
    (receipt,) = mailoutbox
    assert receipt.subject.endswith("— Кельмарский курьер")
    assert "Kelmar Courier" not in receipt.body
    mailoutbox.clear()
    support_editions.give(client, "/", email="other@example.org")
    (english,) = mailoutbox
    assert english.subject.endswith("— Kelmar Courier")


def test_each_edition_thanks_its_supporters_in_its_own_words(client, rows, mailoutbox):
    rows.thank_you_message = "Thank you, truly.\n\nWe will not forget it."
    rows.save()
    ThankYouMessage.objects.create(setting=rows, language="ru", message="Спасибо.\n\nМы помним.")
    gift = support_editions.give(client, "/ru/")
    (receipt,) = mailoutbox
    assert "Спасибо." in receipt.body and "Мы помним." in receipt.body
    assert "Thank you, truly." not in receipt.body
    thanks = client.get(f"/ru/support/thanks/{gift.checkout_token}/").content.decode()
    assert "<p>Спасибо.</p>" in thanks and "Thank you, truly." not in thanks
    mailoutbox.clear()
    support_editions.give(client, "/", email="other@example.org")
    (english,) = mailoutbox
    assert "Thank you, truly." in english.body and "Спасибо." not in english.body
    # An edition without its own message shows the publication's.
    ThankYouMessage.objects.all().delete()
    with translation.override("ru"):
        assert SupportSettings.load().thank_you_paragraphs() == [
            "Thank you, truly.",
            "We will not forget it.",
        ]
