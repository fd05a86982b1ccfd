"""What appeals do when the reader-revenue system reports a contribution: count it for the
appeal variant its campaign code names. Only parses the signal and calls the service."""

from __future__ import annotations

from decimal import Decimal

from masthead.appeals import services


def contribution_succeeded(*, contribution, first_payment: bool, **_kwargs) -> None:
    # Renewals are the same supporter's next payment, not a new response to the appeal.
    if not first_payment or not contribution.campaign:
        return
    services.appeal_contribution_record(
        campaign=contribution.campaign,
        amount=Decimal(contribution.amount_minor) / 100,
        currency=contribution.currency,
    )


def connect() -> None:
    try:
        from masthead.supporters.signals import contribution_succeeded as signal
    except ImportError:  # reader revenue not installed: nothing to attribute
        return
    signal.connect(contribution_succeeded, dispatch_uid="appeals-contribution-attribution")
