"""Writing what an old site held into Masthead: sections, authors, pictures, articles,
information pages and the redirects from the old addresses. Shared by every importer; an
importer reads its own format into ``PostData`` and hands it to ``ImportRun.post_save``.

Idempotence: every page, author and picture made is recorded in ``ImportedItem`` under the old
site's identifier with a digest of what it was made from. A second run skips what has not
changed, updates what has (a new revision, published if the post is published) and makes
nothing twice.

Nothing that was not public on the old site becomes public here: drafts, pending, scheduled,
private and password-protected posts are saved as drafts, get no redirect (a redirect would
tell anyone the new address and title), and a published page whose post is no longer public
is unpublished.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import json
import re
import socket
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.images.models import Image
from wagtail.models import Page

from masthead.imports.models import ImportedItem
from masthead.imports.services.body import BodyResult, first_sentence, info_blocks
from masthead.publishing.models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    HomePage,
    InfoPage,
    SectionPage,
)

FETCH_TIMEOUT = 15  # seconds per picture fetched from the old site
FETCH_MAX_BYTES = 40 * 1024 * 1024
STANDFIRST_MAX = ArticlePage._meta.get_field("standfirst").max_length
TITLE_MAX = Page._meta.get_field("title").max_length
SLUG_MAX = Page._meta.get_field("slug").max_length
DEFAULT_SECTION = ("news", "News")  # for posts filed under nothing


class ImportError_(Exception):
    """The export cannot be imported at all (not the format, no home page)."""


# --- What importers hand over ------------------------------------------------------------------


@dataclass(frozen=True)
class SectionRef:
    slug: str
    title: str
    old_paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuthorRef:
    source_id: str  # login (WordPress), id (Ghost)
    slug: str
    name: str


@dataclass(frozen=True)
class PhotoRef:
    url: str
    source_id: str  # what identifies the file across runs (the path under uploads/images)
    alt: str = ""
    caption: str = ""
    photographer: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class PostData:
    source_id: str
    is_article: bool  # else an information page
    title: str
    slug: str
    content: str  # as the old site stored it; converted by the importer's ``convert``
    excerpt: str
    public: bool
    not_public_why: str  # "draft", "password-protected"… when not public
    published_at: datetime | None
    modified_at: datetime | None
    section: SectionRef | None
    tags: tuple[str, ...]
    authors: tuple[AuthorRef, ...]
    lead_photo: PhotoRef | None
    old_paths: tuple[str, ...]

    def fingerprint(self) -> str:
        raw = json.dumps(asdict(self), default=str, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    drafts: list[tuple[str, str]] = field(default_factory=list)  # (title, why not public)
    media_missing: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    shortcodes: Counter = field(default_factory=Counter)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # (what, old, new slug)
    redirects: int = 0
    not_converted: Counter = field(default_factory=Counter)
    dry_run: bool = False

    def lines(self) -> list[str]:
        out = [
            f"Imported {len(self.imported)}, updated {len(self.updated)}, "
            f"unchanged {self.unchanged}, skipped {len(self.skipped)}; "
            f"{self.redirects} redirects from old addresses."
            + (" Dry run: nothing was written." if self.dry_run else "")
        ]
        if self.drafts:
            out.append(f"Saved as drafts, not public ({len(self.drafts)}):")
            out += [f"  {title} — {why}" for title, why in self.drafts]
        if self.skipped:
            out.append(f"Skipped ({len(self.skipped)}):")
            reasons = Counter(why for _, why in self.skipped)
            out += [f"  {count} × {why}" for why, count in reasons.most_common()]
        if self.media_missing:
            out.append(f"Media missing ({len(self.media_missing)}), imported without them:")
            out += [f"  {name} — {why}" for name, why in self.media_missing]
        if self.shortcodes:
            out.append("Shortcodes kept as text (no equivalent here):")
            out += [f"  [{name}] × {count}" for name, count in self.shortcodes.most_common()]
        if self.not_converted:
            out.append("Not converted:")
            out += [f"  {count} × {what}" for what, count in self.not_converted.most_common()]
        if self.renamed:
            out.append("Given another address (the old one is taken by Masthead or a page):")
            out += [f"  {what} {old!r} → {new!r}" for what, old, new in self.renamed]
        return out


# --- Addresses Masthead serves itself ----------------------------------------------------------


def reserved_root_slugs() -> frozenset[str]:
    """First path segments the site's URL configuration answers before any page: a section or
    page with such a slug would never be seen."""
    found: set[str] = set()

    def visit(patterns, prefix: str = "") -> None:
        for pattern in patterns:
            text = prefix + str(pattern.pattern).lstrip("^")
            if isinstance(pattern, URLResolver) and not text:
                visit(pattern.url_patterns)
                continue
            literal = re.match(r"[\w.-]+", text)
            if literal and (isinstance(pattern, URLPattern | URLResolver)):
                found.add(literal.group(0).lower())

    visit(get_resolver().url_patterns)
    # Every language edition's prefix (/ru/…): a section "ru" would sit behind its front page.
    found.update(code.lower() for code, _name in settings.LANGUAGES)
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        segment = (url or "").strip("/").split("/")[0]
        if segment:
            found.add(segment.lower())
    return frozenset(found)


def old_path(url: str) -> str:
    """The path (and query) of an old address, as the redirects table stores it; "" for one
    no URL parser takes."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "http://[::1"
        return ""
    path = parts.path or "/"
    return Redirect.normalise_path(path + (f"?{parts.query}" if parts.query else ""))


