"""The second-factor pages, styled as Wagtail admin pages. They parse input and call the
services; ``SecondFactorMiddleware`` sends unverified sessions here."""

from __future__ import annotations

import base64
import json

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn import exceptions as webauthn_exceptions
from django_otp_webauthn.views import (
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from masthead.accounts import selectors, services
from masthead.accounts.forms import CodeForm, VerifyForm, locked_message

RECOVERY_CODES_SESSION_KEY = "accounts_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and candidate.startswith("/"):
        return candidate
    return reverse("wagtailadmin_home")


def _to(name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


def _signed_in(view):
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return never_cache(wrapped)


@_signed_in
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of sign-in: a passkey, an authenticator code or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return HttpResponseRedirect(next_url)
    factors = selectors.user_second_factors(user=user)
    if not factors.any:
        return _to("accounts:enrol", next_url)
    if request.method == "GET":
        device = selectors.trusted_device_find(request=request, user=user)
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(next_url)
        form = VerifyForm()
    else:
        form = VerifyForm(request.POST)
        if form.is_valid():
            result, device = services.second_factor_verify(
                request=request, token=form.cleaned_data["code"]
            )
            if result is services.Verification.VERIFIED:
                response = HttpResponseRedirect(next_url)
                if isinstance(device, StaticDevice):
                    left = selectors.user_second_factors(user=user).recovery_codes_left
                    messages.warning(
                        request,
                        _("You used a recovery code; %(left)d left.") % {"left": left},
                    )
                elif form.cleaned_data["remember"] and settings.TRUSTED_DEVICE_DAYS:
                    _remember_device(request, response, device)
                return response
            form.add_error(
                None,
                locked_message()
                if result is services.Verification.LOCKED
                else _("That code is not right, or it has already been used."),
            )
    return render(
        request,
        "accounts/verify.html",
        {
            "form": form,
            "next": next_url,
            "factors": factors,
            "passkeys_enabled": settings.PASSKEYS_ENABLED and bool(factors.passkeys),
            "trusted_device_days": settings.TRUSTED_DEVICE_DAYS,
        },
    )


def _remember_device(request: HttpRequest, response: HttpResponse, device) -> None:
    response.set_cookie(
        selectors.TRUSTED_DEVICE_COOKIE,
        services.trusted_device_token(user=request.user, device=device),
        max_age=settings.TRUSTED_DEVICE_DAYS * 86400,
        path=reverse("wagtailadmin_home"),  # never sent with a public page
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@_signed_in
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Add a second factor: required at the first sign-in, and later from "Your second
    factors". Adding one to an account that has some needs a verified session."""
    user = request.user
    next_url = _next_url(request)
    if not user.is_verified() and selectors.user_has_second_factor(user=user):
        return _to("accounts:verify", next_url)
    device = services.totp_enrolment_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if selectors.signin_is_locked(request=request, username=user.get_username()):
            form.add_error(None, locked_message())
        elif services.totp_enrolment_confirm(request=request, token=form.cleaned_data["code"]):
            messages.success(request, _("Your authenticator app is set up."))
            if selectors.user_recovery_device(user=user) is None:
                return _to("accounts:recovery_codes", next_url)
            return HttpResponseRedirect(next_url)
        else:
            form.add_error(None, _("That code is not right. Check the clock of your phone."))
    uri = device.config_url
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "next": next_url,
            "otpauth_uri": uri,
            "secret": _base32(device),
            "qr_data_uri": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
            "passkeys_enabled": settings.PASSKEYS_ENABLED,
            "after_passkey_url": _to("accounts:recovery_codes", next_url)["Location"],
            "first": not selectors.user_has_second_factor(user=user),
        },
    )


def _base32(device) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@_signed_in
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Recovery codes, shown once: right after the first factor is added (made then), or
    when the user asks for a new set (which replaces the old one)."""
    user = request.user
    next_url = _next_url(request)
    if not user.is_verified():
        return _to("accounts:verify", next_url)
    if request.method == "POST" or selectors.user_recovery_device(user=user) is None:
        request.session[RECOVERY_CODES_SESSION_KEY] = services.recovery_codes_generate(user=user)
        return _to("accounts:recovery_codes", next_url)
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": codes,
            "next": next_url,
            "left": selectors.user_second_factors(user=user).recovery_codes_left,
        },
    )


@_signed_in
def manage(request: HttpRequest) -> HttpResponse:
    """The user's own second factors. Under the admin: only a verified session gets here."""
    return render(
        request,
        "accounts/manage.html",
        {
            "factors": selectors.user_second_factors(user=request.user),
            "passkeys_enabled": settings.PASSKEYS_ENABLED,
        },
    )


@_signed_in
@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    if services.second_factor_remove(
        actor=request.user, persistent_id=request.POST.get("device", "")[:200]
    ):
        messages.success(request, _("The second factor was removed."))
    else:
        messages.error(request, _("That second factor cannot be removed (it is your last one)."))
    return HttpResponseRedirect(reverse("accounts:manage"))


def user_can_reset_second_factors(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm("accounts.reset_second_factors"))


@_signed_in
@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """An administrator removes all of another user's second factors (a lost phone, a lost
    passkey). They enrol again at their next sign-in."""
    if not user_can_reset_second_factors(request.user):
        raise PermissionDenied
    target = get_object_or_404(get_user_model(), pk=user_id)
    if request.method == "POST":
        removed = services.second_factors_reset(actor=request.user, user=target)
        messages.success(
            request,
            _("%(user)s's second factors were reset (%(n)d removed).")
            % {"user": target.get_username(), "n": removed},
        )
        return HttpResponseRedirect(reverse("wagtailusers_users:index"))
    return render(
        request,
        "accounts/reset.html",
        {"target": target, "factors": selectors.user_second_factors(user=target)},
    )


# --- Passkey ceremonies: django-otp-webauthn's views, with our audit trail ------------------


class PasskeyRegistrationCompleteView(CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            services.passkey_added_record(
                user=self.request.user, credential_id=_response_id(response)
            )
        return response


class PasskeyAuthenticationCompleteView(CompleteCredentialAuthenticationView):
    def handle_exception(self, exc):
        # A failed passkey assertion by a signed-in user (second-factor step) counts toward
        # the account's lock-out like a wrong code. Passwordless attempts have no account.
        user = getattr(self.request, "user", None)
        if (
            isinstance(exc, webauthn_exceptions.OTPWebAuthnApiError)
            and user is not None
            and user.is_authenticated
        ):
            services.signin_failure_record(
                request=self.request, username=user.get_username(), second_factor=True
            )
        return super().handle_exception(exc)


def _response_id(response) -> int:
    try:
        return int(json.loads(response.content)["id"])
    except (ValueError, KeyError, TypeError):
        return 0
