"""Reads for newsletters: public lists, archives, schedules, progress and the admin."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from masthead.core.editions import editions_enabled
from masthead.newsletters.models import Delivery, Edition, Newsletter, Subscriber, Subscription


def newsletters_public() -> QuerySet[Newsletter]:
    """Every list offered to readers, in every language."""
    return Newsletter.objects.filter(is_public=True).order_by("-is_default", "sort_order", "name")


def newsletters_offered() -> QuerySet[Newsletter]:
    """The lists offered in the language edition being read (``/ru/…``: the Russian lists),
    the pre-selected first: every public list when the site has one edition."""
    lists = newsletters_public()
    if not editions_enabled():
        return lists
    return lists.filter(language=translation.get_language() or settings.LANGUAGE_CODE)


def newsletter_primary() -> Newsletter | None:
    """The list the Preview link shows: the edition's pre-selected one, else its first."""
    return newsletters_offered().first()


def newsletter_offered_get(*, slug: str) -> Newsletter | None:
    """A public list whose pages are in the edition being read (its archive is there)."""
    return newsletters_offered().filter(slug=slug).first()


def newsletters_by_slugs(*, slugs: list[str]) -> list[Newsletter]:
    found = {n.slug: n for n in newsletters_public().filter(slug__in=slugs)}
    return [found[s] for s in slugs if s in found]


def newsletter_next_slot(*, newsletter: Newsletter, after: datetime | None = None) -> datetime:
    """The newsletter's next regular send time after ``after``, in the publication's zone.

    Weekly: its weekday and time. Daily: its time. Monthly: the first of its weekday in a
    month. Lists with no fixed time go out now.
    """
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    after = (after or timezone.now()).astimezone(zone)
    cadence = newsletter.cadence
    if cadence == Newsletter.Cadence.OCCASIONAL:
        return after

    def at(day: date) -> datetime:
        return datetime.combine(day, newsletter.send_time, tzinfo=zone)

    day = after.date()
    for _ in range(400):
        candidate = at(day)
        if candidate > after:
            if cadence == Newsletter.Cadence.DAILY:
                return candidate
            first_of_month = day.day <= 7
            on_weekday = day.weekday() == newsletter.send_weekday
            if on_weekday and (cadence == Newsletter.Cadence.WEEKLY or first_of_month):
                return candidate
        day += timedelta(days=1)
    raise AssertionError("no slot within 400 days")


def edition_articles(*, edition: Edition) -> list:
    """The edition's live articles in the editor's order. Works on an unsaved edition too
    (the admin's live preview), whose picks are held in memory."""
    from masthead.publishing.selectors import articles_live

    if hasattr(edition, "_sample_articles"):
        return list(edition._sample_articles)
    links = sorted(edition.edition_articles.all(), key=lambda link: link.sort_order or 0)
    ids = [link.article_id for link in links if link.article_id]
    live = {a.pk: a for a in articles_live().filter(pk__in=ids)}
    return [live[i] for i in ids if i in live]


def editions_sent(*, newsletter: Newsletter) -> QuerySet[Edition]:
    return Edition.objects.filter(newsletter=newsletter, status=Edition.Status.SENT).order_by(
        "-sent_at"
    )


def edition_sent_get(*, newsletter_slug: str, edition_id: int) -> Edition | None:
    """A sent edition of a list of the language edition being read."""
    return (
        Edition.objects.select_related("newsletter")
        .filter(
            pk=edition_id,
            newsletter__in=newsletters_offered().filter(slug=newsletter_slug),
            status=Edition.Status.SENT,
        )
        .first()
    )


