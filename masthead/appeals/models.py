"""Support appeals: what editors set up, and the aggregate counters that judge their variants.

An appeal is a message asking readers for support (or thanking supporters), with rules that
say where and to whom it may be shown. The rules are not applied on the server: they are
published in ``/appeals/active.json`` and applied by ``appeals.js`` in each reader's browser,
which alone knows whether that reader supports us, how much they have read, and what they
have already seen. Each appeal has one or more variants; a browser keeps to one variant of
each appeal, chosen by weight from a random number it keeps to itself.

The server never records a reader: ``VariantCounter`` and ``VariantRevenue`` hold sums.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, PreviewableMixin
from wagtail.search import index

from masthead.core.editions import default_language

VARIANT_KEY_PATTERN = r"^[a-z0-9]{1,8}$"
# What an appeal's message may contain: words, emphasis and links. No images or embeds: the
# appeal travels in a file every article page loads.
MESSAGE_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class Placement(models.TextChoices):
    ARTICLE = "article", "After the article"
    BANNER = "banner", "Bottom banner (dismissible)"
    DIALOG = "dialog", "Dialog (dismissible)"


class Audience(models.TextChoices):
    NON_SUPPORTERS = "non_supporters", "Readers who do not support us yet"
    SUPPORTERS = "supporters", "Supporters (a thank-you)"
    EVERYONE = "everyone", "Everyone"


class Frequency(models.TextChoices):
    # Readers see these on the appeal, in its language.
    ONCE = "once", gettext_lazy("Once")
    MONTHLY = "monthly", gettext_lazy("Monthly")
    ANNUAL = "annual", gettext_lazy("Annual")


class Currency(models.TextChoices):
    USD = "USD", "US dollar"
    EUR = "EUR", "Euro"
    GBP = "GBP", "Pound sterling"


def language_choices() -> list[tuple[str, str]]:
    """The site's languages (``MASTHEAD_LANGUAGES``), read when asked so that the migration
    does not change with the settings."""
    return list(settings.LANGUAGES)


class Appeal(PreviewableMixin, index.Indexed, ClusterableModel):
    name = models.CharField(
        max_length=120,
        help_text="For editors only, e.g. “Spring drive 2026”. Readers never see it.",
    )
    enabled = models.BooleanField(
        "switched on",
        default=True,
        help_text="Switched off, the appeal is not published at all (its results are kept).",
    )
    # An appeal's words are in one language: it is published for that language's edition
    # (the pages whose <html lang> is it) and leads to that edition's support pages.
    language = models.CharField(
        max_length=15,
        choices=language_choices,
        default=default_language,
        help_text="The edition whose readers see it: write the message in this language.",
    )
    placement = models.CharField(
        max_length=16,
        choices=Placement.choices,
        default=Placement.ARTICLE,
        help_text="The dialog is titled “A message from” the publication.",
    )
    starts_at = models.DateTimeField("start", null=True, blank=True)
    ends_at = models.DateTimeField("end", null=True, blank=True)
    audience = models.CharField(
        max_length=16, choices=Audience.choices, default=Audience.NON_SUPPORTERS
    )
    include_sections = ParentalManyToManyField(
        "publishing.SectionPage",
        blank=True,
        related_name="+",
        verbose_name="only in sections",
        help_text="Empty: every section. When set, only articles read in these sections count "
        "towards the minimum below.",
    )
    exclude_sections = ParentalManyToManyField(
        "publishing.SectionPage", blank=True, related_name="+", verbose_name="never in sections"
    )
    include_tags = ParentalManyToManyField(
        "taggit.Tag",
        blank=True,
        related_name="+",
        verbose_name="only on articles tagged",
        help_text="Empty: any article. Otherwise articles with at least one of these tags.",
    )
    exclude_tags = ParentalManyToManyField(
        "taggit.Tag", blank=True, related_name="+", verbose_name="never on articles tagged"
    )
    min_articles = models.PositiveSmallIntegerField(
        "minimum articles read",
        default=0,
        validators=[MaxValueValidator(1000)],
        help_text="Show from the reader's Nth article (this one included). 0 or 1: from the "
        "first article.",
    )
    min_articles_days = models.PositiveSmallIntegerField(
        "…in the last (days)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Browsers count reading per week, so this is rounded up to whole weeks.",
    )
    cap_views = models.PositiveSmallIntegerField(
        "show at most (times)",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    cap_days = models.PositiveSmallIntegerField(
        "…per (days)", default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    priority = models.SmallIntegerField(
        default=0,
        help_text="When several appeals fit the same place, the highest priority is shown "
        "(the newest on a tie).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["-priority", "-pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})

    # --- Preview: each variant, shown on a real article ------------------------------------

    @property
    def preview_modes(self) -> list[tuple[str, str]]:
        variants = list(self.variants.all())
        if not variants:
            return [("0", "First variant")]
        return [
            (str(position), f"Variant {variant.key or position + 1}")
            for position, variant in enumerate(variants)
        ]

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        from masthead.appeals import preview

        variants = list(self.variants.all())
        try:
            variant = variants[int(mode_name)]
        except (ValueError, IndexError):
            variant = variants[0] if variants else None
        return preview.article_with_appeal(request=request, appeal=self, variant=variant)


class AppealVariant(Orderable):
    appeal = ParentalKey(Appeal, on_delete=models.CASCADE, related_name="variants")
    key = models.CharField(
        max_length=8,
        blank=True,
        validators=[RegexValidator(VARIANT_KEY_PATTERN, "Lower-case letters and digits only.")],
        help_text="A short label such as a or b; filled in when left empty. It names the variant "
        "in the results and in the campaign code of contributions it brings.",
    )
    weight = models.PositiveSmallIntegerField(
        default=1,
        validators=[MaxValueValidator(1000)],
        help_text="Share of readers: 1 and 1 split evenly, 3 and 1 gives this one three "
        "quarters. 0 pauses the variant.",
    )
    heading = models.CharField(max_length=200)
    message = RichTextField(features=MESSAGE_FEATURES)
    frequency = models.CharField(
        "preselected frequency",
        max_length=8,
        choices=Frequency.choices,
        default=Frequency.MONTHLY,
    )
    amount = models.DecimalField(
        "preselected amount",
        max_digits=8,
        decimal_places=2,
        default=5,
        validators=[MinValueValidator(1)],
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "key"],
                name="appeals_variant_key_unique",
                condition=~models.Q(key=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.appeal} — variant {self.key}"

    @property
    def campaign(self) -> str:
        from masthead.appeals.campaigns import campaign_code

        return campaign_code(appeal_id=self.appeal_id, variant_key=self.key)


class VariantCounter(models.Model):
    """How often a variant was shown and acted on, summed over every reader."""

    variant = models.OneToOneField(AppealVariant, on_delete=models.CASCADE, related_name="counter")
    views = models.PositiveBigIntegerField(default=0)
    clicks = models.PositiveBigIntegerField(default=0, help_text="Continue pressed")
    snoozes = models.PositiveBigIntegerField(default=0, help_text="Remind me later chosen")
    dismissals = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.variant}: {self.views} views"


class VariantRevenue(models.Model):
    """Contributions attributed to a variant through their campaign code, per currency.

    The sum of squares is kept so that the report can put a confidence interval on revenue
    per view without any record of the contributions themselves.
    """

    variant = models.ForeignKey(AppealVariant, on_delete=models.CASCADE, related_name="revenue")
    currency = models.CharField(max_length=3)
    contributions = models.PositiveBigIntegerField(default=0)
    amount_total = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    amount_squares = models.DecimalField(max_digits=24, decimal_places=4, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "currency"], name="appeals_revenue_variant_currency_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.variant}: {self.contributions} × {self.currency}"
