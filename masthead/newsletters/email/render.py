"""An edition rendered once: HTML (CSS inlined) and plain text, with a placeholder where each
recipient's own link token goes.

Everything per-recipient is a substitution of ``TOKEN_PLACEHOLDER`` (and the address in the
headers), so a send of 100,000 renders the templates once.

Emails link absolutely: pages on the main site, and besides it on the current mirror; images
from ``MASTHEAD_EMAIL_MEDIA_ORIGIN`` (a CDN that is not blocked; the main site by default).
The web version and the archive link root-relatively, so that a static copy holds its own
images and pages and never names the blocked origin (see ``EditionLinks``).
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formataddr
from urllib.parse import urljoin, urlsplit

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext, gettext_lazy, pgettext
from wagtail.rich_text import expand_db_html

from masthead.core.editions import edition_prefix
from masthead.core.models import edition_publication

# Letters and digits only: survives HTML escaping, URL building and quoted-printable as is.
TOKEN_PLACEHOLDER = "MHTOKENc0ffee42d00d"  # noqa: S105 - a marker, not a secret

IMAGE_SPEC = "width-1120|format-jpeg|jpegquality-75"


@dataclass(frozen=True)
class ArticleItem:
    title: str
    url: str
    standfirst: str
    section: str
    byline: str
    image_url: str | None
    image_alt: str
    image_credit: str
    image_caption: str
    body_html: str = ""  # full text only
    body_text: str = ""
    mirror_url: str = ""  # the story on the current mirror (emails only)


def absolute(url: str) -> str:
    return urljoin(settings.BASE_URL + "/", url)


def media_absolute(url: str) -> str:
    return urljoin(settings.EMAIL_MEDIA_ORIGIN + "/", url)


def _same(url: str) -> str:
    return url


@dataclass(frozen=True)
class EditionLinks:
    """How an edition names pages and images (each given root-relative, or absolute already
    when storage is remote)."""

    page: Callable[[str], str]
    image: Callable[[str], str]
    mirror: str = ""  # the origin (and path) of the current mirror, named besides each page


def email_links(*, mirror: str = "") -> EditionLinks:
    return EditionLinks(page=absolute, image=media_absolute, mirror=mirror.rstrip("/"))


# The web version: served by the app, and written into static copies as is (the portable copy
# makes these copy-relative).
WEB_LINKS = EditionLinks(page=_same, image=_same)

_HREF = re.compile(r'(href|src)="(/[^"]*)"')


def absolute_links(fragment: str, links: EditionLinks | None = None) -> str:
    links = links or email_links()

    def one(match: re.Match) -> str:
        name, url = match.group(1), match.group(2)
        return f'{name}="{links.image(url) if name == "src" else links.page(url)}"'

    return _HREF.sub(one, fragment)


_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figure|figcaption|div)>", re.I)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_LINK = re.compile(r'<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>', re.I | re.S)


def html_to_text(fragment: str) -> str:
    """Readable plain text: paragraphs on their own lines, links as "text (url)"."""

    def link(m: re.Match) -> str:
        text = strip_tags(m.group(2)).strip()
        url = html_lib.unescape(m.group(1))
        return f"{text} ({url})" if text and text != url else url

    text = _LINK.sub(link, fragment)
    text = _BREAK.sub("\n", text)
    text = _BLOCK_END.sub("\n\n", text)
    text = re.sub(r"<li[^>]*>", "- ", text, flags=re.I)
    text = html_lib.unescape(strip_tags(text))
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _image_url(image, links: EditionLinks) -> str | None:
    if image is None:
        return None
    return links.image(image.get_rendition(IMAGE_SPEC).url)


def _byline(article) -> str:
    names = [a.name for a in article.authors]
    if not names:
        return ""
    by = pgettext("byline", "By")
    if len(names) == 1:
        return f"{by} {names[0]}"
    return f"{by} " + ", ".join(names[:-1]) + f" {gettext('and')} {names[-1]}"


def _body(article, links: EditionLinks) -> tuple[str, str]:
    """The article body as email-safe HTML (no classes; links as ``links`` says) and as
    text."""
    parts_html: list[str] = []
    for block in article.body:
        kind, value = block.block_type, block.value
        if kind == "paragraph":
            parts_html.append(absolute_links(expand_db_html(value.source), links))
        elif kind == "heading":
            parts_html.append(f"<h3>{html_lib.escape(str(value))}</h3>")
        elif kind == "quote":
            attribution = (
                f'<p class="attribution">— {html_lib.escape(value["attribution"])}</p>'
                if value.get("attribution")
                else ""
            )
            text = html_lib.escape(value["text"]).replace("\n", "<br>")
            parts_html.append(f"<blockquote><p>{text}</p>{attribution}</blockquote>")
        elif kind == "image":
            url = _image_url(value["image"], links)
            credit = " / ".join(
                p for p in (value.get("photographer"), value.get("organisation")) if p
            )
            caption = " ".join(
                p
                for p in (
                    value.get("caption") or "",
                    gettext("Photo: %(credit)s") % {"credit": credit} if credit else "",
                )
                if p
            )
            parts_html.append(
                f'<p><img src="{url}" alt="{html_lib.escape(value.get("alt") or "")}" '
                f'width="560" class="full"></p>'
                + (f'<p class="caption">{html_lib.escape(caption)}</p>' if caption else "")
            )
        elif kind == "embed":
            parts_html.append(
                f'<p><a href="{html_lib.escape(value["url"])}">'
                f"{html_lib.escape(value['title'])}</a> "
                f"({html_lib.escape(value.get('provider') or 'external link')})</p>"
            )
    body_html = "\n".join(parts_html)
    return body_html, html_to_text(body_html)


def edition_items(
    *, articles, full_text: bool, links: EditionLinks | None = None
) -> list[ArticleItem]:
    links = links or email_links()
    items = []
    for article in articles:
        section = article.get_parent()
        body_html, body_text = _body(article, links) if full_text else ("", "")
        path = article.url or "/"
        items.append(
            ArticleItem(
                title=article.title,
                url=links.page(path),
                standfirst=article.standfirst,
                section=section.title if section else "",
                byline=_byline(article),
                image_url=_image_url(article.lead_image, links),
                image_alt=article.lead_image_alt,
                image_credit=article.lead_image_credit,
                image_caption=article.lead_image_caption,
                body_html=body_html,
                body_text=body_text,
                mirror_url=links.mirror + path if links.mirror and path.startswith("/") else "",
            )
        )
    return items


def _intro_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split("\n\n") if p.strip()]


def edition_email_context(
    *, edition, preview: bool = False, articles=None, web: bool = False
) -> dict:
    """What the email templates need; ``web``: for the web version instead (root-relative
    links and images, see ``WEB_LINKS``). Its links are those of the list's language edition
    (``/ru/newsletter/…`` for a Russian list)."""
    with translation.override(edition.newsletter.edition_language):
        return _edition_email_context(edition=edition, preview=preview, articles=articles, web=web)


def _edition_email_context(*, edition, preview: bool, articles, web: bool) -> dict:
    from masthead.newsletters import selectors

    newsletter = edition.newsletter
    ways_in = _ways_in() if newsletter.include_mirrors else []
    mirror = next((w["url"] for w in ways_in if w["label"] == MIRROR_LABEL), "")
    links = WEB_LINKS if web else email_links(mirror=mirror)
    web_path = edition.get_absolute_url() if edition.pk else reverse("newsletters:preview")
    publication = edition_publication()  # the list's language is active
    if articles is None:
        articles = selectors.edition_articles(edition=edition)
    when = edition.sent_at or edition.scheduled_at or timezone.now()
    token = TOKEN_PLACEHOLDER
    return {
        "edition": edition,
        "newsletter": newsletter,
        "publication": publication,
        "subject": edition.subject,
        "date": timezone.localtime(when),
        "intro_paragraphs": _intro_paragraphs(edition.intro),
        "items": edition_items(articles=articles, full_text=edition.full_text, links=links),
        "full_text": edition.full_text,
        "base_url": settings.BASE_URL,
        "home_url": absolute(edition_prefix(translation.get_language())),
        "web_url": absolute(web_path),
        # Emails name the newest mirror besides the main site, where it is blocked.
        "mirror": links.mirror,
        "mirror_web_url": links.mirror + web_path if links.mirror else "",
        "archive_url": absolute(newsletter.get_absolute_url()),
        "unsubscribe_url": absolute(reverse("newsletters:unsubscribe", args=[token])),
        "manage_url": absolute(reverse("newsletters:manage", args=[token])),
        "preview": preview,
        "ways_in": ways_in,
    }


MIRROR_LABEL = gettext_lazy("Mirror")


def _ways_in() -> list[dict[str, str]]:
    """The onion address and the mirrors, as they are now: each edition carries the current
    ways in for readers whose country blocks the main site."""
    from masthead.distribution.selectors import mirrors_available

    return [
        {"label": "Tor Browser" if a.proto == "tor" else MIRROR_LABEL, "url": a.url}
        for a in mirrors_available()
    ]


@dataclass(frozen=True)
class RenderedEdition:
    subject: str
    from_email: str  # "Name <address>"
    sender_address: str
    list_id: str
    html: str  # CSS inlined; TOKEN_PLACEHOLDER where each reader's token goes
    text: str
    unsubscribe_base: str  # the list's one-click address, its reader's token and "/" to follow
    headers: dict[str, str] = field(default_factory=dict)

    def personalise(self, token: str) -> tuple[str, str]:
        return self.html.replace(TOKEN_PLACEHOLDER, token), self.text.replace(
            TOKEN_PLACEHOLDER, token
        )

    def html_for_preview(self) -> str:
        return self.html.replace(TOKEN_PLACEHOLDER, "preview")


_inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def email_html_inline(raw_html: str) -> str:
    return _inliner.inline(raw_html)


def list_id_for(newsletter) -> str:
    host = urlsplit(settings.BASE_URL).hostname or "localhost"
    name = newsletter.name.replace('"', "'")
    return f'"{name}" <{newsletter.slug}.list-id.{host}>'


def edition_render(*, edition, preview: bool = False, articles=None) -> RenderedEdition:
    """The email in its list's language, whatever language is active (the worker's)."""
    with translation.override(edition.newsletter.edition_language):
        return _edition_render(edition=edition, preview=preview, articles=articles)


def _edition_render(*, edition, preview: bool, articles) -> RenderedEdition:
    context = edition_email_context(edition=edition, preview=preview, articles=articles)
    html = email_html_inline(render_to_string("newsletters/email/edition.html", context))
    text = render_to_string("newsletters/email/edition.txt", context)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    newsletter = edition.newsletter
    return RenderedEdition(
        subject=edition.subject,
        from_email=formataddr((newsletter.sender_name, newsletter.sender_email)),
        sender_address=newsletter.sender_email,
        list_id=list_id_for(newsletter),
        html=html,
        text=text,
        unsubscribe_base=context["unsubscribe_url"].removesuffix(f"{TOKEN_PLACEHOLDER}/"),
    )
