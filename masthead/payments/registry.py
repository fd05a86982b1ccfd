"""The providers this installation offers, from ``settings.PAYMENT_PROVIDERS``, and the one
handler that applies their webhook events to Masthead's records.

The payments layer sits below the apps that keep contributions: it knows what a payment is,
not what a reader's gift is. So the app that keeps them registers its handler here (in its
``AppConfig.ready``), as django-anymail's apps listen to its ``tracking`` signal, and the
payments layer calls it without importing it.
"""

from __future__ import annotations

import functools
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from masthead.payments.base import PaymentProvider, ProviderEvent


@functools.cache
def providers_installed() -> dict[str, PaymentProvider]:
    """Every listed provider by name, in the order of the setting."""
    result: dict[str, PaymentProvider] = {}
    for path in settings.PAYMENT_PROVIDERS:
        try:
            cls = import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(f"PAYMENT_PROVIDERS: cannot import {path!r}: {exc}") from exc
        if not (isinstance(cls, type) and issubclass(cls, PaymentProvider)):
            raise ImproperlyConfigured(f"PAYMENT_PROVIDERS: {path!r} is not a PaymentProvider")
        provider = cls()
        if provider.name in result:
            raise ImproperlyConfigured(f"PAYMENT_PROVIDERS: two providers named {provider.name!r}")
        result[provider.name] = provider
    return result


def provider_get(name: str) -> PaymentProvider | None:
    return providers_installed().get(name)


def providers_available(*, test_mode: bool) -> list[PaymentProvider]:
    return [p for p in providers_installed().values() if p.is_available(test_mode=test_mode)]


def _forget(*, setting: str, **_kwargs) -> None:
    if setting == "PAYMENT_PROVIDERS":
        providers_installed.cache_clear()


setting_changed.connect(_forget, dispatch_uid="payments-registry-forget")


# --- The event handler -------------------------------------------------------------------------


class EventHandler(Protocol):
    def __call__(self, *, provider: str, event: ProviderEvent) -> tuple[str, str]:
        """Apply one normalized event to the records; return its outcome (a value of
        ``WebhookEvent.Outcome``) and a short detail. Runs inside the transaction that records
        the event id, so it must not commit on its own, and an exception rolls back both."""
        ...


_event_handler: EventHandler | None = None


def event_handler_register(*, handler: EventHandler) -> None:
    """Make ``handler`` the one that applies webhook events. One handler, not a list: the
    outcome recorded with each event is its answer, and two answers could not be one record.
    Registering the same handler again (a second ``ready()`` in tests) changes nothing."""
    global _event_handler
    if _event_handler is not None and _event_handler is not handler:
        raise ImproperlyConfigured(
            f"payments: an event handler is already registered ({_event_handler!r})"
        )
    _event_handler = handler


def event_handler() -> EventHandler:
    """The registered handler. Without one, events cannot be applied: raise, so that the
    delivery is refused with a retryable error and nothing is recorded as processed."""
    if _event_handler is None:
        raise ImproperlyConfigured(
            "payments: no app registered a webhook event handler (event_handler_register)"
        )
    return _event_handler
