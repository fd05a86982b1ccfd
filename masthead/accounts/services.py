"""Writes for staff accounts: sign-in failures and lock-out, second-factor enrolment and
verification, recovery codes, remembered devices, and the administrator's reset.

Every change leaves an audit entry, written in the same transaction. Nothing here stores an
address: failure counts live in the cache under a keyed hash (``masthead.core.throttle``).
"""

from __future__ import annotations

import enum
import logging

import django_otp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from masthead.accounts.selectors import (
    SIGNIN_ACCOUNT_SCOPE,
    SIGNIN_NETWORK_SCOPE,
    TRUSTED_DEVICE_SALT,
    signin_account_subject,
    signin_is_locked,
    user_recovery_device,
)
from masthead.audit.models import SecurityAction
from masthead.audit.services import security_event_record
from masthead.core.throttle import subject_allowed, trusted_client_network

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10


class Verification(enum.Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    LOCKED = "locked"


# --- Sign-in failures and lock-out ------------------------------------------------------------


def signin_failure_record(
    *, request: HttpRequest, username: str, second_factor: bool = False
) -> bool:
    """Count one failed sign-in (a wrong password, or a wrong second-factor code) against the
    account, and against the client network when a trusted proxy names one. Return True when
    this failure locked the account.

    Unknown usernames are counted (and locked) exactly like real ones, so that neither the
    answer nor the lock-out tells an attacker which accounts exist; only failures for real
    accounts reach the audit log (an attacker could otherwise fill it with invented names).
    """
    window = settings.SIGNIN_FAILURE_WINDOW
    # subject_allowed is False once the count exceeds its limit: limit - 1 makes it False
    # from the failure that reaches the limit, the one that locks.
    locked_now = not subject_allowed(
        subject=signin_account_subject(username),
        scope=SIGNIN_ACCOUNT_SCOPE,
        limit=settings.SIGNIN_FAILURE_LIMIT - 1,
        window=window,
    )
    network = trusted_client_network(request)
    if network is not None:
        subject_allowed(
            subject=network,
            scope=SIGNIN_NETWORK_SCOPE,
            limit=settings.SIGNIN_NETWORK_FAILURE_LIMIT,
            window=window,
        )
    User = get_user_model()
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    if user is None:
        logger.info("failed sign-in for an unknown account")
        return locked_now
    with transaction.atomic():
        security_event_record(
            action=SecurityAction.SECOND_FACTOR_FAILED
            if second_factor
            else SecurityAction.SIGNIN_FAILED,
            user=user,
            target=user,
        )
        if locked_now:
            security_event_record(
                action=SecurityAction.LOCKED_OUT,
                user=user,
                target=user,
                detail={"failures": settings.SIGNIN_FAILURE_LIMIT, "seconds": window},
            )
    return locked_now


def signin_record(*, user, method: str) -> None:
    """A user signed in (a password, or a passkey alone); a second factor may still be due."""
    security_event_record(
        action=SecurityAction.SIGNIN, user=user, target=user, detail={"method": method}
    )


# --- Verification -----------------------------------------------------------------------------


def second_factor_verify(*, request: HttpRequest, token: str) -> tuple[Verification, Device | None]:
    """Check a TOTP code or a recovery code for the signed-in user and, when it is right,
    mark the session verified. Each code works once: a TOTP code is refused after its first
    use (django-otp keeps the last time step used, read under a row lock here so two requests
    cannot both spend it), and a recovery code is deleted when used. A wrong code counts
    toward the account's lock-out like a wrong password."""
    user = request.user
    username = user.get_username()
    if signin_is_locked(request=request, username=username):
        return Verification.LOCKED, None
    token = "".join(token.split())
    device = _device_matching(user=user, token=token) if 0 < len(token) <= 32 else None
    if device is None:
        signin_failure_record(request=request, username=username, second_factor=True)
        return Verification.WRONG, None
    django_otp.login(request, device)
    return Verification.VERIFIED, device


def _device_matching(*, user, token: str) -> Device | None:
    with transaction.atomic():
        if token.isdigit():
            for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if device.verify_token(token):
                    return device
            return None
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None and device.verify_token(token.lower()):  # deletes the code
            security_event_record(
                action=SecurityAction.RECOVERY_CODE_USED,
                user=user,
                target=user,
                detail={"left": device.token_set.count()},
            )
            return device
    return None


def trusted_device_token(*, user, device: Device) -> str:
    """The signed value of a "remember this device" cookie: this user, this factor. It is
    honoured for ``TRUSTED_DEVICE_DAYS`` (at most 30) and while the factor exists."""
    return signing.dumps({"u": user.pk, "d": device.persistent_id}, salt=TRUSTED_DEVICE_SALT)


# --- Enrolment ----------------------------------------------------------------------------------


def totp_enrolment_start(*, user) -> TOTPDevice:
    """The authenticator-app secret being set up: one unconfirmed device per user, kept until
    the user proves it with a code, so that reloading the page shows the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def totp_enrolment_confirm(*, request: HttpRequest, token: str) -> TOTPDevice | None:
    """Confirm the user's pending authenticator app with a code from it. The session counts
    as verified from then on (the user has just proven the factor). Wrong codes count toward
    lock-out like any other."""
    user = request.user
    token = "".join(token.split())
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is not None and token.isdigit() and device.verify_token(token):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            security_event_record(
                action=SecurityAction.SECOND_FACTOR_ADDED,
                user=user,
                target=user,
                detail={"kind": "totp"},
            )
        else:
            device = None
    if device is None:
        signin_failure_record(request=request, username=user.get_username(), second_factor=True)
        return None
    if not request.user.is_verified():
        django_otp.login(request, device)
    return device


def passkey_added_record(*, user, credential_id: int) -> None:
    """django-otp-webauthn registered a passkey (its view saves it); leave the trace."""
    security_event_record(
        action=SecurityAction.SECOND_FACTOR_ADDED,
        user=user,
        target=user,
        detail={"kind": "passkey", "device": credential_id},
    )


def recovery_codes_generate(*, user) -> list[str]:
    """Ten new single-use recovery codes, replacing any left. Shown to the user once."""
    with transaction.atomic():
        device = user_recovery_device(user=user)
        if device is None:
            device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        security_event_record(
            action=SecurityAction.SECOND_FACTOR_ADDED,
            user=user,
            target=user,
            detail={"kind": "recovery_codes", "count": RECOVERY_CODE_COUNT},
        )
    return codes


# --- Removal and reset --------------------------------------------------------------------------


def second_factor_remove(*, actor, persistent_id: str) -> bool:
    """Remove one of the actor's own passkeys or authenticator apps. The last one cannot go
    while a second factor is required (the admin would then ask for a new one anyway)."""
    device = Device.from_persistent_id(persistent_id)
    if device is None or device.user_id != actor.pk or isinstance(device, StaticDevice):
        return False
    remaining = (
        WebAuthnCredential.objects.filter(user=actor, confirmed=True).count()
        + TOTPDevice.objects.filter(user=actor, confirmed=True).count()
    )
    if remaining <= 1 and settings.ADMIN_2FA == "required":
        return False
    with transaction.atomic():
        kind = "passkey" if isinstance(device, WebAuthnCredential) else "totp"
        device.delete()
        security_event_record(
            action=SecurityAction.SECOND_FACTOR_REMOVED,
            user=actor,
            target=actor,
            detail={"kind": kind},
        )
    return True


def second_factors_reset(*, actor, user) -> int:
    """Delete every second factor of ``user`` (passkeys, authenticator apps, recovery codes).
    Their remembered devices stop working (each names a factor that no longer exists), their
    verified sessions lose admin access at the next request (django-otp finds no device), and
    at their next sign-in they enrol again. Returns how many factors went."""
    with transaction.atomic():
        removed = 0
        for model in (WebAuthnCredential, TOTPDevice, StaticDevice):
            _, per_model = model.objects.filter(user=user).delete()
            removed += per_model.get(model._meta.label, 0)
        security_event_record(
            action=SecurityAction.SECOND_FACTOR_RESET,
            user=actor,
            target=user,
            detail={"removed": removed},
        )
    return removed
