"""Remind me later: one email on the chosen day, then the address is forgotten."""

from __future__ import annotations

import calendar
import hashlib
import logging
import secrets
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from masthead.core.editions import known_language
from masthead.supporters.models import Reminder

logger = logging.getLogger(__name__)

WHEN_CHOICES = {"next_month": 1, "three_months": 3}
# A claimed reminder that was never deleted (the worker died while sending) is given up
# after this long: never sent twice, and the address not kept.
CLAIM_TIMEOUT = timedelta(hours=6)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reminder_create(*, email: str, when: str, language: str | None = None) -> tuple[Reminder, str]:
    """Ask for a reminder; return it and the cancel token (for the confirmation email).
    An address has at most one reminder: asking again moves it. Both its emails are written
    in ``language``, the edition it was asked from (the default language's when not given)."""
    from masthead.supporters.tasks import reminder_confirmation_email

    months = WHEN_CHOICES[when]
    token = secrets.token_urlsafe(24)
    remind_on = months_later(timezone.localdate(), months)
    with transaction.atomic():
        reminder, _created = Reminder.objects.update_or_create(
            email=email.strip().lower(),
            defaults={
                "remind_on": remind_on,
                "cancel_token_hash": _hash(token),
                "claimed_at": None,
                "language": known_language(language),
            },
        )
        # The token travels to the worker only to be put into the email.
        reminder_confirmation_email.enqueue(reminder_id=reminder.pk, cancel_token=token)
    return reminder, token


def reminder_for_token(*, token: str) -> Reminder | None:
    if not token or len(token) > 100:
        return None
    return Reminder.objects.filter(cancel_token_hash=_hash(token)).first()


def reminder_cancel(*, token: str) -> bool:
    if not token or len(token) > 100:
        return False
    deleted, _ = Reminder.objects.filter(cancel_token_hash=_hash(token)).delete()
    return bool(deleted)


def reminders_send_due(*, today: date | None = None) -> int:
    """Send every reminder due today or earlier: claim it, send it, delete it. Returns how many
    were sent. Each is sent at most once, whatever the number of workers."""
    from masthead.supporters.emails import email_send
    from masthead.supporters.models import SupportSettings

    today = today or timezone.localdate()
    stale = timezone.now() - CLAIM_TIMEOUT
    gone, _ = Reminder.objects.filter(claimed_at__lt=stale).delete()
    if gone:
        logger.warning("Gave up %d reminder(s) whose sending was interrupted", gone)
    test = SupportSettings.load().test_mode
    sent = 0
    for reminder_id in Reminder.objects.filter(
        remind_on__lte=today, claimed_at__isnull=True
    ).values_list("pk", flat=True):
        claimed = Reminder.objects.filter(pk=reminder_id, claimed_at__isnull=True).update(
            claimed_at=timezone.now()
        )
        if not claimed:
            continue  # another worker has it
        reminder = Reminder.objects.get(pk=reminder_id)
        try:
            with translation.override(known_language(reminder.language)):
                email_send(
                    to=reminder.email,
                    subject=gettext("You asked us to remind you"),
                    template="reminder",
                    # The reminder is deleted once sent: its link can only say so.
                    context={"cancel_token": secrets.token_urlsafe(24)},
                    test=test,
                )
        except Exception:
            # Not sent (the mail server refused): release it for the next run.
            Reminder.objects.filter(pk=reminder_id).update(claimed_at=None)
            logger.exception("Reminder %s could not be sent; will try again", reminder_id)
            continue
        reminder.delete()
        sent += 1
    return sent
