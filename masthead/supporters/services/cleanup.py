"""Forgetting what is no longer needed."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from masthead.payments.services import webhook_events_forget
from masthead.supporters.models import (
    Contribution,
    RecurringSupport,
    SignInLink,
    Supporter,
    UnmatchedEvent,
)

# A checkout nobody paid is abandoned after this long.
ABANDONED_AFTER = timedelta(days=2)
# An address that never gave anything is deleted after this long.
UNPAID_SUPPORTER_AFTER = timedelta(days=7)
# Providers' event ids are kept this long to recognise a replay (Stripe retries for 3 days).
WEBHOOK_EVENTS_KEPT = timedelta(days=90)


def supporters_cleanup(*, now=None) -> dict[str, int]:
    now = now or timezone.now()
    links, _ = SignInLink.objects.filter(Q(expires_at__lt=now) | Q(used_at__isnull=False)).delete()
    abandoned = Contribution.objects.filter(
        status__in=[Contribution.Status.STARTED, Contribution.Status.FAILED],
        created_at__lt=now - ABANDONED_AFTER,
    ).update(status=Contribution.Status.CANCELLED, provider_data={})
    gave = Contribution.objects.filter(
        supporter=OuterRef("pk"),
        status__in=[Contribution.Status.SUCCEEDED, Contribution.Status.PENDING],
    )
    supports = RecurringSupport.objects.filter(supporter=OuterRef("pk"))
    never_gave = (
        Supporter.objects.filter(created_at__lt=now - UNPAID_SUPPORTER_AFTER)
        .exclude(Exists(gave))
        .exclude(Exists(supports))
    )
    forgotten, _ = never_gave.delete()
    events = webhook_events_forget(before=now - WEBHOOK_EVENTS_KEPT)
    # An event whose object never appeared in that time is about nothing Masthead made.
    unmatched, _ = UnmatchedEvent.objects.filter(received_at__lt=now - WEBHOOK_EVENTS_KEPT).delete()
    return {
        "sign-in links": links,
        "abandoned checkouts": abandoned,
        "addresses": forgotten,
        "webhook events": events,
        "unmatched events": unmatched,
    }
