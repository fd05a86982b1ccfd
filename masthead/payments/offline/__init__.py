"""Offline payment methods: bank transfer and cryptocurrency."""

from masthead.payments.offline.provider import BankTransferProvider, CryptoProvider

__all__ = ["BankTransferProvider", "CryptoProvider"]
