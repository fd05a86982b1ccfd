"""Creates the demo publication from ``content`` once; later runs reuse what is there."""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from masthead.accounts import demo as accounts_demo
from masthead.accounts.demo import DemoSecondFactors
from masthead.core.models import PublicationSettings
from masthead.project.demo import content
from masthead.project.demo.edition_ru import (
    demo_russian_edition_load,
    demo_russian_wording_load,
)
from masthead.project.demo.images import generate_lead_image
from masthead.publishing.models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    HomePage,
    InfoPage,
    RelatedArticle,
    SectionPage,
    SecureContactPage,
)

DEMO_USERS = [
    ("admin", "Administrator", True),
    ("editor", "Editor", False),
    ("contributor", "Contributor", False),
]


def demo_password() -> str:
    """One password for the demo's users, generated once and kept in the data directory."""
    path = settings.DATA_DIR / "demo-password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def demo_users_ensure() -> list[str]:
    User = get_user_model()
    password = demo_password()
    for username, group_name, is_superuser in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.org",
                "is_staff": True,
                "is_superuser": is_superuser,
            },
        )
        if created:
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=group_name))
    return [u for u, _, _ in DEMO_USERS]


def demo_second_factors_ensure() -> list[DemoSecondFactors]:
    """An authenticator secret and recovery codes for each demo user (the admin accepts no
    password alone), kept beside the password for the demo's own browser tests."""
    User = get_user_model()
    factors = [
        accounts_demo.demo_second_factors_ensure(user=User.objects.get(username=username))
        for username, _, _ in DEMO_USERS
    ]
    path = settings.DATA_DIR / "demo-second-factors.json"
    path.write_text(json.dumps({f.username: asdict(f) for f in factors}), encoding="ascii")
    path.chmod(0o600)
    return factors


def _body_blocks(blocks: list[tuple[str, object]]) -> list[tuple[str, object]]:
    result = []
    for kind, value in blocks:
        if kind == "paragraph":
            result.append(("paragraph", RichText(f"<p>{escape(value)}</p>")))
        else:
            result.append((kind, value))
    return result


def _logo(name: str) -> Image:
    canvas = PILImage.new("RGB", (600, 60), "#8c1c13")
    ImageDraw.Draw(canvas).text((16, 14), name.upper(), fill="white", font_size=30)
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    return Image.objects.create(title=f"{name} logo", file=ImageFile(buffer, name="logo.png"))


def _publish_at(page: Page, published, updated=None) -> None:
    page.save_revision().publish(skip_permission_checks=True)
    type(page).objects.filter(pk=page.pk).update(
        first_published_at=published, last_published_at=updated or published
    )


