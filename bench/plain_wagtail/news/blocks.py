"""The block types of Masthead's article body (``masthead/publishing/blocks.py``), written the
plain way: the same names and fields, so Masthead's stored body loads as it is."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False)

    class Meta:
        template = "news/blocks/quote.html"


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt = blocks.CharBlock(required=False)
    caption = blocks.CharBlock(required=False)
    photographer = blocks.CharBlock(required=False)
    organisation = blocks.CharBlock(required=False)

    class Meta:
        template = "news/blocks/figure.html"


class ExternalMediaBlock(blocks.StructBlock):
    url = blocks.URLBlock()
    title = blocks.CharBlock()
    provider = blocks.CharBlock(required=False)

    class Meta:
        template = "news/blocks/external_media.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(template="news/blocks/paragraph.html")
    heading = blocks.CharBlock(template="news/blocks/heading.html")
    quote = QuoteBlock()
    image = FigureBlock()
    embed = ExternalMediaBlock()
