"""The demo's newsletters: the Friday edition (one already sent) and breaking news."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from masthead.newsletters.models import (
    AuditEntry,
    Delivery,
    Edition,
    EditionArticle,
    Newsletter,
    Subscriber,
    Subscription,
)
from masthead.publishing.selectors import articles_live

DEMO_READERS = [
    "anna.k@example.org",
    "m.petrov@example.net",
    "reader.in.exile@example.com",
    "ilse@example.org",
    "t.varga@example.net",
]


def demo_newsletters_load(*, now: datetime, sender_email: str) -> None:
    """Two lists, a few confirmed readers, a sent Friday edition and a draft for next week."""
    weekly = Newsletter.objects.create(
        name="The Friday Courier",
        slug="friday",
        description=(
            "Our editors' pick of the week's news, features and analysis from Varnia, "
            "every Friday morning."
        ),
        sender_name="The Kelmar Courier",
        sender_email=sender_email,
        cadence=Newsletter.Cadence.WEEKLY,
        send_weekday=Newsletter.Weekday.FRIDAY,
        send_time=time(9, 0),
        is_default=True,
        sort_order=0,
    )
    breaking = Newsletter.objects.create(
        name="Breaking news",
        slug="breaking",
        description="A short email when something important happens. A few times a month.",
        sender_name="The Kelmar Courier",
        sender_email=sender_email,
        cadence=Newsletter.Cadence.OCCASIONAL,
        sort_order=1,
    )
    consent = now - timedelta(days=30)
    for index, email in enumerate(DEMO_READERS):
        reader = Subscriber.objects.create(email=email)
        for newsletter in [weekly] + ([breaking] if index % 2 == 0 else []):
            Subscription.objects.create(
                subscriber=reader,
                newsletter=newsletter,
                status=Subscription.Status.CONFIRMED,
                requested_at=consent,
                consented_at=consent,
                source_page="/politics/",
            )
    articles = list(articles_live()[:8])
    sent_at = now - timedelta(days=(now.weekday() - 4) % 7 or 7, hours=1)
    last_week = Edition.objects.create(
        newsletter=weekly,
        subject="The Friday Courier: the week the Assembly went quiet",
        intro=(
            "Good morning. This week the Assembly passed three laws without a single debate, "
            "and our reporters in Kelmar found out who wrote them.\n\n"
            "Below: our pick of the week, chosen by the editors. Thank you for reading, and "
            "for passing this email on to someone who cannot reach our website."
        ),
        status=Edition.Status.SENT,
        send_started_at=sent_at,
        sent_at=sent_at,
        ledger_complete=True,
    )
    for order, article in enumerate(articles[:5]):
        EditionArticle.objects.create(edition=last_week, article=article, sort_order=order)
    readers = list(Subscriber.objects.filter(subscriptions__newsletter=weekly))
    Delivery.objects.bulk_create(
        [
            Delivery(
                edition=last_week,
                subscriber=r,
                status=Delivery.Status.SENT,
                attempts=1,
                sent_at=sent_at,
            )
            for r in readers
        ]
    )
    Edition.objects.filter(pk=last_week.pk).update(recipients_total=len(readers))
    AuditEntry.objects.create(
        action=AuditEntry.Action.EDITION_SENT,
        edition=last_week,
        newsletter=weekly,
        detail={"sent": len(readers)},
    )
    draft = Edition.objects.create(
        newsletter=weekly,
        subject="The Friday Courier: next week's edition (draft)",
        intro="Good morning. Here is what mattered this week.",
    )
    for order, article in enumerate(articles[:3]):
        EditionArticle.objects.create(edition=draft, article=article, sort_order=order)
