"""django-anymail's webhook endpoints (bounces, complaints, inbound unsubscribe mail), served
only where Masthead can tell the mail service from a forger.

An ESP's endpoint exists only when the secret that anymail verifies its sender with is
configured; otherwise it answers 404, so a forged "hard bounce" cannot put a reader on the
suppression list. Which secret that is follows anymail's documentation ("Securing webhooks"
and each ESP's page):

- most ESPs sign nothing: HTTP basic auth, ``ANYMAIL_WEBHOOK_SECRET`` (``user:password``,
  put into the webhook URL at the ESP);
- Mailgun, MailerSend, Mandrill, Postal and Unisender Go sign every post: their signing key
  (anymail refuses to run their webhooks without it; basic auth is checked too when set);
- Mailtrap, Resend and SendGrid (tracking) may sign: either their key or basic auth;
- Amazon SES (SNS): basic auth. anymail does not verify SNS message signatures, so the
  shared secret is what proves the sender.

Every refusal (no or wrong credentials, a bad signature) and every body that cannot be read
answers 400 and changes nothing; it is logged, and written to the security audit log at most
once per endpoint, reason and hour (``webhook.refused``). A call to an endpoint that is off is
logged once per process and audited once per endpoint and hour (``webhook.secret_missing``);
at start-up, the system check ``webhooks_check`` names the mailers whose ESP's webhook is off.
Nothing is written to the database at start-up: checks run before migrations, in every
process. An endpoint anymail adds in a later release is not
served until it is listed here: unknown means closed.
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailError, AnymailWebhookValidationFailure
from anymail.utils import get_anymail_setting
from anymail.webhooks import (
    amazon_ses,
    brevo,
    mailersend,
    mailgun,
    mailjet,
    mailtrap,
    mandrill,
    postal,
    postmark,
    resend,
    sendgrid,
    sendinblue,
    sparkpost,
    unisender_go,
)
from anymail.webhooks.base import AnymailBasicAuthMixin
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt

from masthead.audit.services import webhook_off_record, webhook_refused_record

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Secret:
    """One anymail setting, looked up exactly as anymail's view looks it up."""

    name: str  # anymail's lower-case name: "webhook_secret", "webhook_signing_key"…
    esp_name: str | None = None  # None: shared by every ESP
    allow_bare: bool = False
    needs_module: str = ""  # a package anymail needs to check it (svix for Resend)

    @property
    def variable(self) -> str:
        prefix = f"{self.esp_name.upper().replace(' ', '_')}_" if self.esp_name else ""
        return f"ANYMAIL_{prefix}{self.name.upper()}"

    def configured(self) -> bool:
        if self.needs_module and importlib.util.find_spec(self.needs_module) is None:
            return False
        value = get_anymail_setting(
            self.name, esp_name=self.esp_name, allow_bare=self.allow_bare, default=None
        )
        return bool(value)


BASIC_AUTH = Secret("webhook_secret")


def _signed(name: str, esp: str, *, allow_bare: bool = False, needs: str = "") -> Secret:
    return Secret(name, esp_name=esp, allow_bare=allow_bare, needs_module=needs)


