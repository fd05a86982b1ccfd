"""Reads of the figures: one report for the admin, the command line and the CSV export."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from masthead.figures.models import Conversion, HostKind, Readership, SiteReaders, Span
from masthead.supporters.amounts import MINOR_PER_MAJOR

TOP = 10


@dataclass
class Counts:
    views: int = 0
    readers: int = 0
    unmeasured: int = 0  # views with no reader estimated (onion, no address, <noscript>)
    signups: int = 0
    contributions: int = 0
    amounts: dict[str, int] = field(default_factory=dict)  # currency → minor units

    @property
    def per_thousand(self) -> float | None:
        """Signups and contributions per 1,000 views."""
        if not self.views:
            return None
        return round((self.signups + self.contributions) * 1000 / self.views, 2)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["amounts"] = {
            c: str(Decimal(m) / MINOR_PER_MAJOR) for c, m in sorted(self.amounts.items())
        }
        data["per_thousand_views"] = self.per_thousand
        return data


@dataclass
class Row:
    key: str  # a day, a path, a channel, a host
    counts: Counts
    label: str = ""

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label or self.key, **self.counts.as_dict()}


@dataclass
class Report:
    first: date
    last: date
    total: Counts
    days: list[Row]
    articles: list[Row]
    channels: list[Row]
    hosts: list[Row]
    top_week: list[Row]
    stopped_mirrors: list[str]

    def as_dict(self) -> dict:
        return {
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "total": self.total.as_dict(),
            "days": [r.as_dict() for r in self.days],
            "articles": [r.as_dict() for r in self.articles],
            "channels": [r.as_dict() for r in self.channels],
            "hosts": [r.as_dict() for r in self.hosts],
            "top_week": [r.as_dict() for r in self.top_week],
            "stopped_mirrors": self.stopped_mirrors,
            "note": "Readers are estimated per day from a keyed hash that is forgotten with "
            "the day; views from the onion service, from clients without an address and "
            "without JavaScript are counted as 'unmeasured': no reader is estimated for them.",
        }


def _titles(paths: list[str]) -> dict[str, str]:
    from masthead.publishing.models import ArticlePage

    if not paths:
        return {}
    query = Q()
    for path in paths:
        query |= Q(url_path__endswith=path)
    titles = {}
    for url_path, title in (
        ArticlePage.objects.live().filter(query).values_list("url_path", "title")
    ):
        for path in paths:
            if url_path.endswith(path):
                titles.setdefault(path, title)
    return titles


def _host_key(kind: str, host: str) -> str:
    return f"{kind}:{host}" if host else kind


def figures_report(*, days: int = 30, today: date | None = None) -> Report:
    """Daily rows of the last ``days`` days (today included)."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    readership = Readership.objects.filter(span=Span.DAY, day__gte=first, day__lte=today)
    sites = SiteReaders.objects.filter(span=Span.DAY, day__gte=first, day__lte=today)
    conversions = Conversion.objects.filter(span=Span.DAY, day__gte=first, day__lte=today)

    by_day: dict[str, Counts] = defaultdict(Counts)
    by_article: dict[str, Counts] = defaultdict(Counts)
    by_channel: dict[str, Counts] = defaultdict(Counts)
    by_host: dict[str, Counts] = defaultdict(Counts)
    week: dict[str, Counts] = defaultdict(Counts)
    total = Counts()
    week_start = today - timedelta(days=6)
    for r in readership.values_list(
        "day", "path", "host_kind", "host", "referrer", "views", "readers", "unmeasured"
    ).iterator():
        day, path, kind, host, referrer, views, readers, unmeasured = r
        for counts in (by_article[path], by_channel[referrer]):
            counts.views += views
            counts.readers += readers
            counts.unmeasured += unmeasured
        for counts in (by_day[day.isoformat()], by_host[_host_key(kind, host)], total):
            counts.views += views
            counts.unmeasured += unmeasured
        if day >= week_start:
            week[path].views += views
            week[path].readers += readers
    for day, kind, host, readers in sites.values_list("day", "host_kind", "host", "readers"):
        for counts in (by_day[day.isoformat()], by_host[_host_key(kind, host)], total):
            counts.readers += readers
    for day, path, campaign, kind, currency, count, amount in conversions.values_list(
        "day", "path", "campaign", "kind", "currency", "count", "amount_minor"
    ):
        key = path or (f"campaign:{campaign}" if campaign else "(no page)")
        targets = [by_day[day.isoformat()], by_article[key], total]
        if day >= week_start:
            targets.append(week[key])
        for counts in targets:
            if kind == Conversion.Kind.SIGNUP:
                counts.signups += count
            else:
                counts.contributions += count
                counts.amounts[currency] = counts.amounts.get(currency, 0) + amount

    titles = _titles([p for p in by_article if p.startswith("/")])
    articles = sorted(by_article.items(), key=lambda item: (-item[1].views, item[0]))
    top = sorted(week.items(), key=lambda item: (-item[1].views, item[0]))[:TOP]
    return Report(
        first=first,
        last=today,
        total=total,
        days=[
            Row(
                (first + timedelta(days=i)).isoformat(),
                by_day[(first + timedelta(days=i)).isoformat()],
            )
            for i in range(days)
        ],
        articles=[Row(p, c, titles.get(p, "")) for p, c in articles],
        channels=sorted(
            (Row(k, c) for k, c in by_channel.items()), key=lambda r: (-r.counts.views, r.key)
        ),
        hosts=sorted(
            (Row(k, c) for k, c in by_host.items()), key=lambda r: (-r.counts.views, r.key)
        ),
        top_week=[Row(p, c, titles.get(p, "")) for p, c in top],
        stopped_mirrors=mirrors_stopped(today=today),
    )


def mirrors_stopped(*, today: date) -> list[str]:
    """Mirrors that brought readers in the seven days before today and none today."""
    mirrors = SiteReaders.objects.filter(span=Span.DAY, host_kind=HostKind.MIRROR)
    last_week = set(
        mirrors.filter(day__gte=today - timedelta(days=7), day__lt=today)
        .values("host")
        .annotate(n=Sum("readers"))
        .filter(n__gt=0)
        .values_list("host", flat=True)
    )
    now = set(mirrors.filter(day=today, readers__gt=0).values_list("host", flat=True))
    return sorted(last_week - now)
