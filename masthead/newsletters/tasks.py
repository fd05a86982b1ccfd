"""Background work for newsletters, run by ``masthead worker``."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from masthead.core.scheduler import every

logger = logging.getLogger(__name__)


@task()
def edition_send(edition_id: int) -> dict:
    """Send (what is left of) an edition. Several may run for one edition at once."""
    from masthead.newsletters.services.sending import edition_send_run

    report = edition_send_run(edition_id=edition_id)
    return {"sent": report.sent, "finished": report.finished, "counts": report.counts}


@every(timedelta(minutes=1), name="newsletters.dispatch")
@task()
def dispatch() -> dict:
    """Start scheduled editions whose time has come, resume sends whose worker stopped, and
    retry deferred recipients."""
    from masthead.newsletters.services.editions import editions_dispatch
    from masthead.newsletters.services.sending import editions_needing_a_worker

    started = editions_dispatch()
    resumed = editions_needing_a_worker()
    for edition_id in resumed:
        edition_send.enqueue(edition_id=edition_id)
    if started or resumed:
        logger.info("Newsletters: started %s, resumed %s", started, resumed)
    return {"started": started, "resumed": resumed}


@every(timedelta(hours=6), name="newsletters.forget_unconfirmed")
@task()
def forget_unconfirmed() -> int:
    """Delete signups never confirmed (data no longer needed)."""
    from masthead.newsletters.services.subscriptions import subscribers_unconfirmed_forget

    return subscribers_unconfirmed_forget()


@task()
def confirmation_email_send(subscriber_id: int) -> bool:
    """The double opt-in email, in the language of the edition the reader signed up from
    (its links lead to that edition's pages). Sent through the default mailer."""
    from masthead.core.editions import known_language
    from masthead.newsletters.models import Subscriber

    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return False
    with translation.override(known_language(subscriber.language)):
        return _confirmation_email_send(subscriber)


def _confirmation_email_send(subscriber) -> bool:
    from masthead.core.editions import edition_prefix
    from masthead.core.models import edition_publication
    from masthead.newsletters import tokens
    from masthead.newsletters.models import Subscription

    subscriptions = list(subscriber.subscriptions.select_related("newsletter"))
    pending = [s.newsletter for s in subscriptions if s.status == Subscription.Status.PENDING]
    confirmed = [s.newsletter for s in subscriptions if s.status == Subscription.Status.CONFIRMED]
    publication = edition_publication()  # the reader's language is active
    context = {
        "publication": publication,
        "pending": pending,
        "confirmed": confirmed,
        "base_url": settings.BASE_URL,
        "home_url": settings.BASE_URL + edition_prefix(translation.get_language()),
        "hours": settings.NEWSLETTER_CONFIRM_MAX_AGE // 3600,
    }
    if pending and subscriber.confirmation_nonce:
        token = tokens.confirm_token_make(
            subscriber_key=subscriber.key, nonce=subscriber.confirmation_nonce
        )
        context["confirm_url"] = settings.BASE_URL + reverse("newsletters:confirm", args=[token])
        subject = gettext("Confirm your subscription to %(name)s") % {"name": pending[0].name}
    elif confirmed:
        first = confirmed[0]
        list_token = tokens.list_token_make(subscriber_key=subscriber.key, newsletter_id=first.pk)
        context["manage_url"] = settings.BASE_URL + reverse("newsletters:manage", args=[list_token])
        subject = gettext("You are already subscribed to %(name)s") % {"name": first.name}
    else:
        return False
    sender = (pending or confirmed)[0]
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("newsletters/email/confirm.txt", context),
        from_email=f"{sender.sender_name} <{sender.sender_email}>",
        to=[subscriber.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.send()
    return True
