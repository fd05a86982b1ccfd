"""A home page, sections and articles: what a small news site on plain Wagtail has."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page

from news.blocks import ArticleBodyBlock


class HomePage(Page):
    subpage_types = ["news.SectionPage"]


class SectionPage(Page):
    subpage_types = ["news.ArticlePage"]


class ArticlePage(Page):
    standfirst = models.CharField(max_length=400)
    lead_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_image_alt = models.CharField(max_length=300, blank=True)
    lead_image_caption = models.CharField(max_length=500, blank=True)
    lead_image_credit = models.CharField(max_length=250, blank=True)
    body = StreamField(ArticleBodyBlock(), blank=True)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["section"] = self.get_parent()
        context["sections"] = SectionPage.objects.live().order_by("path")
        # Wagtail's documented way to show a few pages with their pictures: the picture by a
        # join, its renditions in one more query.
        context["related"] = [
            link.article
            for link in self.related_links.filter(article__live=True)
            .select_related("article__lead_image")
            .prefetch_related("article__lead_image__renditions")
        ]
        return context


class RelatedArticle(Orderable):
    """Read more: chosen by an editor."""

    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_links")
    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="+")
