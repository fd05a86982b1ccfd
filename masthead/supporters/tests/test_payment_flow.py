"""From Continue to the thank-you page with the test provider: success, a decline, the extra
confirmation step; the receipt; the supporter cookie; card-testing protection."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from masthead.supporters.models import BlockedAttempts, Contribution, RecurringSupport
from masthead.supporters.tests import factories
from masthead.supporters.tests.factories import origin

pytestmark = pytest.mark.django_db


def start(client, remote_addr: str = "127.0.0.1", **fields) -> Contribution:
    data = {
        "frequency": "once",
        "currency": "EUR",
        "amount-once-EUR": "15",
        "method": "test",
        "email": "giver@example.org",
        **fields,
    }
    response = client.post("/support/contribute/", data, REMOTE_ADDR=remote_addr, **origin())
    assert response.status_code == 303, response.content[:300]
    return Contribution.objects.latest("pk")


def pay(client, contribution: Contribution, **data):
    path = reverse("supporters:pay", args=[contribution.checkout_token])
    return client.post(path, data, **origin())


def test_one_off_gift_succeeds_with_thanks_receipt_and_cookie(client, test_mode, mailoutbox):
    contribution = start(client)
    page = client.get(reverse("supporters:pay", args=[contribution.checkout_token]))
    html = page.content.decode()
    assert "TEST MODE" in html and "€15, once" in html and "Pay (succeeds)" in html
    response = pay(client, contribution, outcome="succeed")
    thanks = reverse("supporters:thanks", args=[contribution.checkout_token])
    assert response.status_code == 303 and response["Location"] == thanks

    response = client.get(thanks)
    html = response.content.decode()
    assert "Thank you" in html and "€15, once" in html and "TEST MODE" in html
    cookie = response.cookies["mh_supporter"]
    until = timezone.localdate() + timedelta(days=90)
    assert cookie.value == f"until:{until.isoformat()}"
    assert cookie["samesite"] == "Lax" and not cookie["httponly"]
    assert "no-store" in response["Cache-Control"]

    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.SUCCEEDED
    (receipt,) = mailoutbox
    assert receipt.to == ["giver@example.org"]
    assert receipt.subject.startswith("[TEST MODE] Your receipt MH-")
    assert "€15" in receipt.body and contribution.receipt_number in receipt.body


def test_monthly_support_starts_recurring_and_marks_the_browser_for_longer(client, test_mode):
    contribution = start(client, frequency="monthly", **{"amount-monthly-EUR": "5"})
    pay(client, contribution, outcome="succeed")
    contribution.refresh_from_db()
    recurring = contribution.recurring
    assert recurring.status == RecurringSupport.Status.ACTIVE
    assert (recurring.amount_minor, recurring.frequency) == (500, "monthly")
    assert recurring.current_period_end > timezone.now() + timedelta(days=25)
    response = client.get(reverse("supporters:thanks", args=[contribution.checkout_token]))
    assert "Manage my support" in response.content.decode()
    until = response.cookies["mh_supporter"].value.removeprefix("until:")
    assert until > (timezone.localdate() + timedelta(days=300)).isoformat()


def test_declined_payment_explains_and_allows_another_try(client, test_mode, mailoutbox):
    contribution = start(client)
    response = pay(client, contribution, outcome="fail")
    assert response["Location"] == reverse("supporters:pay", args=[contribution.checkout_token])
    html = client.get(response["Location"]).content.decode()
    assert "Your card was declined (test). Nothing was charged." in html
    # The thank-you page is not reachable for an unpaid contribution.
    thanks = client.get(reverse("supporters:thanks", args=[contribution.checkout_token]))
    assert thanks.status_code == 302 and not thanks.cookies
    pay(client, contribution, outcome="succeed")
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.SUCCEEDED
    assert len(mailoutbox) == 1


def test_extra_confirmation_step(client, test_mode):
    contribution = start(client)
    pay(client, contribution, outcome="confirm")
    html = client.get(
        reverse("supporters:pay", args=[contribution.checkout_token])
    ).content.decode()
    assert "Confirm with your bank" in html and "TEST MODE" in html
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.STARTED
    response = pay(client, contribution, confirmation="decline")
    assert "did not confirm" in client.get(response["Location"]).content.decode()
    pay(client, contribution, outcome="confirm")
    pay(client, contribution, confirmation="approve")
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.SUCCEEDED


def test_bad_submissions_on_the_payment_step_get_4xx(client, test_mode):
    contribution = start(client)
    path = reverse("supporters:pay", args=[contribution.checkout_token])
    assert client.post(path, {"outcome": "explode"}, **origin()).status_code == 400
    assert client.post(path, {}, **origin()).status_code == 400
    assert client.get("/support/pay/not-a-token/").status_code == 404
    assert client.get("/support/thanks/" + "x" * 300 + "/").status_code == 404
    assert client.put(path).status_code == 405


def test_payment_attempts_are_rate_limited_per_client(client, test_mode, settings):
    """Card testing: many attempts from one client are refused, counted, and nothing is kept
    that identifies the client."""
    settings.PAYMENT_ATTEMPTS_PER_HOUR = 3
    contribution = start(client)
    statuses = [pay(client, contribution, outcome="fail").status_code for _ in range(5)]
    assert statuses == [303, 303, 303, 429, 429]
    assert BlockedAttempts.objects.get(scope="payment").count == 2
    assert "127.0.0.1" not in str(list(BlockedAttempts.objects.values()))
    path = reverse("supporters:pay", args=[contribution.checkout_token])
    # Another address gets nowhere with the same checkout (testers rotate addresses)…
    response = client.post(path, {"outcome": "succeed"}, REMOTE_ADDR="198.51.100.4", **origin())
    assert response.status_code == 429
    # …but can pay its own.
    other = start(client, email="someone@example.org", remote_addr="198.51.100.4")
    path = reverse("supporters:pay", args=[other.checkout_token])
    response = client.post(path, {"outcome": "succeed"}, REMOTE_ADDR="198.51.100.4", **origin())
    assert response.status_code == 303


def test_test_provider_is_offered_only_in_test_mode(client):
    html = client.get("/support/").content.decode()
    assert 'value="test"' not in html and "TEST MODE" not in html
    contribution = factories.contribution(provider="test")
    response = client.get(reverse("supporters:pay", args=[contribution.checkout_token]))
    assert response.status_code == 410


def test_no_page_of_the_flow_is_cached(client, test_mode):
    contribution = start(client)
    for path in (
        reverse("supporters:pay", args=[contribution.checkout_token]),
        reverse("supporters:thanks", args=[contribution.checkout_token]),
    ):
        response = client.get(path)
        assert "X-Page-Cache" not in response
        assert "no-store" in response.get("Cache-Control", "") or response.status_code == 302


def test_a_second_click_while_the_first_is_with_the_provider_does_not_pay_again(client, test_mode):
    contribution = start(client)
    # The first click's request is with the provider right now (its claim runs briefly).
    Contribution.objects.filter(pk=contribution.pk).update(
        submitting_until=timezone.now() + timedelta(seconds=0.5)
    )
    response = pay(client, contribution, outcome="succeed")
    # The second waited for the first's outcome instead of paying.
    assert response["Location"] == reverse("supporters:pay", args=[contribution.checkout_token])
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.STARTED
    assert not contribution.audit.filter(action="contribution.succeeded").exists()


@pytest.mark.parametrize("junk", ["%00", "a%00b", "x" * 65, "%E2%82%AC", "a%0A"])
def test_a_checkout_link_that_is_not_one_answers_404(client, test_mode, junk):
    # Never looked for: PostgreSQL refuses a NUL in a query, and no token of ours holds one.
    for prefix in ("", "/ru"):
        assert client.get(f"{prefix}/support/thanks/{junk}/").status_code == 404
        for path in (f"{prefix}/support/pay/{junk}/", f"{prefix}/support/pay/{junk}/card/"):
            assert client.get(path).status_code == 404, path
            assert client.post(path, {}, **origin()).status_code == 404, path
