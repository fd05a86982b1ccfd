"""Bank transfer and cryptocurrency pass the shared provider contract (they send no webhooks:
an editor confirms each gift)."""

import pytest
from django.urls import reverse

from masthead.payments.offline.models import OfflinePaymentSettings
from masthead.payments.tests.contract import CheckoutContract, NoWebhookContract


@pytest.fixture
def offline_instructions(db):
    settings = OfflinePaymentSettings.load()
    settings.bank_transfer_instructions = "IBAN: XX00 TEST 0000\nBank: Test Bank"
    settings.crypto_instructions = "Bitcoin: test-address"
    settings.save()
    return settings


class OfflineContract(NoWebhookContract, CheckoutContract):
    @pytest.fixture(autouse=True)
    def _instructions(self, offline_instructions):
        return offline_instructions

    @pytest.fixture
    def payment_data(self):
        return lambda contribution: {"promise": "sent"}

    @pytest.fixture
    def pay_path(self):
        return lambda contribution: reverse("supporters:pay", args=[contribution.checkout_token])


class TestBankTransfer(OfflineContract):
    @pytest.fixture
    def provider_name(self):
        return "bank_transfer"


class TestCrypto(OfflineContract):
    @pytest.fixture
    def provider_name(self):
        return "crypto"
