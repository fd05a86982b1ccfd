"""Admin: an article's posts on each channel, with "post" and "post again" for editors who may
publish it. The forms post with Django's CSRF token; the service checks the rest."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Page

from masthead.channels import services
from masthead.channels.providers import CHANNELS
from masthead.channels.selectors import channel_statuses
from masthead.publishing.models import ArticlePage


def _article_for(request: HttpRequest, page_id: int) -> ArticlePage:
    # Looked up by Page's own id, which Django checks against the column's range: a number
    # too large for it is no page (through ArticlePage's link to Page, it reached SQLite).
    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, ArticlePage):
        raise Http404("Channels are for articles.")
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    return page


@require_GET
def page_posts(request: HttpRequest, page_id: int) -> HttpResponse:
    page = _article_for(request, page_id)
    return TemplateResponse(
        request,
        "channels/page_posts.html",
        {
            "page": page,
            "statuses": channel_statuses(page_id=page.pk),
            "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
            "header_title": f"Channels: {page.title}",
        },
    )


@require_POST
def page_post_request(request: HttpRequest, page_id: int) -> HttpResponse:
    page = _article_for(request, page_id)
    channel = request.POST.get("channel", "")
    if channel not in CHANNELS:
        messages.error(request, "Choose one of the channels listed.")
    else:
        try:
            services.post_request(page=page, channel=channel, user=request.user)
        except services.PostRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"Queued for {CHANNELS[channel].label}.")
    return redirect("channels_page", page_id=page.pk)
