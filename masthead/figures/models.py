"""Aggregate readership and conversion figures. No row names a reader, an address or a
browser: a row is a count for a day (or, after ``MASTHEAD_FIGURES_DAYS``, a month)."""

from __future__ import annotations

from django.db import models


class Span(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"  # ``day`` is the first of the month


class HostKind(models.TextChoices):
    MAIN = "main", "Main site"
    MIRROR = "mirror", "Mirror"
    ONION = "onion", "Onion service"
    COPY = "copy", "Copy from disk"
    OTHER = "other", "Other origin of ours"


class Readership(models.Model):
    """Views and readers of one page for one day (or month), by where and how it was read.

    ``readers`` counts distinct readers of this row (estimated, see ``figures.readers``);
    ``unmeasured`` counts the views for which no reader could be estimated (the onion service
    and other clients without an address, the <noscript> pixel). A month's ``readers`` is
    the sum of its days'."""

    span = models.CharField(max_length=5, choices=Span.choices, default=Span.DAY)
    day = models.DateField()
    path = models.CharField(max_length=200)
    host_kind = models.CharField(max_length=6, choices=HostKind.choices)
    host = models.CharField(max_length=100, blank=True)  # a mirror's host name
    referrer = models.CharField(max_length=20)  # a kind, see figures.classify.REFERRER_KINDS
    language = models.CharField(max_length=12, blank=True)
    views = models.PositiveBigIntegerField(default=0)
    readers = models.PositiveBigIntegerField(default=0)
    unmeasured = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["span", "day", "path", "host_kind", "host", "referrer", "language"],
                name="figures_readership_once",
            )
        ]
        indexes = [models.Index(fields=["span", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.path} {self.host_kind} {self.referrer}: {self.views} views"


class SiteReaders(models.Model):
    """Distinct readers of the whole site for one day, per host (main, each mirror, …)."""

    span = models.CharField(max_length=5, choices=Span.choices, default=Span.DAY)
    day = models.DateField()
    host_kind = models.CharField(max_length=6, choices=HostKind.choices)
    host = models.CharField(max_length=100, blank=True)
    readers = models.PositiveBigIntegerField(default=0)
    unmeasured = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["span", "day", "host_kind", "host"], name="figures_site_readers_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.host_kind} {self.host}: {self.readers} readers"


class Conversion(models.Model):
    """Newsletter signups and contributions that started on one page (or one appeal's
    campaign code when the page is not known), summed per day: never linked to a reader."""

    class Kind(models.TextChoices):
        SIGNUP = "signup", "Newsletter signup"
        CONTRIBUTION = "contribution", "Contribution"

    span = models.CharField(max_length=5, choices=Span.choices, default=Span.DAY)
    day = models.DateField()
    path = models.CharField(max_length=200, blank=True)
    campaign = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    currency = models.CharField(max_length=3, blank=True)
    count = models.PositiveBigIntegerField(default=0)
    amount_minor = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["span", "day", "path", "campaign", "kind", "currency"],
                name="figures_conversion_once",
            )
        ]
        indexes = [models.Index(fields=["span", "day"])]
        permissions = [("view_figures", "Can see readership figures")]

    def __str__(self) -> str:
        return f"{self.day} {self.path or self.campaign} {self.kind}: {self.count}"


class PendingContribution(models.Model):
    """The page a contribution started from, until its payment succeeds (then it is counted
    and this row deleted) or ``PENDING_DAYS`` pass. Holds no amount, email or reader."""

    contribution_id = models.BigIntegerField(unique=True)
    path = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"contribution {self.contribution_id} from {self.path}"
