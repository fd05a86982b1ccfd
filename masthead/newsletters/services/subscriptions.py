"""Readers joining and leaving lists: double opt-in, unsubscribe, rejoin, erasure."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.core.editions import known_language
from masthead.newsletters import signals, tokens
from masthead.newsletters.addresses import address_normalize
from masthead.newsletters.models import (
    AuditEntry,
    Delivery,
    Newsletter,
    Subscriber,
    Subscription,
    Suppression,
)
from masthead.newsletters.services.audit import audit_record
from masthead.newsletters.services.suppressions import suppression_lift


class ConfirmationUsed(Exception):
    """A confirmation link that was already used, or replaced by a newer one."""


def _subscriber_for_update(email: str) -> Subscriber:
    """The subscriber row for ``email``, created if needed, locked until the transaction ends."""
    try:
        with transaction.atomic():
            Subscriber.objects.get_or_create(email=email)
    except IntegrityError:
        pass  # created by a concurrent request
    return Subscriber.objects.select_for_update().get(email=email)


def subscriber_signup(
    *,
    email: str,
    newsletters: Sequence[Newsletter],
    source_page: str = "",
    language: str | None = None,
) -> None:
    """Ask for ``newsletters`` on behalf of ``email``: double opt-in.

    Returns nothing on purpose: a new address, a pending one and a long-confirmed one get the
    same answer, so the form cannot be used to learn who subscribes. At most one confirmation
    email per address per ``NEWSLETTER_CONFIRM_INTERVAL``; the link confirms every list still
    waiting when it is followed. It is written in ``language`` (the edition signed up from),
    which the subscriber keeps until the next signup that gives one.
    """
    email = address_normalize(email)
    if not newsletters:
        raise ValueError("at least one newsletter")
    now = timezone.now()
    source_page = (source_page or "")[:200]
    with transaction.atomic():
        subscriber = _subscriber_for_update(email)
        if language is not None and subscriber.language != known_language(language):
            subscriber.language = known_language(language)
            subscriber.save(update_fields=["language"])
        requested = []  # lists the reader was neither on nor waiting for
        for newsletter in newsletters:
            subscription, created = Subscription.objects.get_or_create(
                subscriber=subscriber,
                newsletter=newsletter,
                defaults={"requested_at": now, "source_page": source_page},
            )
            if created or subscription.status not in (
                Subscription.Status.CONFIRMED,
                Subscription.Status.PENDING,
            ):
                requested.append(newsletter)
            if not created and subscription.status != Subscription.Status.CONFIRMED:
                subscription.status = Subscription.Status.PENDING
                subscription.requested_at = now
                subscription.source_page = source_page
                subscription.save(update_fields=["status", "requested_at", "source_page"])
        audit_record(
            action=AuditEntry.Action.SIGNUP_REQUESTED,
            subscriber=subscriber,
            lists=[n.slug for n in newsletters],
            source_page=source_page,
        )
        if requested:
            signals.signup_requested.send(
                Subscription, source_page=source_page, newsletters=requested
            )
        last = subscriber.confirmation_sent_at
        if last and now - last < timedelta(seconds=settings.NEWSLETTER_CONFIRM_INTERVAL):
            return
        subscriber.confirmation_sent_at = now
        subscriber.confirmation_nonce = secrets.token_hex(6)
        subscriber.save(update_fields=["confirmation_sent_at", "confirmation_nonce"])
        audit_record(action=AuditEntry.Action.CONFIRMATION_SENT, subscriber=subscriber)

        from masthead.newsletters.tasks import confirmation_email_send

        subscriber_id = subscriber.pk
        transaction.on_commit(lambda: confirmation_email_send.enqueue(subscriber_id=subscriber_id))


@dataclass(frozen=True)
class Confirmation:
    subscriber: Subscriber
    pending: list[Subscription]  # waiting for this link
    confirmed: list[Subscription]  # confirmed (before, or by this link)
    already: bool = False  # the link had been used: nothing was waiting for it


def confirmation_read(*, token: str) -> Confirmation:
    """What a confirmation link would confirm. Raises ``tokens.TokenInvalid``,
    ``tokens.TokenExpired`` or ``ConfirmationUsed``."""
    claim = tokens.confirm_token_read(token)
    subscriber = Subscriber.objects.filter(key=claim.subscriber_key).first()
    if subscriber is None:
        raise tokens.TokenInvalid  # erased since, or never existed
    subscriptions = list(subscriber.subscriptions.select_related("newsletter"))
    pending = [s for s in subscriptions if s.status == Subscription.Status.PENDING]
    confirmed = [s for s in subscriptions if s.status == Subscription.Status.CONFIRMED]
    if not secrets.compare_digest(subscriber.confirmation_nonce, claim.nonce):
        if confirmed and not pending:
            return Confirmation(
                subscriber=subscriber, pending=[], confirmed=confirmed, already=True
            )
        raise ConfirmationUsed
    return Confirmation(subscriber=subscriber, pending=pending, confirmed=confirmed)


def subscriber_confirm(*, token: str) -> Confirmation:
    """Confirm every list waiting for this link. Single use; a second click changes nothing."""
    claim = tokens.confirm_token_read(token)
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(key=claim.subscriber_key).first()
        if subscriber is None:
            raise tokens.TokenInvalid
        result = confirmation_read(token=token)
        if not result.pending:
            return result
        for subscription in result.pending:
            subscription.status = Subscription.Status.CONFIRMED
            subscription.consented_at = now
            subscription.ended_at = None
            subscription.end_reason = ""
            subscription.save(update_fields=["status", "consented_at", "ended_at", "end_reason"])
        subscriber.confirmation_nonce = ""
        subscriber.save(update_fields=["confirmation_nonce"])
        lists = [s.newsletter for s in result.pending]
        audit_record(
            action=AuditEntry.Action.CONFIRMED,
            subscriber=subscriber,
            lists=[n.slug for n in lists],
            source_pages=sorted({s.source_page for s in result.pending}),
        )
        # A suppressed address that confirms again receives mail again.
        suppression_lift(email=subscriber.email, why="confirmed again")
        transaction.on_commit(
            lambda: signals.subscription_confirmed.send(
                Subscription, subscriber=subscriber, newsletters=lists
            )
        )
    return Confirmation(
        subscriber=subscriber, pending=[], confirmed=result.confirmed + result.pending
    )


def subscription_end(
    *, subscriber: Subscriber, newsletter: Newsletter, reason: str, actor=None
) -> bool:
    """Take the reader off the list, effective for every later send including one under way.

    Idempotent: returns False when they were not on it.
    """
    now = timezone.now()
    with transaction.atomic():
        changed = Subscription.objects.filter(
            subscriber=subscriber,
            newsletter=newsletter,
            status__in=[Subscription.Status.CONFIRMED, Subscription.Status.PENDING],
        ).update(status=Subscription.Status.UNSUBSCRIBED, ended_at=now, end_reason=reason[:40])
        if not changed:
            return False
        # A send under way will not pick the reader up: waiting rows are skipped now.
        Delivery.objects.filter(
            subscriber=subscriber,
            edition__newsletter=newsletter,
            status__in=[Delivery.Status.PENDING, Delivery.Status.DEFERRED],
        ).update(status=Delivery.Status.SKIPPED, detail="left the list during the send")
        audit_record(
            action=AuditEntry.Action.UNSUBSCRIBED,
            actor=actor,
            newsletter=newsletter,
            subscriber=subscriber,
            reason=reason,
        )
        transaction.on_commit(
            lambda: signals.subscription_ended.send(
                Subscription, subscriber=subscriber, newsletter=newsletter, reason=reason
            )
        )
    return True


def subscription_rejoin(
    *, subscriber: Subscriber, newsletter: Newsletter, source_page: str = "manage page"
) -> Subscription:
    """The reader, holding a link mailed to them, joins a list again: consent given now."""
    now = timezone.now()
    with transaction.atomic():
        subscription, _ = Subscription.objects.get_or_create(
            subscriber=subscriber,
            newsletter=newsletter,
            defaults={"requested_at": now, "source_page": source_page},
        )
        subscription.status = Subscription.Status.CONFIRMED
        subscription.consented_at = now
        subscription.source_page = source_page
        subscription.ended_at = None
        subscription.end_reason = ""
        subscription.save()
        audit_record(
            action=AuditEntry.Action.REJOINED,
            newsletter=newsletter,
            subscriber=subscriber,
            source_page=source_page,
        )
        suppression_lift(email=subscriber.email, why="rejoined a list")
        transaction.on_commit(
            lambda: signals.subscription_confirmed.send(
                Subscription, subscriber=subscriber, newsletters=[newsletter]
            )
        )
    return subscription


@dataclass(frozen=True)
class Erasure:
    subscriptions: int
    deliveries: int
    audit_entries_detached: int
    suppression_kept: bool


ERASURE_STATEMENT = (
    "Erasing deletes the email address, every list membership with its consent record "
    "(when and on which page), and the record of which editions were sent to it. Audit "
    "entries stay, without the address. If the address is on the suppression list "
    "(it bounced or reported spam), that entry is kept so that it is never mailed again; "
    "remove it under Suppressions if the person asks for that too."
)


def subscriber_erase(*, subscriber: Subscriber, actor=None) -> Erasure:
    """Delete everything known about a reader (right to erasure)."""
    with transaction.atomic():
        subscriptions = subscriber.subscriptions.count()
        deliveries = subscriber.deliveries.count()
        detached = subscriber.audit_entries.count()
        suppressed = Suppression.objects.filter(email=subscriber.email).exists()
        subscriber_id = subscriber.pk
        # Wagtail's own log of admin edits names the object by its address.
        from django.contrib.contenttypes.models import ContentType
        from wagtail.models import ModelLogEntry

        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Subscriber),
            object_id=str(subscriber_id),
        ).delete()
        subscriber.delete()
        audit_record(
            action=AuditEntry.Action.ERASED,
            actor=actor,
            subscriber_id=subscriber_id,
            subscriptions=subscriptions,
            deliveries=deliveries,
        )
    return Erasure(
        subscriptions=subscriptions,
        deliveries=deliveries,
        audit_entries_detached=detached,
        suppression_kept=suppressed,
    )


def subscribers_unconfirmed_forget() -> int:
    """Forget signups nobody confirmed within the link's lifetime. Returns readers deleted."""
    cutoff = timezone.now() - timedelta(seconds=settings.NEWSLETTER_CONFIRM_MAX_AGE)
    with transaction.atomic():
        Subscription.objects.filter(
            status=Subscription.Status.PENDING, requested_at__lt=cutoff
        ).delete()
        _, deleted = (
            Subscriber.objects.filter(subscriptions__isnull=True, created_at__lt=cutoff)
            .exclude(deliveries__isnull=False)
            .delete()
        )
    return deleted.get(Subscriber._meta.label, 0)
