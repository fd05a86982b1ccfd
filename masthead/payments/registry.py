"""The providers this installation offers, from ``settings.PAYMENT_PROVIDERS``."""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from masthead.payments.base import PaymentProvider


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
