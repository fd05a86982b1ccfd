"""Second factors for the demo's users, so that ``masthead demo`` stays one command: each
gets an authenticator-app secret and recovery codes, printed with the password."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from masthead.accounts.selectors import user_recovery_device
from masthead.accounts.services import recovery_codes_generate
from masthead.audit.models import SecurityAction
from masthead.audit.services import security_event_record

DEMO_DEVICE_NAME = "Demo authenticator"


@dataclass(frozen=True)
class DemoSecondFactors:
    username: str
    totp_key: str  # hex, as django-otp stores it
    totp_secret: str  # base32, as authenticator apps take it
    otpauth_uri: str
    current_code: str
    recovery_codes: list[str]


def demo_second_factors_ensure(*, user) -> DemoSecondFactors:
    """Give a demo user an authenticator secret and recovery codes, or reuse theirs: a second
    run prints the same secret and the codes still unused (ten new ones once all are used)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)
            security_event_record(
                action=SecurityAction.SECOND_FACTOR_ADDED,
                user=user,
                target=user,
                detail={"kind": "totp", "demo": True},
            )
        recovery = user_recovery_device(user=user)
        codes = (
            list(StaticToken.objects.filter(device=recovery).values_list("token", flat=True))
            if recovery
            else []
        )
        if not codes:
            codes = recovery_codes_generate(user=user)
    return DemoSecondFactors(
        username=user.get_username(),
        totp_key=device.key,
        totp_secret=base64.b32encode(device.bin_key).decode().rstrip("="),
        otpauth_uri=device.config_url,
        current_code=totp_code(key=device.key),
        recovery_codes=codes,
    )


def totp_code(*, key: str, at: float | None = None) -> str:
    """The code an authenticator app shows for this (hex) key at ``at`` (default: now)."""
    totp = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"
