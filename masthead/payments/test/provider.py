"""A provider for the demo and for staging: no money moves, and the reader chooses what
happens — the payment succeeds, is declined, or asks for an extra confirmation step like
3-D Secure. Available only while editors have test mode on; every screen says TEST MODE.

It also sends webhooks, signed like Stripe's (``t=<time>,v1=<HMAC-SHA256>``) with a key
derived from ``SECRET_KEY``: ``event_payload`` and ``signature_header`` build them, for the
demo, the tests and the benchmark.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

from masthead.core.numbers import whole_number
from masthead.payments.base import (
    Checkout,
    EventKind,
    Frequency,
    Outcome,
    PaymentInputError,
    PaymentPage,
    PaymentProvider,
    PaymentResult,
    ProviderEvent,
    RecurringState,
    RecurringStatus,
    WebhookPayloadError,
    signatures_match,
)

SIGNATURE_HEADER = "X-Masthead-Test-Signature"
# Webhooks older than this are refused, as Stripe's library does: a captured one cannot be
# replayed later.
TOLERANCE_SECONDS = 300
PERIODS = {Frequency.MONTHLY: timedelta(days=30), Frequency.ANNUAL: timedelta(days=365)}


def webhook_secret() -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), b"masthead.payments.test webhooks", hashlib.sha256
    ).hexdigest()


def signature_header(body: bytes, *, timestamp: int | None = None, secret: str = "") -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(
        (secret or webhook_secret()).encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    )
    return f"t={timestamp},v1={mac.hexdigest()}"


def _text(data: dict, key: str, *, required: bool = False) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise TypeError(f"{key} is not text")
    return value


def _flag(data: dict, key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise TypeError(f"{key} is not true or false")
    return value


def _time(value: object) -> datetime | None:
    """Seconds since 1970 as sent (an integer), or None for null."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 253402300800:
        raise ValueError("not a time")
    return datetime.fromtimestamp(value, UTC)


def _stable_id(prefix: str, key: str) -> str:
    return prefix + hashlib.sha256(key.encode()).hexdigest()[:20]


def event_payload(
    *,
    event_id: str,
    type: str,  # noqa: A002 - the field's name on the wire
    created: int | None = None,
    checkout: str = "",
    payment: str = "",
    recurring: str = "",
    amount_minor: int | None = None,
    currency: str = "",
    renewal: bool = False,
    status: str = "",
    current_period_end: int | None = None,
    cancel_at_period_end: bool = False,
    frequency: str = "",
) -> dict:
    """One event as the test provider sends it. ``type`` is payment.succeeded,
    payment.failed or recurring.updated."""
    return {
        "id": event_id,
        "type": type,
        "created": int(time.time()) if created is None else created,
        "checkout": checkout,
        "payment": payment,
        "recurring": recurring,
        "amount": amount_minor,
        "currency": currency,
        "renewal": renewal,
        "status": status,
        "current_period_end": current_period_end,
        "cancel_at_period_end": cancel_at_period_end,
        "frequency": frequency,
    }


