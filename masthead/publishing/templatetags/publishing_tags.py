from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import conditional_escape, format_html, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from wagtail.models import Page

from masthead.core.editions import edition_prefix, editions_enabled
from masthead.core.memo import memo, shows
from masthead.core.templatetags.machine_dates import html_datetime
from masthead.publishing import editions, selectors
from masthead.publishing.models import ArticlePage, HomePage, InfoPage, SectionPage

register = template.Library()


@register.simple_tag
def nav_sections(current=None) -> str:
    """The sections' navigation, the current one marked (rendered once per build for each)."""
    current_section_id = None
    if isinstance(current, SectionPage):
        current_section_id = current.pk
    elif isinstance(current, ArticlePage):
        current_section_id = current.get_parent().pk
    current_is_home = isinstance(current, HomePage)
    return memo(
        ("nav_sections", get_language(), current_section_id, current_is_home),
        lambda: render_to_string(
            "publishing/includes/nav_sections.html",
            {
                "sections": [
                    s for s in selectors.sections_navigation() if editions.is_in_edition(s)
                ],
                "current_section_id": current_section_id,
                "current_is_home": current_is_home,
                # The front page of the edition being read (rendered without a request, so
                # without the context processors' EDITION_ROOT).
                "edition_root": edition_prefix(get_language()) if editions_enabled() else "/",
            },
        ),
    )


@register.simple_tag
def footer_pages() -> str:
    def links() -> str:
        pages = editions.in_edition(selectors.public_only(InfoPage.objects.live()))
        return "".join(
            str(format_html('<li><a href="{}">{}</a></li>', p.url, p.title))
            for p in pages.order_by("path")
        )

    key = ("footer_pages", get_language()) if editions.editions_enabled() else "footer_pages"
    return mark_safe(memo(key, links))  # noqa: S308 - built from escaped parts


@register.simple_tag
def edition_alternates(page) -> str:
    """``<link rel="alternate" hreflang>`` for each language ``page`` is published in, itself
    included, and ``x-default`` for the default language's: the same on every translation.
    Nothing with one language edition."""
    if not isinstance(page, Page) or not editions.editions_enabled():
        return ""
    alternates = editions.page_alternates(page)
    named = [(a.language, a.path) for a in alternates]
    named += [("x-default", a.path) for a in alternates if a.language == settings.LANGUAGE_CODE]
    links = [
        format_html(
            '<link rel="alternate" hreflang="{}" href="{}{}">', language, settings.BASE_URL, path
        )
        for language, path in named
    ]
    return mark_safe("".join(f"\n{link}" for link in links))  # noqa: S308 - escaped parts


@register.simple_tag
def edition_switch(page) -> str:
    """Links to ``page`` in the other languages it is published in, each worded in its own
    language ("Read in English" on the Russian page, "Читать по-русски" on the English one)."""
    if not isinstance(page, Page) or not editions.editions_enabled():
        return ""
    links = []
    for alternate in editions.page_alternates(page):
        if alternate.is_current:
            continue
        with translation.override(alternate.language):
            # Translators: a link to this page in your language, worded in your language.
            words = gettext("Read in English")
        links.append(
            format_html(
                '<li><a href="{}" hreflang="{}" lang="{}" rel="alternate">{}</a></li>',
                alternate.path,
                alternate.language,
                alternate.language,
                words,
            )
        )
    if not links:
        return ""
    return format_html(
        '\n    <ul class="edition-switch">{}</ul>',
        mark_safe("".join(str(link) for link in links)),  # noqa: S308 - escaped parts
    )


@register.simple_tag
def teaser(article: ArticlePage, heading_level: int = 2, lead: bool = False) -> str:
    """An article's teaser. A build renders each teaser once and declares, on every page that
    shows it, the article, its photo and its authors (``core.memo``)."""
    shows(*selectors.article_shows(article))
    return teaser_html(article, f"h{int(heading_level)}", bool(lead))


# Teasers differ by heading level in the headline's tag alone: each is rendered once, as an
# <h2> (listings), and the others (<h3> in *Read more* and on the front page) are that text
# with the tag renamed. Title and standfirst are escaped: no other </h2> can be in it.
_TEASER_HEADING = "h2"
_TEASER_OPEN = f'<{_TEASER_HEADING} class="teaser__headline">'
_TEASER_CLOSE = f"</{_TEASER_HEADING}>"


def _teaser_rendered(article: ArticlePage, heading_tag: str, lead: bool) -> str:
    return render_to_string(
        "publishing/includes/teaser.html",
        {"article": article, "heading_tag": heading_tag, "lead": lead},
    )


