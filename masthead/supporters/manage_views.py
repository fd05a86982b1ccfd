""" "Manage my support": sign in by a link sent by email, then change the amount, switch
between monthly and annual, cancel or resume, and see and download receipts.

Asking for a link is a public form (no session yet: Origin check and rate limits, no CSRF
token) and its answer is the same whether or not the address is known. Everything after the
link is behind a Django session and Django's CSRF protection.
"""

from __future__ import annotations

import logging
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from masthead.core.page_cache import reads_query
from masthead.core.public_forms import Rate, email_subject, public_subject_check
from masthead.payments import registry
from masthead.payments.base import ProviderUnavailableError
from masthead.supporters import protection, selectors, services
from masthead.supporters.amounts import format_amount, format_input
from masthead.supporters.cookies import recurring_until, supporter_cookie_set
from masthead.supporters.forms import RecurringChangeForm, SignInForm
from masthead.supporters.models import Contribution, RecurringSupport, Supporter
from masthead.supporters.views import SIGNIN_FORM, problem, public_post_refused

logger = logging.getLogger(__name__)

SESSION_KEY = "supporter_id"
SESSION_SECONDS = 60 * 60
SIGNIN_PER_ADDRESS_PER_HOUR = 3


def _signed_in(request: HttpRequest) -> Supporter | None:
    supporter_id = request.session.get(SESSION_KEY)
    if not isinstance(supporter_id, int):
        return None
    return Supporter.objects.filter(pk=supporter_id).first()


def supporter_required(view):
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        supporter = _signed_in(request)
        if supporter is None:
            return redirect("supporters:signin")
        return view(request, supporter, *args, **kwargs)

    return never_cache(wrapped)


