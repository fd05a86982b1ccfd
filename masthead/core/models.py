from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="site")
class PublicationSettings(BaseGenericSetting):
    """Who the publication is: shown in the header, footer, feeds and structured data."""

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
    ]

    class Meta:
        verbose_name = "publication"

    def __str__(self) -> str:
        return self.name

    @property
    def appeal_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.appeal_text.split("\n\n") if p.strip()]


class PeriodicJob(models.Model):
    """When each periodic job is next due. Kept in the database so restarts keep the schedule."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
