"""Bank transfer and cryptocurrency: the reader pays outside Masthead, following instructions
set by editors, and the contribution stays pending until an editor marks it received."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import ClassVar

from django.utils.translation import gettext, gettext_lazy

from masthead.payments.base import (
    Checkout,
    Frequency,
    Outcome,
    PaymentInputError,
    PaymentPage,
    PaymentProvider,
    PaymentResult,
)


def transfer_reference(checkout_reference: str) -> str:
    """A short code the reader writes on the transfer: unique enough to match by, and
    nothing about the reader in it."""
    digest = hashlib.sha256(checkout_reference.encode()).digest()
    return "MH-" + base64.b32encode(digest)[:8].decode()


class OfflineProvider(PaymentProvider):
    frequencies = frozenset({Frequency.ONCE})
    instructions_field: ClassVar[str]
    template = "payments/offline/checkout.html"

    def _instructions(self) -> str:
        from masthead.payments.offline.models import OfflinePaymentSettings

        return getattr(OfflinePaymentSettings.load(), self.instructions_field).strip()

    def is_available(self, *, test_mode: bool) -> bool:
        return bool(self._instructions())

    def checkout_page(self, *, checkout: Checkout, action_url: str) -> PaymentPage:
        lines = [line.strip() for line in self._instructions().splitlines()]
        return PaymentPage(
            template=self.template,
            context={
                "method_label": self.label,
                "instructions": [line for line in lines if line],
                "transfer_reference": transfer_reference(checkout.reference),
                "action_url": action_url,
            },
        )

    def checkout_submit(self, *, checkout: Checkout, data: Mapping[str, str]) -> PaymentResult:
        if data.get("promise") != "sent":
            raise PaymentInputError(gettext("Tell us when you have sent the money."))
        # Idempotent by construction: the reference is a function of the checkout.
        return PaymentResult(
            outcome=Outcome.PENDING,
            payment_reference=transfer_reference(checkout.reference),
            message=gettext("We will confirm your gift as soon as it reaches us."),
        )


class BankTransferProvider(OfflineProvider):
    name = "bank_transfer"
    label = gettext_lazy("Bank transfer")
    icon = "bank"
    instructions_field = "bank_transfer_instructions"


class CryptoProvider(OfflineProvider):
    name = "crypto"
    label = gettext_lazy("Cryptocurrency")
    icon = "crypto"
    instructions_field = "crypto_instructions"
