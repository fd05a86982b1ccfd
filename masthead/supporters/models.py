"""Readers' support, with the least data that makes it work.

A ``Supporter`` is an email address and when we first saw it: nothing else. A
``Contribution`` is one payment (or promise of one, for offline methods): amount, currency,
frequency, which provider and its reference, status and times. ``RecurringSupport`` is the
monthly or annual arrangement that produces renewal contributions. No card data, billing
address, IP address or name is kept anywhere; providers hold what they must.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable

from masthead.core.editions import default_language, edition_languages
from masthead.core.models import paragraphs
from masthead.payments.base import Frequency, RecurringStatus
from masthead.supporters.amounts import AmountError, Currency, parse_suggestions

RECURRING_FREQUENCIES = [(f.value, f.label) for f in (Frequency.MONTHLY, Frequency.ANNUAL)]


class Supporter(models.Model):
    email = models.EmailField(max_length=254, unique=True)  # stored in lower case
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class RecurringSupport(models.Model):
    class Status(models.TextChoices):  # the values of payments.base.RecurringStatus
        INCOMPLETE = RecurringStatus.INCOMPLETE.value, "Incomplete"
        ACTIVE = RecurringStatus.ACTIVE.value, "Active"
        PAST_DUE = RecurringStatus.PAST_DUE.value, "Past due"
        CANCELLED = RecurringStatus.CANCELLED.value, "Cancelled"

    supporter = models.ForeignKey(
        Supporter, null=True, on_delete=models.SET_NULL, related_name="recurring"
    )
    provider = models.CharField(max_length=40)
    provider_reference = models.CharField(max_length=255, blank=True)
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, choices=Currency.choices)
    frequency = models.CharField(max_length=10, choices=RECURRING_FREQUENCIES)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INCOMPLETE)
    cancel_at_period_end = models.BooleanField(default=False)
    current_period_end = models.DateTimeField(null=True, blank=True)
    # When the provider's state we hold was true: an older event never overwrites it.
    state_observed_at = models.DateTimeField(null=True, blank=True)
    # The period end that the last annual renewal notice announced (one notice per renewal).
    renewal_notice_for = models.DateTimeField(null=True, blank=True)
    # The edition (language) it was started from: its renewal notices and receipts are
    # written in it.
    language = models.CharField(max_length=15, default=default_language, editable=False)
    is_test = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "recurring support"
        verbose_name_plural = "recurring support"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="recurring_provider_reference_once",
            )
        ]
        indexes = [models.Index(fields=["status", "frequency"])]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} {self.amount_minor / 100:.2f} {self.currency}"


class Contribution(models.Model):
    class Status(models.TextChoices):
        STARTED = "started", "Awaiting payment"
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Received"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    supporter = models.ForeignKey(
        Supporter, null=True, on_delete=models.SET_NULL, related_name="contributions"
    )
    recurring = models.ForeignKey(
        RecurringSupport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    is_renewal = models.BooleanField(default=False)
    amount_minor = models.PositiveIntegerField(help_text="What the reader pays, fees included.")
    fee_cover_minor = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    provider = models.CharField(max_length=40)
    provider_reference = models.CharField(max_length=255, blank=True)
    # Ids the provider asked us to keep between steps (a SetupIntent…). Never secrets.
    provider_data = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STARTED)
    failure_message = models.CharField(max_length=255, blank=True)
    campaign = models.CharField(max_length=60, blank=True)
    # A double-clicked Continue or a retried request finds the contribution already made.
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # The bearer reference in payment-step and thank-you URLs; unguessable.
    checkout_token = models.CharField(max_length=64, unique=True)
    is_test = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)
    # The edition (language) it was given from (a renewal: its support's): its receipt is
    # written in it.
    language = models.CharField(max_length=15, default=default_language, editable=False)
    # Set while one request submits the payment to the provider: a second (a double click)
    # waits for its outcome instead of paying again.
    submitting_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="contribution_provider_reference_once",
            )
        ]
        indexes = [
            models.Index(fields=["status", "succeeded_at"]),
            models.Index(fields=["status", "provider"]),
        ]
        # Seeing the revenue charts is not taking every contribution away: its own permission.
        permissions = [("export_contributions", "Can export contributions")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount_minor / 100:.2f} {self.currency} ({self.status})"

    @property
    def receipt_number(self) -> str:
        return f"MH-{self.pk:07d}"

    @property
    def is_recurring(self) -> bool:
        return self.frequency != Frequency.ONCE


class UnmatchedEvent(models.Model):
    """A provider's event about an object Masthead did not know yet (a renewal of a
    subscription whose return page has not posted back), kept normalized (no payload) until
    that object appears; then it is applied in event order, once, and deleted."""

    provider = models.CharField(max_length=40)
    event_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=30)
    provider_type = models.CharField(max_length=100)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    checkout_reference = models.CharField(max_length=64, blank=True, db_index=True)
    payment_reference = models.CharField(max_length=255, blank=True, db_index=True)
    recurring_reference = models.CharField(max_length=255, blank=True, db_index=True)
    amount_minor = models.PositiveIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    is_renewal = models.BooleanField(default=False)
    message = models.CharField(max_length=255, blank=True)
    # The RecurringState the event carried, as JSON-safe values; {} when none.
    recurring = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="unmatched_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_type} {self.event_id}"


class AuditEntry(models.Model):
    """Who changed what about someone's support, and when. Written in the transaction that
    made the change."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.CharField(max_length=100)  # "reader", "editor:alice", "provider:stripe"…
    action = models.CharField(max_length=60)
    supporter = models.ForeignKey(Supporter, null=True, on_delete=models.SET_NULL, related_name="+")
    contribution = models.ForeignKey(
        Contribution, null=True, on_delete=models.SET_NULL, related_name="audit"
    )
    recurring = models.ForeignKey(
        RecurringSupport, null=True, on_delete=models.SET_NULL, related_name="audit"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"


class SignInLink(models.Model):
    """A single-use, short-lived link to "Manage my support". Only its hash is stored."""

    supporter = models.ForeignKey(Supporter, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in link {self.pk} (until {self.expires_at:%Y-%m-%d %H:%M})"


class Reminder(models.Model):
    """ "Remind me later": one email on ``remind_on``, then the row (and address) is deleted."""

    email = models.EmailField(max_length=254, unique=True)
    remind_on = models.DateField(db_index=True)
    cancel_token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when sending starts: a reminder is never sent twice, even if a worker dies mid-way.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The edition (language) it was asked from: both its emails are written in it.
    language = models.CharField(max_length=15, default=default_language, editable=False)

    def __str__(self) -> str:
        return f"reminder {self.pk} on {self.remind_on}"


class BlockedAttempts(models.Model):
    """How many requests the rate limits turned away, per day and kind. Counts only."""

    day = models.DateField()
    scope = models.CharField(max_length=30)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "scope"], name="blocked_attempts_day_scope")
        ]
        verbose_name_plural = "blocked attempts"

    def __str__(self) -> str:
        return f"{self.day} {self.scope}: {self.count}"


