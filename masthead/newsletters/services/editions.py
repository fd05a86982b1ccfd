"""Editors' actions on editions: schedule, unschedule, send a test, and the dispatcher."""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from masthead.audit.models import SecurityAction
from masthead.audit.services import security_event_record
from masthead.newsletters import selectors
from masthead.newsletters.email import render
from masthead.newsletters.models import AuditEntry, Edition
from masthead.newsletters.services import sending
from masthead.newsletters.services.audit import audit_record
from masthead.newsletters.services.sending import edition_send_start

logger = logging.getLogger(__name__)


class EditionNotEditable(Exception):
    """The edition is being sent or was sent."""


def edition_schedule(*, edition: Edition, at: datetime | None = None, actor=None) -> Edition:
    """Send at ``at``, or at the newsletter's next regular time (its day and hour)."""
    if not edition.edition_articles.exists():
        raise ValueError("Pick at least one article before scheduling.")
    when = at or selectors.newsletter_next_slot(newsletter=edition.newsletter)
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if not edition.is_editable:
            raise EditionNotEditable
        edition.status = Edition.Status.SCHEDULED
        edition.scheduled_at = when
        edition.save(update_fields=["status", "scheduled_at"])
        audit_record(
            action=AuditEntry.Action.EDITION_SCHEDULED,
            actor=actor,
            edition=edition,
            newsletter=edition.newsletter,
            at=when.isoformat(),
        )
        _edition_sent_record(edition=edition, actor=actor, scheduled_for=when)
    return edition


def edition_unschedule(*, edition: Edition, actor=None) -> Edition:
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.status != Edition.Status.SCHEDULED:
            raise EditionNotEditable
        edition.status = Edition.Status.DRAFT
        edition.scheduled_at = None
        edition.save(update_fields=["status", "scheduled_at"])
        audit_record(
            action=AuditEntry.Action.EDITION_UNSCHEDULED,
            actor=actor,
            edition=edition,
            newsletter=edition.newsletter,
        )
    return edition


def edition_send_now(*, edition: Edition, actor=None) -> Edition:
    with transaction.atomic():
        # Locked first: of two clicks, one starts the send and leaves the one trace.
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if not edition.is_editable:
            raise EditionNotEditable
        edition = edition_send_start(edition=edition, actor=actor)
        _edition_sent_record(edition=edition, actor=actor)
    return edition


def edition_resend_unconfirmed(*, edition: Edition, actor=None) -> int:
    """Send again to the recipients whose hand-over was not confirmed; see ``sending``."""
    with transaction.atomic():
        count = sending.edition_resend_unconfirmed(edition=edition, actor=actor)
        if count:
            _edition_sent_record(edition=edition, actor=actor, recipients=count, again=True)
    return count


def _edition_sent_record(
    *,
    edition: Edition,
    actor,
    recipients: int | None = None,
    scheduled_for: datetime | None = None,
    again: bool = False,
) -> None:
    """The security log's trace of a decision to mail a list (a forged or hijacked session
    that mails every subscriber is what it is there to show)."""
    if recipients is None:
        recipients = selectors.edition_audience_size(edition=edition)
    detail = {
        "list": edition.newsletter.name,
        "newsletter_id": edition.newsletter_id,
        "recipients": recipients,
    }
    if scheduled_for is not None:
        detail["scheduled_for"] = scheduled_for.isoformat()
    if again:
        detail["sent_again"] = True
    security_event_record(
        action=SecurityAction.EDITION_SENT, user=actor, target=edition, detail=detail
    )


def edition_send_test(*, edition: Edition, to: str, actor=None) -> None:
    """Send the edition as readers will see it to one address (the editor's own)."""
    rendered = render.edition_render(edition=edition, preview=True)
    html, text = rendered.personalise("test")
    message = EmailMultiAlternatives(
        subject=f"[Test] {rendered.subject}",
        body=text,
        from_email=rendered.from_email,
        to=[to],
        headers={"List-Id": rendered.list_id, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    message.send()
    with transaction.atomic():
        audit_record(
            action=AuditEntry.Action.EDITION_TEST_SENT,
            actor=actor,
            edition=edition,
            newsletter=edition.newsletter,
        )


def editions_dispatch(*, now: datetime | None = None) -> list[int]:
    """Start scheduled editions whose time has come; return their ids."""
    now = now or timezone.now()
    started = []
    for edition in Edition.objects.filter(status=Edition.Status.SCHEDULED, scheduled_at__lte=now):
        try:
            edition_send_start(edition=edition)
        except ValueError:
            logger.exception("Scheduled edition %s cannot be sent", edition.pk)
            continue
        started.append(edition.pk)
    return started