def edition_for_preview() -> Edition | None:
    """The latest sent edition of the edition's primary list; else a sample of its recent
    articles."""
    from masthead.publishing.editions import in_edition
    from masthead.publishing.selectors import articles_live

    newsletter = newsletter_primary()
    if newsletter is None:
        return None
    latest = editions_sent(newsletter=newsletter).first()
    if latest is not None:
        return latest
    sample = Edition(
        newsletter=newsletter,
        subject=gettext("%(name)s: a sample edition") % {"name": newsletter.name},
        intro=gettext(
            "This is what an edition looks like: our editors' pick of the week's stories. The "
            "first edition has not gone out yet."
        ),
    )
    sample._sample_articles = list(in_edition(articles_live())[:5])
    return sample


PRIVACY_POLICY_PATH = "/privacy/"  # the page the consent lines name, in the default edition


def privacy_policy_path() -> str:
    """Where the edition being read keeps the privacy policy: ``/ru/privacy/``, or the
    translation of the page at ``/privacy/``, when it is live; else ``/privacy/`` itself."""
    from wagtail.models import Page

    from masthead.core.editions import edition_prefix
    from masthead.publishing.editions import page_alternates, public_path
    from masthead.publishing.selectors import public_only

    language = translation.get_language() or settings.LANGUAGE_CODE
    if not editions_enabled() or language == settings.LANGUAGE_CODE:
        return PRIVACY_POLICY_PATH
    own = edition_prefix(language) + PRIVACY_POLICY_PATH[1:]
    for page in public_only(Page.objects.live()).filter(slug=PRIVACY_POLICY_PATH.strip("/")):
        path = public_path(page.url_path)
        if path == own:
            return own
        if path == PRIVACY_POLICY_PATH:
            for alternate in page_alternates(page):
                if alternate.language == language:
                    return alternate.path
    return PRIVACY_POLICY_PATH


@dataclass(frozen=True)
class Progress:
    total: int
    counts: dict[str, int]

    @property
    def done(self) -> int:
        open_states = (Delivery.Status.PENDING, Delivery.Status.CLAIMED, Delivery.Status.DEFERRED)
        return self.total - sum(self.counts.get(s, 0) for s in open_states)

    @property
    def sent(self) -> int:
        return self.counts.get(Delivery.Status.SENT, 0)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 100

    def rows(self) -> list[tuple[str, str, int]]:
        return [
            (status.value, status.label, self.counts.get(status.value, 0))
            for status in Delivery.Status
        ]


def edition_progress(*, edition: Edition) -> Progress:
    counts = {
        row["status"]: row["n"]
        for row in Delivery.objects.filter(edition=edition).values("status").annotate(n=Count("id"))
    }
    total = (
        sum(counts.values()) if edition.ledger_complete else edition_audience_size(edition=edition)
    )
    return Progress(total=total, counts=counts)


def edition_audience_size(*, edition: Edition) -> int:
    from masthead.newsletters.models import Suppression

    return (
        Subscription.objects.filter(
            newsletter_id=edition.newsletter_id, status=Subscription.Status.CONFIRMED
        )
        .exclude(subscriber__email__in=Suppression.objects.values("email"))
        .count()
    )


def subscriber_by_key(*, key: str) -> Subscriber | None:
    return Subscriber.objects.filter(key=key).first()


def subscriber_lists(*, subscriber: Subscriber) -> list[tuple[Newsletter, Subscription | None]]:
    """The lists of the edition being read and every other list the reader is on, with the
    reader's subscription to each (or None)."""
    theirs = {s.newsletter_id: s for s in subscriber.subscriptions.all()}
    lists = list(newsletters_offered())
    extra = Newsletter.objects.filter(pk__in=theirs).exclude(pk__in=[n.pk for n in lists])
    return [(n, theirs.get(n.pk)) for n in [*lists, *extra]]


def subscribers_for_admin(*, newsletter_id: int | None = None, status: str | None = None):
    queryset = Subscriber.objects.all()
    condition = Q()
    if newsletter_id:
        condition &= Q(subscriptions__newsletter_id=newsletter_id)
    if status:
        condition &= Q(subscriptions__status=status)
    return queryset.filter(condition).distinct() if condition else queryset
