"""Reads about staff accounts: their second factors, sign-in locks, remembered devices."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from masthead.core.throttle import subject_over_limit, trusted_client_network

TRUSTED_DEVICE_COOKIE = "mh_trusted_device"
TRUSTED_DEVICE_SALT = "masthead.accounts.trusted-device"
SIGNIN_ACCOUNT_SCOPE = "signin.account"
SIGNIN_NETWORK_SCOPE = "signin.network"


@dataclass(frozen=True)
class SecondFactors:
    passkeys: list[WebAuthnCredential]
    totp_devices: list[TOTPDevice]
    recovery_codes_left: int

    @property
    def any(self) -> bool:
        # Recovery codes alone are not a factor: they are the way back to one.
        return bool(self.passkeys or self.totp_devices)


def user_second_factors(*, user) -> SecondFactors:
    return SecondFactors(
        passkeys=list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk")),
        totp_devices=list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")),
        recovery_codes_left=StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
    )


def user_has_second_factor(*, user) -> bool:
    return (
        WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
        or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def user_recovery_device(*, user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def signin_account_subject(username: str) -> str:
    """What the per-account count is keyed on (throttle hashes it with a secret key). Case
    and spaces folded, so "Admin " and "admin" share one budget."""
    return username.strip().casefold()


def signin_is_locked(*, request: HttpRequest, username: str) -> bool:
    """Whether sign-in is refused for this account (known or not: the answer must not tell
    them apart) or, when a trusted proxy names a real one, for this client network."""
    window = settings.SIGNIN_FAILURE_WINDOW
    if subject_over_limit(
        subject=signin_account_subject(username),
        scope=SIGNIN_ACCOUNT_SCOPE,
        limit=settings.SIGNIN_FAILURE_LIMIT,
        window=window,
    ):
        return True
    network = trusted_client_network(request)
    return network is not None and subject_over_limit(
        subject=network,
        scope=SIGNIN_NETWORK_SCOPE,
        limit=settings.SIGNIN_NETWORK_FAILURE_LIMIT,
        window=window,
    )


def trusted_device_find(*, request: HttpRequest, user) -> Device | None:
    """The second factor a "remember this device" cookie vouches for, if the cookie is
    genuine, recent, this user's, and the factor still exists (a reset deletes every factor,
    so it also ends every remembered device)."""
    days = settings.TRUSTED_DEVICE_DAYS
    raw = request.COOKIES.get(TRUSTED_DEVICE_COOKIE)
    if not raw or days <= 0:
        return None
    try:
        value = signing.loads(raw, salt=TRUSTED_DEVICE_SALT, max_age=days * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("u") != user.pk:
        return None
    persistent_id = value.get("d")
    if not isinstance(persistent_id, str):
        return None
    device = Device.from_persistent_id(persistent_id)
    if device is None or device.user_id != user.pk or not device.confirmed:
        return None
    if isinstance(device, StaticDevice):
        return None  # a recovery code proves nothing about the next sign-in
    return device
