"""The blocks an article body is written with."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]


class CreditMixin:
    """Photo credits read "Photographer / Organisation", either part optional."""

    @staticmethod
    def credit_line(value) -> str:
        return " / ".join(p for p in (value.get("photographer"), value.get("organisation")) if p)


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "publishing/blocks/quote.html"


class FigureBlock(CreditMixin, blocks.StructBlock):
    image = ImageChooserBlock()
    alt = blocks.CharBlock(
        required=False,
        max_length=300,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    caption = blocks.CharBlock(required=False, max_length=500)
    photographer = blocks.CharBlock(required=False, max_length=120)
    organisation = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "image"
        template = "publishing/blocks/figure.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["credit"] = self.credit_line(value)
        return context


class ExternalMediaBlock(blocks.StructBlock):
    """A post, video or document hosted elsewhere, shown as a link.

    Nothing is loaded from the other site: a reader who follows the link chooses to visit it.
    """

    url = blocks.URLBlock()
    title = blocks.CharBlock(max_length=200, help_text="What the reader will find there.")
    provider = blocks.CharBlock(
        required=False, max_length=80, help_text="e.g. Video, Telegram, Court records"
    )

    class Meta:
        icon = "media"
        template = "publishing/blocks/external_media.html"

    def clean(self, value):
        value = super().clean(value)
        if urlsplit(value["url"]).scheme not in ("http", "https"):
            raise ValidationError("Link to an http or https address.")
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["host"] = urlsplit(value["url"]).hostname or ""
        return context


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=PARAGRAPH_FEATURES, template="publishing/blocks/paragraph.html"
    )
    heading = blocks.CharBlock(
        max_length=200, icon="title", template="publishing/blocks/heading.html"
    )
    quote = QuoteBlock()
    image = FigureBlock()
    embed = ExternalMediaBlock()


class InfoBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=PARAGRAPH_FEATURES + ["h2", "h3"])
    heading = blocks.CharBlock(
        max_length=200, icon="title", template="publishing/blocks/heading.html"
    )