# --- Signing in ------------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@reads_query()
def signin(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        # The same form for everyone: cached like any page, and in every static copy (whose
        # readers post it to the API origin).
        return render(request, "supporters/manage/signin.html", {"form": SignInForm()})
    return _signin_request(request)


@never_cache
def _signin_request(request: HttpRequest) -> HttpResponse:
    if refused := public_post_refused(request, form=SIGNIN_FORM):
        return refused
    form = SignInForm(request.POST)
    if not form.is_valid():
        return render(request, "supporters/manage/signin.html", {"form": form}, status=400)
    email = form.cleaned_data["email"]
    # Per address too, so nobody can fill someone's inbox with links. The answer is the same.
    if public_subject_check(
        form=SIGNIN_FORM,
        subject=email_subject(email),
        rate=Rate(SIGNIN_PER_ADDRESS_PER_HOUR, 3600),
    ):
        services.signin_request(email=email, language=translation.get_language())
    else:
        protection.blocked_attempt_record(scope="signin-address")
    return render(request, "supporters/manage/signin_sent.html", {"email": email})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def signin_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, so that mail scanners following the link do not use it up."""
    if request.method != "POST":
        link = services.signin_link_peek(token=token)
        status = 200 if link else 410
        return render(
            request, "supporters/manage/signin_link.html", {"valid": bool(link)}, status=status
        )
    supporter = services.signin_redeem(token=token)
    if supporter is None:
        return render(request, "supporters/manage/signin_link.html", {"valid": False}, status=410)
    request.session.cycle_key()
    request.session[SESSION_KEY] = supporter.pk
    request.session.set_expiry(SESSION_SECONDS)
    return redirect("supporters:manage")


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return redirect("supporters:support")


# --- The supporter's page ---------------------------------------------------------------------


def _recurring_rows(supporter: Supporter) -> list[dict]:
    rows = []
    for r in selectors.supporter_recurring(supporter=supporter):
        rows.append(
            {
                "recurring": r,
                "amount": format_amount(r.amount_minor, r.currency),
                "amount_input": format_input(r.amount_minor),
                "symbol": format_amount(0, r.currency).rstrip("0"),
            }
        )
    return rows


@supporter_required
@require_safe
def manage(request: HttpRequest, supporter: Supporter) -> HttpResponse:
    rows = _recurring_rows(supporter)
    receipts = [
        {"contribution": c, "amount": format_amount(c.amount_minor, c.currency)}
        for c in selectors.supporter_receipts(supporter=supporter)[:100]
    ]
    response = render(
        request,
        "supporters/manage/manage.html",
        {
            "supporter": supporter,
            "recurring_rows": rows,
            "receipts": receipts,
            "test_mode": any(r["recurring"].is_test for r in rows)
            or any(c["contribution"].is_test for c in receipts),
        },
    )
    live = [
        r["recurring"] for r in rows if r["recurring"].status != RecurringSupport.Status.CANCELLED
    ]
    if live:
        # Visiting keeps this browser marked as a supporter's for as long as support lasts.
        until = max(recurring_until(r) for r in live)
        supporter_cookie_set(response, until=until)
    return response


def _own_recurring(supporter: Supporter, pk: int) -> RecurringSupport:
    recurring = RecurringSupport.objects.filter(pk=pk, supporter=supporter).first()
    if recurring is None:
        raise Http404("No such support.")
    return recurring


@supporter_required
@require_POST
def recurring_action(request: HttpRequest, supporter: Supporter, pk: int) -> HttpResponse:
    recurring = _own_recurring(supporter, pk)
    action = request.POST.get("action", "")
    if recurring.status == RecurringSupport.Status.CANCELLED:
        messages.error(
            request, gettext("This support has ended; start a new one from the support page.")
        )
        return redirect("supporters:manage")
    actor = f"supporter:{supporter.pk}"
    try:
        if action == "change":
            options = selectors.form_options(support=selectors.support_settings(request=request))
            form = RecurringChangeForm(request.POST, currency=recurring.currency, options=options)
            if not form.is_valid():
                response = render(
                    request,
                    "supporters/manage/manage.html",
                    {
                        "supporter": supporter,
                        "recurring_rows": _recurring_rows(supporter),
                        "receipts": [],
                        "change_errors": {recurring.pk: form.errors},
                    },
                    status=400,
                )
                patch_cache_control(response, no_store=True)
                return response
            services.recurring_update(
                recurring=recurring,
                amount_minor=form.cleaned_data["amount_minor"],
                frequency=form.cleaned_data["frequency"],
                actor=actor,
            )
            messages.success(request, gettext("Your support has been changed. Thank you."))
        elif action == "cancel":
            services.recurring_cancel(recurring=recurring, actor=actor)
            messages.success(
                request,
                gettext("Your support will end at the end of the period you have paid for."),
            )
        elif action == "resume":
            services.recurring_resume(recurring=recurring, actor=actor)
            messages.success(request, gettext("Your support continues. Thank you."))
        else:
            return problem(
                request,
                status=400,
                title=gettext("Unknown action"),
                message=gettext("Choose one of the buttons."),
            )
    except ProviderUnavailableError as exc:
        logger.warning("Change to recurring support %s failed: %s", recurring.pk, exc)
        messages.error(
            request,
            gettext(
                "The payment provider did not accept the change, so nothing has changed. Please "
                "try again later."
            ),
        )
    return redirect("supporters:manage")


@supporter_required
@require_safe
def receipt(request: HttpRequest, supporter: Supporter, pk: int) -> HttpResponse:
    contribution = Contribution.objects.filter(
        pk=pk, supporter=supporter, status=Contribution.Status.SUCCEEDED
    ).first()
    if contribution is None:
        raise Http404("No such receipt.")
    provider = registry.provider_get(contribution.provider)
    response = render(
        request,
        "supporters/manage/receipt.html",
        {
            "contribution": contribution,
            "supporter": supporter,
            "amount": format_amount(contribution.amount_minor, contribution.currency),
            "fee_cover": format_amount(contribution.fee_cover_minor, contribution.currency)
            if contribution.fee_cover_minor
            else "",
            "provider_label": provider.label if provider else contribution.provider,
        },
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = (
            f'attachment; filename="receipt-{contribution.receipt_number}.html"'
        )
    return response
