"""Staff accounts keep no records of their own: second factors are django-otp's devices
(TOTP, recovery codes) and django-otp-webauthn's passkeys; the sign-in failure counts live in
the cache. This model only carries the permission to reset another user's factors."""

from django.db import models


class SecondFactorPermissions(models.Model):
    class Meta:
        managed = False  # no table: a holder for the permission below
        default_permissions = ()
        permissions = [
            ("reset_second_factors", "Can reset another user's second factors"),
        ]

    def __str__(self) -> str:
        return "second-factor permissions"
