"""Builders for newsletter tests: real rows, made through the services where it matters."""

from __future__ import annotations

from itertools import count

from django.utils import timezone

from masthead.newsletters.models import (
    Edition,
    EditionArticle,
    Newsletter,
    Subscriber,
    Subscription,
)
from masthead.publishing.tests import factories as publishing

_seq = count(1)


def newsletter(
    *, name: str = "The Friday Courier", slug: str | None = None, **fields
) -> Newsletter:
    n = next(_seq)
    return Newsletter.objects.create(
        name=name,
        slug=slug or f"friday-{n}",
        description=fields.pop("description", "The week's best stories."),
        sender_name=fields.pop("sender_name", "The Courier"),
        sender_email=fields.pop("sender_email", "newsletter@news.example.org"),
        is_default=fields.pop("is_default", True),
        **fields,
    )


def subscriber(
    *, email: str | None = None, lists: list[Newsletter] = (), status: str = "confirmed"
) -> Subscriber:
    n = next(_seq)
    person = Subscriber.objects.create(email=email or f"reader{n}@example.net")
    now = timezone.now()
    for item in lists:
        Subscription.objects.create(
            subscriber=person,
            newsletter=item,
            status=status,
            requested_at=now,
            consented_at=now if status == "confirmed" else None,
            source_page="/test/",
        )
    return person


def subscribers_bulk(*, newsletter: Newsletter, count: int, domain: str = "example.net") -> None:
    """Many confirmed subscribers, fast (bulk inserts)."""
    now = timezone.now()
    start = next(_seq) * 1_000_000
    people = Subscriber.objects.bulk_create(
        [Subscriber(email=f"r{start + i}@{domain}") for i in range(count)], batch_size=2000
    )
    if people[0].pk is None:  # backends that do not return ids
        people = list(Subscriber.objects.filter(email__endswith=f"@{domain}", pk__gte=0))
    Subscription.objects.bulk_create(
        [
            Subscription(
                subscriber=p,
                newsletter=newsletter,
                status="confirmed",
                requested_at=now,
                consented_at=now,
                source_page="/import/",
            )
            for p in people
        ],
        batch_size=2000,
    )


def edition(
    *, newsletter: Newsletter, articles=None, subject: str = "This week", **fields
) -> Edition:
    if articles is None:
        n = next(_seq)
        section = publishing.section(title=f"World {n}", slug=f"world-{n}")
        articles = [publishing.article(parent=section, title=f"Story {i}") for i in range(2)]
    item = Edition.objects.create(
        newsletter=newsletter,
        subject=subject,
        intro=fields.pop("intro", "Good morning.\n\nHere is our pick of the week."),
        **fields,
    )
    for order, article in enumerate(articles):
        EditionArticle.objects.create(edition=item, article=article, sort_order=order)
    return item