# --- One run ---------------------------------------------------------------------------------


@dataclass
class MediaSource:
    """Where pictures come from: a local copy of the old site's upload folder (matched by the
    path after ``marker``), else the address itself over HTTP."""

    marker: str  # "/uploads/" (WordPress) or "/content/images/" (Ghost)
    folder: Path | None = None
    fetch: bool = True
    # An export file is input from outside: its addresses must not make this server request
    # its own network (loopback, private ranges, cloud metadata) unless the operator says so.
    fetch_private: bool = False
    variant: re.Pattern | None = None  # resized copies' names → the original's

    def relative(self, url: str) -> str:
        try:
            path = unquote(urlsplit(url).path)
        except ValueError:  # "http://[x/…": names no file
            return ""
        path = path.split(self.marker, 1)[1] if self.marker in path else PurePosixPath(path).name
        return path.lstrip("/")

    def read(self, url: str) -> tuple[bytes | None, str]:
        try:
            scheme = urlsplit(url).scheme
        except ValueError:
            return None, "not an address"
        relative = self.relative(url)
        if self.folder is not None:
            candidates = [relative]
            if self.variant is not None:
                original = self.variant.sub("", relative)
                if original != relative:
                    candidates.append(original)
            root = self.folder.resolve()
            for candidate in candidates:
                path = (root / candidate).resolve()
                if path.is_relative_to(root) and path.is_file():
                    return path.read_bytes(), ""
        if not self.fetch or scheme not in ("http", "https"):
            return None, "not in the local folder" if self.folder else "no local folder given"
        request = urllib.request.Request(url, headers={"User-Agent": "Masthead importer"})  # noqa: S310 - http(s) only, checked above
        opener = urllib.request.build_opener(_PublicOnlyRedirects(self.fetch_private))
        try:
            _refuse_private(url, allowed=self.fetch_private)
            with opener.open(request, timeout=FETCH_TIMEOUT) as response:
                data = response.read(FETCH_MAX_BYTES + 1)
        except PrivateAddressError as exc:
            return None, f"not fetched: {exc}"
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or getattr(exc, "code", None) or exc
            return None, f"could not fetch: {reason}"
        if len(data) > FETCH_MAX_BYTES:
            return None, "larger than 40 MB"
        return data, ""


class PrivateAddressError(Exception):
    pass


def _refuse_private(url: str, *, allowed: bool) -> None:
    """Refuse an address whose host resolves to this machine or a private network."""
    if allowed:
        return
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError) as exc:
        raise urllib.error.URLError(f"unknown host {host!r}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise PrivateAddressError(
                f"{host} is a private or local address "
                "(use --fetch-private-addresses if the old site lives there)"
            )


