from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable

from masthead.core.editions import edition_languages

# The publication's words that an edition in another language may put in its own.
WORDED_FIELDS = ("name", "tagline", "about", "newsletter_pitch", "appeal_heading", "appeal_text")


@register_setting(icon="site")
class PublicationSettings(ClusterableModel, BaseGenericSetting):
    """Who the publication is: shown in the header, footer, feeds and structured data.

    Read it through ``edition_publication`` (memoised) or ``for_language``, which give each
    language edition its own wording where editors wrote one."""

    name = models.CharField(max_length=120, default="Masthead Demo")
    tagline = models.CharField(max_length=200, blank=True)
    about = models.TextField(blank=True, help_text="Two or three sentences for the footer.")
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Used in structured data (search engines) and social cards.",
    )
    contact_email = models.EmailField(blank=True)
    newsletter_pitch = models.CharField(
        max_length=300,
        default=("A hand-picked selection of news, features and analysis, delivered every Friday."),
    )
    appeal_heading = models.CharField(max_length=200, blank=True)
    appeal_text = models.TextField(
        blank=True,
        help_text="Why the newsroom needs its readers now. Blank lines separate paragraphs.",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("tagline"), FieldPanel("about"), FieldPanel("logo")],
            heading="Publication",
        ),
        FieldPanel("contact_email"),
        FieldPanel("newsletter_pitch"),
        MultiFieldPanel(
            [FieldPanel("appeal_heading"), FieldPanel("appeal_text")],
            heading="Support message (until appeals are set up)",
        ),
        MultiFieldPanel(
            [
                HelpPanel(
                    content=(
                        "With more than one language, each edition may name and describe the "
                        "publication in its own language. A field left blank shows the one above."
                    )
                ),
                InlinePanel("wordings", label="Edition wording"),
            ],
            heading="Language editions",
        ),
    ]

    class Meta:
        verbose_name = "publication"

    def __str__(self) -> str:
        return self.name

    @property
    def appeal_paragraphs(self) -> list[str]:
        return paragraphs(self.appeal_text)

    def for_language(self, language: str | None = None) -> "EditionPublication":
        """The publication as the edition in ``language`` (the active language when None)
        shows it: its edition wording's filled-in fields, these for the rest."""
        language = language or translation.get_language() or settings.LANGUAGE_CODE
        wordings = {w.language: w for w in self.wordings.all()}
        wording = wordings.get(language) or wordings.get(language.split("-")[0])
        return EditionPublication(self, wording, language)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


class PublicationWording(Orderable):
    """The publication's words in one language edition; a blank field shows the default's."""

    setting = ParentalKey(PublicationSettings, on_delete=models.CASCADE, related_name="wordings")
    language = models.CharField(max_length=15, choices=edition_languages)
    name = models.CharField(max_length=120, blank=True)
    tagline = models.CharField(max_length=200, blank=True)
    about = models.TextField(blank=True)
    newsletter_pitch = models.CharField(max_length=300, blank=True)
    appeal_heading = models.CharField(max_length=200, blank=True)
    appeal_text = models.TextField(blank=True, help_text="Blank lines separate paragraphs.")

    panels = [
        FieldPanel("language"),
        FieldPanel("name"),
        FieldPanel("tagline"),
        FieldPanel("about"),
        FieldPanel("newsletter_pitch"),
        FieldPanel("appeal_heading"),
        FieldPanel("appeal_text"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "edition wording"
        constraints = [
            models.UniqueConstraint(
                fields=["setting", "language"], name="core_one_wording_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_language_display()}: {self.name}"

    def clean(self) -> None:
        if self.language == settings.LANGUAGE_CODE:
            raise ValidationError(
                {"language": "The default edition shows the fields above: choose another language."}
            )


class EditionPublication:
    """``PublicationSettings`` as one language edition shows it: the same attributes (logo,
    contact email…), with the worded fields in the edition's language. For reading only."""

    def __init__(
        self, publication: PublicationSettings, wording: PublicationWording | None, language: str
    ):
        self.publication = publication
        self.language = language
        for field in WORDED_FIELDS:
            own = getattr(wording, field, "") if wording is not None else ""
            setattr(self, field, own.strip() or getattr(publication, field))

    def __getattr__(self, name: str):
        # Only for what is not worded per edition (logo, contact_email, pk…).
        if name == "publication":
            raise AttributeError(name)
        return getattr(self.publication, name)

    def __str__(self) -> str:
        return self.name

    @property
    def appeal_paragraphs(self) -> list[str]:
        return paragraphs(self.appeal_text)


def edition_publication(language: str | None = None, *, request=None) -> EditionPublication:
    """The publication as the edition in ``language`` (the active language when None) shows
    it, read once per memo scope (``core.memo``) for each language."""
    from masthead.core.memo import memo

    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return memo(
        ("publication", language),
        lambda: PublicationSettings.load(request_or_site=request).for_language(language),
    )


class PeriodicJob(models.Model):
    """When each periodic job is next due. Kept in the database so restarts keep the schedule."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
