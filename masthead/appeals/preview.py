"""Editors see an appeal variant where readers will: on a real article page.

The article is rendered as usual, with one difference: the appeals file is embedded in the
page (a ``<script type="application/json">`` data block, which the Content-Security-Policy
allows because it never runs) holding only the appeal being previewed, and ``appeals.js``
shows it regardless of the rules and records nothing, neither in the browser nor on the
server. Used by the admin's live preview (unsaved edits included) and by the preview links
in the results report.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.csp import CSP

from masthead.appeals import publication, selectors
from masthead.appeals.models import Appeal, AppealVariant
from masthead.publishing.editions import page_language


def article_with_appeal(
    *,
    request: HttpRequest,
    appeal: Appeal,
    variant: AppealVariant | None,
    article_id: int | None = None,
) -> HttpResponse:
    in_admin_panel = getattr(request, "is_preview", False)  # Page.serve() resets it
    article = selectors.appeal_preview_article(appeal=appeal, article_id=article_id)
    if article is None:
        response = TemplateResponse(
            request, "appeals/preview_no_article.html", {"appeal": appeal}, status=404
        )
    else:
        document = publication.appeals_document(appeals=[])
        if variant is not None:
            document["appeals"] = [publication.appeal_entry(appeal=appeal, variants=[variant])]
        # The article's edition, as its readers get it (an admin address is in the default
        # language): rendered here, while that language is active.
        with translation.override(page_language(article)):
            response = article.specific.serve(request)
            response.context_data["appeals_preview"] = document
            response.render()
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    if in_admin_panel:
        # Shown inside the admin's preview panel: the admin may frame it. Scripts and styles
        # stay under the public pages' policy, so the preview proves the appeal works there.
        response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]}
    response.headers["X-Robots-Tag"] = "noindex"
    return response
