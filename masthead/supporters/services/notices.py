"""Receipts and notices by email."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from masthead.core.editions import known_language
from masthead.payments.base import Frequency
from masthead.supporters.amounts import format_amount
from masthead.supporters.emails import email_send
from masthead.supporters.models import Contribution, RecurringSupport, SupportSettings

logger = logging.getLogger(__name__)

# Receipts whose task failed (mail server down) are sent again by the periodic job after
# this long; older than the limit they are no longer worth sending.
RECEIPT_RETRY_AFTER = timedelta(minutes=10)
RECEIPT_RETRY_LIMIT = timedelta(days=3)


def receipt_send(*, contribution_id: int) -> bool:
    """Email the receipt for a received payment, once. Returns whether one was sent."""
    c = (
        Contribution.objects.select_related("supporter", "recurring")
        .filter(pk=contribution_id, status=Contribution.Status.SUCCEEDED)
        .first()
    )
    if c is None or c.supporter is None or c.receipt_sent_at is not None:
        return False
    support = SupportSettings.load()
    # In the language of the edition it was given from (a renewal: the supporter's).
    with translation.override(known_language(c.language)):
        email_send(
            to=c.supporter.email,
            subject=gettext("Your receipt %(number)s") % {"number": c.receipt_number},
            template="receipt",
            context={
                "contribution": c,
                "amount": format_amount(c.amount_minor, c.currency),
                "fee_cover": format_amount(c.fee_cover_minor, c.currency)
                if c.fee_cover_minor
                else "",
                "thank_you": support.thank_you_paragraphs(),  # the reader's language is active
            },
            test=c.is_test,
        )
    Contribution.objects.filter(pk=c.pk).update(receipt_sent_at=timezone.now())
    return True


def receipts_retry(*, now=None) -> int:
    now = now or timezone.now()
    ids = Contribution.objects.filter(
        status=Contribution.Status.SUCCEEDED,
        receipt_sent_at__isnull=True,
        succeeded_at__lt=now - RECEIPT_RETRY_AFTER,
        succeeded_at__gt=now - RECEIPT_RETRY_LIMIT,
        supporter__isnull=False,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in ids:
        try:
            sent += receipt_send(contribution_id=pk)
        except Exception:
            logger.exception("Receipt for contribution %s could not be sent", pk)
    return sent


def renewal_notices_send(*, now=None) -> int:
    """Tell annual supporters ahead of a renewal: once per renewal, and only while it is
    still going to happen."""
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.SUPPORT_RENEWAL_NOTICE_DAYS)
    due = RecurringSupport.objects.filter(
        status=RecurringSupport.Status.ACTIVE,
        frequency=Frequency.ANNUAL,
        cancel_at_period_end=False,
        current_period_end__gt=now,
        current_period_end__lte=horizon,
        supporter__isnull=False,
    ).select_related("supporter")
    sent = 0
    for r in due:
        if r.renewal_notice_for == r.current_period_end:
            continue
        with transaction.atomic():
            claimed = (
                RecurringSupport.objects.filter(pk=r.pk)
                .exclude(renewal_notice_for=r.current_period_end)
                .update(renewal_notice_for=r.current_period_end)
            )
            if not claimed:
                continue
        with translation.override(known_language(r.language)):
            email_send(
                to=r.supporter.email,
                subject=gettext("Your annual support renews soon"),
                template="renewal_notice",
                context={
                    "recurring": r,
                    "amount": format_amount(r.amount_minor, r.currency),
                    "renews_on": r.current_period_end,
                },
                test=r.is_test,
            )
        sent += 1
    return sent
