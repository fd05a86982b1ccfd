"""The payment provider interface: what Masthead asks of a way to take money, and nothing more.

A provider is one class in its own package (``payments/stripe``, ``payments/offline``,
``payments/test``), listed in ``settings.PAYMENT_PROVIDERS`` by dotted path. It never touches
Masthead's records: it takes plain dataclasses in and gives plain dataclasses back, and
the app that keeps the records (it registers with ``registry.event_handler_register``) decides
what they mean. Adding PayPal is one new package with one subclass of ``PaymentProvider``;
nothing else changes.

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
from django.utils.translation import gettext_lazy


class Frequency(models.TextChoices):
    ONCE = "once", gettext_lazy("Once")
    MONTHLY = "monthly", gettext_lazy("Monthly")
    ANNUAL = "annual", gettext_lazy("Annual")


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
class RecurringDetails:
    """Recurring support as the provider has it now, and the checkout that created it (its
    ``Checkout.reference``, kept in the provider's metadata; "" when it kept none)."""

    state: RecurringState
    checkout_reference: str = ""


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

    def recurring_details(self, *, reference: str) -> RecurringDetails | None:
        """What the provider knows now of the recurring support ``reference``, for an event
        that names one Masthead has not recorded yet (so that it can be matched to the
        checkout that asked for it). Reads only; never writes to the provider. None when the
        provider does not know it, or keeps no state of its own. Raises
        ``ProviderUnavailableError`` when the provider cannot be reached."""
        return None

    # --- Webhooks ------------------------------------------------------------------------------

    def webhook_configured(self) -> bool:
        """Whether this installation can verify the provider's webhooks: it sends them and the
        secret that signs them is configured. When False, its endpoint does not exist (404):
        an endpoint that cannot tell the provider from a forger must not be there at all."""
        return self.webhooks

    def webhook_verify(self, *, body: bytes, headers: Mapping[str, str]) -> bool:
        """Whether ``body`` carries a valid signature. Compares in constant time (use
        ``signatures_match``) and has no side effects. False when the header is missing."""
        return False

    def webhook_events(self, *, body: bytes) -> list[ProviderEvent]:
        """Parse a verified body into normalized events; raise ``WebhookPayloadError`` when it
        cannot be parsed. May read from the provider's API (to learn an object's current
        state), never write to it. An event about an object Masthead does not know is still
        returned: deciding that is the service's job. Callers use ``webhook_parse``."""
        raise WebhookPayloadError("this provider sends no webhooks")

    def webhook_parse(self, *, body: bytes) -> list[ProviderEvent]:
        """``webhook_events``, made total: normalized events within the bounds the records
        hold (``event_check``), or ``WebhookPayloadError`` with a reason. A body is signed
        by the provider but still arbitrary data (a huge number, a null where an object
        belongs, a lone surrogate), so whatever a parser's reading of it raises is the
        body's fault, not ours. ``ProviderUnavailableError`` (the provider's API did not
        answer) passes through: that is worth a retry, the body is not."""
        try:
            events = list(self.webhook_events(body=body))
            for event in events:
                event_check(event)
        except WebhookPayloadError:
            raise
        except _MALFORMED as exc:
            raise WebhookPayloadError(f"malformed event ({exc.__class__.__name__})") from None
        return events


# What reading arbitrary (if signed) JSON can raise: wrong types and missing keys, numbers
# too large for an int or a date, recursion in deeply nested input, text that is not UTF-8.
_MALFORMED = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    ArithmeticError,
    RecursionError,
)

# The bounds of what Masthead records: amounts fit a 32-bit column (21 million in major units,
# far beyond any gift), references and ids a 255-character one.
MAX_AMOUNT_MINOR = 2**31 - 1
MAX_REFERENCE_LENGTH = 255


def _check_text(name: str, value: object, *, max_length: int | None = None) -> None:
    if not isinstance(value, str):
        raise WebhookPayloadError(f"{name} is not text")
    if max_length is not None and len(value) > max_length:
        raise WebhookPayloadError(f"{name} is longer than {max_length} characters")
    # Databases refuse NUL and lone surrogates (PostgreSQL with an error, not a 400).
    if "\x00" in value:
        raise WebhookPayloadError(f"{name} contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise WebhookPayloadError(f"{name} is not valid Unicode") from None


def _check_amount(name: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise WebhookPayloadError(f"{name} is not a whole number")
    if not 0 <= value <= MAX_AMOUNT_MINOR:
        raise WebhookPayloadError(f"{name} is out of range")


def _check_time(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise WebhookPayloadError(f"{name} is not an aware date and time")


def _check_currency(value: object) -> None:
    _check_text("currency", value)
    if value and not (len(value) == 3 and value.isascii() and value.isalpha() and value.isupper()):
        raise WebhookPayloadError("currency is not an ISO 4217 code")


def event_check(event: ProviderEvent) -> None:
    """Raise ``WebhookPayloadError`` unless every field of ``event`` has its declared type and
    fits what Masthead records, so that applying it cannot fail on the data itself."""
    if not isinstance(event, ProviderEvent):
        raise WebhookPayloadError("not a ProviderEvent")
    _check_text("event id", event.event_id, max_length=MAX_REFERENCE_LENGTH)
    if not event.event_id:
        raise WebhookPayloadError("event id is empty")
    if not isinstance(event.kind, EventKind):
        raise WebhookPayloadError("unknown kind of event")
    _check_text("event type", event.provider_type)
    _check_time("event time", event.occurred_at)
    for name in ("checkout_reference", "payment_reference", "recurring_reference"):
        _check_text(name, getattr(event, name), max_length=MAX_REFERENCE_LENGTH)
    _check_amount("amount", event.amount_minor)
    _check_currency(event.currency)
    _check_text("message", event.message)
    if not isinstance(event.is_renewal, bool):
        raise WebhookPayloadError("is_renewal is not a boolean")
    state = event.recurring
    if state is None:
        return
    if not isinstance(state, RecurringState):
        raise WebhookPayloadError("recurring is not a RecurringState")
    _check_text("recurring reference", state.reference, max_length=MAX_REFERENCE_LENGTH)
    if not isinstance(state.status, RecurringStatus):
        raise WebhookPayloadError("unknown recurring status")
    _check_time("observed_at", state.observed_at)
    _check_time("current_period_end", state.current_period_end, optional=True)
    if not isinstance(state.cancel_at_period_end, bool):
        raise WebhookPayloadError("cancel_at_period_end is not a boolean")
    _check_amount("recurring amount", state.amount_minor)
    _check_currency(state.currency)
    if state.frequency is not None and state.frequency not in (
        Frequency.MONTHLY,
        Frequency.ANNUAL,
    ):
        raise WebhookPayloadError("recurring frequency is not monthly or annual")


def signatures_match(given: str, expected: str) -> bool:
    """Constant-time comparison of two signatures."""
    return hmac.compare_digest(
        given.encode("utf-8", "replace"), expected.encode("utf-8", "replace")
    )
