"""The contribution form on the support page: what it offers, what it refuses and how it says
so, and that a doubled or retried submission makes one contribution."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from masthead.supporters.models import (
    AmountChoice,
    BlockedAttempts,
    Contribution,
    Supporter,
    SupportSettings,
)
from masthead.supporters.tests.factories import origin

pytestmark = pytest.mark.django_db

CONTRIBUTE = "/support/contribute/"
VALID = {
    "frequency": "monthly",
    "currency": "USD",
    "amount-monthly-USD": "5",
    "method": "test",
    "email": "Reader@Example.org",
    "campaign": "article-appeal",
}


def post(client, data, **extra):
    return client.post(CONTRIBUTE, data, **{**origin(), **extra})


def checked(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{re.escape(name)}" value="([^"]+)" checked', html)


def test_support_page_offers_the_defaults(client, test_mode):
    response = client.get("/support/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "TEST MODE" in html
    assert checked(html, "frequency") == ["monthly"]
    assert checked(html, "currency") == ["USD"]
    for frequency, amounts, preselected in (
        ("once", ["5", "15", "50"], "15"),
        ("monthly", ["2", "5", "10"], "5"),
        ("annual", ["25", "50", "100"], "50"),
    ):
        for currency in ("USD", "EUR", "GBP"):
            name = f"amount-{frequency}-{currency}"
            assert re.findall(rf'name="{name}" value="([^"]+)"', html) == amounts
            assert checked(html, name) == [preselected]
    assert 'name="cover_fees"' in html
    assert 'type="email" name="email"' in html
    assert "Remind me later" in html
    # The page is the same for everyone: no token, no session, no cookie.
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies


def test_editors_switch_frequencies_and_set_amounts(client, test_mode):
    support = SupportSettings.load()
    support.once_enabled = False
    support.default_frequency = "annual"
    support.save()
    AmountChoice.objects.create(
        setting=support,
        frequency="annual",
        currency="EUR",
        amounts="30, 60, 120",
        preselected=Decimal("60"),
        minimum=Decimal("20"),
    )
    html = client.get("/support/").content.decode()
    assert 'value="once"' not in html
    assert checked(html, "frequency") == ["annual"]
    assert re.findall(r'name="amount-annual-EUR" value="([^"]+)"', html) == ["30", "60", "120"]
    assert checked(html, "amount-annual-EUR") == ["60"]
    assert "At least €20 a year." in html

    response = post(
        client, {**VALID, "frequency": "annual", "currency": "EUR", "custom_amount": "15"}
    )
    assert response.status_code == 400
    assert "The smallest amount we can take is €20 a year" in response.content.decode()
    response = post(client, {**VALID, "frequency": "once"})
    assert response.status_code == 400
    assert "Choose how often you would like to give." in response.content.decode()


def test_valid_submission_starts_a_contribution_and_goes_to_the_payment_step(client, test_mode):
    response = post(client, VALID)
    assert response.status_code == 303
    contribution = Contribution.objects.get()
    assert response["Location"] == reverse("supporters:pay", args=[contribution.checkout_token])
    assert (contribution.amount_minor, contribution.currency, contribution.frequency) == (
        500,
        "USD",
        "monthly",
    )
    assert contribution.provider == "test"
    assert contribution.status == Contribution.Status.STARTED
    assert contribution.campaign == "article-appeal"
    assert contribution.is_test
    assert contribution.supporter.email == "reader@example.org"
    # The only personal data: the address.
    assert [f.name for f in Supporter._meta.concrete_fields] == ["id", "email", "created_at"]


def test_custom_amount_and_covering_the_fees(client, test_mode):
    response = post(client, {**VALID, "custom_amount": "$12.50", "cover_fees": "1"})
    assert response.status_code == 303
    contribution = Contribution.objects.get()
    assert contribution.fee_cover_minor == 38  # 3 % of 12.50, rounded up
    assert contribution.amount_minor == 1250 + 38


@pytest.mark.parametrize(
    "fields, field_id, message",
    [
        (
            {"custom_amount": "1"},
            "contribution-amount-error",
            "The smallest amount we can take is $2 a month.",
        ),
        (
            {"custom_amount": "1.999"},
            "contribution-amount-error",
            "Enter an amount in numbers, like 10 or 12.50.",
        ),
        (
            {"custom_amount": "ten"},
            "contribution-amount-error",
            "Enter an amount in numbers, like 10 or 12.50.",
        ),
        ({"custom_amount": "-5"}, "contribution-amount-error", "Enter an amount above zero."),
        (
            {"custom_amount": "0"},
            "contribution-amount-error",
            "The smallest amount we can take is $2 a month.",
        ),
        ({"custom_amount": "1e9"}, "contribution-amount-error", "Enter an amount in numbers"),
        (
            {"custom_amount": "20000"},
            "contribution-amount-error",
            "We can take up to $10,000 here.",
        ),
        (
            {"amount-monthly-USD": ""},
            "contribution-amount-error",
            "Choose an amount, or type one in.",
        ),
        (
            {"email": ""},
            "contribution-email-error",
            "Enter your email address: we send your receipt there.",
        ),
        (
            {"email": "reader@"},
            "contribution-email-error",
            "Enter an email address like name@example.org.",
        ),
        (
            {"email": "a" * 250 + "@example.org"},
            "contribution-email-error",
            "This email address is too long.",
        ),
        (
            {"method": "bank_transfer"},
            "contribution-method-error",
            "Choose one of the ways to pay listed.",
        ),
    ],
)
def test_bad_input_is_explained_next_to_the_field(client, test_mode, fields, field_id, message):
    response = post(client, {**VALID, **fields})
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(rf'<p class="field-error" id="{field_id}"[^>]*>([^<]*)</p>', html)
    assert error and message in error.group(1), html[html.find("field-error") - 200 :][:800]
    assert not Contribution.objects.exists()
    # What the reader typed is kept.
    if "email" not in fields:
        assert 'value="Reader@Example.org"' in html


@pytest.mark.parametrize(
    "fields",
    [
        {"frequency": "weekly"},
        {"currency": "XYZ"},
        {"frequency": ""},
        {"currency": ["USD", "EUR"]},
        {"campaign": "<script>alert(1)</script>" * 20},
        {"key": "x" * 5000},
        {"custom_amount": "9" * 500},
    ],
)
def test_malformed_requests_get_4xx_never_500(client, test_mode, fields):
    response = post(client, {**VALID, **fields})
    assert 200 <= response.status_code < 500
    assert "<script>alert" not in response.content.decode()


def test_json_answers_for_the_page_script(client, test_mode):
    response = post(
        client, {**VALID, "custom_amount": "1", "email": "x"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "custom_amount": "The smallest amount we can take is $2 a month. Enter $2 or more.",
            "email": "Enter an email address like name@example.org.",
        }
    }
    response = post(client, VALID, HTTP_ACCEPT="application/json")
    token = Contribution.objects.get().checkout_token
    assert response.json() == {"next": f"/support/pay/{token}/"}


def test_double_click_and_retries_make_one_contribution(client, test_mode):
    # With the page script: one key per filled-in form.
    with_key = {**VALID, "key": "0f8fad5b-d9cb-469f-a165-70867728950e"}
    first, second = post(client, with_key), post(client, with_key)
    assert first["Location"] == second["Location"]
    # Without JavaScript: the same details within the window are the same request.
    no_key = {**VALID, "email": "other@example.org"}
    third, fourth = post(client, no_key), post(client, no_key)
    assert third["Location"] == fourth["Location"]
    assert Contribution.objects.count() == 2
    # Different details are a different contribution.
    post(client, {**no_key, "amount-monthly-USD": "10"})
    assert Contribution.objects.count() == 3


def test_offline_methods_take_one_off_gifts_only(client, test_mode):
    from masthead.payments.offline.models import OfflinePaymentSettings

    offline = OfflinePaymentSettings.load()
    offline.bank_transfer_instructions = "IBAN: XX00"
    offline.save()
    html = client.get("/support/").content.decode()
    assert 'value="bank_transfer"' in html and "data-once-only" in html
    response = post(client, {**VALID, "method": "bank_transfer"})
    assert response.status_code == 400
    assert "Bank transfer can only be used for one-off gifts." in response.content.decode()
    response = post(
        client, {**VALID, "method": "bank_transfer", "frequency": "once", "amount-once-USD": "15"}
    )
    assert response.status_code == 303


def test_posts_from_other_sites_are_refused(client, test_mode):
    for headers in ({}, {"HTTP_ORIGIN": "https://evil.example"}):
        response = client.post(CONTRIBUTE, VALID, **headers)
        assert response.status_code == 403
    # An old browser that sends only a Referer from our own site is fine.
    response = client.post(CONTRIBUTE, VALID, HTTP_REFERER="https://news.example.org/support/")
    assert response.status_code == 303
    assert Contribution.objects.count() == 1


def test_the_offline_copy_may_start_a_contribution_but_not_pay_from_disk(client, test_mode):
    """A page opened from disk sends ``Origin: null``: it may start a contribution, which is
    then paid on the app's own page; the payment step itself refuses ``null`` (card testing
    from other sites' sandboxed frames)."""
    response = client.post(CONTRIBUTE, VALID, HTTP_ORIGIN="null")
    assert response.status_code == 303
    pay_path = response["Location"]
    assert client.post(pay_path, {"outcome": "succeed"}, HTTP_ORIGIN="null").status_code == 403
    assert Contribution.objects.get().status == Contribution.Status.STARTED


