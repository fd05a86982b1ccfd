"""Conversions as the apps below report them: only parses their signals and calls services.
Both signals are sent inside the transaction of the change, so a count commits with it."""

from __future__ import annotations

from masthead.figures import services
from masthead.figures.models import Conversion


def signup_requested(*, source_page: str, **_kwargs) -> None:
    services.conversion_add(kind=Conversion.Kind.SIGNUP, path=source_page)


def contribution_started(*, contribution, source_page: str, **_kwargs) -> None:
    services.contribution_source_keep(contribution_id=contribution.pk, path=source_page)


def contribution_succeeded(*, contribution, first_payment: bool, **_kwargs) -> None:
    # A renewal is the same supporter's next payment, not a new response to a page.
    if not first_payment:
        return
    services.contribution_convert(
        contribution_id=contribution.pk,
        campaign=contribution.campaign,
        currency=contribution.currency,
        amount_minor=contribution.amount_minor,
        is_test=contribution.is_test,
    )


def connect() -> None:
    from masthead.newsletters import signals as newsletter_signals
    from masthead.supporters import signals as supporter_signals

    newsletter_signals.signup_requested.connect(signup_requested, dispatch_uid="figures-signup")
    supporter_signals.contribution_started.connect(
        contribution_started, dispatch_uid="figures-contribution-started"
    )
    supporter_signals.contribution_succeeded.connect(
        contribution_succeeded, dispatch_uid="figures-contribution"
    )
