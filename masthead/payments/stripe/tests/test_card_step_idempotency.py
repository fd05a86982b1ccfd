"""The card step prepares each object at Stripe once, however often the page is opened, and a
plan created meanwhile by another checkout is taken, not reported as an outage. Against
localstripe; the race on a plan is staged by a small proxy in front of it."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from masthead.supporters.models import Contribution
from masthead.supporters.tests import factories


@pytest.fixture(autouse=True)
def _stripe(stripe_settings):
    return stripe_settings


def _made_for(lister, token: str) -> list[dict]:
    """The objects of one kind at localstripe that carry our checkout reference."""
    found = [o.to_dict() for o in lister({"limit": 100}).auto_paging_iter()]
    return [o for o in found if (o.get("metadata") or {}).get("masthead_checkout") == token]


def _open_card_step(client: Client, token: str) -> None:
    response = client.get(reverse("supporters:pay", args=[token]))
    assert response.status_code == 302, response.content
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_opening_the_payment_page_twice_prepares_one_customer_and_one_setup_intent(
    client, stripe_client, test_mode
):
    contribution = factories.contribution(provider="stripe", frequency="monthly")
    token = contribution.checkout_token
    _open_card_step(client, token)
    _open_card_step(client, token)  # a reload, or the link opened again
    customers = _made_for(stripe_client.v1.customers.list, token)
    setups = _made_for(stripe_client.v1.setup_intents.list, token)
    assert len(customers) == 1 and len(setups) == 1
    kept = Contribution.objects.get(pk=contribution.pk).provider_data
    assert (kept["customer"], kept["setup_intent"]) == (customers[0]["id"], setups[0]["id"])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_tabs_opening_the_payment_page_at_once_share_their_objects(stripe_client, test_mode):
    contribution = factories.contribution(provider="stripe")
    token = contribution.checkout_token
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def tab() -> None:
        try:
            start.wait()
            _open_card_step(Client(), token)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    tabs = [threading.Thread(target=tab) for _ in range(3)]
    for t in tabs:
        t.start()
    for t in tabs:
        t.join(timeout=60)
    assert errors == []
    assert len(_made_for(stripe_client.v1.customers.list, token)) == 1
    assert len(_made_for(stripe_client.v1.setup_intents.list, token)) == 1


# --- A plan created by a concurrent checkout ---------------------------------------------------


@contextlib.contextmanager
def _racing_proxy(upstream: str, *, plan_id: str):
    """localstripe, except that the first look-up of ``plan_id`` says it does not exist yet:
    as if another checkout created it between our look-up and our create. The create then
    gets localstripe's own answer for an id that exists: 409 Conflict."""
    hidden = {"first": True}

    class Handler(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            looked_up = self.command == "GET" and self.path.startswith(f"/v1/plans/{plan_id}")
            if looked_up and hidden.pop("first", False):
                body = json.dumps(
                    {
                        "error": {
                            "type": "invalid_request_error",
                            "code": "resource_missing",
                            "message": f"No such plan: '{plan_id}'",
                        }
                    }
                ).encode()
                self._answer(404, body, "application/json")
                return
            length = int(self.headers.get("Content-Length") or 0)
            request = urllib.request.Request(
                upstream + self.path,
                data=self.rfile.read(length) if length else None,
                method=self.command,
                headers={
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "content-length", "connection")
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, body = response.status, response.read()
                    kind = response.headers.get("Content-Type", "application/json")
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read()
                kind = exc.headers.get("Content-Type", "application/json")
            self._answer(status, body, kind)

        def _answer(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_DELETE = _forward

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
def test_a_plan_created_meanwhile_is_used_not_reported_as_an_outage(
    client, stripe_client, stripe_settings, localstripe_url, test_mode
):
    plan_id = "masthead-month-eur-1234"
    # The other checkout, a moment earlier.
    stripe_client.v1.plans.create(
        {
            "id": plan_id,
            "amount": 1234,
            "currency": "eur",
            "interval": "month",
            "product": {"name": "Monthly support"},
        }
    )
    contribution = factories.contribution(
        provider="stripe", frequency="monthly", amount_minor=1234, currency="EUR"
    )
    token = contribution.checkout_token
    with _racing_proxy(localstripe_url, plan_id=plan_id) as proxy:
        stripe_settings.STRIPE_API_BASE = proxy
        _open_card_step(client, token)
        setup = Contribution.objects.get(pk=contribution.pk).provider_data["setup_intent"]
        stripe_client.v1.setup_intents.confirm(setup, {"payment_method": "pm_card_visa"})
        response = client.post(
            reverse("supporters:pay-card", args=[token]),
            {"setup_intent": setup},
            **factories.origin(),
        )
    assert response.status_code == 303, response.content.decode()[:500]
    assert response["Location"] == reverse("supporters:thanks", args=[token])
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.SUCCEEDED
    subscription = stripe_client.v1.subscriptions.retrieve(
        contribution.recurring.provider_reference
    ).to_dict()
    assert subscription["items"]["data"][0]["plan"]["id"] == plan_id
