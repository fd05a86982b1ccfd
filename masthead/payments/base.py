"""The payment provider interface: what Masthead asks of a way to take money, and nothing more.

A provider is one class in its own package (``payments/stripe``, ``payments/offline``,
``payments/test``), listed in ``settings.PAYMENT_PROVIDERS`` by dotted path. It never touches
Masthead's records: it takes plain dataclasses in and gives plain dataclasses back, and
``masthead.supporters.services`` decides what they mean. Adding PayPal is one new package
with one subclass of ``PaymentProvider``; nothing else changes.

Amounts are integers in the currency's minor unit (cents); currencies are ISO 4217 codes in
upper case. Times are aware datetimes in UTC.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from django.db import models


class Frequency(models.TextChoices):
    ONCE = "once", "Once"
    MONTHLY = "monthly", "Monthly"
    ANNUAL = "annual", "Annual"


class RecurringStatus(StrEnum):
    INCOMPLETE = "incomplete"  # created, first payment not yet made
    ACTIVE = "active"
    PAST_DUE = "past_due"  # a renewal payment failed; the provider is retrying
    CANCELLED = "cancelled"  # ended: no further payments


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"  # money moved (or, for recurring support, the first payment did)
    FAILED = "failed"  # declined or abandoned; the reader may try again
    ACTION_REQUIRED = "action_required"  # the reader must confirm (3-D Secure, test step)
    PENDING = "pending"  # promised, not yet received (bank transfer, cryptocurrency)


class EventKind(StrEnum):
    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYMENT_FAILED = "payment.failed"
    RECURRING_UPDATED = "recurring.updated"
    IGNORED = "ignored"  # a kind of event Masthead does not act on; still recorded


# --- Data that crosses the interface -----------------------------------------------------------


@dataclass(frozen=True)
class Checkout:
    """One contribution a reader asked to make: everything a provider may know of them."""

    reference: str  # Masthead's opaque reference; providers keep it in their metadata
    amount_minor: int
    currency: str
    frequency: Frequency
    description: str  # "Monthly support for The Kelmar Courier"
    idempotency_key: str  # stable for this checkout: derive every provider-side key from it
    provider_data: Mapping[str, str] = field(default_factory=dict)  # kept from earlier steps
    test_mode: bool = False


@dataclass(frozen=True)
class RecurringState:
    """Recurring support as the provider sees it at ``observed_at``."""

    reference: str
    status: RecurringStatus
    observed_at: datetime
    current_period_end: datetime | None = None
    cancel_at_period_end: bool = False
    amount_minor: int | None = None
    currency: str = ""
    frequency: Frequency | None = None


@dataclass(frozen=True)
class PaymentPage:
    """What the reader sees on the payment step, rendered by Masthead's own view."""

    template: str
    context: Mapping[str, object] = field(default_factory=dict)
    provider_data: Mapping[str, str] = field(default_factory=dict)  # ids to keep (no secrets)
    third_party_script: bool = False  # loads payment_step_sources() (Stripe.js): widened CSP


@dataclass(frozen=True)
class PaymentResult:
    outcome: Outcome
    payment_reference: str = ""  # the provider's id of the payment (PaymentIntent, invoice…)
    recurring: RecurringState | None = None  # set when recurring support now exists
    provider_data: Mapping[str, str] = field(default_factory=dict)  # ids to keep (no secrets)
    message: str = ""  # for the reader: why it failed, or what to do next


@dataclass(frozen=True)
class ProviderEvent:
    """One webhook event, normalized. ``event_id`` is unique per provider: Masthead processes
    each id once, whatever the number of deliveries."""

    event_id: str
    kind: EventKind
    provider_type: str  # the provider's own name for it, e.g. "invoice.payment_succeeded"
    occurred_at: datetime
    checkout_reference: str = ""  # Checkout.reference, when the provider kept it
    payment_reference: str = ""
    recurring_reference: str = ""
    amount_minor: int | None = None
    currency: str = ""
    recurring: RecurringState | None = None
    is_renewal: bool = False  # a payment of recurring support after the first one
    message: str = ""


# --- Errors ------------------------------------------------------------------------------------


class PaymentInputError(ValueError):
    """The reader's submission on the payment step is malformed; nothing was charged."""


class ProviderUnavailableError(RuntimeError):
    """The provider could not be reached or refused the request; nothing was charged."""