def test_mirror_origins_are_accepted(client, test_mode, settings):
    settings.PUBLIC_ORIGINS = [*settings.PUBLIC_ORIGINS, "http://kelmarxyz.onion"]
    response = client.post(CONTRIBUTE, VALID, HTTP_ORIGIN="http://kelmarxyz.onion")
    assert response.status_code == 303


def test_too_many_posts_from_one_client_are_refused_and_counted(client, test_mode, settings):
    settings.SUPPORT_FORM_POSTS_PER_HOUR = 3
    statuses = [
        post(
            client, {**VALID, "amount-monthly-USD": str(n)}, REMOTE_ADDR="198.51.100.7"
        ).status_code
        for n in (2, 5, 10, 2, 5)
    ]
    assert statuses == [303, 303, 303, 429, 429]
    assert BlockedAttempts.objects.get(scope="contribute").count == 2
    # A client elsewhere is not affected.
    assert post(client, VALID, REMOTE_ADDR="203.0.113.9").status_code == 303


def test_a_link_or_an_appeal_can_fill_the_form_in(client, test_mode):
    html = client.get(
        CONTRIBUTE,
        {"frequency": "annual", "currency": "GBP", "amount": "50", "campaign": "appeal-3-b"},
    ).content.decode()
    assert checked(html, "frequency") == ["annual"]
    assert checked(html, "currency") == ["GBP"]
    assert checked(html, "amount-annual-GBP") == ["50"]
    assert 'name="campaign" value="appeal-3-b"' in html
    html = client.get(CONTRIBUTE, {"frequency": "once", "amount": "7.5"}).content.decode()
    assert (
        'name="custom_amount" inputmode="decimal" autocomplete="off" maxlength="20" value="7.50"'
        in html
    )


def test_no_way_to_pay_configured_says_so(client):
    assert post(client, VALID).status_code == 503
