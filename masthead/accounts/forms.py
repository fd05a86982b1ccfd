"""Forms for Wagtail's own sign-in and password-reset views (named in settings as
``WAGTAILADMIN_USER_LOGIN_FORM`` and ``WAGTAILADMIN_USER_PASSWORD_RESET_FORM``), and for the
second-factor pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from masthead.accounts.selectors import signin_is_locked
from masthead.accounts.services import signin_failure_record
from masthead.audit.models import SecurityAction
from masthead.audit.services import security_event_record


def locked_message() -> str:
    """The one answer for a locked account, known or not."""
    minutes = max(1, settings.SIGNIN_FAILURE_WINDOW // 60)
    return gettext(
        "Too many failed sign-in attempts for this account. Wait %(minutes)d minutes, "
        "then try again."
    ) % {"minutes": minutes}


class SignInForm(LoginForm):
    """Wagtail's sign-in form, throttled by account. A locked account (known or not) gets the
    same message before its password is even checked, so the right password does not help an
    attacker who has used up the account's attempts, and the answer tells nothing of which
    usernames exist."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and signin_is_locked(request=self.request, username=username):
            raise forms.ValidationError(locked_message(), code="locked")
        try:
            return super().clean()
        except forms.ValidationError as error:
            if username and self.cleaned_data.get("password") and _is_invalid_login(error):
                signin_failure_record(request=self.request, username=username)
            raise


def _is_invalid_login(error: forms.ValidationError) -> bool:
    return any(getattr(e, "code", None) == "invalid_login" for e in error.error_list)


class PasswordResetForm(WagtailPasswordResetForm):
    """Wagtail's reset form; each reset email sent is an audit entry for its account."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
        user = context.get("user")
        if isinstance(user, get_user_model()):
            security_event_record(
                action=SecurityAction.PASSWORD_RESET_REQUESTED, user=user, target=user
            )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class VerifyForm(CodeForm):
    remember = forms.BooleanField(label=_("Remember this device for 30 days"), required=False)
