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


def on_tracking(sender, event, esp_name, **kwargs) -> None:
    from masthead.newsletters.services.suppressions import tracking_event_apply

    tracking_event_apply(
        event_type=event.event_type,
        recipient=event.recipient,
        description=f"{esp_name}: {event.description or event.mta_response or event.event_type}",
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
