"""Public newsletter pages and the small forms behind them.

Pages that are the same for everyone (the newsletter page, archives, editions, the preview)
are cacheable like any public page. Pages reached through a personal link (confirm, manage)
and every form answer are ``never_cache``: the full-page cache must not keep them.
POSTs carry no CSRF token; they go through ``core.public_forms`` instead. The one-click
unsubscribe endpoint is the exception: mail providers POST to it from their servers, and the
signed token is its authority (RFC 8058).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

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
from masthead.newsletters import selectors, tokens
from masthead.newsletters.email import render as email_render
from masthead.newsletters.forms import SignupForm
from masthead.newsletters.models import Newsletter, Subscription
from masthead.newsletters.services import subscriptions as subscription_services

TOKEN_MAX_LENGTH = 200

# The signup form is on every static copy, the offline one included (``Origin: null``): a
# signup only sends a confirmation email, limited per address.
SIGNUP_FORM = PublicForm(
    name="newsletter-signup", rate=lambda: Rate(*settings.NEWSLETTER_SIGNUP_RATE), offline=True
)
# Confirm and manage pages are reached by personal links and only ever served by the app.
LINK_FORM = PublicForm(name="newsletter-links", rate=lambda: Rate(60, 3600))


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _answer(request, *, status: int, message: str, title: str, errors=None, form=None):
    """One answer in the shape the client asked for: JSON for the script, a page otherwise."""
    if _wants_json(request):
        body = {"ok": 200 <= status < 300, "message": message}
        if errors:
            body["errors"] = errors
        response = JsonResponse(body, status=status)
        # A static copy of the site (a mirror, the offline copy) posts the signup form from
        # its own origin: let its script read the answer.
        cors_headers_apply(request=request, response=response, form=SIGNUP_FORM)
    else:
        response = render(
            request,
            "newsletters/message.html",
            {
                "title": title,
                "message": message,
                "ok": 200 <= status < 300,
                "form": form,
                "newsletters": selectors.newsletters_offered(),
            },
            status=status,
        )
    return response


def _forbidden(request):
    return _answer(
        request,
        status=403,
        title=gettext("Form not accepted"),
        message=gettext(
            "This form can only be sent from our own website. Please go back to the page and "
            "try again."
        ),
    )


def _too_many(request):
    return _answer(
        request,
        status=429,
        title=gettext("Too many signups"),
        message=gettext(
            "Too many signups from your connection or for this address. Please try again later."
        ),
    )


def _link_post_refused(request) -> HttpResponse | None:
    if refusal := public_post_check(request=request, form=LINK_FORM):
        if refusal == Refusal.ORIGIN:
            return _forbidden(request)
        return _answer(
            request,
            status=429,
            title=gettext("Too many attempts"),
            message=gettext("Too many attempts from your connection. Please try again later."),
        )
    return None


# --- Public pages ---------------------------------------------------------------------------


@require_safe
@reads_query()
def newsletter_index(request: HttpRequest) -> HttpResponse:
    newsletters = list(selectors.newsletters_offered())
    latest = {n.pk: selectors.editions_sent(newsletter=n).first() for n in newsletters}
    return render(
        request,
        "newsletters/newsletter_index.html",
        {
            "newsletters": [(n, latest[n.pk]) for n in newsletters],
            "signup_lists": newsletters,
            "canonical_path": reverse("newsletters:index"),
        },
    )


@require_safe
@reads_query()
def newsletter_archive(request: HttpRequest, slug: str) -> HttpResponse:
    # A list's archive is in its own edition: /newsletter/<slug>/ or /ru/newsletter/<slug>/.
    newsletter = selectors.newsletter_offered_get(slug=slug)
    if newsletter is None:
        raise Http404("No such newsletter.")
    return render(
        request,
        "newsletters/newsletter_archive.html",
        {
            "newsletter": newsletter,
            "editions": selectors.editions_sent(newsletter=newsletter),
            "signup_lists": [newsletter],
            "canonical_path": newsletter.get_absolute_url(),
        },
    )


def _edition_page(request, edition, *, is_preview: bool) -> HttpResponse:
    context = email_render.edition_email_context(edition=edition, web=True)
    context.update(
        {
            "is_preview": is_preview,
            "signup_lists": [edition.newsletter],
            "canonical_path": (
                edition.get_absolute_url() if edition.pk else reverse("newsletters:preview")
            ),
        }
    )
    return render(request, "newsletters/edition_web.html", context)


@require_safe
@reads_query()
def edition_web(request: HttpRequest, slug: str, edition_id: int) -> HttpResponse:
    edition = selectors.edition_sent_get(newsletter_slug=slug, edition_id=edition_id)
    if edition is None:
        raise Http404("No such edition.")
    return _edition_page(request, edition, is_preview=False)


@require_safe
@reads_query()
def preview(request: HttpRequest) -> HttpResponse:
    edition = selectors.edition_for_preview()
    if edition is None:
        raise Http404("No newsletter yet.")
    return _edition_page(request, edition, is_preview=True)


# --- Signup ---------------------------------------------------------------------------------


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return redirect("newsletters:index")
    if refusal := public_post_check(request=request, form=SIGNUP_FORM):
        return _forbidden(request) if refusal == Refusal.ORIGIN else _too_many(request)
    # Any public list may be named; without a choice the reader joins what the page's edition
    # pre-selects (a signup from /ru/ joins the Russian list).
    form = SignupForm(
        request.POST,
        newsletters=selectors.newsletters_public(),
        offered=selectors.newsletters_offered(),
    )
    if not form.is_valid():
        return _answer(
            request,
            status=400,
            title=gettext("Please check your email address"),
            message=form.first_error(),
            errors={k: [str(e) for e in v] for k, v in form.errors.items()},
            form=form,
        )
    email = form.cleaned_data["email"]
    if not public_subject_check(
        form=SIGNUP_FORM,
        subject=email_subject(email),
        rate=Rate(settings.PUBLIC_FORMS_POSTS_PER_EMAIL, 3600),
    ):
        return _too_many(request)
    if not form.cleaned_data.get("website"):
        # The confirmation email is written in the language of the edition signed up from.
        subscription_services.subscriber_signup(
            email=email,
            newsletters=form.chosen(),
            source_page=form.cleaned_data["source"],
            language=translation.get_language(),
        )
    # The same answer whether the address is new, waiting or long subscribed (and for bots).
    return _answer(
        request,
        status=200,
        title=gettext("Check your inbox"),
        message=gettext(
            "Almost done: we have sent an email to %(email)s. Open the link in it to confirm "
            "your subscription."
        )
        % {"email": email},
    )


# --- Confirmation ---------------------------------------------------------------------------


def _token_error(request, exc: Exception) -> HttpResponse:
    if isinstance(exc, tokens.TokenExpired):
        return _answer(
            request,
            status=400,
            title=gettext("This link has expired"),
            message=gettext(
                "Confirmation links work for a limited time. Sign up again and we will send you "
                "a new one."
            ),
            form=True,
        )
    if isinstance(exc, subscription_services.ConfirmationUsed):
        return _answer(
            request,
            status=400,
            title=gettext("This link was already used"),
            message=gettext(
                "This confirmation link was used already, or a newer one was sent to you. Use "
                "the link in the most recent email."
            ),
        )
    return _answer(
        request,
        status=400,
        title=gettext("This link is not valid"),
        message=gettext(
            "The link is incomplete or was changed. Copy the whole link from the email, or sign "
            "up again."
        ),
        form=True,
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    if len(token) > TOKEN_MAX_LENGTH:
        return _token_error(request, tokens.TokenInvalid())
    if request.method == "POST":
        if refused := _link_post_refused(request):
            return refused
        try:
            result = subscription_services.subscriber_confirm(token=token)
        except (
            tokens.TokenInvalid,
            tokens.TokenExpired,
            subscription_services.ConfirmationUsed,
        ) as exc:
            return _token_error(request, exc)
        return render(
            request,
            "newsletters/confirmed.html",
            {
                "confirmed": [s.newsletter for s in result.confirmed],
                "already": result.already,
                "manage_token": _manage_token(result.subscriber, result.confirmed),
            },
        )
    # GET only shows what will be confirmed: link scanners that open every URL in an email
    # must not subscribe anyone.
    try:
        result = subscription_services.confirmation_read(token=token)
    except (
        tokens.TokenInvalid,
        tokens.TokenExpired,
        subscription_services.ConfirmationUsed,
    ) as exc:
        return _token_error(request, exc)
    if not result.pending:
        return render(
            request,
            "newsletters/confirmed.html",
            {
                "confirmed": [s.newsletter for s in result.confirmed],
                "already": True,
                "manage_token": _manage_token(result.subscriber, result.confirmed),
            },
        )
    return render(
        request,
        "newsletters/confirm.html",
        {"pending": [s.newsletter for s in result.pending], "email": result.subscriber.email},
    )


def _manage_token(subscriber, subscriptions) -> str:
    if not subscriptions:
        return ""
    return tokens.list_token_make(
        subscriber_key=subscriber.key, newsletter_id=subscriptions[0].newsletter_id
    )


# --- Unsubscribe and manage -----------------------------------------------------------------


def _read_list_token(token: str):
    """(subscriber, newsletter) for a list token, or None."""
    if len(token) > TOKEN_MAX_LENGTH:
        return None
    try:
        claim = tokens.list_token_read(token)
    except tokens.TokenInvalid:
        return None
    subscriber = selectors.subscriber_by_key(key=claim.subscriber_key)
    newsletter = Newsletter.objects.filter(pk=claim.newsletter_id).first()
    if subscriber is None or newsletter is None:
        return None
    return subscriber, newsletter


def _bad_list_link(request) -> HttpResponse:
    return _answer(
        request,
        status=400,
        title=gettext("This link is not valid"),
        message=gettext(
            "The link is incomplete or was changed, or this address was deleted. Copy the whole "
            "link from the email, or write to us and we will take you off the list."
        ),
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058 one-click: a POST unsubscribes at once, without a login or a second step.

    A GET (a person following the link) shows the manage page; it changes nothing.
    """
    found = _read_list_token(token)
    if found is None:
        return _bad_list_link(request)
    subscriber, newsletter = found
    if request.method == "GET":
        return _manage_page(request, token, subscriber, highlight=newsletter)
    subscription_services.subscription_end(
        subscriber=subscriber, newsletter=newsletter, reason="one-click unsubscribe"
    )
    if "text/html" in request.headers.get("Accept", ""):
        return _manage_page(request, token, subscriber, done=("left", newsletter))
    return HttpResponse(
        gettext("Unsubscribed from %(name)s.") % {"name": newsletter.name} + "\n",
        content_type="text/plain; charset=utf-8",
    )