def teaser_html(
    article: ArticlePage, heading_tag: str = _TEASER_HEADING, lead: bool = False
) -> str:
    """The teaser of ``article`` with its headline in ``heading_tag``, once per scope."""
    language = get_language()
    base = memo(
        _teaser_key(language, article.pk, _TEASER_HEADING, lead),
        lambda: _teaser_rendered(article, _TEASER_HEADING, lead),
    )
    if heading_tag == _TEASER_HEADING:
        return base

    def retagged() -> str:
        if base.count(_TEASER_OPEN) != 1 or base.count(_TEASER_CLOSE) != 1:
            return _teaser_rendered(article, heading_tag, lead)  # the template changed shape
        text = base.replace(_TEASER_OPEN, f'<{heading_tag} class="teaser__headline">')
        return mark_safe(text.replace(_TEASER_CLOSE, f"</{heading_tag}>"))  # noqa: S308

    return memo(_teaser_key(language, article.pk, heading_tag, lead), retagged)


def teasers_prerender(articles: list[ArticlePage]) -> dict[tuple, str]:
    """Render the listing teaser of every article in ``articles`` into the open scope, each
    in its edition's language: a full build does it once, before its render processes fork,
    rather than each process again (every live article is in some listing).

    Returns them by their keys in the scope, for a build that renders them in several
    processes to put into its own (``core.memo.put``)."""
    languages = editions.locale_languages() if editions.editions_enabled() else {}
    rendered = {}
    for article in articles:
        language = languages.get(article.locale_id, settings.LANGUAGE_CODE)
        with translation.override(language):
            key = _teaser_key(get_language(), article.pk, _TEASER_HEADING, False)
            rendered[key] = teaser_html(article)
    return rendered


def _teaser_key(language: str, pk: int, heading_tag: str, lead: bool) -> tuple:
    return ("teaser", language, pk, heading_tag, lead)


@register.inclusion_tag("publishing/includes/byline.html")
def byline(article: ArticlePage) -> dict:
    """The article's authors, each linking to their listing in the article's edition."""
    language = editions.page_language(article)
    return {"authors": [{"name": a.name, "url": a.edition_url(language)} for a in article.authors]}


def _image_url(image, spec: str) -> str | None:
    if image is None:
        return None
    return memo(
        ("image_url", image.pk, spec), lambda: settings.BASE_URL + image.get_rendition(spec).url
    )


@register.simple_tag(takes_context=True)
def social_meta(context, page) -> str:
    """Open Graph and Twitter card tags; the same for every reader."""
    publication = context["publication"]
    is_article = isinstance(page, ArticlePage)
    url = settings.BASE_URL + (page.url if page else "/")
    description = (
        page.standfirst if is_article else (page.search_description or publication.tagline)
    )
    image = page.lead_image if is_article else publication.logo
    tags = [
        ("property", "og:site_name", publication.name),
        ("property", "og:type", "article" if is_article else "website"),
        ("property", "og:title", page.title if is_article else publication.name),
        ("property", "og:description", description),
        ("property", "og:url", url),
        ("name", "twitter:card", "summary_large_image" if image else "summary"),
        ("name", "twitter:title", page.title if is_article else publication.name),
        ("name", "twitter:description", description),
    ]
    image_url = _image_url(
        image, "fill-1200x630|format-jpeg" if is_article else "max-1200x630|format-png"
    )
    if image_url:
        tags += [("property", "og:image", image_url), ("name", "twitter:image", image_url)]
        if is_article and page.lead_image_alt:
            tags += [("property", "og:image:alt", page.lead_image_alt)]
    if is_article:
        tags += [
            ("property", "article:published_time", html_datetime(page.published_at)),
            ("property", "article:modified_time", html_datetime(page.modified_at)),
            ("property", "article:section", page.section.title),
        ]
    # The attribute names are the literals above; every value is escaped.
    return mark_safe(  # noqa: S308
        "\n".join(f'<meta {a}="{n}" content="{conditional_escape(v)}">' for a, n, v in tags if v)
    )


@register.simple_tag(takes_context=True)
def article_json_ld(context, page: ArticlePage) -> str:
    """schema.org NewsArticle. Unsigned articles name the publisher as their author."""
    publication = context["publication"]
    publisher = {
        "@type": "NewsMediaOrganization",
        "name": publication.name,
        "url": settings.BASE_URL + "/",
    }
    logo_url = _image_url(publication.logo, "max-600x60|format-png")
    if logo_url:
        publisher["logo"] = {"@type": "ImageObject", "url": logo_url}
    authors = [
        {
            "@type": "Person",
            "name": a.name,
            "url": settings.BASE_URL + a.edition_url(editions.page_language(page)),
        }
        for a in page.authors
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title[:110],
        "description": page.standfirst,
        "datePublished": html_datetime(page.published_at),
        "dateModified": html_datetime(page.modified_at),
        "author": authors or [publisher],
        "publisher": publisher,
        "mainEntityOfPage": {"@type": "WebPage", "@id": settings.BASE_URL + page.url},
        "articleSection": page.section.title,
        "keywords": [t.name for t in page.tag_list],
    }
    image_url = _image_url(page.lead_image, "fill-1200x675|format-jpeg")
    if image_url:
        data["image"] = [image_url]
    # json_script escapes <, > and & so the data cannot end the element early.
    return mark_safe(  # noqa: S308 - json_script's output, with only its type changed
        json_script(data, element_id="article-data").replace(
            'type="application/json"', 'type="application/ld+json"'
        )
    )
