"""Card payments through Stripe, with the official ``stripe`` library.

The flow works the same against Stripe and against localstripe (the tests' Stripe):

1. The payment step creates a Customer (no email, no name: only our reference in metadata) and
   a SetupIntent; Stripe.js collects the card in Stripe's own fields and confirms the
   SetupIntent in the browser, including any 3-D Secure challenge. No card data reaches us.
2. The page posts the SetupIntent's id back. Only then does money move: a PaymentIntent for a
   one-off gift, or a Subscription (monthly or annual Plan) for recurring support.
3. If the bank asks again (3-D Secure on the payment itself), the page confirms the
   PaymentIntent with Stripe.js and posts back once more; we read the result from Stripe.

Every object is created with an idempotency key derived from the checkout's own key and the
attempt number, so a retried request never creates a second payment.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import stripe
from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

from masthead.payments.base import (
    Checkout,
    Frequency,
    Outcome,
    PaymentInputError,
    PaymentPage,
    PaymentProvider,
    PaymentResult,
    ProviderEvent,
    ProviderUnavailableError,
    RecurringDetails,
    RecurringState,
    RecurringStatus,
)
from masthead.payments.stripe import webhooks
from masthead.payments.stripe.webhooks import (
    INTERVALS,
    METADATA_KEY,
    object_id,
    subscription_state,
)

logger = logging.getLogger(__name__)


def _already_exists(exc: stripe.StripeError) -> bool:
    """Whether a create failed only because the object exists (or is being created by a
    concurrent request): a conflict, not an outage."""
    code = getattr(exc, "code", None) or ""
    return (
        isinstance(exc, stripe.IdempotencyError)
        or getattr(exc, "http_status", None) == 409
        or code in ("resource_already_exists", "idempotency_error")
        or (isinstance(exc, stripe.InvalidRequestError) and "already exists" in str(exc))
    )


@functools.cache
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(api_key, base_addresses={"api": api_base}, max_network_retries=2)


class StripeProvider(PaymentProvider):
    name = "stripe"
    label = gettext_lazy("Card")
    icon = "card"
    frequencies = frozenset({Frequency.ONCE, Frequency.MONTHLY, Frequency.ANNUAL})
    webhooks = True

    # --- Configuration -------------------------------------------------------------------------

    @property
    def client(self) -> stripe.StripeClient:
        return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)

    def is_available(self, *, test_mode: bool) -> bool:
        if not (settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY):
            return False
        return self.is_test() if test_mode else True

    def is_test(self) -> bool:
        return settings.STRIPE_SECRET_KEY.startswith(("sk_test_", "rk_test_"))

    def payment_step_sources(self) -> dict[str, list[str]]:
        js = "{0.scheme}://{0.netloc}".format(urlsplit(settings.STRIPE_JS_URL))
        return {
            "script-src": [js],
            "connect-src": [settings.STRIPE_API_BASE, js],
            # Stripe's card fields and 3-D Secure challenges are frames.
            "frame-src": [js, "https://js.stripe.com", "https://hooks.stripe.com"],
            "img-src": ["https://*.stripe.com"],
        }

    def _call(self, method, *args, **kwargs) -> dict:
        """One API call; its answer as a plain dict. Declines are the caller's business,
        every other failure means nothing happened that we know of."""
        try:
            return method(*args, **kwargs).to_dict()
        except stripe.CardError:
            raise
        except stripe.StripeError as exc:
            logger.warning("Stripe API call failed: %s", exc)
            raise ProviderUnavailableError(str(exc)) from exc

    @staticmethod
    def _key(checkout: Checkout, what: str) -> dict:
        attempt = checkout.provider_data.get("attempt", "1")
        return {"idempotency_key": f"{checkout.idempotency_key}-{attempt}-{what}"}

    # --- Paying --------------------------------------------------------------------------------

    def checkout_page(self, *, checkout: Checkout, action_url: str) -> PaymentPage:
        data = dict(checkout.provider_data)
        common = {
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "stripe_js_url": settings.STRIPE_JS_URL,
            "action_url": action_url,
        }
        if data.get("payment_intent"):
            intent = self._call(self.client.v1.payment_intents.retrieve, data["payment_intent"])
            if intent.get("status") == "requires_action":
                return PaymentPage(
                    template="payments/stripe/confirm.html",
                    context={**common, "client_secret": intent["client_secret"]},
                    third_party_script=True,
                )
        if not data.get("customer"):
            customer = self._call(
                self.client.v1.customers.create,
                {"metadata": {METADATA_KEY: checkout.reference}},
                self._key(checkout, "customer"),
            )
            data["customer"] = customer["id"]
        if data.get("setup_intent"):
            setup = self._call(self.client.v1.setup_intents.retrieve, data["setup_intent"])
        else:
            setup = self._call(
                self.client.v1.setup_intents.create,
                {
                    "customer": data["customer"],
                    "usage": "on_session"
                    if checkout.frequency == Frequency.ONCE
                    else "off_session",
                    "payment_method_types": ["card"],
                    "metadata": {METADATA_KEY: checkout.reference},
                },
                self._key(checkout, "setup"),
            )
            data["setup_intent"] = setup["id"]
        return PaymentPage(
            template="payments/stripe/card.html",
            context={**common, "client_secret": setup["client_secret"]},
            provider_data=data,
            third_party_script=True,
        )

    def checkout_submit(self, *, checkout: Checkout, data: Mapping[str, str]) -> PaymentResult:
        kept = checkout.provider_data
        if data.get("step") == "confirmed":
            if not kept.get("payment_intent"):
                raise PaymentInputError(
                    gettext("There is no payment to confirm; please start again.")
                )
            return self._after_confirmation(checkout)
        setup_id = data.get("setup_intent", "")
        if not setup_id or setup_id != kept.get("setup_intent"):
            raise PaymentInputError(
                gettext("This payment form has expired. Please reload the page.")
            )
        setup = self._call(self.client.v1.setup_intents.retrieve, setup_id)
        payment_method = object_id(setup.get("payment_method"))
        if setup.get("status") != "succeeded" or not payment_method:
            return self._failed(
                checkout, gettext("Your card could not be set up. Please try again.")
            )
        try:
            if checkout.frequency == Frequency.ONCE:
                return self._pay_once(checkout, payment_method)
            return self._subscribe(checkout, payment_method)
        except stripe.CardError as exc:
            return self._failed(checkout, exc.user_message or gettext("Your card was declined."))

    def _pay_once(self, checkout: Checkout, payment_method: str) -> PaymentResult:
        intent = self._call(
            self.client.v1.payment_intents.create,
            {
                "amount": checkout.amount_minor,
                "currency": checkout.currency.lower(),
                "customer": checkout.provider_data["customer"],
                "payment_method": payment_method,
                "confirm": True,
                "metadata": {METADATA_KEY: checkout.reference},
            },
            self._key(checkout, "payment"),
        )
        return self._from_intent(checkout, intent)

    def _subscribe(self, checkout: Checkout, payment_method: str) -> PaymentResult:
        customer = checkout.provider_data["customer"]
        self._call(
            self.client.v1.customers.update,
            customer,
            {"invoice_settings": {"default_payment_method": payment_method}},
        )
        plan = self._plan(checkout.amount_minor, checkout.currency, Frequency(checkout.frequency))
        subscription = self._call(
            self.client.v1.subscriptions.create,
            {
                "customer": customer,
                "items": [{"plan": plan}],
                "metadata": {METADATA_KEY: checkout.reference},
            },
            self._key(checkout, "subscription"),
        )
        return self._from_subscription(checkout, subscription)

    def _plan(self, amount_minor: int, currency: str, frequency: Frequency) -> str:
        """A Plan per amount, currency and interval, created once and found by its id after.
        (Plans work as Prices at Stripe, and localstripe knows only Plans.)"""
        plan_id = f"masthead-{INTERVALS[frequency]}-{currency.lower()}-{amount_minor}"
        try:
            self.client.v1.plans.retrieve(plan_id)
            return plan_id
        except stripe.InvalidRequestError:
            pass  # not there yet
        except stripe.StripeError as exc:
            raise ProviderUnavailableError(str(exc)) from exc
        try:
            self.client.v1.plans.create(
                {
                    "id": plan_id,
                    "amount": amount_minor,
                    "currency": currency.lower(),
                    "interval": INTERVALS[frequency],
                    "product": {"name": f"{frequency.label} support"},
                }
            )
        except stripe.StripeError as exc:
            if not _already_exists(exc):
                raise ProviderUnavailableError(str(exc)) from exc
            # Created meanwhile by a concurrent checkout (its id is the key that makes it
            # once): the plan is there, read it.
            self._call(self.client.v1.plans.retrieve, plan_id)
        return plan_id

    def _after_confirmation(self, checkout: Checkout) -> PaymentResult:
        kept = checkout.provider_data
        if kept.get("subscription"):
            subscription = self._call(self.client.v1.subscriptions.retrieve, kept["subscription"])
            return self._from_subscription(checkout, subscription)
        intent = self._call(self.client.v1.payment_intents.retrieve, kept["payment_intent"])
        return self._from_intent(checkout, intent)

    def _from_intent(self, checkout: Checkout, intent: dict) -> PaymentResult:
        status = intent.get("status")
        if status == "succeeded":
            return PaymentResult(outcome=Outcome.SUCCEEDED, payment_reference=intent["id"])
        if status == "requires_action":
            return PaymentResult(
                outcome=Outcome.ACTION_REQUIRED,
                payment_reference=intent["id"],
                provider_data={"payment_intent": intent["id"]},
                message=gettext("Your bank asks you to confirm this payment."),
            )
        if status == "processing":
            return PaymentResult(
                outcome=Outcome.PENDING,
                payment_reference=intent["id"],
                message=gettext("Your bank is processing the payment."),
            )
        error = (intent.get("last_payment_error") or {}).get("message")
        return self._failed(checkout, error or gettext("Your bank did not confirm the payment."))

    def _from_subscription(self, checkout: Checkout, subscription: dict) -> PaymentResult:
        state = subscription_state(subscription)
        invoice_id = object_id(subscription.get("latest_invoice"))
        kept = {"subscription": subscription["id"]}
        if state.status == RecurringStatus.ACTIVE:
            return PaymentResult(
                outcome=Outcome.SUCCEEDED,
                payment_reference=invoice_id,
                recurring=state,
                provider_data=kept,
            )
        intent = self._invoice_intent(invoice_id) if invoice_id else None
        if intent and intent.get("status") == "requires_action":
            return PaymentResult(
                outcome=Outcome.ACTION_REQUIRED,
                payment_reference=invoice_id,
                provider_data={**kept, "payment_intent": intent["id"]},
                message=gettext("Your bank asks you to confirm this payment."),
            )
        error = ((intent or {}).get("last_payment_error") or {}).get("message")
        return self._failed(checkout, error or "Your card was declined.")

    def _invoice_intent(self, invoice_id: str) -> dict | None:
        """The PaymentIntent paying an invoice, in older and newer API shapes alike."""
        invoice = self._call(self.client.v1.invoices.retrieve, invoice_id)
        intent_id = object_id(invoice.get("payment_intent"))
        if not intent_id:
            payments = (invoice.get("payments") or {}).get("data") or []
            intent_id = object_id(
                ((payments[0] if payments else {}).get("payment") or {}).get("payment_intent")
            )
        if not intent_id:
            return None
        return self._call(self.client.v1.payment_intents.retrieve, intent_id)

    @staticmethod
    def _failed(checkout: Checkout, message: str) -> PaymentResult:
        # The next attempt gets fresh objects and fresh idempotency keys.
        attempt = int(checkout.provider_data.get("attempt", "1")) + 1
        return PaymentResult(
            outcome=Outcome.FAILED,
            message=message,
            provider_data={
                "attempt": str(attempt),
                "setup_intent": "",
                "payment_intent": "",
                "subscription": "",
            },
        )

    # --- Recurring support ---------------------------------------------------------------------

    def _subscription(self, reference: str) -> dict:
        return self._call(self.client.v1.subscriptions.retrieve, reference)

    def recurring_update(
        self, *, current: RecurringState, amount_minor: int, currency: str, frequency: Frequency
    ) -> RecurringState:
        subscription = self._subscription(current.reference)
        item = subscription["items"]["data"][0]
        params: dict[str, Any] = {
            "items": [{"id": item["id"], "plan": self._plan(amount_minor, currency, frequency)}]
        }
        if settings.STRIPE_PRORATION_BEHAVIOR:
            params["proration_behavior"] = settings.STRIPE_PRORATION_BEHAVIOR
        try:
            updated = self._call(self.client.v1.subscriptions.update, current.reference, params)
        except stripe.CardError as exc:
            # Switching to annual bills at once; a decline leaves the support as it was.
            raise ProviderUnavailableError(exc.user_message or "Your card was declined.") from exc
        return subscription_state(updated)

    def recurring_cancel(self, *, current: RecurringState) -> RecurringState:
        updated = self._call(
            self.client.v1.subscriptions.update,
            current.reference,
            {"cancel_at_period_end": True},
        )
        return subscription_state(updated)

    def recurring_resume(self, *, current: RecurringState) -> RecurringState:
        updated = self._call(
            self.client.v1.subscriptions.update,
            current.reference,
            {"cancel_at_period_end": False},
        )
        return subscription_state(updated)

    def recurring_details(self, *, reference: str) -> RecurringDetails | None:
        subscription = self._current_subscription(reference)
        if subscription is None:
            return None
        return RecurringDetails(
            state=subscription_state(subscription),
            checkout_reference=str((subscription.get("metadata") or {}).get(METADATA_KEY, "")),
        )

    # --- Webhooks ------------------------------------------------------------------------------
    # The parsing lives in ``webhooks.py``; the provider lends it read access to the API.

    def webhook_configured(self) -> bool:
        return bool(settings.STRIPE_WEBHOOK_SECRET)

    def webhook_verify(self, *, body: bytes, headers: Mapping[str, str]) -> bool:
        return webhooks.signature_valid(body, headers, secret=settings.STRIPE_WEBHOOK_SECRET)

    def webhook_events(self, *, body: bytes) -> list[ProviderEvent]:
        return webhooks.events_from(body, subscription=self._current_subscription)

    def _current_subscription(self, reference: str) -> dict | None:
        """The subscription as Stripe has it now; None when Stripe no longer knows it."""
        try:
            return self.client.v1.subscriptions.retrieve(reference).to_dict()
        except stripe.InvalidRequestError:
            return None
        except stripe.StripeError as exc:
            raise ProviderUnavailableError(str(exc)) from exc
