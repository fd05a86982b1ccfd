"""Small builders for publishing tests: real pages in a real page tree."""

import io
from datetime import timedelta
from itertools import count

from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.rich_text import RichText

from masthead.publishing.models import ArticleAuthor, ArticlePage, Author, HomePage, SectionPage

_seq = count(1)


def home() -> HomePage:
    return HomePage.objects.get()


def section(*, title: str = "World", slug: str | None = None) -> SectionPage:
    page = home().add_child(
        instance=SectionPage(title=title, slug=slug or title.lower(), intro=f"{title} news")
    )
    page.save_revision().publish(skip_permission_checks=True)
    return page


def author(*, name: str = "Ana Reporter", pseudonym: bool = False) -> Author:
    n = next(_seq)
    return Author.objects.create(name=name, slug=f"{slugify(name)}-{n}", is_pseudonym=pseudonym)


def image(*, title: str = "Photo") -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (40, 90, 140)).save(buffer, "JPEG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name="photo.jpg"))


def article(
    *,
    parent: SectionPage,
    title: str | None = None,
    authors: list[Author] = (),
    tags: list[str] = (),
    hours_ago: float = 1,
    with_image: bool = True,
    publish: bool = True,
    **fields,
) -> ArticlePage:
    n = next(_seq)
    title = title or f"Story number {n}"
    page = ArticlePage(
        title=title,
        slug=fields.pop("slug", f"story-{n}"),
        standfirst=fields.pop("standfirst", f"What happened in story {n}."),
        lead_image=image(title=title) if with_image else None,
        lead_image_alt="A street at dusk",
        lead_image_caption="Protesters gather in the square.",
        lead_image_photographer="Jane Doe",
        lead_image_organisation="Masthead Agency",
        body=fields.pop(
            "body",
            [
                ("paragraph", RichText("<p>First paragraph of the story.</p>")),
                ("quote", {"text": "We will not be silenced.", "attribution": "A source"}),
                ("paragraph", RichText("<p>Second paragraph.</p>")),
            ],
        ),
        live=publish,
        **fields,
    )
    page.article_authors = [ArticleAuthor(author=a) for a in authors]
    parent.add_child(instance=page)
    if tags:
        page.tags.add(*tags)
        page.save()
    if publish:
        page.save_revision().publish(skip_permission_checks=True)
        when = timezone.now() - timedelta(hours=hours_ago)
        ArticlePage.objects.filter(pk=page.pk).update(
            first_published_at=when, last_published_at=when
        )
        page.refresh_from_db()
    return page
