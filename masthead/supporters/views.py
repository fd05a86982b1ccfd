"""The reader's side of reader revenue: the support page, the contribution form, the payment
step, the thank-you page, and "Remind me later".

Public forms carry no CSRF token (they act on no session; see ``core.public_forms``): each
POST is checked against the site's origins and rate-limited per client instead. Pages that
show one reader's contribution are never cached anywhere.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from masthead.core.models import edition_publication
from masthead.core.page_cache import reads_query
from masthead.core.public_forms import (
    PublicForm,
    Rate,
    Refusal,
    cors_headers_apply,
    email_subject,
    public_post_check,
    public_subject_check,
)
from masthead.payments import registry
from masthead.payments.base import (
    Frequency,
    Outcome,
    PaymentInputError,
    ProviderUnavailableError,
)
from masthead.supporters import protection, selectors, services
from masthead.supporters.amounts import format_amount
from masthead.supporters.cookies import snooze_cookie_set, supporter_cookie_set
from masthead.supporters.forms import (
    CAMPAIGN_PATTERN,
    SOURCE_PATTERN,
    ContributionForm,
    ReminderForm,
    form_view,
)
from masthead.supporters.models import Contribution

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 3600


def _hourly(setting: str):
    return lambda: Rate(getattr(settings, setting), WINDOW_SECONDS)


# The support page and "Remind me later" are on the static copies, the offline one included
# (``Origin: null``): a contribution started there is paid on the app's own payment page.
CONTRIBUTE_FORM = PublicForm(
    name="contribute", rate=_hourly("SUPPORT_FORM_POSTS_PER_HOUR"), offline=True
)
REMINDER_FORM = PublicForm(
    name="reminder", rate=_hourly("SUPPORT_FORM_POSTS_PER_HOUR"), offline=True
)
# Only ever posted from pages the app serves: never from a frame of another site.
PAYMENT_FORM = PublicForm(name="payment", rate=_hourly("PAYMENT_ATTEMPTS_PER_HOUR"))
REMINDER_CANCEL_FORM = PublicForm(
    name="reminder-cancel", rate=_hourly("SUPPORT_FORM_POSTS_PER_HOUR")
)
# Asking for a sign-in link is on the static copies too: the link goes only to the address
# given, and each address gets at most a few an hour (manage_views).
SIGNIN_FORM = PublicForm(name="signin", rate=_hourly("SUPPORT_FORM_POSTS_PER_HOUR"), offline=True)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def problem(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    """A 4xx/5xx answer a reader can act on (JSON for the page script)."""
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    response = render(
        request,
        "supporters/problem.html",
        {"title": title, "message": message},
        status=status,
    )
    patch_cache_control(response, no_store=True)
    return response


def public_post_refused(
    request: HttpRequest, *, form: PublicForm, subject: str = ""
) -> HttpResponse | None:
    """The Origin check and the rate limit of every public form; None when the post may go on.
    ``subject`` is counted besides the client as well (one checkout, one email address)."""
    refusal = public_post_check(request=request, form=form)
    if refusal == Refusal.ORIGIN:
        return problem(
            request,
            status=403,
            title=gettext("This form was sent from another site"),
            message=gettext("Please use the form on %(url)s.")
            % {"url": f"{settings.BASE_URL}/support/"},
        )
    # Counted whatever the client's count says: testers rotate addresses.
    if subject and not public_subject_check(form=form, subject=subject, rate=form.rate()):
        refusal = Refusal.RATE
    if refusal == Refusal.RATE:
        protection.blocked_attempt_record(scope=form.name)
        return problem(
            request,
            status=429,
            title=gettext("Too many attempts"),
            message=gettext(
                "You have sent this form many times in a short while. Please wait an hour and "
                "try again."
            ),
        )
    return None


# --- The support page and the form --------------------------------------------------------


def _support_page(
    request: HttpRequest, *, form: ContributionForm, campaign: str, status: int = 200
) -> HttpResponse:
    support = selectors.support_settings(request=request)
    country = ""
    header = settings.SUPPORT_COUNTRY_HEADER
    if header:
        country = request.headers.get(header, "").strip()
    notices = selectors.country_notices(support=support, country=country)
    varies = bool(header) and support.country_notices.exists()
    # Nobody said where the reader is (no CDN in front, or a static copy, which the main
    # domain's web server may answer too): every notice, each naming its countries.
    every = selectors.country_notices_every(support=support) if varies and not country else []
    response = render(
        request,
        "supporters/support_page.html",
        {
            "form_view": form_view(form, campaign=campaign),
            "country_notices": notices,
            "country_notices_every": every,
            "canonical_path": reverse("supporters:support"),
        },
        status=status,
    )
    if varies:
        # The page differs by country: caches must key on the header, and our own page cache
        # (which keys on the URL alone) must not keep it. Article pages stay identical.
        patch_vary_headers(response, [header])
        patch_cache_control(response, private=True)
        # Without a country it is what every such reader gets: the static build writes it
        # (see distribution.services.render).
        response.same_for_every_reader = not country and request.method != "POST"
    return response


@require_safe
@reads_query()
def support(request: HttpRequest) -> HttpResponse:
    support_settings = selectors.support_settings(request=request)
    form = ContributionForm(options=selectors.form_options(support=support_settings))
    return _support_page(request, form=form, campaign="support-page")


def _matching(pattern: str):
    compiled = re.compile(pattern)
    return lambda raw: raw if compiled.match(raw) else None


# What a link or an appeal may fill in, each in its own format: only those reach the form
# (and the page cache's key), so made-up values cannot multiply the cached pages.
PREFILL_QUERY = {
    "frequency": lambda raw: raw if raw in Frequency.values else None,
    "currency": _matching(r"^[A-Z]{3}$"),
    "amount": _matching(r"^\d{1,6}(?:[.,]\d{1,2})?$"),
    "campaign": lambda raw: raw if CAMPAIGN_PATTERN.match(raw) else None,
    "method": _matching(r"^[a-z0-9_-]{1,40}$"),
    "source": lambda raw: raw if SOURCE_PATTERN.match(raw) else None,
}


def _form_initial(request: HttpRequest) -> dict:
    initial = {
        name: request.GET[name][:60]
        for name in ("frequency", "currency", "amount", "campaign", "method")
        if name in request.GET
    }
    if "source" in request.GET:  # already cleaned by PREFILL_QUERY
        initial["source"] = request.GET["source"]
    return initial


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@reads_query(**PREFILL_QUERY)
def contribute(request: HttpRequest) -> HttpResponse:
    """GET: the support page with the form filled in from a link or an appeal. POST: start
    the contribution and go to the payment step."""
    support_settings = selectors.support_settings(request=request)
    options = selectors.form_options(support=support_settings)
    if request.method != "POST":
        form = ContributionForm(options=options, initial=_form_initial(request))
        return _support_page(request, form=form, campaign=request.GET.get("campaign", "")[:60])
    response = _contribution_start(request, options)
    # The support page of a static copy (another origin) reads the answer: where to pay.
    cors_headers_apply(request=request, response=response, form=CONTRIBUTE_FORM)
    return response


def _contribution_start(request: HttpRequest, options) -> HttpResponse:
    if refused := public_post_refused(request, form=CONTRIBUTE_FORM):
        return refused
    if not options.methods:
        return problem(
            request,
            status=503,
            title=gettext("Giving is not possible right now"),
            message=gettext("No way to pay is set up yet. Please come back later."),
        )
    form = ContributionForm(request.POST, options=options)
    if not form.is_valid():
        if _wants_json(request):
            errors = {name: errors[0] for name, errors in form.errors.items()}
            return JsonResponse({"errors": errors}, status=400)
        return _support_page(
            request, form=form, campaign=form.data.get("campaign", "")[:60], status=400
        )
    data = form.cleaned_data
    provider = registry.provider_get(data["method"])
    is_test = options.test_mode or provider.is_test()
    keys = services.contribution_idempotency_keys(
        client_key=data["key"],
        email=data["email"],
        amount_minor=data["amount_minor"] + data["fee_cover_minor"],
        fee_cover_minor=data["fee_cover_minor"],
        currency=data["currency"],
        frequency=data["frequency"],
        provider=provider.name,
        campaign=data["campaign"],
    )
    contribution, _created = services.contribution_start(
        email=data["email"],
        amount_minor=data["amount_minor"] + data["fee_cover_minor"],
        fee_cover_minor=data["fee_cover_minor"],
        currency=data["currency"],
        frequency=data["frequency"],
        provider=provider.name,
        campaign=data["campaign"],
        idempotency_keys=keys,
        is_test=is_test,
        source_page=data["source"],
        language=translation.get_language(),
    )
    target = _next_url(contribution)
    if _wants_json(request):
        return JsonResponse({"next": target})
    return _see_other(target)


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


def _next_url(contribution: Contribution) -> str:
    if contribution.status in (Contribution.Status.SUCCEEDED, Contribution.Status.PENDING):
        return reverse("supporters:thanks", args=[contribution.checkout_token])
    return reverse("supporters:pay", args=[contribution.checkout_token])


# --- The payment step ------------------------------------------------------------------------


def _payment_step(request: HttpRequest, token: str, *, card_step: bool) -> HttpResponse:
    contribution = selectors.contribution_by_token(token=token)
    if contribution is None:
        raise Http404("No such contribution.")
    if contribution.status in (
        Contribution.Status.SUCCEEDED,
        Contribution.Status.PENDING,
    ):
        return redirect("supporters:thanks", token=token)
    if contribution.status == Contribution.Status.CANCELLED:
        return problem(
            request,
            status=410,
            title=gettext("This payment page has expired"),
            message=gettext("Nothing was charged. You can start again from the support page."),
        )
    provider = registry.provider_get(contribution.provider)
    support_settings = selectors.support_settings(request=request)
    if provider is None or not provider.is_available(test_mode=support_settings.test_mode):
        return problem(
            request,
            status=410,
            title=gettext("This way to pay is no longer offered"),
            message=gettext(
                "Nothing was charged. Please start again and choose another way to pay."
            ),
        )
    publication = edition_publication(request=request)
    checkout = services.contribution_checkout(contribution=contribution, site_name=publication.name)
    action_url = request.path
    if request.method == "POST":
        # Card testers try many cards through one checkout from many addresses: both count.
        if refused := public_post_refused(
            request, form=PAYMENT_FORM, subject=f"checkout-{contribution.pk}"
        ):
            return refused
        if not services.contribution_submission_claim(contribution=contribution):
            # A double click: the first submission is with the provider. Answer with its outcome.
            current = services.contribution_submission_wait(contribution=contribution)
            return _see_other(_next_url(current))
        contribution.refresh_from_db()
        checkout = services.contribution_checkout(
            contribution=contribution, site_name=publication.name
        )
        try:
            result = provider.checkout_submit(checkout=checkout, data=request.POST.dict())
        except PaymentInputError as exc:
            services.contribution_submission_release(contribution=contribution)
            return problem(request, status=400, title=gettext("Please try again"), message=str(exc))
        except ProviderUnavailableError:
            services.contribution_submission_release(contribution=contribution)
            return problem(
                request,
                status=503,
                title=gettext("We could not reach the payment provider"),
                message=gettext("Nothing was charged. Please try again in a few minutes."),
            )
        except BaseException:
            services.contribution_submission_release(contribution=contribution)
            raise
        contribution = services.contribution_checkout_apply(
            contribution=contribution, result=result
        )
        if result.outcome in (Outcome.SUCCEEDED, Outcome.PENDING):
            return _see_other(reverse("supporters:thanks", args=[token]))
        return _see_other(request.path)
    try:
        contribution, page = services.contribution_payment_page(
            contribution=contribution,
            provider=provider,
            site_name=publication.name,
            action_url=action_url,
        )
    except ProviderUnavailableError:
        return problem(
            request,
            status=503,
            title=gettext("We could not reach the payment provider"),
            message=gettext("Nothing was charged. Please try again in a few minutes."),
        )
    if page is None:  # paid meanwhile, in another tab
        return redirect(_next_url(contribution))
    if page.third_party_script != card_step:
        # The card step is the only page allowed Stripe.js; every other step keeps the
        # strict policy.
        name = "supporters:pay-card" if page.third_party_script else "supporters:pay"
        return redirect(name, token=token)
    response = render(
        request,
        "supporters/payment_step.html",
        {
            "contribution": contribution,
            "summary": _summary(contribution),
            "provider": provider,
            "provider_template": page.template,
            **page.context,
            "test_mode": contribution.is_test,
            "message": contribution.failure_message,
        },
    )
    return response


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def payment_step(request: HttpRequest, token: str) -> HttpResponse:
    return _payment_step(request, token, card_step=False)


def _payment_step_policy() -> dict:
    """The strict policy, widened by what the installed providers' payment steps need (for
    Stripe: Stripe.js, its API and its frames). Worked out once, when the views load."""
    policy = {directive: list(sources) for directive, sources in settings.SECURE_CSP.items()}
    for provider in registry.providers_installed().values():
        for directive, sources in provider.payment_step_sources().items():
            policy.setdefault(directive, [])
            policy[directive] += [s for s in sources if s not in policy[directive]]
    return policy


# The one view that may load a third-party script: Django's per-view override of the policy.
@csp_override(_payment_step_policy())
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def payment_step_card(request: HttpRequest, token: str) -> HttpResponse:
    return _payment_step(request, token, card_step=True)


def _summary(contribution: Contribution) -> str:
    amount = format_amount(contribution.amount_minor, contribution.currency)
    if contribution.frequency == Frequency.MONTHLY:
        return gettext("%(amount)s a month") % {"amount": amount}
    if contribution.frequency == Frequency.ANNUAL:
        return gettext("%(amount)s a year") % {"amount": amount}
    return gettext("%(amount)s, once") % {"amount": amount}


# --- Thank you -----------------------------------------------------------------------------


@never_cache
@require_safe
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    contribution = selectors.contribution_by_token(token=token)
    if contribution is None:
        raise Http404("No such contribution.")
    if contribution.status not in (Contribution.Status.SUCCEEDED, Contribution.Status.PENDING):
        return redirect("supporters:pay", token=token)
    support_settings = selectors.support_settings(request=request)
    paragraphs = support_settings.thank_you_paragraphs()
    response = render(
        request,
        "supporters/thanks.html",
        {
            "contribution": contribution,
            "summary": _summary(contribution),
            "thank_you": paragraphs,
            "pending": contribution.status == Contribution.Status.PENDING,
            "test_mode": contribution.is_test,
        },
    )
    if contribution.status == Contribution.Status.SUCCEEDED:
        supporter_cookie_set(response, contribution=contribution)
    return response


# --- Remind me later -------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def reminder(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "supporters/reminder.html", {"form": ReminderForm()})
    if refused := public_post_refused(request, form=REMINDER_FORM):
        return refused
    form = ReminderForm(request.POST)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"errors": {n: e[0] for n, e in form.errors.items()}}, status=400)
        response = render(request, "supporters/reminder.html", {"form": form}, status=400)
        patch_cache_control(response, no_store=True)
        return response
    # One address gets few reminders, whoever asks: nobody fills someone's inbox.
    if not public_subject_check(
        form=REMINDER_FORM,
        subject=email_subject(form.cleaned_data["email"]),
        rate=Rate(settings.PUBLIC_FORMS_POSTS_PER_EMAIL, WINDOW_SECONDS),
    ):
        protection.blocked_attempt_record(scope=REMINDER_FORM.name)
        return problem(
            request,
            status=429,
            title=gettext("Too many reminders"),
            message=gettext(
                "This address asked for several reminders in a short while. Please try again in "
                "an hour."
            ),
        )
    reminder_obj, _token = services.reminder_create(
        email=form.cleaned_data["email"],
        when=form.cleaned_data["when"],
        language=translation.get_language(),
    )
    if _wants_json(request):
        response = JsonResponse({"remind_on": reminder_obj.remind_on.isoformat()})
    else:
        response = render(
            request, "supporters/reminder_done.html", {"remind_on": reminder_obj.remind_on}
        )
    patch_cache_control(response, no_store=True)
    # This browser stops showing appeals until then; the address is not in the cookie.
    snooze_cookie_set(response, until=reminder_obj.remind_on)
    return response


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reminder_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links); POST cancels."""
    if request.method != "POST":
        pending = services.reminder_for_token(token=token)
        return render(request, "supporters/reminder_cancel.html", {"pending": pending})
    if refused := public_post_refused(request, form=REMINDER_CANCEL_FORM):
        return refused
    cancelled = services.reminder_cancel(token=token)
    return render(
        request, "supporters/reminder_cancel.html", {"pending": None, "cancelled": cancelled}
    )
