"""The test provider: simulated payments for the demo and staging."""

from masthead.payments.test.provider import TestProvider

__all__ = ["TestProvider"]
