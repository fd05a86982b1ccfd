"""Ghost's JSON export (2.x to 6.x, *Settings → Labs → Export*) → Masthead.

Posts become articles, pages information pages. A post's primary tag (its first by
``sort_order``) is its section, the other public tags are its tags; internal ``#tags`` are
skipped. The content is the export's ``html`` when present, else its ``lexical`` or
``mobiledoc`` rendered to HTML here (text, links, emphasis, headings, quotes, lists, and the
image, embed, bookmark and HTML cards; other cards are counted as not converted).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from django.db import transaction

from masthead.imports.services.body import BodyResult, credit_split, html_to_blocks, html_to_text
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

GHOST_URL = "__GHOST_URL__"
NOT_PUBLIC = {"draft": "draft", "scheduled": "scheduled", "sent": "sent by email only"}
# "/content/images/size/w600/2024/05/photo.jpg" is Ghost's resized copy of ".../2024/05/photo.jpg"
SIZE_VARIANT = re.compile(r"^size/w\d+(?:h\d+)?/")
MAX_FILE_BYTES = 500 * 1024 * 1024


def _date(value) -> datetime | None:
    if not value:
        return None
    if isinstance(value, int | float):  # 2.x exports use milliseconds
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- mobiledoc and lexical → HTML --------------------------------------------------------------


def _card_html(name: str, payload: dict, not_converted: Counter) -> str:
    if name == "image" and payload.get("src"):
        caption = payload.get("caption") or ""
        alt = escape(payload.get("alt") or "")
        return (
            f'<figure><img src="{escape(payload["src"])}" alt="{alt}">'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    if name == "gallery":
        images = "".join(
            f'<img src="{escape(i.get("src", ""))}" alt="{escape(i.get("alt") or "")}">'
            for i in payload.get("images", [])
        )
        return f"<figure>{images}<figcaption>{payload.get('caption') or ''}</figcaption></figure>"
    if name in ("embed", "video", "audio") and payload.get("url"):
        caption = payload.get("caption") or (payload.get("metadata") or {}).get("title") or ""
        return (
            f'<figure class="wp-block-embed"><a href="{escape(payload["url"])}">x</a>'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    if name == "bookmark" and payload.get("url"):
        title = escape((payload.get("metadata") or {}).get("title") or "")
        return (
            f'<figure class="kg-bookmark-card"><a href="{escape(payload["url"])}">'
            f'<div class="kg-bookmark-title">{title}</div></a></figure>'
        )
    if name == "html":
        return payload.get("html") or ""
    if name == "markdown":
        text = payload.get("markdown") or ""
        return "".join(f"<p>{escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())
    if name in ("hr", "divider", "horizontalrule"):
        return ""
    not_converted[f"Ghost {name} card"] += 1
    return ""


def mobiledoc_to_html(doc: dict, not_converted: Counter) -> str:
    markups = doc.get("markups", [])
    atoms = doc.get("atoms", [])
    cards = doc.get("cards", [])

    def markers_html(markers) -> str:
        out, open_tags = [], []
        for marker in markers:
            kind, opens, closes, value = (list(marker) + [None] * 4)[:4]
            for index in opens or []:
                tag, attrs = (list(markups[index]) + [[]])[:2]
                pairs = dict(zip(attrs[::2], attrs[1::2], strict=False))
                href = f' href="{escape(pairs["href"])}"' if tag == "a" and "href" in pairs else ""
                out.append(f"<{tag}{href}>")
                open_tags.append(tag)
            if kind == 0:
                out.append(escape(str(value or ""), quote=False))
            elif kind == 1 and isinstance(value, int) and value < len(atoms):
                out.append(escape(str(atoms[value][1]), quote=False))
            for _ in range(closes or 0):
                if open_tags:
                    out.append(f"</{open_tags.pop()}>")
        out += [f"</{t}>" for t in reversed(open_tags)]
        return "".join(out)

    html = []
    for section in doc.get("sections", []):
        kind = section[0]
        if kind == 1:  # markup section: p, h2, blockquote…
            tag = str(section[1]).lower()
            if tag == "pull-quote":
                tag = "blockquote"
            html.append(f"<{tag}>{markers_html(section[2])}</{tag}>")
        elif kind == 3:  # list
            items = "".join(f"<li>{markers_html(item)}</li>" for item in section[2])
            html.append(f"<{section[1]}>{items}</{section[1]}>")
        elif kind == 2:  # image section
            html.append(f'<figure><img src="{escape(section[1])}"></figure>')
        elif kind == 10 and section[1] < len(cards):
            name, payload = cards[section[1]]
            html.append(_card_html(name, payload or {}, not_converted))
    return "\n".join(html)


LEXICAL_FORMATS = ((1, "b"), (2, "i"), (32, "sub"), (64, "sup"))


def lexical_to_html(doc: dict, not_converted: Counter) -> str:
    def children(node) -> str:
        return "".join(render(child) for child in node.get("children", []))

    def render(node) -> str:
        kind = node.get("type")
        if kind in ("text", "extended-text"):
            text = escape(node.get("text", ""), quote=False)
            for bit, tag in LEXICAL_FORMATS:
                if node.get("format", 0) & bit:
                    text = f"<{tag}>{text}</{tag}>"
            return text
        if kind == "linebreak":
            return "<br>"
        if kind == "link":
            return f'<a href="{escape(node.get("url", ""))}">{children(node)}</a>'
        if kind in ("paragraph", "extended-paragraph"):
            return f"<p>{children(node)}</p>"
        if kind in ("heading", "extended-heading"):
            tag = node.get("tag", "h2")
            return f"<{tag}>{children(node)}</{tag}>"
        if kind in ("quote", "extended-quote", "aside"):
            return f"<blockquote><p>{children(node)}</p></blockquote>"
        if kind == "list":
            tag = "ol" if node.get("listType") == "number" else "ul"
            return f"<{tag}>{children(node)}</{tag}>"
        if kind == "listitem":
            return f"<li>{children(node)}</li>"
        if kind == "root":
            return "\n".join(render(c) for c in node.get("children", []))
        return _card_html(kind or "unknown", node, not_converted)

    return render(doc.get("root", {}))


# --- the export ------------------------------------------------------------------------------


def _data(path: Path) -> tuple[dict, str]:
    if not path.is_file():
        raise ImportError_(f"Cannot open {path}.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImportError_(f"{path.name} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
    try:
        loaded = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ImportError_(f"{path.name} is not a Ghost export (JSON error: {exc!r}).") from None
    if isinstance(loaded, dict) and isinstance(loaded.get("db"), list) and loaded["db"]:
        loaded = loaded["db"][0]
    data = loaded.get("data") if isinstance(loaded, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("posts"), list):
        raise ImportError_(f"{path.name} is not a Ghost export (no db[0].data.posts).")
    meta = loaded.get("meta")
    version = str(meta.get("version", "")) if isinstance(meta, dict) else ""
    # Every table the import reads is a list of objects: anything else in it is left out,
    # a table that is not a list is taken as empty.
    for table in ("posts", "tags", "users", "posts_tags", "posts_authors", "posts_meta"):
        rows = data.get(table)
        data[table] = (
            [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []
        )
    return data, version


def _by_post(rows: list[dict], key: str) -> dict[str, list[str]]:
    grouped: dict[str, list[tuple[int, str]]] = {}
    for row in rows:
        if not isinstance(row.get(key), str):
            continue
        order = row.get("sort_order")
        order = order if isinstance(order, int) and not isinstance(order, bool) else 0
        grouped.setdefault(row.get("post_id"), []).append((order, row[key]))
    return {post: [v for _, v in sorted(values)] for post, values in grouped.items()}


def ghost_import(
    *,
    path: Path,
    images: Path | None = None,
    fetch: bool = True,
    fetch_private: bool = False,
    dry_run: bool = False,
    started: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    data, _version = _data(path)
    posts = data.get("posts", [])
    tags = {
        t["id"]: t
        for t in data["tags"]
        if isinstance(t.get("id"), str) and isinstance(t.get("name"), str) and t["name"]
    }
    users = {u["id"]: u for u in data["users"] if u.get("id") and isinstance(u["id"], str)}
    post_tags = _by_post(data["posts_tags"], "tag_id")
    post_authors = _by_post(data["posts_authors"], "author_id")
    meta = {m["post_id"]: m for m in data["posts_meta"] if isinstance(m.get("post_id"), str)}
    media = MediaSource(
        marker="/content/images/",
        folder=images,
        fetch=fetch,
        fetch_private=fetch_private,
        variant=None,
    )
    report = ImportReport(dry_run=dry_run)
    if started:
        started(len(posts))

    def image_ref(url: str) -> str:
        return SIZE_VARIANT.sub("", media.relative(url))

    def convert(post: PostData, image_for) -> BodyResult:
        def body_image(url: str, _attachment_id: int | None):
            return image_for(url, image_ref(url))

        not_converted: Counter = Counter()
        html = post.content
        if html.startswith("{"):  # lexical or mobiledoc, kept as JSON in ``content``
            doc = json.loads(html)
            html = (
                lexical_to_html(doc, not_converted)
                if "root" in doc
                else mobiledoc_to_html(doc, not_converted)
            )
        report.not_converted.update(not_converted)
        return html_to_blocks(html=html, image_for=body_image)

    def public_tags(post_id: str) -> list[dict]:
        found = [tags[t] for t in post_tags.get(post_id, []) if t in tags]
        return [
            t
            for t in found
            if t.get("visibility", "public") == "public"
            and not str(t.get("name") or "").startswith("#")
        ]

    with transaction.atomic() if dry_run else nullcontext():
        run = ImportRun(source="ghost", media=media, convert=convert, report=report)
        for done, raw in enumerate(posts, start=1):

            def read(raw=raw) -> tuple[PostData | None, str]:
                post = _post_data(
                    raw, public_tags(raw.get("id")), users, post_authors, meta, image_ref
                )
                return (None, post) if isinstance(post, str) else (post, "")

            run.post_import(str(raw.get("title") or raw.get("id") or "?"), read)
            if progress:
                progress(done)
        tag_names = {
            t["slug"]: t["name"]
            for t in tags.values()
            if isinstance(t.get("slug"), str) and t["slug"] and isinstance(t.get("name"), str)
        }
        run.tag_redirects(tag_names, prefix="/tag/")
        if dry_run:
            transaction.set_rollback(True)
    if dry_run:
        run.discard_files()
    return report


def _post_data(raw, post_tags, users, post_authors, meta, image_ref) -> PostData | str:
    post_id = raw.get("id")
    if not post_id or not isinstance(post_id, str):  # Ghost's ids are strings
        return "no id"
    is_page = raw.get("type") == "page" or raw.get("page") in (True, 1)
    status = raw.get("status", "draft")
    visibility = raw.get("visibility", "public")
    if status == "published" and visibility == "public":
        public, why = True, ""
    elif status == "published":
        public, why = False, f"for {visibility} members only"
    else:
        public, why = False, NOT_PUBLIC.get(status, status)
    content = raw.get("html") or ""
    if not content:
        content = raw.get("lexical") or raw.get("mobiledoc") or ""
    section = None
    tag_names = [t["name"] for t in post_tags]
    if post_tags and not is_page:
        primary = post_tags[0]
        section = SectionRef(
            slug=primary.get("slug") or primary["name"],
            title=primary["name"],
            old_paths=(old_path(f"/tag/{primary.get('slug')}/"),),
        )
        tag_names = tag_names[1:]
    author_ids = post_authors.get(post_id) or ([raw["author_id"]] if raw.get("author_id") else [])
    authors = tuple(
        AuthorRef(source_id=u["id"], slug=u.get("slug") or u["id"], name=u.get("name", ""))
        for u in (users.get(a) for a in author_ids)
        if u
    )
    extra = meta.get(post_id) or {}
    photo = None
    feature = raw.get("feature_image")
    if feature:
        caption = extra.get("feature_image_caption") or raw.get("feature_image_caption") or ""
        text, photographer, organisation = credit_split(html_to_text(caption))
        photo = PhotoRef(
            url=feature,
            source_id=image_ref(feature),
            alt=extra.get("feature_image_alt") or raw.get("feature_image_alt") or "",
            caption=text,
            photographer=photographer,
            organisation=organisation,
        )
    slug = raw.get("slug") or ""
    return PostData(
        source_id=post_id,
        is_article=not is_page,
        title=raw.get("title") or "",
        slug=slug,
        content=content,
        excerpt=raw.get("custom_excerpt") or "",
        public=public,
        not_public_why=why,
        published_at=_date(raw.get("published_at")),
        modified_at=_date(raw.get("updated_at")),
        section=section,
        tags=tuple(dict.fromkeys(tag_names)),
        authors=authors,
        lead_photo=photo,
        old_paths=(old_path(f"/{slug}/"),) if slug else (),
    )
