"""The contract every payment provider passes: webhook security, idempotency, normalization,
and paying once. A provider's own tests subclass ``WebhookContract`` (or
``NoWebhookContract``) and ``CheckoutContract`` and supply the fixtures each names.

Fixtures a provider's test class supplies:

``provider_name``
    Its ``PaymentProvider.name``.
``sign(body: bytes) -> dict`` / ``forge(body: bytes) -> dict``
    Test-client headers that sign ``body`` correctly / with another secret.
``paid_event(contribution, event_id: str) -> bytes``
    The body of the provider's event saying that ``contribution`` was paid.
``unknown_event(event_id: str) -> bytes``
    An event about a payment Masthead never saw.
``payment_data(contribution) -> dict``
    What the payment step posts when the reader completes a payment that succeeds (or, for
    offline methods, is promised). May prepare things at the provider first.
``pay_path(contribution) -> str``
    The URL of the payment step for this provider.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from masthead.payments.models import WebhookEvent
from masthead.supporters.models import AuditEntry, Contribution
from masthead.supporters.tests import factories


def _state(contribution: Contribution) -> tuple:
    contribution.refresh_from_db()
    return (contribution.status, contribution.provider_reference, contribution.succeeded_at)


@pytest.mark.django_db
class WebhookContract:
    @pytest.fixture
    def url(self, provider_name) -> str:
        return reverse("payments:webhook", args=[provider_name])

    @pytest.fixture
    def contribution(self, provider_name, test_mode) -> Contribution:
        return factories.contribution(provider=provider_name)

    def post(self, client, url, body: bytes, headers: dict):
        return client.post(url, data=body, content_type="application/json", **headers)

    def test_only_post_is_accepted(self, client, url):
        assert client.get(url).status_code == 405
        assert not WebhookEvent.objects.exists()

    def test_missing_signature_gets_400_and_nothing_is_stored(
        self, client, url, contribution, paid_event
    ):
        before = _state(contribution)
        response = self.post(client, url, paid_event(contribution, "evt_unsigned"), {})
        assert response.status_code == 400
        assert "signature" in response.json()["error"]
        assert not WebhookEvent.objects.exists()
        assert _state(contribution) == before

    def test_forged_signature_gets_400_and_nothing_is_stored(
        self, client, url, contribution, paid_event, forge
    ):
        before = _state(contribution)
        body = paid_event(contribution, "evt_forged")
        response = self.post(client, url, body, forge(body))
        assert response.status_code == 400
        assert not WebhookEvent.objects.exists()
        assert _state(contribution) == before

    def test_tampered_body_gets_400(self, client, url, contribution, paid_event, sign):
        body = paid_event(contribution, "evt_tampered")
        headers = sign(body)
        response = self.post(client, url, body.replace(b"evt_tampered", b"evt_tampereX"), headers)
        assert response.status_code == 400
        assert not WebhookEvent.objects.exists()

    def test_signed_payment_event_records_the_payment_and_sends_a_receipt(
        self, client, url, contribution, paid_event, sign, mailoutbox
    ):
        body = paid_event(contribution, "evt_paid")
        response = self.post(client, url, body, sign(body))
        assert response.status_code == 200, response.content
        assert response.json()["outcomes"] == ["applied"]
        contribution.refresh_from_db()
        assert contribution.status == Contribution.Status.SUCCEEDED
        assert contribution.provider_reference
        assert [m.to for m in mailoutbox] == [[contribution.supporter.email]]

    def test_duplicated_and_replayed_events_change_nothing(
        self, client, url, contribution, paid_event, sign, mailoutbox
    ):
        body = paid_event(contribution, "evt_twice")
        assert self.post(client, url, body, sign(body)).status_code == 200
        after_first = _state(contribution)
        # The same delivery again, then a replay signed afresh (a provider's retry).
        again = self.post(client, url, body, sign(body))
        assert again.status_code == 200
        assert again.json()["outcomes"] == ["duplicate"]
        assert _state(contribution) == after_first
        assert WebhookEvent.objects.count() == 1
        assert len(mailoutbox) == 1
        assert AuditEntry.objects.filter(action="contribution.succeeded").count() == 1

    def test_another_event_about_a_payment_already_recorded_changes_nothing(
        self, client, url, contribution, paid_event, sign, mailoutbox
    ):
        for event_id in ("evt_first", "evt_second"):
            body = paid_event(contribution, event_id)
            assert self.post(client, url, body, sign(body)).status_code == 200
        assert list(WebhookEvent.objects.order_by("pk").values_list("outcome", flat=True)) == [
            "applied",
            "unchanged",
        ]
        assert len(mailoutbox) == 1

    def test_malformed_body_with_a_valid_signature_gets_400(self, client, url, sign):
        for body in (b"{not json", b"[]", b'{"id": "evt_x"}', b"\xff\xfe"):
            response = self.post(client, url, body, sign(body))
            assert response.status_code == 400, body
        assert not WebhookEvent.objects.exists()

    def test_event_about_an_unknown_payment_is_recorded_and_reported(
        self, client, url, unknown_event, sign, caplog
    ):
        body = unknown_event("evt_stranger")
        response = self.post(client, url, body, sign(body))
        assert response.status_code == 200
        event = WebhookEvent.objects.get()
        assert event.outcome == WebhookEvent.Outcome.UNMATCHED
        assert "does not know" in caplog.text
        assert not Contribution.objects.filter(status=Contribution.Status.SUCCEEDED).exists()


@pytest.mark.django_db
class NoWebhookContract:
    def test_webhook_endpoint_does_not_exist_and_stores_nothing(self, client, provider_name):
        url = reverse("payments:webhook", args=[provider_name])
        response = client.post(url, data=b"{}", content_type="application/json")
        assert response.status_code == 404
        assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
class CheckoutContract:
    @pytest.fixture
    def checkout_contribution(self, provider_name, test_mode) -> Contribution:
        return factories.contribution(provider=provider_name)

    def test_payment_page_shows_the_amount_and_takes_no_money(
        self, client, checkout_contribution, pay_path
    ):
        path = pay_path(checkout_contribution)
        for _ in range(2):  # a reload prepares nothing twice
            response = client.get(path, follow=True)
            assert response.status_code == 200
        assert "$5" in response.content.decode()
        checkout_contribution.refresh_from_db()
        assert checkout_contribution.status == Contribution.Status.STARTED
        assert "no-store" in response.headers["Cache-Control"]

    def test_submitting_twice_pays_once(
        self, client, checkout_contribution, pay_path, payment_data, mailoutbox
    ):
        path = pay_path(checkout_contribution)
        client.get(path, follow=True)
        data = payment_data(checkout_contribution)
        thanks = reverse("supporters:thanks", args=[checkout_contribution.checkout_token])
        for _ in range(2):
            response = client.post(path, data, **factories.origin())
            assert response.status_code in (302, 303), response.content[:500]
            assert response["Location"] == thanks
        checkout_contribution.refresh_from_db()
        assert checkout_contribution.status in (
            Contribution.Status.SUCCEEDED,
            Contribution.Status.PENDING,
        )
        entries = AuditEntry.objects.filter(
            contribution=checkout_contribution,
            action__in=["contribution.succeeded", "contribution.pending"],
        )
        assert entries.count() == 1
        assert len(mailoutbox) <= 1

    def test_payment_step_refuses_posts_from_other_sites(
        self, client, checkout_contribution, pay_path, payment_data
    ):
        path = pay_path(checkout_contribution)
        client.get(path, follow=True)
        response = client.post(
            path, payment_data(checkout_contribution), HTTP_ORIGIN="https://evil.example"
        )
        assert response.status_code == 403
        checkout_contribution.refresh_from_db()
        assert checkout_contribution.status == Contribution.Status.STARTED
