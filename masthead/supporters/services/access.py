"""Sign-in links for "Manage my support": no password, one email, fifteen minutes, one use."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from masthead.supporters.models import SignInLink, Supporter

LINK_LIFETIME = timedelta(minutes=15)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signin_request(*, email: str, language: str | None = None) -> bool:
    """Queue a sign-in link for ``email`` if it belongs to a supporter, written in
    ``language`` (the edition it was asked from; when not given, the language the supporter
    last gave in). The caller
    answers the reader the same either way; the return value is for tests and logs only."""
    from masthead.supporters.tasks import signin_link_email

    supporter = Supporter.objects.filter(email=email.strip().lower()).first()
    if supporter is None:
        return False
    # The token is made by the worker and only its hash stored: no usable link sits in the
    # task queue or the database.
    signin_link_email.enqueue(supporter_id=supporter.pk, language=language or "")
    return True


def signin_link_create(*, supporter: Supporter) -> str:
    """A new link token for ``supporter``; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        supporter=supporter, token_hash=_hash(token), expires_at=timezone.now() + LINK_LIFETIME
    )
    return token


def signin_link_peek(*, token: str) -> SignInLink | None:
    """The link, if it can still be used (for the confirmation page, which uses nothing)."""
    if not token or len(token) > 100:
        return None
    return SignInLink.objects.filter(
        token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def signin_redeem(*, token: str) -> Supporter | None:
    """Use the link: the supporter it signs in, or None when it is unknown, expired or used."""
    if not token or len(token) > 100:
        return None
    with transaction.atomic():
        now = timezone.now()
        # Compare-and-set: of two simultaneous uses, one wins.
        used = SignInLink.objects.filter(
            token_hash=_hash(token), used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not used:
            return None
        return SignInLink.objects.select_related("supporter").get(token_hash=_hash(token)).supporter
