"""Background work for reader revenue: emails, and the periodic jobs of ``masthead worker``."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext

from masthead.core.editions import known_language
from masthead.core.scheduler import every
from masthead.supporters import services

logger = logging.getLogger(__name__)


@task()
def receipt_email(contribution_id: int) -> bool:
    return services.receipt_send(contribution_id=contribution_id)


@task()
def signin_link_email(supporter_id: int, language: str = "") -> None:
    """The link to "Manage my support", in ``language`` (the edition it was asked from) or,
    without one, the language the supporter last gave in. Its link leads to that edition."""
    from masthead.supporters.emails import email_send
    from masthead.supporters.models import Contribution, Supporter, SupportSettings

    supporter = Supporter.objects.filter(pk=supporter_id).first()
    if supporter is None:
        return
    token = services.signin_link_create(supporter=supporter)
    if not language:
        language = (
            Contribution.objects.filter(supporter=supporter)
            .order_by("-created_at")
            .values_list("language", flat=True)
            .first()
        )
    with translation.override(known_language(language)):
        email_send(
            to=supporter.email,
            subject=gettext("Your link to manage your support"),
            template="signin_link",
            context={"token": token, "minutes": 15},
            test=SupportSettings.load().test_mode,
        )


@task()
def reminder_confirmation_email(reminder_id: int, cancel_token: str) -> None:
    from masthead.supporters.emails import email_send
    from masthead.supporters.models import Reminder, SupportSettings

    reminder = Reminder.objects.filter(pk=reminder_id).first()
    if reminder is None:
        return  # cancelled before we got to it
    with translation.override(known_language(reminder.language)):
        email_send(
            to=reminder.email,
            subject=gettext("We will remind you"),
            template="reminder_confirmation",
            context={"reminder": reminder, "cancel_token": cancel_token},
            test=SupportSettings.load().test_mode,
        )


@every(timedelta(minutes=5), name="supporters.reminders_due")
@task()
def reminders_due() -> int:
    """Send the reminders that are due, and forget their addresses."""
    return services.reminders_send_due()


@every(timedelta(hours=1), name="supporters.renewal_notices")
@task()
def renewal_notices() -> int:
    """Tell annual supporters before their support renews."""
    return services.renewal_notices_send()


@every(timedelta(minutes=10), name="supporters.receipts_unsent")
@task()
def receipts_unsent() -> int:
    """Send receipts whose first attempt failed."""
    return services.receipts_retry()


@every(timedelta(days=1), name="supporters.cleanup")
@task()
def cleanup() -> dict:
    """Delete used sign-in links, abandoned checkouts and addresses that never gave."""
    result = services.supporters_cleanup()
    logger.info("Reader revenue clean-up: %s", result)
    return result