@transaction.atomic
def demo_publication_load(*, progress: Callable[[str], None] = lambda _msg: None) -> bool:
    """Create the demo publication. Returns False (and changes nothing) when it exists."""
    if ArticlePage.objects.exists():
        return False
    now = timezone.now()
    pub = content.PUBLICATION
    home = HomePage.objects.get()
    home.title = pub["name"]
    home.intro = pub["tagline"]
    home.save_revision().publish(skip_permission_checks=True)
    Site.objects.filter(is_default_site=True).update(
        site_name=pub["name"], hostname="127.0.0.1", port=8000
    )

    publication = PublicationSettings.load()
    publication.name = pub["name"]
    publication.tagline = pub["tagline"]
    publication.about = pub["about"]
    publication.appeal_heading = pub["appeal_heading"]
    publication.appeal_text = "\n\n".join(pub["appeal_text"])
    publication.newsletter_pitch = pub["newsletter_pitch"]
    publication.contact_email = "newsroom@example.org"
    publication.logo = _logo(pub["name"])
    publication.save()

    progress("sections and authors")
    sections = {}
    for item in content.SECTIONS:
        section = home.add_child(
            instance=SectionPage(title=item["title"], slug=item["slug"], intro=item["intro"])
        )
        _publish_at(section, now - timedelta(days=400))
        sections[item["slug"]] = section
    authors = {
        a["slug"]: Author.objects.create(
            slug=a["slug"],
            name=a["name"],
            role=a["role"],
            bio=a["bio"],
            is_pseudonym=a["is_pseudonym"],
        )
        for a in content.AUTHORS
    }

    articles = {}
    for index, item in enumerate(content.ARTICLES, start=1):
        progress(f"article {index}/{len(content.ARTICLES)}")
        image_spec = item["image"]
        image = Image.objects.create(
            title=item["headline"][:250],
            description=image_spec["alt"],
            file=ImageFile(
                io.BytesIO(generate_lead_image(scene=image_spec["scene"], seed=image_spec["seed"])),
                name=f"{item['slug']}.jpg",
            ),
        )
        article = ArticlePage(
            title=item["headline"],
            slug=item["slug"],
            standfirst=item["standfirst"],
            lead_image=image,
            lead_image_alt=image_spec["alt"],
            lead_image_caption=image_spec["caption"],
            lead_image_photographer=image_spec["photographer"],
            lead_image_organisation=image_spec["organisation"],
            body=_body_blocks(item["body"]),
        )
        # A byline's order is its sort_order: without one, two authors tie and PostgreSQL may
        # list them either way round.
        article.article_authors = [
            ArticleAuthor(author=authors[slug], sort_order=position)
            for position, slug in enumerate(item["authors"])
        ]
        sections[item["section"]].add_child(instance=article)
        article.tags.add(*item["tags"])
        articles[item["slug"]] = (article, item)

    progress("read more links and publication times")
    for article, item in articles.values():
        article.related_links = [
            RelatedArticle(article=articles[slug][0]) for slug in item["related"]
        ]
        article.save()
        published = now - timedelta(hours=item["hours_ago"])
        updated = (
            now - timedelta(hours=item["updated_hours_ago"])
            if item.get("updated_hours_ago")
            else None
        )
        if updated:
            ArticlePage.objects.filter(pk=article.pk).update(updated_at=updated)
        _publish_at(article, published, updated)

    progress("information pages")
    for slug, title, blocks in _info_pages():
        page = home.add_child(instance=InfoPage(title=title, slug=slug, body=_body_blocks(blocks)))
        _publish_at(page, now - timedelta(days=400))
    contact = dict(content.SECURE_CONTACT)
    intro = contact.pop("intro")
    page = home.add_child(
        instance=SecureContactPage(**contact, body=_body_blocks([("paragraph", intro)]))
    )
    _publish_at(page, now - timedelta(days=400))

    demo_russian_edition_load(
        now=now,
        home=home,
        sections=sections,
        articles={slug: article for slug, (article, _item) in articles.items()},
        authors=authors,
        body=_body_blocks,
        publish_at=_publish_at,
        progress=progress,
    )
    demo_russian_wording_load(publication=publication)

    # --- Newsletters (issue 3): the Friday edition (one sent) and breaking news, a few
    # readers. Owned by masthead.newsletters; /newsletter/ is its page.
    from masthead.newsletters.demo import demo_newsletters_load

    progress("newsletters")
    demo_newsletters_load(now=now, sender_email=publication.contact_email)

    # --- Reader revenue (issue 4): test mode with the test provider, offline methods, a year
    # of past contributions for the revenue charts. Owned by masthead.supporters; /support/
    # is its page.
    from masthead.supporters.demo import demo_reader_revenue_load

    progress("reader revenue")
    demo_reader_revenue_load(now=now)

    # --- Appeals (issue 5): an after-article appeal with two variants, a thank-you banner
    # for supporters and a dialog example. Owned by masthead.appeals.
    from masthead.project.demo.appeals import demo_appeals_load

    progress("appeals")
    demo_appeals_load()
    return True


def _info_pages() -> list[tuple[str, str, list]]:
    return [
        ("about", "About us", content.ABOUT_PAGE),
        ("privacy", "Privacy policy", content.PRIVACY_POLICY),
    ]
