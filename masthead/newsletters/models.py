"""Lists, readers and their consent, editions, the send ledger, suppressions and the audit trail.

Models hold data and nothing else: every write that matters goes through ``services``.
"""

from __future__ import annotations

import secrets
from datetime import time

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.models import Orderable, PreviewableMixin
from wagtail.search import index

from masthead.core.editions import default_language, editions_enabled

EMAIL_MAX_LENGTH = 254  # RFC 5321 path limit
SOURCE_PAGE_MAX_LENGTH = 200


def new_subscriber_key() -> str:
    return secrets.token_hex(8)


def language_choices() -> list[tuple[str, str]]:
    """The site's languages (``MASTHEAD_LANGUAGES``), read when a form asks: the migration
    does not freeze them."""
    return list(settings.LANGUAGES)


class Newsletter(models.Model):
    """A list readers can join: the Friday edition, breaking news…"""

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        DAILY = "daily", "Daily"
        MONTHLY = "monthly", "Monthly (first chosen weekday of the month)"
        OCCASIONAL = "occasional", "When news breaks (no fixed time)"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(
        blank=True, help_text="One or two sentences shown on the signup form and archive."
    )
    sender_name = models.CharField(max_length=120)
    sender_email = models.EmailField(max_length=EMAIL_MAX_LENGTH)
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.WEEKLY)
    send_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices,
        default=Weekday.FRIDAY,
        help_text="For weekly and monthly lists.",
    )
    send_time = models.TimeField(
        default=time(9, 0), help_text="In the publication's time zone (TIME_ZONE)."
    )
    is_public = models.BooleanField(
        "offered to readers",
        default=True,
        help_text="Shown on signup forms and in the public archive.",
    )
    is_default = models.BooleanField(
        "pre-selected",
        default=False,
        help_text="Ticked by default in the signup block; its latest edition is the Preview.",
    )
    # The language edition the list belongs to: its signup forms, its pages under that
    # edition's address (/ru/newsletter/…), its emails written in that language.
    language = models.CharField(
        max_length=15,
        choices=language_choices,
        default=default_language,
        help_text="The edition whose readers are offered it; its emails are in this language.",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    include_mirrors = models.BooleanField(
        "list the mirrors",
        default=True,
        help_text="End each edition with the onion address and the mirrors current when it "
        "is sent, for readers whose country blocks the site.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("language"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("sender_name"), FieldPanel("sender_email")]),
        MultiFieldPanel(
            [
                FieldPanel("cadence"),
                FieldRowPanel([FieldPanel("send_weekday"), FieldPanel("send_time")]),
            ],
            heading="When editions go out",
        ),
        FieldRowPanel(
            [FieldPanel("is_public"), FieldPanel("is_default"), FieldPanel("sort_order")]
        ),
        FieldPanel("include_mirrors"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """In its own edition (``/ru/newsletter/…`` for a Russian list), wherever it is named."""
        with translation.override(self.edition_language):
            return reverse("newsletters:archive", args=[self.slug])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from masthead.newsletters.urls import RESERVED_SLUGS

        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is the address of another page."})

    @property
    def edition_language(self) -> str:
        """The language its pages and emails are in: its own, when the site has that edition
        (the default's for a language since removed). With one edition, the active language,
        as before lists had one: the site's, or the one a caller chose."""
        if not editions_enabled():
            return translation.get_language() or settings.LANGUAGE_CODE
        if self.language in dict(settings.LANGUAGES):
            return self.language
        return settings.LANGUAGE_CODE

    @property
    def kind_label(self) -> str:
        """How readers are told what this list is: "Our weekly newsletter"."""
        return KIND_LABELS.get(self.cadence, KIND_LABELS[self.Cadence.WEEKLY])

    @property
    def send_weekday_every(self) -> str:
        """The day it comes: "every Friday" (one message a day: Russian says "по пятницам")."""
        return EVERY_WEEKDAY[self.send_weekday]


# How readers are told what a list is, and on which day it comes.
KIND_LABELS = {
    Newsletter.Cadence.WEEKLY: gettext_lazy("Our weekly newsletter"),
    Newsletter.Cadence.DAILY: gettext_lazy("Our daily newsletter"),
    Newsletter.Cadence.MONTHLY: gettext_lazy("Our monthly newsletter"),
    Newsletter.Cadence.OCCASIONAL: gettext_lazy("Our alerts when news breaks"),
}
EVERY_WEEKDAY = {
    Newsletter.Weekday.MONDAY: gettext_lazy("every Monday"),
    Newsletter.Weekday.TUESDAY: gettext_lazy("every Tuesday"),
    Newsletter.Weekday.WEDNESDAY: gettext_lazy("every Wednesday"),
    Newsletter.Weekday.THURSDAY: gettext_lazy("every Thursday"),
    Newsletter.Weekday.FRIDAY: gettext_lazy("every Friday"),
    Newsletter.Weekday.SATURDAY: gettext_lazy("every Saturday"),
    Newsletter.Weekday.SUNDAY: gettext_lazy("every Sunday"),
}


class Subscriber(index.Indexed, models.Model):
    """An email address that asked for at least one list. Nothing else is known about it."""

    email = models.EmailField(max_length=EMAIL_MAX_LENGTH, unique=True)
    # Random, never shown: identifies the reader in signed links without putting the address
    # in them.
    key = models.CharField(max_length=16, unique=True, default=new_subscriber_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Changes with every confirmation email, so a used or replaced link cannot be replayed.
    confirmation_nonce = models.CharField(max_length=16, blank=True, editable=False)
    # The edition (language) of the latest signup: its confirmation email is written in it.
    language = models.CharField(max_length=15, default=default_language, editable=False)

    search_fields = [index.SearchField("email"), index.AutocompleteField("email")]

    class Meta:
        ordering = ["-created_at"]
        # Seeing subscribers one by one is not taking the whole list away: its own permission.
        permissions = [("export_subscribers", "Can export subscribers")]

    def __str__(self) -> str:
        return self.email

    @property
    def lists_for_export(self) -> str:
        """Each list with its status, consent time and the page signed up on (CSV export)."""
        return "; ".join(
            f"{s.newsletter.slug} ({s.status}"
            + (f", consent {s.consented_at:%Y-%m-%d %H:%M}" if s.consented_at else "")
            + (f", from {s.source_page}" if s.source_page else "")
            + ")"
            for s in self.subscriptions.all()
        )


class Subscription(models.Model):
    """One reader on one list, with the consent that put them there."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField()
    consented_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reader confirmed (gave consent)."
    )
    source_page = models.CharField(
        max_length=SOURCE_PAGE_MAX_LENGTH,
        blank=True,
        help_text="The page the reader signed up on (or 'import', 'manage page').",
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "newsletter"], name="newsletters_one_subscription_per_list"
            )
        ]
        indexes = [models.Index(fields=["newsletter", "status"])]

    def __str__(self) -> str:
        return f"{self.subscriber} on {self.newsletter} ({self.get_status_display()})"


class Edition(PreviewableMixin, ClusterableModel):
    """One issue of a newsletter: hand-picked articles in order, with an introduction."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="editions")
    subject = models.CharField(max_length=200)
    intro = models.TextField(
        blank=True, help_text="The editor's introduction. Blank lines separate paragraphs."
    )
    full_text = models.BooleanField(
        "full text",
        default=False,
        help_text="Put whole articles in the email, for readers who cannot reach the site.",
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    scheduled_at = models.DateTimeField(null=True, blank=True, editable=False)
    send_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    recipients_total = models.PositiveIntegerField(default=0, editable=False)
    # Set when the ledger holds every recipient of this send.
    ledger_complete = models.BooleanField(default=False, editable=False)
    # A running send task writes these as it goes: the dispatcher resumes a send whose
    # heartbeat stopped.
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    heartbeat_by = models.CharField(max_length=80, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    panels = [
        FieldPanel("newsletter"),
        FieldPanel("subject"),
        FieldPanel("intro"),
        InlinePanel("edition_articles", label="Articles (drag to order)", min_num=1),
        FieldPanel("full_text"),
    ]

    class Meta:
        ordering = ["-created_at"]
        # Writing an edition is not mailing every subscriber: its own permission.
        permissions = [("send_edition", "Can send or schedule an edition to its list")]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        with translation.override(self.newsletter.edition_language):
            return reverse("newsletters:edition", args=[self.newsletter.slug, self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)

    # Wagtail's preview panel shows the email exactly as it will be sent.
    def get_preview_template(self, request, mode_name):
        return "newsletters/email/edition.html"

    def get_preview_context(self, request, mode_name):
        from masthead.newsletters.email import render

        return render.edition_email_context(edition=self, preview=True)

    def serve_preview(self, request, mode_name):
        from django.http import HttpResponse

        from masthead.newsletters.email import render

        rendered = render.edition_render(edition=self, preview=True)
        return HttpResponse(rendered.html_for_preview())


class EditionArticle(Orderable):
    edition = ParentalKey(Edition, on_delete=models.CASCADE, related_name="edition_articles")
    article = models.ForeignKey(
        "publishing.ArticlePage", on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("article", "publishing.ArticlePage")]


class Delivery(models.Model):
    """The send ledger: one row per (edition, subscriber), the recipient's outcome.

    The unique constraint is what makes a send exactly-once: a recipient can be written
    into an edition's ledger once, and every state change is a guarded update of that row.
    See ``services.sending`` for the states and the one window they cannot close.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        CLAIMED = "claimed", "Claimed by a worker"
        SENDING = "sending", "Handed to the mail server"
        SENT = "sent", "Sent"
        UNCONFIRMED = "unconfirmed", "Handed over; reply not recorded"
        DEFERRED = "deferred", "Temporary failure; will retry"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (left the list or suppressed)"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=80, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)  # renewed by the worker's heartbeat
    # When the message was handed over (its final dot about to be written); kept when the
    # server's answer is recorded.
    sent_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscriber"], name="newsletters_one_delivery_per_recipient"
            )
        ]
        # Claims read "the next waiting rows of this edition, in id order" from this index
        # alone, however many rows are already sent.
        indexes = [
            models.Index(fields=["edition", "status", "id"], name="newsletters_ledger_state")
        ]

    def __str__(self) -> str:
        return f"{self.edition_id}/{self.subscriber_id}: {self.status}"


class Suppression(models.Model):
    """An address that receives nothing (bounced, complained) until it confirms again."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Marked as spam"
        REJECTED = "rejected", "Rejected by the mail service"
        MANUAL = "manual", "Added by an editor"

    email = models.EmailField(max_length=EMAIL_MAX_LENGTH, unique=True)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("email"), FieldPanel("reason"), FieldPanel("detail")]

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class AuditEntry(models.Model):
    """Who did what, when: written in the same transaction as the change it records.

    Holds no email address: after an erasure the entries remain, pointing at nobody.
    """

    class Action(models.TextChoices):
        SIGNUP_REQUESTED = "signup_requested", "Signup requested"
        CONFIRMATION_SENT = "confirmation_sent", "Confirmation email sent"
        CONFIRMED = "confirmed", "Subscription confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        REJOINED = "rejoined", "Rejoined"
        IMPORTED = "imported", "Imported"
        ERASED = "erased", "Subscriber erased"
        SUPPRESSED = "suppressed", "Address suppressed"
        UNSUPPRESSED = "unsuppressed", "Suppression lifted"
        EDITION_SCHEDULED = "edition_scheduled", "Edition scheduled"
        EDITION_UNSCHEDULED = "edition_unscheduled", "Edition unscheduled"
        EDITION_SEND_STARTED = "edition_send_started", "Send started"
        EDITION_SENT = "edition_sent", "Send finished"
        EDITION_TEST_SENT = "edition_test_sent", "Test sent"
        UNCONFIRMED_RESENT = "unconfirmed_resent", "Unconfirmed recipients queued again"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=24, choices=Action.choices)
    newsletter = models.ForeignKey(
        Newsletter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edition = models.ForeignKey(
        Edition, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
