"""The emails of reader revenue, rendered from templates in ``supporters/email/``: a plain
text part always, and an HTML part when the template exists.

Their links ask the reader to act (sign in, manage their support, cancel a reminder, give):
they name the API origin (``API_ORIGIN``, ``core.origins.api_origin``), which answers where the
main domain may be blocked.
"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.translation import gettext

from masthead.core.origins import api_origin


def email_send(*, to: str, subject: str, template: str, context: dict, test: bool = False) -> None:
    from masthead.core.models import edition_publication

    # In the language the email is written in (the caller activates the reader's).
    publication = edition_publication()
    context = {
        "publication": publication,
        "API_ORIGIN": api_origin(),
        "test": test,
        **context,
    }
    text = render_to_string(f"supporters/email/{template}.txt", context)
    message = EmailMultiAlternatives(
        subject=(f"[{gettext('TEST MODE')}] " if test else "") + f"{subject} — {publication.name}",
        body=text,
        to=[to],
    )
    try:
        html = render_to_string(f"supporters/email/{template}.html", context)
    except TemplateDoesNotExist:
        html = None
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
