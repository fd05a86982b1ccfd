"""Admin screens beyond Wagtail's generic ones: an edition's send page and its email preview.

The send page gathers what an editor does with a finished edition, in order: look at it
(preview), send a test to themselves, then schedule it for the newsletter's time or send it
now, and watch the progress.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from wagtail.snippets.permissions import get_permission_name

from masthead.newsletters import selectors
from masthead.newsletters.email import render
from masthead.newsletters.models import Edition
from masthead.newsletters.services import editions as edition_services

SEND_PERMISSION = "newsletters.send_edition"
# Actions that mail the list, or decide when it is mailed.
SENDING_ACTIONS = {"schedule", "unschedule", "send_now", "resend_unconfirmed"}


def _edition_for(request: HttpRequest, pk: int) -> Edition:
    if not request.user.has_perm(get_permission_name("change", Edition)):
        raise PermissionDenied
    return get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)


def send_page_url(edition: Edition) -> str:
    return reverse("newsletters_edition_send", args=[edition.pk])


@require_http_methods(["GET", "POST"])
def edition_send_page(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition_for(request, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action in SENDING_ACTIONS and not request.user.has_perm(SEND_PERMISSION):
            # A plain 403 rather than Wagtail's redirect: the button is hidden from these
            # users, so this is a stale page or a forged request, and it is refused as such.
            return HttpResponseForbidden("Sending an edition needs the “send edition” permission.")
        try:
            if action == "test":
                to = request.user.email
                if not to:
                    messages.error(request, "Your account has no email address to send a test to.")
                else:
                    edition_services.edition_send_test(edition=edition, to=to, actor=request.user)
                    messages.success(request, f"Test sent to {to}.")
            elif action == "schedule":
                edition = edition_services.edition_schedule(edition=edition, actor=request.user)
                messages.success(
                    request, f"Scheduled for {edition.scheduled_at:%A %d %B %Y, %H:%M}."
                )
            elif action == "unschedule":
                edition_services.edition_unschedule(edition=edition, actor=request.user)
                messages.success(request, "No longer scheduled; it is a draft again.")
            elif action == "send_now":
                edition_services.edition_send_now(edition=edition, actor=request.user)
                messages.success(request, "Sending. Progress shows below.")
            elif action == "resend_unconfirmed":
                count = edition_services.edition_resend_unconfirmed(
                    edition=edition, actor=request.user
                )
                messages.success(request, f"Sending again to {count} recipients.")
            else:
                messages.error(request, "Unknown action.")
        except edition_services.EditionNotEditable:
            messages.error(request, "This edition is being sent or was sent; it cannot change.")
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect(send_page_url(edition))

    edition.refresh_from_db()
    progress = selectors.edition_progress(edition=edition)
    return TemplateResponse(
        request,
        "newsletters/admin/edition_send.html",
        {
            "edition": edition,
            "progress": progress,
            "next_slot": selectors.newsletter_next_slot(newsletter=edition.newsletter),
            "audience": selectors.edition_audience_size(edition=edition),
            "articles": selectors.edition_articles(edition=edition),
            "email_url": reverse("newsletters_edition_email", args=[edition.pk]),
            "edit_url": reverse("wagtailsnippets_newsletters_edition:edit", args=[edition.pk]),
            "history": edition.audit_entries.select_related("actor")[:20],
            "refresh": edition.status == Edition.Status.SENDING,
            "can_send": request.user.has_perm(SEND_PERMISSION),
            "header_title": f"Send: {edition.subject}",
        },
    )


def edition_email(request: HttpRequest, pk: int) -> HttpResponse:
    """The email's HTML exactly as it is sent (served under /admin/, with the admin's CSP)."""
    edition = _edition_for(request, pk)
    rendered = render.edition_render(edition=edition, preview=True)
    if request.GET.get("format") == "text":
        return HttpResponse(
            rendered.personalise("preview")[1], content_type="text/plain; charset=utf-8"
        )
    return HttpResponse(rendered.html_for_preview())
