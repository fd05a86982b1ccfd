"""An old site's article HTML → the blocks of ``ArticleBodyBlock``.

One converter for WordPress (Gutenberg block markup and classic-editor text, after
``classic_paragraphs``) and Ghost (its ``html``, or mobiledoc/lexical rendered to HTML first).
The HTML is read with a real parser (BeautifulSoup over the standard library's parser) and
rebuilt from an allow-list: only bold, italic, links, lists, superscript and subscript survive
in paragraphs, as the article editor allows; scripts, styles, forms and attributes are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from wagtail.images.models import Image
from wagtail.rich_text import RichText

# (url, WordPress attachment id or None) → the image, or None when it cannot be had (the
# resolver lists it as missing).
ImageResolver = Callable[[str, int | None], Image | None]

HEADING_MAX = 200
QUOTE_ATTRIBUTION_MAX = 200
ALT_MAX = 300
CAPTION_MAX = 500
CREDIT_PART_MAX = 120
EMBED_TITLE_MAX = 200

INLINE_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "br",
        "cite",
        "code",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
    ]
)
CONTAINER_TAGS = frozenset(
    [
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "center",
        "details",
        "summary",
        "dl",
        "dd",
        "dt",
    ]
)
DROPPED_TAGS = frozenset(
    ["script", "style", "noscript", "form", "input", "button", "select", "textarea", "svg"]
)
MEDIA_TAGS = frozenset({"iframe", "video", "audio", "embed", "object"})
BLOCK_TAGS = (
    "address|article|aside|blockquote|center|details|div|dl|figure|figcaption|footer|form|"
    "h[1-6]|header|hr|iframe|li|main|nav|ol|p|pre|section|summary|table|tbody|td|tfoot|th|"
    "thead|tr|ul|video|audio"
)

SHORTCODE = re.compile(r"\[(/?)([a-z][a-z0-9_-]*)(\s[^\[\]]*)?/?\]")
# The patterns that scan an export's text stop at the next shortcode or tag: matching
# stays linear in the text, where ".*?" up to a closing code that never comes (60,000
# unclosed "[caption]") made it quadratic, minutes for a few hundred kilobytes.
CAPTION_SHORTCODE = re.compile(
    r"\[caption([^\[\]]*)\]((?:(?!\[/?caption)[\s\S])*)\[/caption\]", re.IGNORECASE
)
CAPTION_INNER = re.compile(
    r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.IGNORECASE
)
EMBED_SHORTCODE = re.compile(
    r"\[embed[^\[\]]*\]((?:(?!\[/?embed)[\s\S])*)\[/embed\]", re.IGNORECASE
)
BARE_URL_LINE = re.compile(r"(?m)^[ \t]*(https?://[^\s<>\"']+)[ \t]*$")
WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
CREDIT_TAIL = 300
CREDIT = re.compile(
    r"[\s(\[|–—-]*\b(?:photo(?:graph)?s?|credit|image|picture|фото)\s*:\s*"
    r"(?P<credit>[^()\[\]]+?)[)\]]?[\s.]*$|\s*©\s*(?P<copyright>[^()\[\]]+?)[\s.]*$",
    re.IGNORECASE,
)

PROVIDERS = {
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "vimeo.com": "Vimeo",
    "twitter.com": "X (Twitter)",
    "x.com": "X (Twitter)",
    "t.me": "Telegram",
    "instagram.com": "Instagram",
    "facebook.com": "Facebook",
    "soundcloud.com": "SoundCloud",
    "spotify.com": "Spotify",
    "tiktok.com": "TikTok",
    "bsky.app": "Bluesky",
}


@dataclass
class BodyResult:
    blocks: list[tuple[str, object]] = field(default_factory=list)
    shortcodes: Counter = field(default_factory=Counter)

    def first_text(self) -> str:
        for kind, value in self.blocks:
            if kind == "paragraph":
                text = BeautifulSoup(value.source, "html.parser").get_text(" ", strip=True)
                if text:
                    return text
        return ""


def html_to_text(html: str) -> str:
    return _text(BeautifulSoup(html, "html.parser")) if "<" in html else " ".join(html.split())


def credit_split(caption: str) -> tuple[str, str, str]:
    """ "Protesters in the square. Photo: Jane Doe / Reuters" → (caption, photographer,
    organisation). A caption without a recognisable credit comes back whole."""
    caption = " ".join(caption.split())
    # A credit ends the caption: searched for in its tail only, so that a caption of
    # thousands of dashes costs no more than a short one.
    match = CREDIT.search(caption, max(0, len(caption) - CREDIT_TAIL))
    if not match:
        return caption, "", ""
    credit = (match.group("credit") or match.group("copyright") or "").strip()
    rest = caption[: match.start()].strip()
    parts = [p.strip() for p in re.split(r"\s*/\s*", credit, maxsplit=1)]
    photographer = parts[0][:CREDIT_PART_MAX]
    organisation = parts[1][:CREDIT_PART_MAX] if len(parts) > 1 else ""
    return rest, photographer, organisation


def first_sentence(text: str, *, limit: int) -> str:
    """The first sentence of ``text``, cut at a word within ``limit`` characters."""
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?…])(?:\s|$)", text)
    sentence = match.group(1) if match else text
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def shortcodes_found(text: str) -> Counter:
    return Counter(m.group(2) for m in SHORTCODE.finditer(text) if not m.group(1))


def wordpress_shortcodes_convert(text: str) -> str:
    """The shortcodes that have an equivalent: [caption] → a figure, [embed] → a bare URL."""

    def caption(match: re.Match) -> str:
        attributes, inner = match.group(1), match.group(2)
        found = CAPTION_INNER.match(inner)
        if not found:
            return inner
        image, text = found.group(1), found.group(2).strip()
        if not text:
            attr = re.search(r'caption="([^"]*)"', attributes)
            text = attr.group(1) if attr else ""
        return f"\n\n<figure>{image}<figcaption>{text}</figcaption></figure>\n\n"

    text = CAPTION_SHORTCODE.sub(caption, text)
    return EMBED_SHORTCODE.sub(lambda m: f"\n\n{m.group(1).strip()}\n\n", text)


def classic_paragraphs(text: str) -> str:
    """WordPress's ``wpautop`` for classic-editor posts: text separated by blank lines becomes
    paragraphs, single line breaks become <br>, block-level HTML is left as it is, and a URL
    alone on its line stands alone (WordPress shows it as an embed)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = BARE_URL_LINE.sub(lambda m: f"\n\n{m.group(1)}\n\n", text)
    text = re.sub(rf"(<(?:{BLOCK_TAGS})\b[^<>]*>)", r"\n\n\1", text, flags=re.IGNORECASE)
    text = re.sub(rf"(</(?:{BLOCK_TAGS})>)", r"\1\n\n", text, flags=re.IGNORECASE)
    out = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if re.match(rf"</?(?:{BLOCK_TAGS})\b", chunk, re.IGNORECASE) or chunk.startswith("<!--"):
            out.append(chunk)
        elif re.fullmatch(r"https?://[^\s<>\"']+", chunk):
            out.append(f'<figure class="wp-block-embed"><div>{escape(chunk)}</div></figure>')
        else:
            out.append("<p>" + chunk.replace("\n", "<br>") + "</p>")
    return "\n".join(out)


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if url.startswith("//"):
        url = "https:" + url
    return url if urlsplit(url).scheme in ("http", "https") else ""


