"""Requests the public forms turned away are counted per day and kind, for the admin, and
nothing else is kept about them. The guard itself (origins, rate limits) is
``core.public_forms``, shared by every public form.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone


def blocked_attempt_record(*, scope: str) -> None:
    from masthead.supporters.models import BlockedAttempts

    day = timezone.now().date()
    if BlockedAttempts.objects.filter(day=day, scope=scope).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            BlockedAttempts.objects.create(day=day, scope=scope, count=1)
    except IntegrityError:
        BlockedAttempts.objects.filter(day=day, scope=scope).update(count=F("count") + 1)