class TestProvider(PaymentProvider):
    __test__ = False  # not a pytest test class, whatever its name

    name = "test"
    label = gettext_lazy("Card (test)")
    icon = "card"
    frequencies = frozenset({Frequency.ONCE, Frequency.MONTHLY, Frequency.ANNUAL})
    webhooks = True

    def is_available(self, *, test_mode: bool) -> bool:
        return test_mode

    def is_test(self) -> bool:
        return True

    # --- Paying --------------------------------------------------------------------------------

    def checkout_page(self, *, checkout: Checkout, action_url: str) -> PaymentPage:
        awaiting = checkout.provider_data.get("awaiting") == "confirmation"
        return PaymentPage(
            template="payments/test/confirm.html" if awaiting else "payments/test/checkout.html",
            context={"action_url": action_url},
        )

    def checkout_submit(self, *, checkout: Checkout, data: Mapping[str, str]) -> PaymentResult:
        awaiting = checkout.provider_data.get("awaiting") == "confirmation"
        choice = data.get("confirmation" if awaiting else "outcome", "")
        if awaiting and choice == "approve" or not awaiting and choice == "succeed":
            return self._succeeded(checkout)
        if awaiting and choice == "decline":
            return PaymentResult(
                outcome=Outcome.FAILED,
                provider_data={"awaiting": ""},
                message=gettext(
                    "Your bank did not confirm the payment (test). Nothing was charged."
                ),
            )
        if not awaiting and choice == "fail":
            return PaymentResult(
                outcome=Outcome.FAILED,
                message=gettext("Your card was declined (test). Nothing was charged."),
            )
        if not awaiting and choice == "confirm":
            return PaymentResult(
                outcome=Outcome.ACTION_REQUIRED,
                provider_data={"awaiting": "confirmation"},
                message=gettext("Your bank asks you to confirm this payment."),
            )
        raise PaymentInputError(gettext("Choose what the test payment should do."))

    def _succeeded(self, checkout: Checkout) -> PaymentResult:
        # Ids derived from the checkout: a doubled submission yields the same payment.
        now = datetime.now(UTC)
        recurring = None
        if checkout.frequency != Frequency.ONCE:
            recurring = RecurringState(
                reference=_stable_id("test_sub_", checkout.idempotency_key),
                status=RecurringStatus.ACTIVE,
                observed_at=now,
                current_period_end=now + PERIODS[Frequency(checkout.frequency)],
                amount_minor=checkout.amount_minor,
                currency=checkout.currency,
                frequency=Frequency(checkout.frequency),
            )
        return PaymentResult(
            outcome=Outcome.SUCCEEDED,
            payment_reference=_stable_id("test_pay_", checkout.idempotency_key),
            recurring=recurring,
            provider_data={"awaiting": ""},
        )

    # --- Recurring support ---------------------------------------------------------------------

    def recurring_update(
        self, *, current: RecurringState, amount_minor: int, currency: str, frequency: Frequency
    ) -> RecurringState:
        return RecurringState(
            reference=current.reference,
            status=current.status,
            observed_at=datetime.now(UTC),
            current_period_end=current.current_period_end,
            cancel_at_period_end=current.cancel_at_period_end,
            amount_minor=amount_minor,
            currency=currency,
            frequency=frequency,
        )

    def recurring_cancel(self, *, current: RecurringState) -> RecurringState:
        return self._with(current, cancel_at_period_end=True)

    def recurring_resume(self, *, current: RecurringState) -> RecurringState:
        return self._with(current, cancel_at_period_end=False)

    @staticmethod
    def _with(current: RecurringState, *, cancel_at_period_end: bool) -> RecurringState:
        return RecurringState(
            reference=current.reference,
            status=current.status,
            observed_at=datetime.now(UTC),
            current_period_end=current.current_period_end,
            cancel_at_period_end=cancel_at_period_end,
            amount_minor=current.amount_minor,
            currency=current.currency,
            frequency=current.frequency,
        )

    # --- Webhooks ------------------------------------------------------------------------------

    def webhook_verify(self, *, body: bytes, headers: Mapping[str, str]) -> bool:
        header = headers.get(SIGNATURE_HEADER) or ""
        fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
        timestamp, given = fields.get("t", ""), fields.get("v1", "")
        sent_at = whole_number(timestamp, digits=12)
        if sent_at is None or not given:
            return False
        if abs(time.time() - sent_at) > TOLERANCE_SECONDS:
            return False
        expected = signature_header(body, timestamp=sent_at).rsplit("v1=", 1)[1]
        return signatures_match(given, expected)

    def webhook_events(self, *, body: bytes) -> list[ProviderEvent]:
        # Every field has one type; anything else is a malformed event, not something to coerce.
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise TypeError("not an object")
            kind = {
                "payment.succeeded": EventKind.PAYMENT_SUCCEEDED,
                "payment.failed": EventKind.PAYMENT_FAILED,
                "recurring.updated": EventKind.RECURRING_UPDATED,
            }.get(_text(data, "type", required=True), EventKind.IGNORED)
            occurred_at = _time(data.get("created"))
            if occurred_at is None:
                raise ValueError("no time")
            event_id = _text(data, "id", required=True)
            recurring = None
            if kind == EventKind.RECURRING_UPDATED:
                frequency = _text(data, "frequency")
                recurring = RecurringState(
                    reference=_text(data, "recurring", required=True),
                    status=RecurringStatus(data["status"]),
                    observed_at=occurred_at,
                    current_period_end=_time(data.get("current_period_end")),
                    cancel_at_period_end=_flag(data, "cancel_at_period_end"),
                    frequency=Frequency(frequency) if frequency else None,
                )
            amount = data.get("amount")
            if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
                raise TypeError("amount is not a whole number")
            return [
                ProviderEvent(
                    event_id=event_id,
                    kind=kind,
                    provider_type=data["type"],
                    occurred_at=occurred_at,
                    checkout_reference=_text(data, "checkout"),
                    payment_reference=_text(data, "payment"),
                    recurring_reference=_text(data, "recurring"),
                    amount_minor=amount,
                    currency=_text(data, "currency").upper(),
                    recurring=recurring,
                    is_renewal=_flag(data, "renewal"),
                )
            ]
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
            raise WebhookPayloadError(f"malformed test event ({exc.__class__.__name__})") from None