# --- Editors' settings ---------------------------------------------------------------------


@register_setting(icon="pick")
class SupportSettings(ClusterableModel, BaseGenericSetting):
    """The contribution form: what it offers, and the notices around it."""

    once_enabled = models.BooleanField("offer Once", default=True)
    monthly_enabled = models.BooleanField("offer Monthly", default=True)
    annual_enabled = models.BooleanField("offer Annual", default=True)
    default_frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    usd_enabled = models.BooleanField("accept US dollars", default=True)
    eur_enabled = models.BooleanField("accept euros", default=True)
    gbp_enabled = models.BooleanField("accept pounds sterling", default=True)
    default_currency = models.CharField(max_length=3, choices=Currency.choices, default="USD")
    cover_fees_enabled = models.BooleanField(
        "offer to cover the fees",
        default=True,
        help_text="Readers may add a little so that card fees do not eat into their gift.",
    )
    fee_percent = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("3.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("20"))],
        help_text="What covering the fees adds, in percent of the gift.",
    )
    thank_you_message = models.TextField(
        blank=True,
        help_text="Shown on the thank-you page and in receipts. Blank lines separate paragraphs.",
    )
    test_mode = models.BooleanField(
        default=False,
        help_text=(
            "Simulated card payments through the test provider: no money moves, and every "
            "screen says TEST MODE. For demonstrations and staging only."
        ),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("once_enabled"),
                        FieldPanel("monthly_enabled"),
                        FieldPanel("annual_enabled"),
                    ]
                ),
                FieldPanel("default_frequency"),
            ],
            heading="Frequencies",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("usd_enabled"),
                        FieldPanel("eur_enabled"),
                        FieldPanel("gbp_enabled"),
                    ]
                ),
                FieldPanel("default_currency"),
            ],
            heading="Currencies",
        ),
        MultiFieldPanel(
            [
                HelpPanel(
                    content=(
                        "Without a row for a frequency and currency, the form suggests "
                        "once 5 / 15 / 50, monthly 2 / 5 / 10, annual 25 / 50 / 100, with "
                        "the middle one preselected and a minimum of 2."
                    )
                ),
                InlinePanel("amount_choices", label="Suggested amounts"),
            ],
            heading="Amounts",
        ),
        MultiFieldPanel(
            [FieldPanel("cover_fees_enabled"), FieldPanel("fee_percent")], heading="Fees"
        ),
        FieldPanel("thank_you_message"),
        InlinePanel(
            "thank_you_messages",
            label="Thank-you message of a language edition",
            help_text="In another edition's language; that edition shows the one above without it.",
        ),
        InlinePanel("country_notices", label="Notices for readers in a country"),
        FieldPanel("test_mode"),
    ]

    class Meta:
        verbose_name = "support form"

    def clean(self) -> None:
        frequencies = self.frequencies_enabled
        if not frequencies:
            raise ValidationError("Offer at least one frequency.")
        if self.default_frequency not in frequencies:
            raise ValidationError({"default_frequency": "Choose a frequency that is offered."})
        currencies = self.currencies_enabled
        if not currencies:
            raise ValidationError("Accept at least one currency.")
        if self.default_currency not in currencies:
            raise ValidationError({"default_currency": "Choose a currency that is accepted."})

    def thank_you_paragraphs(self, language: str | None = None) -> list[str]:
        """The thank-you message of the edition in ``language`` (the active one when None):
        its own when editors wrote one, else the publication's; as paragraphs."""
        language = language or translation.get_language()
        own = next((t.message for t in self.thank_you_messages.all() if t.language == language), "")
        return paragraphs(own.strip() or self.thank_you_message)

    @property
    def frequencies_enabled(self) -> list[str]:
        return [
            f
            for f, on in (
                (Frequency.ONCE, self.once_enabled),
                (Frequency.MONTHLY, self.monthly_enabled),
                (Frequency.ANNUAL, self.annual_enabled),
            )
            if on
        ]

    @property
    def currencies_enabled(self) -> list[str]:
        return [
            c
            for c, on in (
                ("USD", self.usd_enabled),
                ("EUR", self.eur_enabled),
                ("GBP", self.gbp_enabled),
            )
            if on
        ]


