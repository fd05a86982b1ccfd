"""Loads what ``bench/serve.py`` exported from Masthead's database: the same sections and
articles at the same addresses, the same bodies, the same pictures (with the same ids, so the
bodies' image blocks point where they did; files already copied under MEDIA_ROOT) and the same
*Read more*."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from news.models import ArticlePage, HomePage, RelatedArticle, SectionPage


class Command(BaseCommand):
    help = "Load a Masthead export (JSON) into this plain Wagtail site."

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path)

    @transaction.atomic
    def handle(self, *args, export: Path, **options):
        data = json.loads(export.read_text())
        image_model = get_image_model()
        for image in data["images"]:
            image_model.objects.create(**image)

        root = Page.get_first_root_node()
        # The welcome page of a new Wagtail database, and its site, make way for ours.
        for welcome in root.get_children():
            welcome.delete()
        Site.objects.all().delete()
        home = root.add_child(instance=HomePage(title=data["home"]["title"], slug="home"))
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)

        # Wagtail gives a new page its id: Masthead's ids are mapped to these.
        sections, articles, related = {}, {}, {}
        for fields in data["sections"]:
            masthead_id = fields.pop("id")
            sections[masthead_id] = home.add_child(instance=SectionPage(**fields))
        for fields in data["articles"]:
            masthead_id, section = fields.pop("id"), sections[fields.pop("section")]
            related[masthead_id] = fields.pop("related")
            fields["body"] = json.dumps(fields["body"])
            articles[masthead_id] = section.add_child(instance=ArticlePage(**fields))
        RelatedArticle.objects.bulk_create(
            RelatedArticle(page=articles[page_id], article=articles[article_id], sort_order=order)
            for page_id, chosen in related.items()
            for order, article_id in enumerate(chosen)
        )
        self.stdout.write(
            f"{len(data['images'])} images, {len(sections)} sections, "
            f"{len(data['articles'])} articles"
        )
