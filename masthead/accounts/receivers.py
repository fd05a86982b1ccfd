"""Sign-ins happen in Wagtail's login view and in django-otp-webauthn's passkey view; both
end in Django's ``login()``, which sends ``user_logged_in``. The receiver only leaves the
audit trace (the sign-in itself does not depend on it)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in

from masthead.accounts.services import signin_record

PASSKEY_BACKEND = "django_otp_webauthn.backends.WebAuthnBackend"


def _signed_in(sender, request, user, **kwargs) -> None:
    method = "passkey" if getattr(user, "backend", "") == PASSKEY_BACKEND else "password"
    signin_record(user=user, method=method)


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="masthead-accounts-signin")