class _PublicOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect may not lead where the first address could not."""

    def __init__(self, allowed: bool) -> None:
        self.allowed = allowed

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.URLError(f"redirected to {newurl!r}")
        _refuse_private(newurl, allowed=self.allowed)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class ImportRun:
    def __init__(
        self,
        *,
        source: str,
        media: MediaSource,
        convert: Callable[[PostData, Callable], BodyResult],
        report: ImportReport,
    ) -> None:
        self.source = source
        self.media = media
        self.convert = convert
        self.report = report
        self.home = HomePage.objects.first()
        if self.home is None:
            raise ImportError_("This site has no home page yet: run `masthead migrate` first.")
        self.reserved = reserved_root_slugs()
        self.sections: dict[str, SectionPage] = {}
        self.authors: dict[str, Author] = {}
        self.images: dict[str, Image | None] = {}
        self.files_written: list[str] = []  # removed again after a dry run
        self.current_missing = 0
        self.post_ids_seen: set[str] = set()

    # --- mapping ---------------------------------------------------------------------------

    def _item(self, kind: str, source_id: str) -> ImportedItem | None:
        return ImportedItem.objects.filter(
            source=self.source, kind=kind, source_id=source_id[:500]
        ).first()

    def _remember(self, kind: str, source_id: str, **values) -> None:
        ImportedItem.objects.update_or_create(
            source=self.source, kind=kind, source_id=source_id[:500], defaults=values
        )

    # --- slugs and redirects ---------------------------------------------------------------

    def free_slug(self, *, parent: Page, slug: str, page: Page | None, what: str) -> str:
        base = (slugify(slug, allow_unicode=True) or "untitled")[: SLUG_MAX - 4]
        candidate, n = base, 1
        siblings = Page.objects.child_of(parent)
        if page is not None and page.pk:
            siblings = siblings.exclude(pk=page.pk)
        while (parent.pk == self.home.pk and candidate.lower() in self.reserved) or (
            siblings.filter(slug=candidate).exists()
        ):
            n += 1
            candidate = f"{base}-{n}"
        if candidate != base:
            self.report.renamed.append((what, base, candidate))
        return candidate

    def redirect_ensure(self, path: str, *, page: Page | None = None, link: str = "") -> None:
        if not path or path == "/":
            return
        if page is not None and Redirect.normalise_path(page.url or "") == path:
            return  # the page is at its old address already
        redirect = Redirect.objects.filter(old_path=path, site=None).first() or Redirect(
            old_path=path, site=None
        )
        if page is not None:
            changed = redirect.redirect_page_id != page.pk
            redirect.redirect_page, redirect.redirect_link = page, ""
        else:
            changed = redirect.redirect_link != link
            redirect.redirect_page, redirect.redirect_link = None, link
        if changed or redirect.pk is None:
            redirect.is_permanent = True
            redirect.save()
        self.report.redirects += 1

    # --- sections, authors, pictures -------------------------------------------------------

    def section_ensure(self, ref: SectionRef | None) -> SectionPage:
        ref = ref or SectionRef(*DEFAULT_SECTION)
        if ref.slug in self.sections:
            return self.sections[ref.slug]
        item = self._item(ImportedItem.Kind.SECTION, ref.slug)
        section = item.page.specific if item is not None and item.page is not None else None
        wanted = slugify(ref.slug, allow_unicode=True) or "news"
        if section is None and wanted.lower() not in self.reserved:
            # A section of that name made by hand (or by the demo) is used as it is.
            section = SectionPage.objects.child_of(self.home).filter(slug=wanted).first()
        if section is None:
            slug = self.free_slug(parent=self.home, slug=wanted, page=None, what="section")
            section = self.home.add_child(
                instance=SectionPage(title=ref.title[:TITLE_MAX], slug=slug)
            )
            section.save_revision().publish(skip_permission_checks=True)
        if item is None:
            self._remember(ImportedItem.Kind.SECTION, ref.slug, page=section)
        for path in ref.old_paths:
            self.redirect_ensure(path, page=section)
        self.sections[ref.slug] = section
        return section

    def author_ensure(self, ref: AuthorRef) -> Author:
        if ref.source_id in self.authors:
            return self.authors[ref.source_id]
        item = self._item(ImportedItem.Kind.AUTHOR, ref.source_id)
        author = item.author if item is not None else None
        if author is None:
            slug = slugify(ref.slug, allow_unicode=True)[:120] or "author"
            author = Author.objects.filter(slug=slug).first()
            if author is None:
                author = Author.objects.create(name=(ref.name or slug)[:120], slug=slug)
            self._remember(ImportedItem.Kind.AUTHOR, ref.source_id, author=author)
        self.authors[ref.source_id] = author
        return author

    def image_for(self, url: str, source_id: str, title: str = "") -> Image | None:
        """The picture at ``url``: made once per source file, reused on every later run."""
        if source_id in self.images:
            image = self.images[source_id]
            if image is None:
                self.current_missing += 1
            return image
        item = self._item(ImportedItem.Kind.IMAGE, source_id)
        if item is not None and item.image is not None:
            self.images[source_id] = item.image
            return item.image
        data, why = self.media.read(url)
        image = None
        if data is not None:
            # Wagtail's own upload form's limit: a larger picture takes gigabytes to render.
            limit = getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 128_000_000)
            try:
                with PILImage.open(io.BytesIO(data)) as probe:
                    size = probe.size
                    probe.verify()
            except PILImage.DecompressionBombError:
                why = f"larger than {limit:,} pixels"
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
                why = "not a picture Pillow can read"
            else:
                if size[0] * size[1] > limit:
                    why = f"larger than {limit:,} pixels ({size[0]}×{size[1]})"
            if not why:
                name = PurePosixPath(source_id).name or "image.jpg"
                image = Image(title=(title or name)[:255], file=ImageFile(io.BytesIO(data), name))
                image.save()
                self.files_written.append(image.file.name)
                self._remember(ImportedItem.Kind.IMAGE, source_id, image=image)
        if image is None:
            self.report.media_missing.append((url, why))
            self.current_missing += 1
        self.images[source_id] = image
        return image

    # --- posts and pages -------------------------------------------------------------------

    def post_import(self, label: str, read: Callable[[], tuple[PostData | None, str]]) -> None:
        """Read one post of the export (``read``: the post, or None and why it is skipped) and
        save it. A post in a shape no reader takes, one without an id, or a second one with
        the same id is skipped with the reason, and the import goes on: an export is input
        from outside, and the second post must not overwrite the first."""
        label = label.encode("utf-8", "replace").decode()  # printable, whatever it holds
        try:
            post, why = read()
        except (
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
            OverflowError,
            OSError,  # a date far outside the calendar
            RecursionError,
        ) as exc:
            self.report.skipped.append((label, f"could not be read: {exc!r}"))
            return
        if post is None:
            self.report.skipped.append((label, why))
            return
        if not post.source_id:
            self.report.skipped.append((label, "no id in the export"))
            return
        if post.source_id in self.post_ids_seen:
            why = f"a second post with id {post.source_id} in the export (the first is imported)"
            self.report.skipped.append((label, why))
            return
        self.post_ids_seen.add(post.source_id)
        try:
            self.post_save(post)
        except UnicodeError:  # before anything is written
            self.report.skipped.append((label, "text that is not Unicode (half an emoji?)"))
        except (ValueError, TypeError) as exc:
            self.report.skipped.append((label, f"could not be read: {exc!r}"))

    def post_save(self, post: PostData) -> None:
        """Create, update or skip one post or page, in its own savepoint: one that fails is
        reported and the import goes on."""
        label = post.title or post.slug or post.source_id
        item = self._item(ImportedItem.Kind.POST, post.source_id)
        page = item.page.specific if item is not None and item.page is not None else None
        fingerprint = post.fingerprint()
        if page is not None and item.fingerprint == fingerprint:
            self.report.unchanged += 1
            return
        try:
            with transaction.atomic():
                self.current_missing = 0
                page = self._post_write(post, page)
                # A post imported with a picture missing is converted again next time (the
                # picture may have been supplied by then).
                self._remember(
                    ImportedItem.Kind.POST,
                    post.source_id,
                    page=page,
                    fingerprint="" if self.current_missing else fingerprint,
                )
        except Exception as exc:  # noqa: BLE001 - reported; the rest of the site still imports
            # What this post created was rolled back with it: forget it.
            self.sections, self.authors, self.images = {}, {}, {}
            self.report.skipped.append((label, f"could not be saved: {exc}"))
            return
        (self.report.updated if item is not None else self.report.imported).append(label)
        if not post.public:
            self.report.drafts.append((label, post.not_public_why))

    def _post_write(self, post: PostData, page: Page | None) -> Page:
        result = self.convert(post, self.image_for)
        self.report.shortcodes.update(result.shortcodes)
        parent = self.section_ensure(post.section) if post.is_article else self.home
        created = page is None
        if created:
            page = ArticlePage() if post.is_article else InfoPage()
            page.live = False
            if post.is_article:
                # The archive of another site is not news: its readers on Telegram,
                # Mastodon and Bluesky are not sent years of stories at once.
                page.post_to_channels = False
        elif page.get_parent().pk != parent.pk:
            page.move(parent, pos="last-child")
            page = Page.objects.get(pk=page.pk).specific
        wanted = post.slug or post.title or f"post-{post.source_id}"
        page.slug = self.free_slug(
            parent=parent, slug=wanted, page=page, what="article" if post.is_article else "page"
        )
        page.title = (post.title or page.slug)[:TITLE_MAX]
        if post.is_article:
            self._article_fields(page, post, result)
        else:
            blocks, dropped = info_blocks(result.blocks)
            if dropped:
                self.report.not_converted["picture in an information page"] += dropped
            page.body = blocks
        if created:
            parent.add_child(instance=page)
        else:
            page.save()
        revision = page.save_revision(changed=True)
        was_live = page.live
        if post.public:
            revision.publish(skip_permission_checks=True)
            published = post.published_at or page.first_published_at
            type(page).objects.filter(pk=page.pk).update(
                first_published_at=published,
                last_published_at=max(filter(None, (post.modified_at, published)), default=None),
            )
            for path in post.old_paths:
                self.redirect_ensure(path, page=page)
        elif was_live:
            page.unpublish(log_action=False)
        if not post.public:
            Redirect.objects.filter(redirect_page=page).delete()
        return page

    def _article_fields(self, page: ArticlePage, post: PostData, result: BodyResult) -> None:
        # The excerpt whole when it fits, else (and without one) the first sentence.
        text = " ".join(post.excerpt.split())
        if not text or len(text) > STANDFIRST_MAX:
            text = first_sentence(text or result.first_text() or post.title, limit=STANDFIRST_MAX)
        page.standfirst = text
        page.body = result.blocks
        photo = post.lead_photo
        image = self.image_for(photo.url, photo.source_id, post.title) if photo else None
        page.lead_image = image
        page.lead_image_alt = photo.alt[:300] if image else ""
        page.lead_image_caption = photo.caption[:500] if image else ""
        page.lead_image_photographer = photo.photographer[:120] if image else ""
        page.lead_image_organisation = photo.organisation[:120] if image else ""
        page.article_authors = [ArticleAuthor(author=self.author_ensure(a)) for a in post.authors]
        page.tags.set([t[:100] for t in post.tags])
        published = post.published_at
        page.updated_at = (
            post.modified_at
            if published and post.modified_at and post.modified_at > published
            else None
        )

    def tag_redirects(self, tags: dict[str, str], *, prefix: str) -> None:
        """``/tag/<old slug>/`` → this site's page for the tag of that name."""
        for old_slug, name in tags.items():
            tag = Tag.objects.filter(name=name[:100]).first()
            path = old_path(f"{prefix}{old_slug}/")
            # A Ghost primary tag became a section: its old address leads there.
            taken = Redirect.objects.filter(old_path=path, redirect_page__isnull=False).exists()
            if tag is not None and not taken:
                self.redirect_ensure(path, link=f"/tags/{tag.slug}/")

    def discard_files(self) -> None:
        """After a dry run: the pictures' files (rows were rolled back) go too."""
        for name in self.files_written:
            default_storage.delete(name)
