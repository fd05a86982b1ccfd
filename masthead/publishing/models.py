from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from masthead.core.editions import edition_prefix, editions_enabled
from masthead.core.memo import memo
from masthead.core.page_cache import QueryParameters
from masthead.publishing.blocks import ArticleBodyBlock, InfoBodyBlock
from masthead.publishing.editions import in_edition, page_language
from masthead.publishing.pagination import FIRST, PAGE_QUERY, redirect_query_page


@register_snippet
class Author(index.Indexed, models.Model):
    """A byline. May be a pseudonym: some journalists cannot be named."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    role = models.CharField(max_length=120, blank=True)
    bio = models.TextField(blank=True)
    is_pseudonym = models.BooleanField(
        default=False,
        help_text="Shown to readers as a pen name; never linked to a real person anywhere.",
    )
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("bio"),
        FieldPanel("is_pseudonym"),
        FieldPanel("photo"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The author's listing in the default language edition."""
        return f"/authors/{self.slug}/"

    def edition_url(self, language: str | None) -> str:
        """The author's listing in ``language``'s edition: ``/ru/authors/…`` (the default
        edition's is ``get_absolute_url``)."""
        if not editions_enabled():
            return self.get_absolute_url()
        return f"{edition_prefix(language)}authors/{self.slug}/"


class PublicPage:
    """Mixed into every page type.

    ``query_parameters``: what the page type reads of the query string; it sees nothing else,
    and the page cache keys on nothing else (``?utm_source=`` is the same page).

    View restrictions: where no page has one, the usual case, Wagtail's check for each page
    reads nothing (whether any exists is read once per scope, ``core.memo``).

    Language editions (``core.editions``): a page is rendered in its own locale's language
    (``<html lang>``, the interface's words), whatever reached it."""

    query_parameters = QueryParameters("publishing.page")

    def serve(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.query_clean(request)
        if editions_enabled():
            with translation.override(page_language(self)):
                return super().serve(request, *args, **kwargs)
        return super().serve(request, *args, **kwargs)

    def query_clean(self, request: HttpRequest) -> None:
        # An editor's preview is an admin request, whose query is Wagtail's to read.
        if not getattr(request, "is_preview", False):
            self.query_parameters.apply(request)

    def get_view_restrictions(self):
        if not memo("any_view_restriction", PageViewRestriction.objects.exists):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class HomePage(PublicPage, Page):
    intro = models.CharField(max_length=300, blank=True)
    lead_article = models.ForeignKey(
        "publishing.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The lead story. Leave empty to lead with the latest article.",
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), PageChooserPanel("lead_article")]
    subpage_types = [
        "publishing.SectionPage",
        "publishing.InfoPage",
        "publishing.SecureContactPage",
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "publishing/home_page.html"
    query_parameters = QueryParameters("publishing.HomePage", **PAGE_QUERY)

    def route(self, request: HttpRequest, path_components: list[str]):
        """The page at ``path_components``, found in one map of every page's address
        (``selectors.routed_page``) rather than level by level, two queries a level.

        With language editions, Wagtail routes from the home page of the request's language
        (``/ru/…``), or from the default one when that edition has no live home page: then
        there is no such page."""
        if editions_enabled() and page_language(self) != translation.get_language():
            raise Http404
        if not path_components:
            return super().route(request, path_components)
        from masthead.publishing import selectors

        found = selectors.routed_page(self, path_components)
        if found is None:
            raise Http404
        page, remaining = found
        return page.route(request, remaining)

    def serve(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # The front page is not paginated; older stories live in the archive. (Its query is
        # cleaned here already, since it is read before ``PublicPage.serve``.)
        self.query_clean(request)
        if "page" in request.GET:
            archive = "/archive/"
            if editions_enabled():
                archive = edition_prefix(page_language(self)) + "archive/"
            return redirect_query_page(request, archive)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from masthead.publishing import selectors

        context = super().get_context(request, *args, **kwargs)
        lead = selectors.home_lead_article(home=self)
        context["lead"] = lead
        context["sections"] = selectors.home_sections_latest(exclude=lead, per_section=4)
        latest = selectors.with_renditions(in_edition(selectors.articles_live()))
        context["latest"] = latest.exclude(pk=getattr(lead, "pk", None))[:6]
        return context


class SectionPage(PublicPage, RoutablePageMixin, Page):
    intro = models.CharField(max_length=300, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["publishing.ArticlePage"]
    parent_page_types = ["publishing.HomePage"]
    template = "publishing/section_page.html"
    per_page = 12
    query_parameters = QueryParameters("publishing.SectionPage", **PAGE_QUERY)

    @path("")
    def first_page(self, request: HttpRequest) -> HttpResponse:
        if "page" in request.GET:
            return redirect_query_page(request, self.url)
        return self.listing(request, FIRST)

    @path("page/<int:number>/")
    def numbered_page(self, request: HttpRequest, number: int) -> HttpResponse:
        if number == FIRST:
            raise Http404("Numbered pages start at 1.")
        return self.listing(request, number)

    def listing(self, request: HttpRequest, number: int) -> HttpResponse:
        from masthead.publishing import selectors

        articles = selectors.teaser_page(
            selectors.articles_live().child_of(self),
            number,
            self.per_page,
            self.url,
            listing=("section", self.pk),
        )
        return self.render(request, context_overrides={"articles": articles, "base_path": self.url})


class ArticlePage(PublicPage, Page):
    standfirst = models.CharField(
        max_length=400, help_text="One sentence under the headline that says what the story is."
    )
    lead_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_image_alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    lead_image_caption = models.CharField("caption", max_length=500, blank=True)
    lead_image_photographer = models.CharField("photographer", max_length=120, blank=True)
    lead_image_organisation = models.CharField("organisation", max_length=120, blank=True)
    body = StreamField(ArticleBodyBlock(), blank=True)
    tags = ClusterTaggableManager(through="publishing.ArticleTag", blank=True)
    updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the story was substantially updated after publication.",
    )
    # Read by the channels app (Telegram, Mastodon, Bluesky), which also shows it in the admin.
    post_to_channels = models.BooleanField(
        "post to channels",
        default=True,
        help_text="Post the story to the newsroom's channels when it is first published.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("standfirst"),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_alt"),
                FieldPanel("lead_image_caption"),
                FieldRowPanel(
                    [FieldPanel("lead_image_photographer"), FieldPanel("lead_image_organisation")]
                ),
            ],
            heading="Lead photo",
        ),
        InlinePanel("article_authors", label="Byline (leave empty to publish unsigned)"),
        FieldPanel("body"),
        FieldPanel("tags"),
        InlinePanel("related_links", label="Read more (chosen by editors)", max_num=4),
        FieldPanel("updated_at"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("standfirst"),
        index.SearchField("body"),
    ]
    parent_page_types = ["publishing.SectionPage"]
    subpage_types: list[str] = []
    template = "publishing/article_page.html"

    class Meta:
        verbose_name = "article"

    @cached_property
    def section(self) -> SectionPage | None:
        parent = self.get_parent()
        return parent.specific if parent else None

    @property
    def lead_image_credit(self) -> str:
        return " / ".join(
            p for p in (self.lead_image_photographer, self.lead_image_organisation) if p
        )

    def _related_rows(self, relation: str, target: str):
        """The rows of ``relation`` with their ``target``: as prefetched, or in one query."""
        rows = getattr(self, relation).all()
        if relation not in getattr(self, "_prefetched_objects_cache", {}):
            rows = rows.select_related(target)
        return rows

    @cached_property
    def authors(self) -> list[Author]:
        return [link.author for link in self._related_rows("article_authors", "author")]

    @cached_property
    def tag_list(self) -> list:
        """The article's tags in the order they were given, read once per page (the page,
        its metadata and the appeals slot all list them)."""
        items = self._related_rows("tagged_items", "tag")
        return [item.tag for item in sorted(items, key=lambda item: item.pk)]

    @property
    def published_at(self):
        return self.first_published_at or self.go_live_at or timezone.now()

    @property
    def modified_at(self):
        return self.updated_at or self.last_published_at or self.published_at

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from masthead.publishing import selectors

        context = super().get_context(request, *args, **kwargs)
        context["read_more"] = selectors.article_read_more(article=self, limit=4)
        return context