def _manage_page(request, token, subscriber, *, highlight=None, done=None, status=200):
    return render(
        request,
        "newsletters/manage.html",
        {
            "token": token,
            "email": subscriber.email,
            "lists": selectors.subscriber_lists(subscriber=subscriber),
            "highlight": highlight,
            "done": done,
            "confirmed": Subscription.Status.CONFIRMED,
        },
        status=status,
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    found = _read_list_token(token)
    if found is None:
        return _bad_list_link(request)
    subscriber, _newsletter = found
    if request.method == "GET":
        return _manage_page(request, token, subscriber)
    if refused := _link_post_refused(request):
        return refused
    action = request.POST.get("action")
    # Chosen among the lists the page offers, never looked up: whatever the field holds (a
    # NUL, which PostgreSQL refuses in a query) names one of them or none.
    wanted = request.POST.get("list", "")
    offered = [n for n, _ in selectors.subscriber_lists(subscriber=subscriber)]
    newsletter = next((n for n in offered if n.slug == wanted), None)
    if action not in ("leave", "join") or newsletter is None:
        return _manage_page(request, token, subscriber, done=("error", None), status=400)
    if action == "leave":
        subscription_services.subscription_end(
            subscriber=subscriber, newsletter=newsletter, reason="manage page"
        )
    else:
        subscription_services.subscription_rejoin(subscriber=subscriber, newsletter=newsletter)
    return _manage_page(
        request, token, subscriber, done=("left" if action == "leave" else "joined", newsletter)
    )