# Any one of these makes anymail verify the sender of that view's posts.
SENDER_SECRETS: dict[type, tuple[Secret, ...]] = {
    amazon_ses.AmazonSESTrackingWebhookView: (BASIC_AUTH,),
    amazon_ses.AmazonSESInboundWebhookView: (BASIC_AUTH,),
    brevo.BrevoTrackingWebhookView: (BASIC_AUTH,),
    brevo.BrevoInboundWebhookView: (BASIC_AUTH,),
    sendinblue.SendinBlueTrackingWebhookView: (BASIC_AUTH,),
    sendinblue.SendinBlueInboundWebhookView: (BASIC_AUTH,),
    mailjet.MailjetTrackingWebhookView: (BASIC_AUTH,),
    mailjet.MailjetInboundWebhookView: (BASIC_AUTH,),
    postmark.PostmarkTrackingWebhookView: (BASIC_AUTH,),
    postmark.PostmarkInboundWebhookView: (BASIC_AUTH,),
    sparkpost.SparkPostTrackingWebhookView: (BASIC_AUTH,),
    sparkpost.SparkPostInboundWebhookView: (BASIC_AUTH,),
    sendgrid.SendGridInboundWebhookView: (BASIC_AUTH,),
    sendgrid.SendGridTrackingWebhookView: (
        BASIC_AUTH,
        _signed("tracking_webhook_verification_key", "SendGrid", allow_bare=True),
    ),
    mailtrap.MailtrapTrackingWebhookView: (BASIC_AUTH, _signed("tracking_secret", "Mailtrap")),
    mailtrap.MailtrapInboundWebhookView: (BASIC_AUTH, _signed("inbound_secret", "Mailtrap")),
    resend.ResendTrackingWebhookView: (
        BASIC_AUTH,
        _signed("signing_secret", "Resend", needs="svix"),
    ),
    resend.ResendInboundWebhookView: (
        BASIC_AUTH,
        _signed("inbound_secret", "Resend", needs="svix"),
    ),
    # Always signed: without the key anymail cannot run them at all.
    mailgun.MailgunTrackingWebhookView: (
        _signed("webhook_signing_key", "Mailgun"),
        _signed("api_key", "Mailgun", allow_bare=True),  # anymail's fallback, older accounts
    ),
    mailgun.MailgunInboundWebhookView: (
        _signed("webhook_signing_key", "Mailgun"),
        _signed("api_key", "Mailgun", allow_bare=True),
    ),
    mailersend.MailerSendTrackingWebhookView: (_signed("signing_secret", "MailerSend"),),
    mailersend.MailerSendInboundWebhookView: (_signed("inbound_secret", "MailerSend"),),
    mandrill.MandrillCombinedWebhookView: (_signed("webhook_key", "Mandrill", allow_bare=True),),
    postal.PostalTrackingWebhookView: (_signed("webhook_key", "Postal", allow_bare=True),),
    postal.PostalInboundWebhookView: (_signed("webhook_key", "Postal", allow_bare=True),),
    unisender_go.UnisenderGoTrackingWebhookView: (
        _signed("api_key", "Unisender Go", allow_bare=True),
    ),
}


def sender_verifiable(view_class: type) -> bool:
    """Whether a post to this anymail view would have its sender verified now."""
    return any(secret.configured() for secret in SENDER_SECRETS.get(view_class, ()))


def secret_variables(view_class: type) -> list[str]:
    return [secret.variable for secret in SENDER_SECRETS.get(view_class, ())]


# --- Refusing what is not from the ESP, and what cannot be read ---------------------------------

# What reading an arbitrary body can raise in anymail's parsers (wrong types, missing keys,
# numbers too large, deep nesting), and anymail's own "cannot parse this".
_MALFORMED = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    ArithmeticError,
    RecursionError,
    AnymailError,
)


class _Refused(Exception):
    pass


class _Malformed(Exception):
    pass


class CheckedWebhookMixin:
    """Put before an anymail view class: its validators and parser keep their meaning, but
    every failure becomes a 4xx with a reason instead of an exception (anymail leaves
    unparseable input to Django's 500). A failure while the events are handed to our
    receivers is ours, not the sender's: 503, and the ESP retries (receivers are
    idempotent)."""

    endpoint = ""  # set per endpoint: "newsletters/postmark_tracking_webhook"

    def run_validators(self, request: HttpRequest) -> None:
        # The shared secret first, so that a post without it is refused before any of its
        # body is read. Until every validator passed, the sender is not proven, whatever
        # the reason a validator stopped (anymail's SNS check parses the body first).
        validators = sorted(
            self.validators, key=lambda v: v is not AnymailBasicAuthMixin.validate_request
        )
        try:
            for validator in validators:
                validator(self, request)
        except AnymailWebhookValidationFailure:
            raise _Refused("bad or missing credentials or signature") from None
        except ImproperlyConfigured:
            raise  # ours to fix; handled by the caller
        except Exception as exc:
            raise _Refused(f"unverifiable ({exc.__class__.__name__})") from None

    def parse_events(self, request: HttpRequest) -> list:
        try:
            return list(super().parse_events(request))
        except AnymailWebhookValidationFailure:
            raise _Refused("refused by the parser") from None
        except ImproperlyConfigured:
            # anymail's word for a tracking event posted to the inbound URL (or the reverse):
            # the body is not what this endpoint reads.
            raise _Malformed("not an event this endpoint reads; check the URL at the ESP") from None
        except _MALFORMED as exc:
            raise _Malformed(exc.__class__.__name__) from None

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().post(request, *args, **kwargs)
        except _Refused as exc:
            webhook_refused_record(endpoint=self.endpoint, reason="credentials")
            return JsonResponse({"error": str(exc)}, status=400)
        except _Malformed as exc:
            webhook_refused_record(endpoint=self.endpoint, reason="malformed")
            return JsonResponse({"error": f"cannot read the events ({exc})"}, status=400)
        except ImproperlyConfigured:
            raise
        except Exception:
            logger.exception("%s: could not process the events", self.endpoint)
            return JsonResponse({"error": "could not process the events; try again"}, status=503)