class ArticleAuthor(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="article_links")

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        # Equal positions (rows written in bulk, or restored) keep the order they were added.
        ordering = ["sort_order", "pk"]


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="tagged_items")


class RelatedArticle(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_links")
    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("article", "publishing.ArticlePage")]


class InfoPage(PublicPage, Page):
    """A plain page: the privacy policy, about us, contacts."""

    body = StreamField(InfoBodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    parent_page_types = ["publishing.HomePage"]
    subpage_types: list[str] = []
    template = "publishing/info_page.html"


# --- Contact us securely ---------------------------------------------------------------------

ONION_V3 = re.compile(r"[a-z2-7]{56}\.onion")
SIGNAL_USERNAME = re.compile(r"[a-z_][a-z0-9_]{2,31}\.[0-9]{2,9}", re.IGNORECASE)
ARMORED_KEY_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
ARMORED_KEY_END = "-----END PGP PUBLIC KEY BLOCK-----"
KEY_FILE_TYPE = "application/pgp-keys"
KEY_FILE_DISPOSITION = 'attachment; filename="pgp-key.asc"'


def onion_address_validate(value: str) -> None:
    if not ONION_V3.fullmatch(value):
        raise ValidationError(
            "Give the onion service's address alone: 56 letters and digits then .onion, "
            "without http:// or a path."
        )


def signal_username_validate(value: str) -> None:
    if not SIGNAL_USERNAME.fullmatch(value):
        raise ValidationError("A Signal username looks like newsroom.01 (name, dot, digits).")


def pgp_fingerprint_normalise(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def pgp_fingerprint_validate(value: str) -> None:
    # v4 keys: 40 hex digits; v5/v6 keys: 64. A short key id is not enough to check a key.
    if not re.fullmatch(r"[0-9A-F]{40}|[0-9A-F]{64}", pgp_fingerprint_normalise(value)):
        raise ValidationError(
            "Give the key's full fingerprint (40 hexadecimal digits; spaces are fine), "
            "as `gpg --fingerprint` prints it."
        )


def pgp_public_key_validate(value: str) -> None:
    if "PRIVATE KEY" in value.upper():
        raise ValidationError(
            "This is a private key. Never publish it: paste the public key only "
            "(gpg --armor --export), and consider this private key exposed."
        )
    text = value.strip()
    if not (text.startswith(ARMORED_KEY_BEGIN) and text.endswith(ARMORED_KEY_END)):
        raise ValidationError(
            f"Paste the whole ASCII-armoured public key, from {ARMORED_KEY_BEGIN} "
            f"to {ARMORED_KEY_END}."
        )


class SecureContactPage(RoutablePageMixin, InfoPage):
    """How sources reach the newsroom safely. One per site, linked from every page's footer
    (as an information page). Follows SecureDrop's landing-page rules: no cookies, no
    caching, no referrer, no script, nothing from another site, onion addresses as text
    (``core.security.source_page_headers_apply``)."""

    onion_service_name = models.CharField(
        "name of the service",
        max_length=60,
        blank=True,
        default="SecureDrop",
        help_text="SecureDrop, GlobaLeaks…: what sources should expect to see.",
    )
    onion_address = models.CharField(
        max_length=62,
        blank=True,
        validators=[onion_address_validate],
        help_text="Its v3 onion address, e.g. abc…xyz.onion. Shown as text, never as a link.",
    )
    signal_username = models.CharField(
        max_length=42, blank=True, validators=[signal_username_validate]
    )
    pgp_email = models.EmailField("email for encrypted mail", blank=True)
    pgp_fingerprint = models.CharField(
        "PGP key fingerprint", max_length=80, blank=True, validators=[pgp_fingerprint_validate]
    )
    pgp_public_key = models.TextField(
        "PGP public key",
        blank=True,
        validators=[pgp_public_key_validate],
        help_text="ASCII-armoured (gpg --armor --export). Offered as a file on this site.",
    )
    postal_address = models.TextField(blank=True)

    content_panels = InfoPage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("onion_service_name"), FieldPanel("onion_address")],
            heading="Onion service (SecureDrop or GlobaLeaks)",
        ),
        FieldPanel("signal_username"),
        MultiFieldPanel(
            [FieldPanel("pgp_email"), FieldPanel("pgp_fingerprint"), FieldPanel("pgp_public_key")],
            heading="Encrypted email",
        ),
        FieldPanel("postal_address"),
    ]
    parent_page_types = ["publishing.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    template = "publishing/secure_contact_page.html"
    key_file_path = "pgp-key/"

    class Meta:
        verbose_name = "contact us securely page"

    def clean(self) -> None:
        super().clean()
        self.pgp_fingerprint = pgp_fingerprint_normalise(self.pgp_fingerprint)
        if (self.pgp_email or self.pgp_public_key) and not self.pgp_fingerprint:
            raise ValidationError(
                {"pgp_fingerprint": "Sources check the key against this: give it too."}
            )

    @property
    def pgp_fingerprint_groups(self) -> str:
        """Grouped by four, as gpg prints it, so a source can compare it by eye."""
        value = pgp_fingerprint_normalise(self.pgp_fingerprint)
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))

    @property
    def key_file_url(self) -> str:
        return self.url + self.key_file_path if self.pgp_public_key else ""

    @path("")
    def landing(self, request: HttpRequest) -> HttpResponse:
        from masthead.core.security import source_page_headers_apply

        response = self.render(request)
        if getattr(request, "is_preview", False):
            # The editor's preview panel frames the page, under the admin's own policy.
            return response
        return source_page_headers_apply(response)

    # Wagtail's page addresses end in a slash and have no dots: the key is at ``pgp-key/``
    # and downloads as ``pgp-key.asc`` (the web server sends the same type and name for the
    # static copy).
    @path("pgp-key/")
    def key_file(self, request: HttpRequest) -> HttpResponse:
        from masthead.core.security import source_page_headers_apply

        if not self.pgp_public_key:
            raise Http404("No key published.")
        response = HttpResponse(self.pgp_public_key.strip() + "\n", content_type=KEY_FILE_TYPE)
        response.headers["Content-Disposition"] = KEY_FILE_DISPOSITION
        return source_page_headers_apply(response)