class ThankYouMessage(Orderable):
    """The thank-you page's and receipts' message in one language edition's own words."""

    setting = ParentalKey(
        SupportSettings, on_delete=models.CASCADE, related_name="thank_you_messages"
    )
    language = models.CharField(max_length=15, choices=edition_languages)
    message = models.TextField(help_text="Blank lines separate paragraphs.")

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["setting", "language"], name="supporters_one_thank_you_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.message[:40]}"


class AmountChoice(Orderable):
    setting = ParentalKey(SupportSettings, on_delete=models.CASCADE, related_name="amount_choices")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    language = models.CharField(
        max_length=15,
        blank=True,
        choices=edition_languages,
        help_text=(
            "The language edition these amounts are for. Blank: every edition without a row "
            "of its own for this frequency and currency."
        ),
    )
    amounts = models.CharField(max_length=100, help_text="Separated by commas, e.g. 2, 5, 10")
    preselected = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, help_text="One of the amounts."
    )
    minimum = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("0.50"))],
        help_text="The smallest amount a reader may type in.",
    )

    panels = [
        FieldRowPanel([FieldPanel("frequency"), FieldPanel("currency"), FieldPanel("language")]),
        FieldPanel("amounts"),
        FieldRowPanel([FieldPanel("preselected"), FieldPanel("minimum")]),
    ]

    def clean(self) -> None:
        try:
            amounts = parse_suggestions(self.amounts)
        except AmountError as exc:
            raise ValidationError({"amounts": str(exc)}) from None
        if self.preselected is not None and int(self.preselected * 100) not in amounts:
            raise ValidationError({"preselected": "Choose one of the amounts listed."})
        if min(amounts) < int(self.minimum * 100):
            raise ValidationError({"amounts": "Every suggestion must be at least the minimum."})


class CountryNotice(Orderable):
    setting = ParentalKey(SupportSettings, on_delete=models.CASCADE, related_name="country_notices")
    countries = models.CharField(
        max_length=200,
        validators=[
            RegexValidator(
                r"^\s*[A-Za-z]{2}(\s*,\s*[A-Za-z]{2})*\s*$",
                "Two-letter country codes separated by commas, e.g. RU, BY",
            )
        ],
        help_text="Two-letter codes, e.g. RU, BY. Known from the CDN's country header.",
    )
    message = models.TextField(
        help_text="E.g. a warning that supporting us is prosecuted there, and the safer ways to pay."
    )

    panels = [FieldPanel("countries"), FieldPanel("message")]

    @property
    def country_codes(self) -> set[str]:
        return {c.strip().upper() for c in self.countries.split(",") if c.strip()}