# --- The URL patterns ----------------------------------------------------------------------------

# Endpoints called while switched off, warned about once per process (not per request: anyone
# can call them).
_warned_off: set[str] = set()


def _guarded(pattern: URLPattern, view_class: type) -> URLPattern:
    endpoint = f"newsletters/{pattern.name}"
    checked = type(
        f"Checked{view_class.__name__}",
        (CheckedWebhookMixin, view_class),
        {"endpoint": endpoint, "__module__": __name__},
    ).as_view()

    @csrf_exempt
    @login_not_required
    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not sender_verifiable(view_class):
            webhook_off_record(
                endpoint=endpoint,
                why=f"set {' or '.join(secret_variables(view_class))} to verify the sender",
            )
            return HttpResponse("Not found", status=404, content_type="text/plain")
        try:
            return checked(request, *args, **kwargs)
        except (ImproperlyConfigured, ImportError) as exc:
            # anymail wants more than the sender's secret (inbound mail fetched with the ESP's
            # API key, say): off, like an endpoint without its secret.
            if endpoint not in _warned_off:
                _warned_off.add(endpoint)
                logger.warning("%s is off: %s", endpoint, exc)
            return HttpResponse("Not found", status=404, content_type="text/plain")

    return URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)


def _patterns() -> list[URLPattern]:
    result = []
    for pattern in anymail_urls.urlpatterns:
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class in SENDER_SECRETS:
            result.append(_guarded(pattern, view_class))
    return result


app_name = "anymail"
urlpatterns = _patterns()


# --- Start-up checks -----------------------------------------------------------------------------


def _tracking_view(esp: str) -> type | None:
    for pattern in anymail_urls.urlpatterns:
        if pattern.name in (f"{esp}_tracking_webhook", f"{esp}_webhook"):
            return getattr(pattern.callback, "view_class", None)
    return None


def webhooks_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Say at start-up what is off: a mailer sends through an ESP whose bounce webhook is not
    served (no secret), so its bounces and complaints never reach the suppression list; or the
    basic-auth secret cannot work. Warnings, not errors: sending still works, and a check
    never writes to the database (it runs before migrations, in every process)."""
    messages: list[checks.CheckMessage] = []
    secret = get_anymail_setting("webhook_secret", default=None)
    if isinstance(secret, str) and secret and ":" not in secret:
        messages.append(
            checks.Warning(
                "ANYMAIL_WEBHOOK_SECRET is not of the form user:password, so no ESP can "
                "authenticate with it.",
                hint="Use two random strings joined by a colon, and the same in the ESP's "
                "webhook URL (https://user:password@…/newsletter/anymail/<esp>/tracking/).",
                id="newsletters.W101",
            )
        )
    for mailer, esp in sorted(mailer_esps().items()):
        view_class = _tracking_view(esp)
        if view_class is None or view_class not in SENDER_SECRETS:
            messages.append(
                checks.Warning(
                    f"Mailer {mailer!r} sends through {esp}, whose bounce webhook Masthead "
                    "does not serve: bounces and complaints will not suppress addresses.",
                    id="newsletters.W102",
                )
            )
        elif not sender_verifiable(view_class):
            messages.append(
                checks.Warning(
                    f"Mailer {mailer!r} sends through {esp}, but its bounce webhook is off "
                    "(404) because no secret to verify the sender is configured: bounces and "
                    "complaints will not suppress addresses.",
                    hint="Set " + " or ".join(secret_variables(view_class)) + ".",
                    id="newsletters.W103",
                )
            )
    return messages


def mailer_esps() -> dict[str, str]:
    """The ESPs our mailers send through (anymail backends), by mailer name."""
    result = {}
    for name, mailer in getattr(settings, "MAILERS", {}).items():
        backend = (mailer or {}).get("BACKEND", "")
        if backend.startswith("anymail.backends.") and backend.endswith(".EmailBackend"):
            result[name] = backend.split(".")[2]
    return result
