"""django-anymail's webhooks, parsed by anymail and handed to our services.

Bounces, complaints and rejections put the address on the suppression list; an unsubscribe
request mailed to the List-Unsubscribe ``mailto:`` address (when the ESP routes inbound mail
to ``/newsletter/anymail/<esp>/inbound/``) unsubscribes like the one-click link. Both are
idempotent, so a webhook delivered twice changes nothing the second time.
"""

from __future__ import annotations

import logging
import re

from anymail.signals import inbound, tracking

logger = logging.getLogger(__name__)

_UNSUBSCRIBE_SUBJECT = re.compile(r"unsubscribe\s+(\S+)", re.I)


def _text(value) -> str:
    """Text an ESP sent, made storable: databases refuse NUL and lone surrogates."""
    text = value if isinstance(value, str) else ""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _address(value) -> str:
    """The recipient if it is an email address, else "" (the event then changes nothing)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if not isinstance(value, str) or len(value) > 254 or value != _text(value):
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def on_tracking(sender, event, esp_name, **kwargs) -> None:
    from masthead.newsletters.services.suppressions import tracking_event_apply

    # The sender is verified, the event's fields are still whatever the ESP's JSON held.
    recipient = _address(event.recipient)
    if event.recipient and not recipient:
        logger.warning("%s event with a recipient that is not an address ignored", esp_name)
    description = _text(event.description) or _text(event.mta_response)
    tracking_event_apply(
        event_type=_text(event.event_type),
        recipient=recipient or None,
        description=f"{esp_name}: {description or _text(event.event_type)}",
    )


def on_inbound(sender, event, esp_name, **kwargs) -> None:
    from masthead.newsletters import selectors, tokens
    from masthead.newsletters.models import Newsletter
    from masthead.newsletters.services.subscriptions import subscription_end

    message = event.message
    match = _UNSUBSCRIBE_SUBJECT.search((message and message.subject) or "")
    if not match:
        return
    try:
        claim = tokens.list_token_read(match.group(1))
    except tokens.TokenInvalid:
        logger.info("Inbound unsubscribe mail with an invalid token ignored")
        return
    subscriber = selectors.subscriber_by_key(key=claim.subscriber_key)
    newsletter = Newsletter.objects.filter(pk=claim.newsletter_id).first()
    if subscriber and newsletter:
        subscription_end(subscriber=subscriber, newsletter=newsletter, reason="unsubscribe email")


def connect() -> None:
    tracking.connect(on_tracking, dispatch_uid="masthead-newsletters-tracking")
    inbound.connect(on_inbound, dispatch_uid="masthead-newsletters-inbound")
