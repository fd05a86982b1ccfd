"""WordPress's export (WXR 1.1/1.2, *Tools → Export*) → Masthead.

The file is read twice, streamed and never whole: first the authors, categories, tags and
attachments (small records; a post's featured image usually comes after the post in the file),
then the posts and pages one at a time, each element cleared once read. The file comes from
outside: ``defusedxml`` refuses DTDs and entities (no billion laughs, no external files).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.db import transaction
from django.utils.text import slugify

from masthead.core.numbers import whole_number
from masthead.imports.services.body import BodyResult, credit_split, wordpress_content_to_blocks
from masthead.imports.services.pages import (
    AuthorRef,
    ImportError_,
    ImportReport,
    ImportRun,
    MediaSource,
    PhotoRef,
    PostData,
    SectionRef,
    old_path,
)

IMPORTED_TYPES = {"post": True, "page": False}  # post_type → is an article
SKIPPED_STATUSES = {"trash": "in the bin", "auto-draft": "an empty auto-draft", "inherit": ""}
NOT_PUBLIC = {
    "draft": "draft",
    "pending": "pending review",
    "future": "scheduled",
    "private": "private",
}
# "photo-1024x768.jpg" is WordPress's resized copy of "photo.jpg".
SIZE_VARIANT = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
PHP_CREDIT = re.compile(r's:6:"credit";s:\d+:"(.*?)";', re.DOTALL)


def _local(tag: str) -> str:
    """``{http://wordpress.org/export/1.2/}post_id`` → ``wp:post_id`` (any WXR version)."""
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    if uri.endswith("/excerpt/"):
        return f"excerpt:{local}"
    if "wordpress.org/export" in uri:
        return f"wp:{local}"
    if "purl.org/rss/1.0/modules/content" in uri:
        return f"content:{local}"
    if "purl.org/dc/elements" in uri:
        return f"dc:{local}"
    return local


def _text(elem, name: str) -> str:
    for child in elem:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _date(value: str) -> datetime | None:
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


@dataclass
class Attachment:
    url: str
    caption: str
    alt: str
    credit: str
    title: str


@dataclass
class Catalogue:
    """What the first pass collects: everything but the posts' content."""

    authors: dict[str, tuple[str, str]] = field(default_factory=dict)  # login → (name, slug)
    categories: dict[str, str] = field(default_factory=dict)  # nicename → name
    category_ids: dict[str, str] = field(default_factory=dict)  # term_id → nicename
    tags: dict[str, str] = field(default_factory=dict)  # nicename → name
    attachments: dict[int, Attachment] = field(default_factory=dict)
    attachment_urls: dict[str, int] = field(default_factory=dict)
    posts: int = 0


def _elements(path: Path, names: set[str]) -> Iterator:
    """Elements of the given (local) names as each ends; every element is cleared after use.
    Raises ImportError_ when the file is not well-formed XML or has a DTD/entities."""
    try:
        context = iterparse(str(path), events=("start", "end"), forbid_dtd=True)
        stack = []
        for event, elem in context:
            if event == "start":
                stack.append(elem)
                continue
            stack.pop()
            name = _local(elem.tag)
            if name in names:
                yield elem
                elem.clear()
                if stack and name in ("item", "wp:author", "wp:category", "wp:tag"):
                    stack[-1].remove(elem)
    except DefusedXmlException as exc:
        raise ImportError_(f"{path.name}: refused ({exc.__class__.__name__}).") from None
    except SyntaxError as exc:  # ElementTree.ParseError
        raise ImportError_(f"{path.name} is not a WordPress export (XML error: {exc}).") from None


def _postmeta(item) -> dict[str, str]:
    meta = {}
    for child in item:
        if _local(child.tag) == "wp:postmeta":
            meta[_text(child, "wp:meta_key")] = _text(child, "wp:meta_value")
    return meta


def wordpress_catalogue_read(*, path: Path) -> Catalogue:
    catalogue = Catalogue()
    seen_channel = False
    for elem in _elements(path, {"channel", "wp:author", "wp:category", "wp:tag", "item"}):
        name = _local(elem.tag)
        if name == "channel":
            seen_channel = True
        elif name == "wp:author":
            login = _text(elem, "wp:author_login")
            catalogue.authors[login] = (
                _text(elem, "wp:author_display_name") or login,
                _text(elem, "wp:author_nicename") or login,
            )
        elif name == "wp:category":
            nicename = unquote(_text(elem, "wp:category_nicename"))
            catalogue.categories[nicename] = _text(elem, "wp:cat_name") or nicename
            catalogue.category_ids[_text(elem, "wp:term_id")] = nicename
        elif name == "wp:tag":
            nicename = unquote(_text(elem, "wp:tag_slug"))
            catalogue.tags[nicename] = _text(elem, "wp:tag_name") or nicename
        elif name == "item":
            post_type = _text(elem, "wp:post_type")
            if post_type == "attachment":
                meta = _postmeta(elem)
                credit = PHP_CREDIT.search(meta.get("_wp_attachment_metadata", ""))
                url = _text(elem, "wp:attachment_url")
                attachment_id = whole_number(_text(elem, "wp:post_id").strip()) or 0
                catalogue.attachments[attachment_id] = Attachment(
                    url=url,
                    caption=_text(elem, "excerpt:encoded"),
                    alt=meta.get("_wp_attachment_image_alt", ""),
                    credit=credit.group(1).strip() if credit else "",
                    title=_text(elem, "title"),
                )
                catalogue.attachment_urls[SIZE_VARIANT.sub("", url)] = attachment_id
            elif post_type in IMPORTED_TYPES:
                catalogue.posts += 1
    if not seen_channel:
        raise ImportError_(f"{path.name} has no <channel>: it is not a WordPress export.")
    return catalogue


def _photo(catalogue: Catalogue, attachment_id: int, media: MediaSource) -> PhotoRef | None:
    attachment = catalogue.attachments.get(attachment_id)
    if attachment is None or not attachment.url:
        return None
    caption, photographer, organisation = credit_split(attachment.caption)
    if attachment.credit:  # the credit field of the picture's own metadata (IPTC) wins
        parts = [p.strip() for p in attachment.credit.split("/", 1)]
        photographer, organisation = parts[0], parts[1] if len(parts) > 1 else organisation
    return PhotoRef(
        url=attachment.url,
        source_id=media.relative(attachment.url),
        alt=attachment.alt,
        caption=caption,
        photographer=photographer,
        organisation=organisation,
    )


def _post_data(
    item, catalogue: Catalogue, media: MediaSource, section_from: str
) -> tuple[PostData | None, str]:
    """A post or page item → PostData, or (None, why it is skipped)."""
    post_type = _text(item, "wp:post_type")
    post_id = _text(item, "wp:post_id")
    status = _text(item, "wp:status")
    if post_type not in IMPORTED_TYPES:
        return None, f"{post_type or 'unknown'} items are not imported"
    if status in SKIPPED_STATUSES:
        return None, SKIPPED_STATUSES[status] or status
    title = _text(item, "title")
    is_article = IMPORTED_TYPES[post_type]
    meta = _postmeta(item)
    categories: list[tuple[str, str]] = []
    tags: list[str] = []
    for child in item:
        if _local(child.tag) != "category":
            continue
        nicename = unquote(child.get("nicename", ""))
        name = (child.text or "").strip()
        if child.get("domain") == "category":
            categories.append((nicename, name))
        elif child.get("domain") == "post_tag":
            tags.append(name)
    chosen = categories[0] if categories else None
    primary = catalogue.category_ids.get(meta.get("_yoast_wpseo_primary_category", ""))
    if section_from == "primary" and primary:
        chosen = (primary, catalogue.categories.get(primary, primary))
    section = None
    if chosen:
        section = SectionRef(
            slug=chosen[0] or slugify(chosen[1], allow_unicode=True),
            title=chosen[1] or chosen[0],
            old_paths=(old_path(f"/category/{chosen[0]}/"),),
        )
    login = _text(item, "dc:creator")
    authors = ()
    if login:
        name, slug = catalogue.authors.get(login, (login, login))
        authors = (AuthorRef(source_id=login, slug=slug, name=name),)
    password = _text(item, "wp:post_password")
    if status == "publish" and password:
        public, why = False, "password-protected"
    elif status == "publish":
        public, why = True, ""
    else:
        public, why = False, NOT_PUBLIC.get(status, status)
    link = _text(item, "link")
    paths = [old_path(link)] if link else []
    paths.append(old_path(f"/?p={post_id}"))
    if not is_article:
        paths.append(old_path(f"/?page_id={post_id}"))
    thumbnail_id = whole_number(meta.get("_thumbnail_id", "").strip())
    return (
        PostData(
            source_id=post_id,
            is_article=is_article,
            title=title,
            slug=unquote(_text(item, "wp:post_name")),
            content=_text(item, "content:encoded"),
            excerpt=_text(item, "excerpt:encoded"),
            public=public,
            not_public_why=why,
            published_at=_date(_text(item, "wp:post_date_gmt")),
            modified_at=_date(_text(item, "wp:post_modified_gmt")),
            section=section,
            tags=tuple(dict.fromkeys(tags)),
            authors=authors,
            lead_photo=_photo(catalogue, thumbnail_id, media) if thumbnail_id else None,
            old_paths=tuple(dict.fromkeys(paths)),
        ),
        "",
    )


def wordpress_import(
    *,
    path: Path,
    uploads: Path | None = None,
    fetch: bool = True,
    fetch_private: bool = False,
    section_from: str = "first",
    dry_run: bool = False,
    started: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a WXR file. ``started(total posts)`` then ``progress(done)`` as it goes."""
    if not path.is_file():
        raise ImportError_(f"Cannot open {path}.")
    catalogue = wordpress_catalogue_read(path=path)
    if started:
        started(catalogue.posts)
    media = MediaSource(
        marker="/uploads/",
        folder=uploads,
        fetch=fetch,
        fetch_private=fetch_private,
        variant=SIZE_VARIANT,
    )
    report = ImportReport(dry_run=dry_run)

    def convert(post: PostData, image_for) -> BodyResult:
        def body_image(url: str, attachment_id: int | None):
            if attachment_id is None:
                attachment_id = catalogue.attachment_urls.get(SIZE_VARIANT.sub("", url))
            attachment = catalogue.attachments.get(attachment_id) if attachment_id else None
            # The attachment's original file, not the resized copy the post shows.
            url = attachment.url if attachment and attachment.url else url
            return image_for(url, media.relative(url), attachment.title if attachment else "")

        return wordpress_content_to_blocks(content=post.content, image_for=body_image)

    # Each post commits on its own (a long import does not hold the database); a dry run is one
    # transaction rolled back at the end.
    with transaction.atomic() if dry_run else nullcontext():
        run = ImportRun(source="wordpress", media=media, convert=convert, report=report)
        done = 0
        for item in _elements(path, {"item"}):
            post_type = _text(item, "wp:post_type")
            if post_type == "attachment":
                continue
            label = _text(item, "title") or _text(item, "wp:post_id")
            run.post_import(label, lambda: _post_data(item, catalogue, media, section_from))  # noqa: B023 - called at once
            if post_type in IMPORTED_TYPES:
                done += 1
                if progress:
                    progress(done)
        run.tag_redirects(catalogue.tags, prefix="/tag/")
        if dry_run:
            transaction.set_rollback(True)
    if dry_run:
        run.discard_files()
    return report
