"""Public endpoints (the appeals file and the counters) and the staff-only preview.

Every malformed request gets a 4xx with a short reason; a database that cannot take a write
right now gets 503. Nothing here answers 500 for what a client sent.
"""

from __future__ import annotations

import json
import logging
import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from masthead.appeals import preview, publication, selectors, services
from masthead.appeals.models import Appeal, AppealVariant
from masthead.core.public_forms import PublicForm, Rate, Refusal, public_post_check

logger = logging.getLogger(__name__)

APPEAL_ID = re.compile(r"[1-9][0-9]{0,8}")
VARIANT_KEY = re.compile(r"[a-z0-9]{1,8}")
MAX_EVENT_BODY = 1024  # bytes: three short fields, even as multipart/form-data

# Counters are sent by the appeals script of a page served from one of our origins; from a
# copy opened from disk the script finds no appeals. Refusing ``Origin: null`` keeps other
# sites' sandboxed frames from inflating them.
COUNT_FORM = PublicForm(
    name="appeal-count",
    rate=lambda: Rate(
        settings.APPEALS_COUNT_LIMIT, settings.APPEALS_COUNT_WINDOW, per_process=True
    ),
)


@require_safe
def active(request: HttpRequest) -> HttpResponse:
    """``/appeals/active.json``: the same for every reader, so the page cache, browsers and
    CDNs may keep it. Edits invalidate the page cache; others keep it for max-age seconds."""
    document = publication.appeals_document(
        appeals=selectors.appeals_published(now=timezone.now()),
    )
    response = HttpResponse(
        json.dumps(document, separators=(",", ":"), ensure_ascii=False),
        content_type="application/json",
    )
    patch_cache_control(response, public=True, max_age=settings.APPEALS_FILE_MAX_AGE)
    return response


def _plain(status: int, reason: str) -> HttpResponse:
    return HttpResponse(reason + "\n", status=status, content_type="text/plain; charset=utf-8")


def _single(values: list[str]) -> str:
    """A field given once; a missing or repeated one reads as empty, which no check passes."""
    return values[0] if len(values) == 1 else ""


@csrf_exempt  # no session acts here: core.public_forms checks origin and rate (DESIGN.md)
def count(request: HttpRequest) -> HttpResponse:
    """``POST /appeals/count`` with ``e`` (view, click, snooze, dismiss), ``a`` (appeal id) and
    ``v`` (variant key), form-encoded as ``navigator.sendBeacon`` sends them. 204 when counted."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        if int(request.headers.get("Content-Length") or 0) > MAX_EVENT_BODY:
            return _plain(413, "An event is three short fields.")
    except ValueError:
        return _plain(400, "Malformed Content-Length.")
    refusal = public_post_check(request=request, form=COUNT_FORM)
    if refusal == Refusal.ORIGIN:
        return _plain(403, "Events are accepted from this site's own pages only.")
    content_type = request.content_type or ""
    if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _plain(415, "Send the event form-encoded: e=view&a=1&v=a.")
    try:
        event, appeal_id, variant_key = (_single(request.POST.getlist(k)) for k in ("e", "a", "v"))
    except Exception:  # noqa: BLE001 - a body Django cannot parse is the client's mistake
        return _plain(400, "The body could not be read as a form.")
    if event not in services.EVENT_FIELDS:
        return _plain(400, f"e must be one of {', '.join(sorted(services.EVENT_FIELDS))}.")
    if not APPEAL_ID.fullmatch(appeal_id) or not VARIANT_KEY.fullmatch(variant_key):
        return _plain(400, "a must be an appeal id and v a variant key.")
    if refusal == Refusal.RATE:
        response = _plain(429, "Too many events from this client; try again later.")
        response.headers["Retry-After"] = str(settings.APPEALS_COUNT_WINDOW)
        return response
    try:
        counted = services.appeal_event_record(
            appeal_id=int(appeal_id), variant_key=variant_key, event=event
        )
    except DatabaseError:
        logger.warning("Appeal event not counted: database unavailable", exc_info=True)
        response = _plain(503, "Not counted; try again later.")
        response.headers["Retry-After"] = "60"
        return response
    if not counted:
        return _plain(404, "No such appeal variant.")
    return HttpResponse(status=204)


def variant_preview(request: HttpRequest, appeal_id: int, variant_key: str) -> HttpResponse:
    """A saved variant on a real article (``?article=<id>`` to choose which): for editors."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url="wagtailadmin_login")
    if not request.user.has_perm("appeals.change_appeal"):
        return _plain(403, "Only editors who may change appeals can preview them.")
    if not VARIANT_KEY.fullmatch(variant_key):  # a NUL would reach PostgreSQL otherwise
        raise Http404("No such variant.")
    appeal = get_object_or_404(Appeal, pk=appeal_id)
    variant = get_object_or_404(AppealVariant, appeal=appeal, key=variant_key)
    article_id = request.GET.get("article")
    if article_id is not None and not APPEAL_ID.fullmatch(article_id):
        raise Http404("No such article.")
    return preview.article_with_appeal(
        request=request,
        appeal=appeal,
        variant=variant,
        article_id=int(article_id) if article_id else None,
    )