def _embed_url(url: str) -> str:
    """A player address → the address a reader can open (YouTube's /embed/ID → /watch?v=ID)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    match = re.match(r"/embed/([\w-]+)", parts.path)
    if host in ("youtube.com", "youtube-nocookie.com") and match:
        return f"https://www.youtube.com/watch?v={match.group(1)}"
    match = re.match(r"/video/(\d+)", parts.path)
    if host == "player.vimeo.com" and match:
        return f"https://vimeo.com/{match.group(1)}"
    return url


def _provider(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    for domain, name in PROVIDERS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return ""


def _text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split()) if node is not None else ""


class _Converter:
    def __init__(self, image_for: ImageResolver) -> None:
        self.image_for = image_for
        self.result = BodyResult()
        self.inline: list = []

    # --- inline content → Wagtail's rich text ---------------------------------------------

    def rich(self, node) -> str:
        if isinstance(node, Comment):
            return ""
        if isinstance(node, NavigableString):
            return escape(str(node), quote=False)
        if not isinstance(node, Tag) or node.name in DROPPED_TAGS or node.name == "img":
            return ""
        inner = "".join(self.rich(child) for child in node.children)
        name = node.name
        if name == "br":
            return "<br/>"
        if not inner.strip():
            return inner
        if name in ("b", "strong"):
            return f"<b>{inner}</b>"
        if name in ("i", "em", "cite", "dfn", "var"):
            return f"<i>{inner}</i>"
        if name in ("sup", "sub"):
            return f"<{name}>{inner}</{name}>"
        if name == "a":
            href = (node.get("href") or "").strip()
            if urlsplit(href).scheme in ("http", "https", "mailto") or href.startswith("/"):
                return f'<a href="{escape(href)}">{inner}</a>'
            return inner
        if name in ("ul", "ol"):
            return self.list_html(node)
        return inner

    def list_html(self, node: Tag) -> str:
        items = "".join(
            f"<li>{''.join(self.rich(c) for c in li.children).strip()}</li>"
            for li in node.find_all("li", recursive=False)
        )
        return f"<{node.name}>{items}</{node.name}>" if items else ""

    def paragraph(self, html: str) -> None:
        html = html.strip()
        while html.startswith("<br/>"):
            html = html[5:].lstrip()
        while html.endswith("<br/>"):
            html = html[:-5].rstrip()
        if re.sub(r"<[^>]+>", "", html).strip():
            self.result.shortcodes.update(shortcodes_found(html))
            wrapped = html if re.match(r"<(ul|ol)>", html) else f"<p>{html}</p>"
            self.result.blocks.append(("paragraph", RichText(wrapped)))

    def flush(self) -> None:
        if self.inline:
            self.paragraph("".join(self.rich(n) for n in self.inline))
            self.inline = []

    # --- blocks -----------------------------------------------------------------------------

    def image(self, img: Tag, caption: str = "") -> None:
        src = _clean_url(img.get("src") or img.get("data-src") or "")
        if not src and (img.get("src") or "").startswith("__GHOST_URL__"):
            src = img["src"]
        if not src:
            return
        match = WP_IMAGE_CLASS.search(" ".join(img.get("class") or []))
        image = self.image_for(src, int(match.group(1)) if match else None)
        if image is None:
            return
        text, photographer, organisation = credit_split(caption)
        self.result.blocks.append(
            (
                "image",
                {
                    "image": image,
                    "alt": " ".join((img.get("alt") or "").split())[:ALT_MAX],
                    "caption": text[:CAPTION_MAX],
                    "photographer": photographer,
                    "organisation": organisation,
                },
            )
        )

    def embed(self, url: str, title: str = "", provider: str = "") -> None:
        url = _clean_url(_embed_url(url))
        if not url:
            return
        title = " ".join(title.split()) or url
        self.result.blocks.append(
            (
                "embed",
                {
                    "url": url,
                    "title": title[:EMBED_TITLE_MAX],
                    "provider": (provider or _provider(url))[:80],
                },
            )
        )

    def quote(self, node: Tag) -> None:
        attribution = ""
        for tag in node.find_all(["cite", "footer"]):
            attribution = attribution or _text(tag)
            tag.decompose()
        paragraphs = [_text(p) for p in node.find_all("p")] or [_text(node)]
        text = "\n\n".join(p for p in paragraphs if p)
        if text:
            self.result.shortcodes.update(shortcodes_found(text))
            self.result.blocks.append(
                ("quote", {"text": text, "attribution": attribution[:QUOTE_ATTRIBUTION_MAX]})
            )

    def figure(self, node: Tag) -> None:
        classes = set(node.get("class") or [])
        caption = _text(node.find("figcaption"))
        if "kg-bookmark-card" in classes:
            link = node.find("a", href=True)
            title = node.find(class_="kg-bookmark-title")
            if link:
                self.embed(link["href"], _text(title) or caption)
            return
        media = node.find(MEDIA_TAGS)
        if "wp-block-embed" in classes or media is not None:
            url = ""
            if media is not None:
                url = media.get("src") or media.get("data") or ""
                source = media.find("source") if not url else None
                url = url or (source.get("src", "") if source else "")
            if not url:
                link = node.find("a", href=True)
                url = link["href"] if link else _text(node).split(" ")[0]
            provider = next(
                (c.removeprefix("is-provider-") for c in classes if c.startswith("is-provider-")),
                "",
            )
            self.embed(url, caption, PROVIDERS.get(f"{provider}.com", provider.title()))
            return
        images = node.find_all("img")
        if images:
            for img in images:
                # A gallery's own captions sit next to each picture; a single picture's below.
                own = img.find_parent("figure")
                own_caption = _text(own.find("figcaption")) if own not in (None, node) else ""
                self.image(img, own_caption or (caption if len(images) == 1 else ""))
            return
        quote = node.find("blockquote")
        if quote is not None:
            self.quote(quote)
            return
        self.walk(node)

    def paragraph_node(self, node: Tag) -> None:
        images = node.find_all("img")
        text = _text(node)
        if images and not text:
            for img in images:
                self.image(img)
            return
        if re.fullmatch(r"https?://\S+", text) and len(node.find_all(True)) <= 1:
            self.embed(text)
            return
        self.paragraph("".join(self.rich(c) for c in node.children))
        for img in images:
            self.image(img)

    def walk(self, parent: Tag) -> None:
        for node in list(parent.children):
            if isinstance(node, Comment):
                continue
            if isinstance(node, NavigableString):
                if str(node).strip():
                    self.inline.append(node)
                continue
            if not isinstance(node, Tag):
                continue
            name = node.name
            if name in INLINE_TAGS and not node.find(["img", *MEDIA_TAGS]):
                self.inline.append(node)
                continue
            self.flush()
            if name in DROPPED_TAGS or name == "hr":
                continue
            if name == "p":
                self.paragraph_node(node)
            elif re.fullmatch(r"h[1-6]", name):
                text = _text(node)
                if text:
                    self.result.blocks.append(("heading", text[:HEADING_MAX]))
            elif name == "blockquote":
                link = node.find("a", href=True)
                if {"twitter-tweet", "instagram-media", "tiktok-embed"} & set(
                    node.get("class") or []
                ) and link:
                    self.embed(link["href"], _text(node)[:EMBED_TITLE_MAX])
                else:
                    self.quote(node)
            elif name in ("ul", "ol"):
                self.paragraph(self.list_html(node))
            elif name == "figure":
                self.figure(node)
            elif name == "img":
                self.image(node)
            elif name in MEDIA_TAGS:
                source = node.find("source")
                self.embed(node.get("src") or node.get("data") or (source or {}).get("src", ""))
            elif name == "pre":
                self.paragraph(escape(node.get_text()).strip().replace("\n", "<br/>"))
            elif name == "table":
                rows = [
                    " | ".join(_text(cell) for cell in tr.find_all(["td", "th"]))
                    for tr in node.find_all("tr")
                ]
                self.paragraph("<br/>".join(escape(r) for r in rows if r.strip(" |")))
            else:  # containers (Gutenberg columns and groups, divs) and anything unknown
                self.walk(node)
        self.flush()


def html_to_blocks(*, html: str, image_for: ImageResolver) -> BodyResult:
    """Blocks for ``ArticleBodyBlock`` from an article's HTML. Shortcodes left in the text are
    counted in the result, by name."""
    converter = _Converter(image_for)
    converter.walk(BeautifulSoup(html, "html.parser"))
    return converter.result


def wordpress_content_to_blocks(*, content: str, image_for: ImageResolver) -> BodyResult:
    """A WordPress post's ``content:encoded``: Gutenberg block markup or classic-editor text."""
    content = wordpress_shortcodes_convert(content)
    if "<!-- wp:" not in content:
        content = classic_paragraphs(content)
    else:
        # Outside of blocks' HTML a URL alone on a line is still an embed (freeform blocks).
        content = BARE_URL_LINE.sub(
            lambda m: f'<figure class="wp-block-embed"><div>{escape(m.group(1))}</div></figure>',
            content,
        )
    return html_to_blocks(html=content, image_for=image_for)


def info_blocks(blocks: list[tuple[str, object]]) -> tuple[list[tuple[str, object]], int]:
    """Article blocks → the blocks an information page has (paragraphs and headings): quotes
    and links to outside material become paragraphs; pictures cannot be kept (counted)."""
    out: list[tuple[str, object]] = []
    dropped = 0
    for kind, value in blocks:
        if kind in ("paragraph", "heading"):
            out.append((kind, value))
        elif kind == "quote":
            text = "<br/>".join(escape(p) for p in value["text"].split("\n\n"))
            if value["attribution"]:
                text += f"<br/>— {escape(value['attribution'])}"
            out.append(("paragraph", RichText(f"<p>{text}</p>")))
        elif kind == "embed":
            link = f'<a href="{escape(value["url"])}">{escape(value["title"])}</a>'
            out.append(("paragraph", RichText(f"<p>{link}</p>")))
        else:
            dropped += 1
    return out, dropped
