"""No admin session on a password alone.

Placed after ``AuthenticationMiddleware`` and django-otp's ``OTPMiddleware`` (which gives
``request.user.is_verified()``). Under the admin's prefixes, a signed-in user whose session has
not passed a second factor reaches only sign-in, sign-out, password reset and the
second-factor pages (and the passkey endpoints they call); every other admin URL — pages,
JSON endpoints, choosers — redirects to verification (to enrolment, for an account that has
no factor yet). Outside the admin, such a session counts as no session at all: a
document or page restricted to signed-in users does not open on a password alone. (The user is
resolved lazily, as Django does, so public pages read nothing more than before.)
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from masthead.accounts.selectors import user_has_second_factor

# Django's own admin is not mounted (see core/urls.py); if anyone mounts it here, it gets the
# same rule.
GUARDED_PREFIXES = ("/admin/", "/django-admin/")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def open_paths(self) -> tuple[str, ...]:
        # Resolved on first use: the URLconf is not importable while middleware is built.
        if self._open_paths is None:
            self._open_paths = (
                reverse("wagtailadmin_login"),
                reverse("wagtailadmin_logout"),
                reverse("wagtailadmin_password_reset"),  # and the pages below it
                # What every admin page loads, the second-factor pages too: icons, strings.
                reverse("wagtailadmin_sprite"),
                reverse("wagtailadmin_javascript_catalog"),
                reverse("accounts:verify"),
                reverse("accounts:enrol"),
                reverse("accounts:recovery_codes"),
                reverse("otp_webauthn:credential-registration-begin").rsplit("registration/", 1)[
                    0
                ],  # the passkey ceremonies and their script catalogue
            )
        return self._open_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not path.startswith(GUARDED_PREFIXES):
            user = request.user  # still lazy
            request.user = SimpleLazyObject(lambda: _verified_or_anonymous(user))
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        if path.startswith(self.open_paths()):
            return self.get_response(request)
        if settings.ADMIN_2FA == "optional" and not user_has_second_factor(user=user):
            return self.get_response(request)
        target = "accounts:verify" if user_has_second_factor(user=user) else "accounts:enrol"
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)


def _verified_or_anonymous(user):
    if not user.is_authenticated or user.is_verified():
        return user
    if settings.ADMIN_2FA == "optional" and not user_has_second_factor(user=user):
        return user
    return AnonymousUser()
