"""How fast is the static build, how fast does one publish reach the output, and how fast does
nginx serve the result?

For each size (1,000 and 10,000 articles by default), in a fresh data directory:

1. generate a publication: 8 sections, 60 tags, 40 authors, 6 small shared photos and N
   articles, inserted in bulk (the page tree is written directly, not page by page);
2. ``masthead build`` the whole site (every core), timed; the same content is written as
   Markdown and built with Debian's Hugo (installed with apt when missing) using a minimal
   theme with the same pages (articles, paginated sections, tags, authors and archive, feeds,
   sitemap, related articles), and the ratio printed; then the same Pagefind over Hugo's
   articles (Masthead's build includes its search index), and the ratio against the two;
   then the floor under any build of these pages through Django, measured on the same
   machine: start-up, an empty request through the middleware and a file write for every URL
   written, and that Pagefind (``build.py floor``), beside a plain Wagtail project's start-up;
3. the incremental publish of one article, timed: an edit (same address) and a new article
   (every listing page it enters moves), through the same service the task queue runs;
4. nginx with the shipped configuration serves the build; ``wrk`` loads an article page and,
   on a bare nginx server block, a static file of the same size (five interleaved rounds,
   the best of each; nginx and wrk on separate cores where there are two).

Targets (issue 16): full build within 2x Hugo at 1,000 articles and 1.5x at 10,000; one-article incremental publish under 1 s at
10,000 articles; article pages served at >= 90 % of the plain static-file rate. Being below
target is reported, not an error; the exit status is 1 only when something broke.

Other work on the machine skews wall-clock figures: the load average is printed with them,
and CPU seconds (user + system, this process's children) next to the wall time.

    .venv/bin/python bench/build.py                 # 1,000 and 10,000 articles
    .venv/bin/python bench/build.py --sizes 1000    # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "https://news.example.org"
SECTIONS = [
    "World",
    "Politics",
    "Economy",
    "Society",
    "Culture",
    "Environment",
    "Science",
    "Opinion",
]
# Full build against Hugo by size (issue 16); sizes not listed use the largest size's target.
TARGET_HUGO_RATIOS = {1000: 2.0, 10000: 1.5}


def hugo_target(size: int) -> float:
    fitting = [ratio for limit, ratio in sorted(TARGET_HUGO_RATIOS.items()) if size <= limit]
    return fitting[0] if fitting else min(TARGET_HUGO_RATIOS.values())


TARGET_INCREMENTAL_S = 1.0
TARGET_SERVE_SHARE = 0.90
WRK_SECONDS = 5
WRK_CONNECTIONS = 32
WRK_ROUNDS = 5
PARAGRAPHS = [
    "The harbour was quiet on Tuesday morning when the first notices went up on the gates. "
    "Workers who had crossed the border every day for a decade read them twice.",
    "Officials declined to comment on the record. Two people familiar with the decision said "
    "it had been taken weeks earlier and kept from the regional council until the last moment.",
    "Families of the detained have written to the ombudsman, who has not replied. Lawyers say "
    "the hearings are closed, the charges vague and the verdicts written in advance.",
    "In the diaspora, volunteers collect parcels every Saturday: warm clothes, medicine and "
    "letters, which the censors read before they are handed over, if they are handed over.",
]


class BenchError(Exception):
    pass


# --- Helpers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def yardstick() -> float:
    """Seconds for a fixed pure-Python loop, the best of three: the interpreter's speed on this
    machine at this moment, printed beside the figures so that runs from different hours or
    machines can be read side by side (a shared machine's speed can move by 2x in minutes)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for n in range(3_000_000):
            total += n
        best = min(best, time.perf_counter() - started)
    return best


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Timed:
    wall: float
    cpu: float
    output: str = ""


def run(command: list[str], *, env: dict | None = None, timeout: int = 7200, cwd=ROOT) -> Timed:
    cpu, started = child_cpu(), time.monotonic()
    done = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise BenchError(
            f"{' '.join(command[:4])}… failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    return Timed(wall=wall, cpu=child_cpu() - cpu, output=done.stdout + done.stderr)


def plain_wagtail_startup() -> Timed:
    """The start-up of a minimal Wagtail project (``bench/plain_wagtail``, the baseline of
    ``bench/serve.py``): Django's ``help``, which loads every app and runs nothing."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT / "bench" / "plain_wagtail"),
        "DJANGO_SETTINGS_MODULE": "plainsite.settings",
    }
    return run([sys.executable, "-m", "django", "help"], env=env)


def masthead(env: dict, *args: str, timeout: int = 7200) -> Timed:
    return run([sys.executable, "-m", "masthead.project.cli", *args], env=env, timeout=timeout)


def environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "MASTHEAD_DATA_DIR": str(data_dir),
        "MASTHEAD_BASE_URL": BASE_URL,
        "ALLOWED_HOSTS": "news.example.org,127.0.0.1,localhost",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("MASTHEAD_STATIC_OUT", None)  # the bench calls the update itself
    env["DATABASE_URL"] = database_url or f"sqlite:///{data_dir / 'masthead.sqlite3'}"
    return env


# --- Content (runs inside Django: ``build.py generate``) --------------------------------------


def generate(size: int) -> None:
    """Create the publication in bulk. Pages are inserted straight into the tree: Wagtail's
    add_child costs tens of milliseconds a page, which is the editor's path, not the bench's."""
    import io
    import random
    import uuid
    from datetime import timedelta

    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.images import ImageFile
    from django.db import transaction
    from django.utils import timezone
    from PIL import Image as PILImage
    from taggit.models import Tag
    from wagtail.images.models import Image
    from wagtail.models import Locale, Page

    from masthead.core.models import PublicationSettings
    from masthead.publishing.models import (
        ArticleAuthor,
        ArticlePage,
        ArticleTag,
        Author,
        HomePage,
        InfoPage,
        SectionPage,
    )

    rng = random.Random(size)
    now = timezone.now()
    with transaction.atomic():
        publication = PublicationSettings.load()
        publication.name, publication.tagline = "The Bench Courier", "Every story, as files"
        publication.contact_email = "newsroom@example.org"
        publication.save()
        home = HomePage.objects.get()
        sections = []
        for title in SECTIONS:
            section = home.add_child(
                instance=SectionPage(title=title, slug=title.lower(), intro=f"{title} news")
            )
            section.save_revision().publish(skip_permission_checks=True)
            sections.append(SectionPage.objects.get(pk=section.pk))
        privacy = home.add_child(instance=InfoPage(title="Privacy policy", slug="privacy"))
        privacy.save_revision().publish(skip_permission_checks=True)
        authors = Author.objects.bulk_create(
            Author(name=f"Reporter {n}", slug=f"reporter-{n}", is_pseudonym=n % 7 == 0)
            for n in range(40)
        )
        tags = Tag.objects.bulk_create(Tag(name=f"topic {n}", slug=f"topic-{n}") for n in range(60))
        images = []
        for n in range(6):
            buffer = io.BytesIO()
            PILImage.new("RGB", (1600, 900), (30 + n * 30, 80, 140)).save(
                buffer, "JPEG", quality=70
            )
            images.append(
                Image.objects.create(title=f"Photo {n}", file=ImageFile(buffer, name=f"p{n}.jpg"))
            )

        content_type = ContentType.objects.get_for_model(ArticlePage)
        locale = Locale.get_default()
        counts = dict.fromkeys(range(len(SECTIONS)), 0)
        pages, children = [], []
        for n in range(size):
            index = rng.randrange(len(SECTIONS))
            section = sections[index]
            counts[index] += 1
            slug = f"story-{n}"
            when = now - timedelta(minutes=37 * (size - n))
            title = (
                f"Story {n}: "
                + rng.choice(["harbour", "court", "border", "school", "archive"])
                + f" report {n}"
            )
            pages.append(
                Page(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    content_type=content_type,
                    path=ArticlePage._get_path(section.path, section.depth + 1, counts[index]),
                    depth=section.depth + 1,
                    numchild=0,
                    url_path=f"{section.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=when,
                    last_published_at=when,
                    locale=locale,
                    translation_key=uuid.uuid4(),
                )
            )
            children.append(
                {
                    "standfirst": f"What happened in story {n}, in one sentence.",
                    "lead_image_id": images[n % len(images)].pk if n % 3 else None,
                    "lead_image_alt": "A street at dusk",
                    "lead_image_caption": "Protesters gather in the square.",
                    "lead_image_photographer": "Jane Doe",
                    "lead_image_organisation": "Bench Agency",
                    "body": json.dumps(
                        [
                            {"type": "paragraph", "value": f"<p>{p}</p>", "id": str(uuid.uuid4())}
                            for p in rng.sample(PARAGRAPHS, 3)
                        ]
                    ),
                    "updated_at": None,
                }
            )
        for start in range(0, size, 500):
            batch = pages[start : start + 500]
            Page.objects.bulk_create(batch)
            rows = []
            for page, child in zip(batch, children[start : start + 500], strict=True):
                article = ArticlePage(
                    page_ptr_id=page.pk, **{k: v for k, v in child.items() if k != "body"}
                )
                article.body = json.loads(child["body"])
                rows.append(article)
            fields = [f for f in ArticlePage._meta.local_concrete_fields]
            ArticlePage.objects._insert(rows, fields=fields, raw=True)
        for index, section in enumerate(sections):
            Page.objects.filter(pk=section.pk).update(numchild=counts[index])
        ArticleTag.objects.bulk_create(
            ArticleTag(content_object_id=page.pk, tag=tag)
            for page in pages
            for tag in rng.sample(tags, 2)
        )
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(page_id=page.pk, author=rng.choice(authors), sort_order=0)
            for page in pages
        )
    # Image renditions are made once per photo and size, on first use; make them now so that
    # the timed build renders pages, as every later build does.
    from masthead.distribution.services.render import Renderer, rendering_scope

    renderer = Renderer()
    with rendering_scope():
        for path in ["/", "/archive/", "/feeds/rss.xml", *(s.url for s in sections)]:
            renderer.render(path)
        for image in images:
            article = ArticlePage.objects.filter(lead_image=image).first()
            if article:
                renderer.render(article.url)
    print(json.dumps({"articles": ArticlePage.objects.live().count()}))


def floor(out: str) -> None:
    """What a build of this site through Django costs before any page is rendered: for every
    URL the build wrote, one request through the project's whole middleware stack and the
    build's renderer to a view with nothing to do (``/robots.txt``), and the writing of the
    file (the build's own sizes and names, into an empty directory as a first build does).
    No Django-rendered build of these pages can be cheaper; printed against the target."""
    import django

    django.setup()
    from masthead.distribution.services.output import Manifest, write_if_changed
    from masthead.distribution.services.render import renderer, warm_up

    root = Path(out)
    names = sorted(Manifest.load(root).files)
    warm_up()
    empty = renderer()
    for _ in range(50):
        empty.render("/robots.txt")
    started = time.process_time()
    for _ in names:
        empty.render("/robots.txt")
    request_cpu = time.process_time() - started
    blobs = [(name, (root / name).read_bytes()) for name in names]
    with tempfile.TemporaryDirectory(dir=root.parent) as scratch:
        started = time.monotonic()
        for name, data in blobs:
            write_if_changed(Path(scratch), name, data)
        write = time.monotonic() - started
    print(json.dumps({"urls": len(names), "request_cpu_s": request_cpu, "write_s": write}))


def incremental(out: str) -> None:
    """Time the two kinds of one-article publish, through the service the task runs."""
    import django

    django.setup()
    from django.db import connection

    from masthead.distribution import services
    from masthead.distribution.services.render import warm_up
    from masthead.publishing.models import ArticlePage, SectionPage
    from masthead.publishing.tests import factories

    # The update runs in the worker, which loads the URLs and templates when it starts.
    warm_up()
    results = {}
    story = ArticlePage.objects.live().order_by("-first_published_at")[40]
    story.title += " (updated)"
    started = time.monotonic()
    story.save_revision().publish(skip_permission_checks=True)
    publish = time.monotonic() - started
    report = services.site_update(out=Path(out), page_ids=[story.pk])
    results["edit"] = {
        "publish_s": publish,
        "front_s": report.front_seconds,
        "pages_s": report.seconds - report.search_seconds,
        "total_s": report.seconds,
        "search_s": report.search_seconds,
        "rendered": report.rendered,
        "written": report.written,
    }
    section = SectionPage.objects.order_by("path").first()
    photo = ArticlePage.objects.exclude(lead_image=None).first().lead_image
    started = time.monotonic()
    # With one of the shared photos: a new photo adds the making of its renditions (a few
    # hundred milliseconds per size), which is Wagtail's work, not the static output's.
    new = factories.article(
        parent=section,
        title="Breaking: the bench publishes",
        slug=next(
            slug
            for n in range(1, 1000)
            for slug in [f"bench-breaking-news{'' if n == 1 else f'-{n}'}"]
            if not ArticlePage.objects.filter(slug=slug).exists()
        ),  # again with --reuse
        hours_ago=0,
        with_image=False,
    )
    ArticlePage.objects.filter(pk=new.pk).update(lead_image=photo)
    publish = time.monotonic() - started
    report = services.site_update(out=Path(out), page_ids=[new.pk])
    results["new"] = {
        "publish_s": publish,
        "front_s": report.front_seconds,
        "pages_s": report.seconds - report.search_seconds,
        "total_s": report.seconds,
        "search_s": report.search_seconds,
        "rendered": report.rendered,
        "written": report.written,
    }
    connection.close()
    print(json.dumps(results))


# --- Hugo ------------------------------------------------------------------------------------

HUGO_CONFIG = """\
baseURL = "{base}/"
title = "The Bench Courier"
languageCode = "en"
disableKinds = []
[pagination]
  pagerSize = 12
paginate = 12
[taxonomies]
  tag = "tags"
  author = "authors"
[related]
  includeNewer = true
  threshold = 0
  toLower = true
  [[related.indices]]
    name = "tags"
    weight = 100
[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML", "RSS"]
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} — {{ .Site.Title }}</title><link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="/site.css"><link rel="alternate" type="application/rss+xml" href="/index.xml"></head>
<body><header><a href="/">{{ .Site.Title }}</a><nav><ul><li><a href="/">Front page</a></li>
{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav></header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer><ul><li><a href="/archive/">Archive</a></li><li><a href="/index.xml">RSS</a></li></ul></footer></body></html>
""",
    "partials/teaser.html": """<article class="teaser">{{ with .Params.image }}<img src="{{ . }}" alt="" loading="lazy">{{ end }}
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Description }}</p>
<p>{{ range .Params.authors }}{{ . }} · {{ end }}<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 Jan 2006" }}</time></p></article>
""",
    "partials/pager.html": """{{ $p := .Paginator }}{{ if gt $p.TotalPages 1 }}<nav class="pagination">
{{ if $p.HasPrev }}<a rel="prev" href="{{ $p.Prev.URL }}">Newer</a>{{ end }}<span>Page {{ $p.PageNumber }} of {{ $p.TotalPages }}</span>
{{ if $p.HasNext }}<a rel="next" href="{{ $p.Next.URL }}">Older</a>{{ end }}</nav>{{ end }}
""",
    "_default/single.html": """{{ define "main" }}<article><p><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></p>
<h1>{{ .Title }}</h1><p class="standfirst">{{ .Description }}</p>
{{ with .Params.image }}<figure><img src="{{ . }}" alt="A street at dusk"><figcaption>Protesters gather in the square. Photo: Jane Doe / Bench Agency</figcaption></figure>{{ end }}
<p>By {{ range .Params.authors }}<a href="{{ (printf "/authors/%s/" (. | urlize)) }}">{{ . }}</a> {{ end }}</p>
{{ .Content }}<ul>{{ range .Params.tags }}<li><a href="/tags/{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul></article>
<section class="signup"><h2>Sign up for our free weekly newsletter</h2><form method="post" action="/newsletter/signup/"><input type="email" name="email"><button>Sign up</button></form></section>
<section class="read-more"><h2>Read more</h2><ul>{{ range first 4 (.Site.RegularPages.Related .) }}<li>{{ partial "teaser.html" . }}</li>{{ end }}</ul></section>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li>{{ partial "teaser.html" . }}</li>{{ end }}</ul>{{ partial "pager.html" . }}{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a></li>{{ end }}</ul>{{ end }}
""",
    "index.html": """{{ define "main" }}{{ $pages := where .Site.RegularPages "Section" "in" .Site.Params.sections }}
{{ range first 1 $pages }}{{ partial "teaser.html" . }}{{ end }}<h2>Latest</h2><ul>{{ range first 6 (after 1 $pages) }}<li>{{ partial "teaser.html" . }}</li>{{ end }}</ul>
{{ range .Site.Sections }}<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><ul>{{ range first 4 .Pages }}<li>{{ partial "teaser.html" . }}</li>{{ end }}</ul>{{ end }}{{ end }}
""",
    "archive/list.html": """{{ define "main" }}<h1>Archive</h1>{{ $paginator := .Paginate (where .Site.RegularPages "Section" "in" .Site.Params.sections) }}
<ul>{{ range $paginator.Pages }}<li>{{ partial "teaser.html" . }}</li>{{ end }}</ul>{{ partial "pager.html" . }}{{ end }}
""",
}


def pagefind_executable() -> str:
    import pagefind_bin  # the build's own: a dependency of the project

    return str(pagefind_bin.get_executable())


def hugo_executable() -> str:
    found = shutil.which("hugo")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("hugo is missing; installing Debian's hugo…", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "hugo"], check=True, env=env, timeout=600
        )
        found = shutil.which("hugo")
        if found:
            return found
    raise BenchError("Hugo is needed for the comparison: sudo apt-get install hugo")


def hugo_site(directory: Path, env: dict) -> None:
    """The same publication as Markdown, read from the database that was just built."""
    script = textwrap.dedent(
        """
        import json, django
        django.setup()
        from masthead.publishing.models import ArticlePage
        rows = []
        for a in ArticlePage.objects.live().select_related("lead_image").prefetch_related(
            "tagged_items__tag", "article_authors__author"
        ).order_by("pk"):
            rows.append({
                "section": a.url_path.split("/")[2], "slug": a.slug, "title": a.title,
                "date": a.first_published_at.isoformat(), "description": a.standfirst,
                "tags": [t.tag.name for t in a.tagged_items.all()],
                "authors": [x.author.name for x in a.article_authors.all()],
                "image": "/images/p%d.jpg" % (a.lead_image_id % 6) if a.lead_image_id else "",
                "body": [b.value.source for b in a.body if hasattr(b.value, "source")],
            })
        print(json.dumps(rows))
        """
    )
    rows = json.loads(run([sys.executable, "-c", script], env=env).output.splitlines()[-1])
    content = directory / "content"
    shutil.rmtree(directory, ignore_errors=True)
    (directory / "static" / "images").mkdir(parents=True)
    (directory / "static" / "site.css").write_text("body{font-family:serif}")
    for n in range(6):
        shutil.copy(
            ROOT / "masthead/core/static/masthead/favicon.svg",
            directory / "static/images" / f"p{n}.jpg",
        )
    (directory / "hugo.toml").write_text(
        HUGO_CONFIG.format(base=BASE_URL)
        + "[params]\n  sections = "
        + json.dumps([s.lower() for s in SECTIONS])
        + "\n"
    )
    for name, text in HUGO_LAYOUTS.items():
        path = directory / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for section in SECTIONS:
        (content / section.lower()).mkdir(parents=True, exist_ok=True)
        (content / section.lower() / "_index.md").write_text(f'---\ntitle: "{section}"\n---\n')
    (content / "archive").mkdir(parents=True, exist_ok=True)
    (content / "archive" / "_index.md").write_text('---\ntitle: "Archive"\n---\n')
    (content / "privacy.md").write_text('---\ntitle: "Privacy policy"\n---\nWe keep little.\n')
    for row in rows:
        front = {
            "title": row["title"],
            "date": row["date"],
            "description": row["description"],
            "tags": row["tags"],
            "authors": row["authors"],
        }
        if row["image"]:
            front["image"] = row["image"]
        body = "\n\n".join(re.sub(r"</?p>", "", p) for p in row["body"])
        (content / row["section"] / f"{row['slug']}.md").write_text(
            "---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n" + body + "\n"
        )


# --- nginx and wrk ---------------------------------------------------------------------------

# The ceiling: a bare server block serving one file, with the same open-file cache as the
# shipped configuration (so that the comparison is of everything else it does).
PLAIN_SERVER = """
    server {{
        listen 127.0.0.1:{port};
        root {root};
        open_file_cache max=20000 inactive=60s;
        open_file_cache_valid 2s;
    }}
"""


def parse_wrk(output: str) -> float:
    match = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if not match:
        raise BenchError(f"could not read wrk's output:\n{output}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if bad:
        raise BenchError(f"wrk counted {bad.group(1)} bad responses:\n{output}")
    return float(match.group(1))


def pinned(cpu: int) -> list[str]:
    """Run on one core (nginx on the first, wrk on the second), so that the two do not take
    turns on the same core; nothing on machines with a single core or without taskset."""
    taskset = shutil.which("taskset")
    return [taskset, "-c", str(cpu)] if taskset and (os.cpu_count() or 1) >= 2 else []


def serve_and_measure(env: dict, out: Path, article_path: str, work: Path) -> dict:
    wrk = shutil.which("wrk")
    nginx = "/usr/sbin/nginx"
    if not wrk or not os.access(nginx, os.X_OK):
        raise BenchError("nginx and wrk are needed: sudo apt-get install nginx wrk")
    port, plain_port = free_port(), free_port()
    prefix = work / "nginx"
    prefix.mkdir(parents=True, exist_ok=True)
    server = masthead(
        env,
        "nginx-config",
        "--root",
        str(out),
        "--listen",
        f"127.0.0.1:{port}",
        "--server-name",
        "127.0.0.1",
    ).output
    # Logged as in production (the same format and buffering), into the bench's own folder
    # rather than the system's /var/log/nginx, which runs of a million requests would fill.
    server = server.replace("/var/log/nginx/masthead.access.log", str(prefix / "access.log"))
    article_file = out / article_path.lstrip("/") / "index.html"
    plain = work / "plain"
    plain.mkdir(exist_ok=True)
    (plain / "file.html").write_bytes(b"x" * article_file.stat().st_size)
    standalone = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import django, sys; django.setup()\n"
                "from pathlib import Path\n"
                "from masthead.distribution.services.nginx import nginx_standalone_config as c\n"
                "print(c(server=sys.stdin.read(), prefix=Path(sys.argv[1]), workers=1))"
            ),
            str(prefix),
        ],
        input=server + PLAIN_SERVER.format(port=plain_port, root=plain),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (prefix / "nginx.conf").write_text(standalone)
    process = subprocess.Popen(
        [*pinned(0), nginx, "-c", str(prefix / "nginx.conf"), "-p", str(prefix)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        article_url = f"http://127.0.0.1:{port}{article_path}"
        plain_url = f"http://127.0.0.1:{plain_port}/file.html"
        while True:
            try:
                with urllib.request.urlopen(article_url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise BenchError("nginx did not answer") from None
                time.sleep(0.2)
        figures = {"article": [], "plain": []}
        # Interleaved, so that load from elsewhere hits both alike; the best round of each.
        for _round in range(WRK_ROUNDS):
            for name, url in (("article", article_url), ("plain", plain_url)):
                load = [wrk, "-t1", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", url]
                done = run([*pinned(1), *load])
                figures[name].append(parse_wrk(done.output))
        best = {name: max(values) for name, values in figures.items()}
        return {
            "article_rps": best["article"],
            "plain_rps": best["plain"],
            "bytes": article_file.stat().st_size,
        }
    finally:
        process.send_signal(signal.SIGQUIT)
        process.wait(timeout=10)


# --- The run ---------------------------------------------------------------------------------


def bench_size(
    size: int, work: Path, database_url: str | None, jobs: int, reuse: bool = False
) -> dict:
    data, out = work / f"data-{size}", work / f"site-{size}"
    env = environment(data, database_url)
    speed = yardstick()
    print(f"\n== {size} articles ({load()}; Python yardstick {speed:.2f} s)", flush=True)
    if reuse and (out / ".masthead" / "manifest.json").exists():
        # Measure updates and serving again on a site generated and built by an earlier run.
        build = Timed(wall=float("nan"), cpu=float("nan"))
        print("  reusing the publication and build of an earlier run", flush=True)
    else:
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        masthead(env, "migrate", "--noinput", "-v", "0")
        masthead(env, "collectstatic", "--noinput", "-v", "0")
        timed = run([sys.executable, __file__, "generate", "--size", str(size)], env=env)
        print(f"  generated in {timed.wall:.1f} s", flush=True)
        shutil.rmtree(out, ignore_errors=True)
        # From scratch into an empty directory, as after a fresh checkout or a template change.
        build = masthead(env, "build", "--out", str(out), "--jobs", str(jobs), "--quiet")
    files = len([p for p in out.rglob("*") if p.is_file() and ".masthead" not in p.parts])
    search = re.search(r"search ([\d.]+) s", build.output)
    # The floor under every build: the interpreter, Django and every app loaded, nothing done
    # (the best of three: a single run is at the mercy of whatever else the machine does).
    startup = min((masthead(env, "build", "--help") for _ in range(3)), key=lambda t: t.wall)
    plain_startup = min((plain_wagtail_startup() for _ in range(3)), key=lambda t: t.wall)
    print(
        f"  masthead build: {build.wall:.1f} s wall, {build.cpu:.1f} s CPU, {files} files"
        f" (of which start-up {startup.wall:.1f} s, `masthead build --help`; search index"
        f" {search.group(1) if search else '?'} s)",
        flush=True,
    )

    hugo = hugo_executable()
    hugo_dir = work / f"hugo-{size}"
    hugo_site(hugo_dir, env)
    hugo_run = run(
        [
            hugo,
            "--quiet",
            "--source",
            str(hugo_dir),
            "--destination",
            str(work / f"hugo-out-{size}"),
        ]
    )
    hugo_files = len([p for p in (work / f"hugo-out-{size}").rglob("*") if p.is_file()])
    # Masthead's build includes a search index of its articles; a Hugo site gets one from
    # Pagefind. The same Pagefind over Hugo's article pages, timed apart: the like-for-like
    # baseline is Hugo plus this (the issue's target is against Hugo alone).
    hugo_search = run(
        [
            pagefind_executable(),
            "--site",
            str(work / f"hugo-out-{size}"),
            "--output-path",
            str(work / f"hugo-search-{size}"),
            "--root-selector",
            "main",
            "--glob",
            "*/story-*/index.html",
            "--silent",
        ]
    )
    ratio = build.wall / hugo_run.wall
    # The floor under any build of these pages through Django, on this machine now: start-up,
    # an empty request and a file write per URL (spread over the cores, as the build does),
    # and Pagefind over Hugo's articles (the cheaper of the two indexings).
    empty = json.loads(
        run([sys.executable, __file__, "floor", "--out", str(out)], env=env).output.splitlines()[-1]
    )
    floor_s = startup.wall + (empty["request_cpu_s"] + empty["write_s"]) / jobs + hugo_search.wall
    ratio_with_search = build.wall / (hugo_run.wall + hugo_search.wall)
    # Start-up is counted in the ratio; printed apart as well, since it does not grow with
    # the site: what the build itself costs against Hugo's whole run.
    ratio_after_startup = (build.wall - startup.wall) / hugo_run.wall
    print(
        f"  hugo build:     {hugo_run.wall:.1f} s wall, {hugo_run.cpu:.1f} s CPU, {hugo_files} files"
        f"  → ratio {ratio:.1f}x (target ≤ {hugo_target(size):.1f}x); without Masthead's "
        f"start-up {ratio_after_startup:.1f}x",
        flush=True,
    )
    print(
        f"  floor of any build through Django: {floor_s:.1f} s = start-up {startup.wall:.1f}"
        f" + {empty['urls']} empty requests through the middleware"
        f" ({empty['request_cpu_s'] / empty['urls'] * 1000:.2f} ms CPU each) and file writes"
        f" ({empty['write_s']:.1f} s) over {jobs} processes + Pagefind {hugo_search.wall:.1f}"
        f" → {floor_s / hugo_run.wall:.1f}x Hugo before a page is rendered (a plain Wagtail"
        f" project alone starts in {plain_startup.wall:.1f} s)",
        flush=True,
    )
    print(
        f"  hugo + Pagefind over its {size} articles: {hugo_run.wall + hugo_search.wall:.1f} s"
        f" wall (Pagefind {hugo_search.wall:.1f} s) → ratio {ratio_with_search:.1f}x",
        flush=True,
    )

    updates = json.loads(
        run(
            [sys.executable, __file__, "incremental", "--out", str(out)], env=env
        ).output.splitlines()[-1]
    )
    edit, new = updates["edit"], updates["new"]
    print(
        f"  incremental, edit: article and fronts {edit['front_s']:.2f} s, every page "
        f"{edit['pages_s']:.2f} s ({edit['rendered']} rendered, {edit['written']} changed), "
        f"search index {edit['search_s']:.2f} s",
        flush=True,
    )
    print(
        f"  incremental, new article: article and fronts {new['front_s']:.2f} s, every page "
        f"{new['pages_s']:.2f} s ({new['rendered']} rendered, {new['written']} changed), "
        f"search index {new['search_s']:.2f} s",
        flush=True,
    )

    article = next(p for p in sorted(out.glob("*/story-*/index.html")))
    article_path = "/" + article.parent.relative_to(out).as_posix() + "/"
    served = serve_and_measure(env, out, article_path, work / f"serve-{size}")
    share = served["article_rps"] / served["plain_rps"]
    print(
        f"  nginx: article page {served['article_rps']:.0f} req/s, plain file of the same size "
        f"({served['bytes']} bytes) {served['plain_rps']:.0f} req/s → {share:.0%} "
        f"(target ≥ {TARGET_SERVE_SHARE:.0%})",
        flush=True,
    )
    return {
        "size": size,
        "build_s": build.wall,
        "build_cpu_s": build.cpu,
        "startup_s": startup.wall,
        "search_s": float(search.group(1)) if search else None,
        "files": files,
        "hugo_s": hugo_run.wall,
        "hugo_cpu_s": hugo_run.cpu,
        "ratio": ratio,
        "ratio_after_startup": ratio_after_startup,
        "hugo_search_s": hugo_search.wall,
        "floor_s": floor_s,
        "plain_wagtail_startup_s": plain_startup.wall,
        "floor_ratio": floor_s / hugo_run.wall,
        "empty_request_ms": empty["request_cpu_s"] / empty["urls"] * 1000,
        "write_s": empty["write_s"],
        "ratio_with_search": ratio_with_search,
        "edit": edit,
        "new": new,
        "served": served,
        "share": share,
        "load": os.getloadavg(),
        "yardstick_s": speed,
    }


def report(results: list[dict]) -> None:
    print("\n== Summary")
    print(
        f"{'articles':>9} {'build':>9} {'CPU':>8} {'start':>6} {'hugo':>8} {'ratio':>6} "
        f"{'-start':>7} {'h+pf':>6} {'floor':>6} "
        f"{'edit: fronts':>13} {'all':>7} {'new: fronts':>12} {'all':>7} {'serve':>6}"
    )
    for r in results:
        print(
            f"{r['size']:>9} {r['build_s']:>8.1f}s {r['build_cpu_s']:>7.1f}s "
            f"{r['startup_s']:>5.1f}s {r['hugo_s']:>7.1f}s {r['ratio']:>5.1f}x "
            f"{r['ratio_after_startup']:>6.1f}x {r['ratio_with_search']:>5.1f}x "
            f"{r['floor_ratio']:>5.1f}x "
            f"{r['edit']['front_s']:>12.2f}s {r['edit']['pages_s']:>6.2f}s "
            f"{r['new']['front_s']:>11.2f}s {r['new']['pages_s']:>6.1f}s {r['share']:>6.0%}"
        )
    for r in results:
        verdicts = [
            (
                f"build within {hugo_target(r['size']):.1f}x Hugo",
                r["ratio"] <= hugo_target(r["size"]),
            ),
            (
                "one-article publish < 1 s (edit, article and fronts)",
                r["edit"]["front_s"] < TARGET_INCREMENTAL_S,
            ),
            (
                "one-article publish < 1 s (edit, every dependent page)",
                r["edit"]["pages_s"] < TARGET_INCREMENTAL_S,
            ),
            (
                "one-article publish < 1 s (new article, fronts)",
                r["new"]["front_s"] < TARGET_INCREMENTAL_S,
            ),
            ("article pages >= 90 % of a static file", r["share"] >= TARGET_SERVE_SHARE),
        ]
        for name, ok in verdicts:
            print(f"  {r['size']:>6} articles: {name}: {'PASS' if ok else 'BELOW TARGET'}")
    print(f"\n({load()} at the end; Python yardstick {yardstick():.2f} s; {os.cpu_count()} cores)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="step")
    gen = sub.add_parser("generate")
    gen.add_argument("--size", type=int, required=True)
    flo = sub.add_parser("floor")
    flo.add_argument("--out", required=True)
    inc = sub.add_parser("incremental")
    inc.add_argument("--out", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--work", type=Path, help="Keep data and outputs here (default: a temporary directory)."
    )
    parser.add_argument("--database-url", help="Default: an SQLite file per size.")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="With --work: reuse the publication and build of an earlier run (to measure "
        "updates and serving again).",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.project.settings")
    if args.step == "generate":
        generate(args.size)
        return 0
    if args.step == "floor":
        floor(args.out)
        return 0
    if args.step == "incremental":
        incremental(args.out)
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="masthead-bench-"))
    print(f"Working in {work}; {os.cpu_count()} cores, {load()}")
    results = []
    try:
        for size in args.sizes:
            results.append(bench_size(size, work, args.database_url, args.jobs, args.reuse))
    except BenchError as exc:
        print(f"\nbench failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
