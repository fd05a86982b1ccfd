"""Card payments through Stripe."""

from masthead.payments.stripe.provider import StripeProvider

__all__ = ["StripeProvider"]