class WebhookPayloadError(ValueError):
    """A webhook body with a valid signature that cannot be parsed."""


# --- The interface -----------------------------------------------------------------------------


class PaymentProvider:
    """Base class for a payment provider. Subclasses set the class attributes and implement
    the methods that apply to them; the defaults describe a provider without webhooks and
    without recurring payments."""

    name: ClassVar[str]  # stable id stored on every record: "stripe", "bank_transfer"…
    label: ClassVar[str]  # shown to readers: "Card"
    icon: ClassVar[str] = "card"  # which first-party icon shows it: card, bank, crypto
    frequencies: ClassVar[frozenset[str]] = frozenset({Frequency.ONCE})
    webhooks: ClassVar[bool] = False

    # --- Configuration -------------------------------------------------------------------------

    def is_available(self, *, test_mode: bool) -> bool:
        """Whether readers may choose this provider now. ``test_mode`` is the editors' switch:
        real providers stay available in test mode only when they run on test credentials."""
        raise NotImplementedError

    def is_test(self) -> bool:
        """Payments through this provider move no real money (every screen says TEST MODE)."""
        return False

    def payment_step_sources(self) -> dict[str, list[str]]:
        """Origins its payment step needs besides the site's own, by CSP directive
        (``script-src``, ``connect-src``, ``frame-src``, ``img-src``). They are allowed only on
        pages it marks ``third_party_script``; every other page keeps the strict policy."""
        return {}

    # --- Paying --------------------------------------------------------------------------------

    def checkout_page(self, *, checkout: Checkout, action_url: str) -> PaymentPage:
        """The payment step for ``checkout``, posting to ``action_url``.

        May prepare objects at the provider (a customer, a SetupIntent), with keys derived
        from ``checkout.idempotency_key`` so that reloading the page prepares nothing twice.
        Must not move money: money moves only in ``checkout_submit``, after the reader
        confirmed. Called again after ``ACTION_REQUIRED`` to show the confirmation step.
        """
        raise NotImplementedError

    def checkout_submit(self, *, checkout: Checkout, data: Mapping[str, str]) -> PaymentResult:
        """The reader confirmed on the payment step; ``data`` is what the page posted.

        May move money. Must be idempotent for one checkout: a retried or doubled submission
        returns the same result and never charges twice. Never trusts ids in ``data`` that
        are not also in ``checkout.provider_data``. Raises ``PaymentInputError`` for malformed
        data and ``ProviderUnavailableError`` when the provider cannot be reached.
        """
        raise NotImplementedError

    # --- Recurring support ---------------------------------------------------------------------
    # ``current`` is Masthead's last known state; providers that keep no state of their own
    # (offline, test) compute the new one from it. Each change takes effect at the provider
    # before it is recorded by Masthead: raise rather than return a state that is not true.

    def recurring_update(
        self, *, current: RecurringState, amount_minor: int, currency: str, frequency: Frequency
    ) -> RecurringState:
        """Change the amount or switch between monthly and annual from the next payment on."""
        raise NotImplementedError

    def recurring_cancel(self, *, current: RecurringState) -> RecurringState:
        """Stop at the end of the period already paid for. Must not refund or end it sooner."""
        raise NotImplementedError

    def recurring_resume(self, *, current: RecurringState) -> RecurringState:
        """Undo a cancellation that has not taken effect yet."""
        raise NotImplementedError

    # --- Webhooks ------------------------------------------------------------------------------

    def webhook_verify(self, *, body: bytes, headers: Mapping[str, str]) -> bool:
        """Whether ``body`` carries a valid signature. Compares in constant time (use
        ``signatures_match``) and has no side effects. False when the header is missing."""
        return False

    def webhook_events(self, *, body: bytes) -> list[ProviderEvent]:
        """Parse a verified body into normalized events; raise ``WebhookPayloadError`` when it
        cannot be parsed. May read from the provider's API (to learn an object's current
        state), never write to it. An event about an object Masthead does not know is still
        returned: deciding that is the service's job."""
        raise WebhookPayloadError("this provider sends no webhooks")


def signatures_match(given: str, expected: str) -> bool:
    """Constant-time comparison of two signatures."""
    return hmac.compare_digest(
        given.encode("utf-8", "replace"), expected.encode("utf-8", "replace")
    )
