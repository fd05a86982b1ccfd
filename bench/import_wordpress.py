"""How fast does ``masthead import wordpress`` move a site in, and in how much memory?

Writes a WordPress export (WXR 1.2) of ``--posts`` posts (10,000 by default) in a temporary
directory — Gutenberg and classic content, headings, quotes, lists, a body picture and an embed
in each, ten categories (one of them ``media``, which Masthead serves itself), fifty tags,
five authors, featured pictures from a folder of ``--pictures`` uploads — migrates a fresh
SQLite database (or ``--postgres``), then runs the import twice in a child process:

1. **first run** — every post imported and published, every old address redirected;
2. **second run** — the same file again: nothing changes, nothing is duplicated.

Prints posts per second, CPU time per post, the child's peak memory (the file is streamed: it should not grow
with the file) and the load average before each run. Exits 1 when the counts do not add up.

    .venv/bin/python bench/import_wordpress.py --posts 1000
    .venv/bin/python bench/import_wordpress.py --postgres postgres://postgres@127.0.0.1:5432/bench_import
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from masthead.imports.tests.factories import WPItem, picture, wxr  # noqa: E402

CATEGORIES = [
    (i + 2, slug, slug.title())
    for i, slug in enumerate(
        [
            "politics",
            "media",
            "world",
            "economy",
            "culture",
            "society",
            "science",
            "sport",
            "opinion",
            "investigations",
        ]
    )
]
AUTHORS = [(f"writer{i}", f"Writer Number {i}") for i in range(5)]
TAGS = [(f"tag-{i}", f"Tag {i}") for i in range(50)]

GUTENBERG = """<!-- wp:paragraph --><p>Story {n} begins with <strong>a fact</strong> and <a href="https://example.net/{n}">a source</a>.</p><!-- /wp:paragraph -->
<!-- wp:heading --><h2>What happened</h2><!-- /wp:heading -->
<!-- wp:paragraph --><p>{filler}</p><!-- /wp:paragraph -->
<!-- wp:quote --><blockquote class="wp-block-quote"><p>A quotation in story {n}.</p><cite>A witness</cite></blockquote><!-- /wp:quote -->
<!-- wp:list --><ul><li>One point</li><li>Another point</li></ul><!-- /wp:list -->
<!-- wp:image {{"id":{att}}} --><figure class="wp-block-image"><img src="https://old.example.org/wp-content/uploads/2024/05/pic-{pic}-1024x768.jpg" alt="Picture" class="wp-image-{att}"/><figcaption>A caption. Photo: Jane Doe / Agency</figcaption></figure><!-- /wp:image -->
<!-- wp:embed {{"url":"https://www.youtube.com/watch?v=v{n}"}} --><figure class="wp-block-embed is-provider-youtube"><div class="wp-block-embed__wrapper">
https://www.youtube.com/watch?v=v{n}
</div></figure><!-- /wp:embed -->"""
CLASSIC = """Story {n}, written in the classic editor.
A second line.

{filler}

<blockquote>A classic quotation.</blockquote>

https://t.me/newsroom/{n}"""
FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 12


def export_write(path: Path, uploads: Path, *, posts: int, pictures: int) -> None:
    for p in range(pictures):
        picture(uploads / f"2024/05/pic-{p}.jpg", colour=(p * 5 % 255, 80, 120), size=(64, 48))
    items = [
        WPItem(
            1_000_000 + p,
            f"pic-{p}",
            post_type="attachment",
            status="inherit",
            attachment_url=f"https://old.example.org/wp-content/uploads/2024/05/pic-{p}.jpg",
            excerpt="Featured. Photo: Jane Doe / Agency",
        )
        for p in range(pictures)
    ]
    for n in range(1, posts + 1):
        pic = n % pictures
        template = GUTENBERG if n % 3 else CLASSIC
        category = CATEGORIES[n % len(CATEGORIES)]
        items.append(
            WPItem(
                n,
                f"Story number {n}",
                f"story-{n}",
                content=template.format(n=n, pic=pic, att=1_000_000 + pic, filler=FILLER),
                excerpt="" if n % 2 else f"Standfirst of story {n}.",
                link=f"https://old.example.org/2024/05/story-{n}/",
                creator=AUTHORS[n % len(AUTHORS)][0],
                categories=[category[1:]],
                tags=[TAGS[n % 50], TAGS[(n * 7) % 50]],
                meta={"_thumbnail_id": str(1_000_000 + pic)},
            )
        )
    path.write_text(wxr(items, authors=AUTHORS, categories=CATEGORIES, tags=TAGS), encoding="utf-8")


def child_env(data_dir: Path, postgres: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(MASTHEAD_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="masthead.project.settings")
    if postgres:
        env["DATABASE_URL"] = postgres
    return env


def masthead(env: dict, work: Path, *args: str) -> tuple[float, float, float, str]:
    """Run ``masthead ARGS``: (seconds, CPU seconds and peak memory in MB of that child, its
    output)."""
    log = work / "command.log"
    started = time.perf_counter()
    with open(log, "wb") as out:
        child = subprocess.Popen(
            [str(ROOT / ".venv/bin/masthead"), *args], env=env, stdout=out, stderr=out
        )
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    output = log.read_text(errors="replace")
    if os.waitstatus_to_exitcode(status):
        sys.stderr.write(output)
        raise SystemExit(f"masthead {' '.join(args)} failed")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def count(env: dict, expression: str) -> int:
    code = (
        "import django; django.setup(); "
        "from masthead.publishing.models import ArticlePage; "
        "from wagtail.contrib.redirects.models import Redirect; "
        f"print({expression})"
    )
    out = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", code], env=env, capture_output=True, text=True
    )
    return int(out.stdout.strip() or -1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--pictures", type=int, default=50)
    parser.add_argument("--postgres", default="", help="the URL of an empty database")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        export, uploads = work / "export.xml", work / "uploads"
        export_write(export, uploads, posts=args.posts, pictures=args.pictures)
        size_mb = export.stat().st_size / 1024 / 1024
        env = child_env(work / "data", args.postgres)
        masthead(env, work, "migrate", "--no-input")
        rows = []
        for label in ("first run", "second run"):
            load = os.getloadavg()
            seconds, cpu, peak, out = masthead(
                env,
                work,
                "import",
                "wordpress",
                str(export),
                "--uploads",
                str(uploads),
                "--no-fetch",
            )
            summary = next((line for line in out.splitlines() if line.startswith("Imported")), "?")
            rows.append((label, seconds, args.posts / seconds, cpu, peak, load[0], summary))
        articles = count(env, "ArticlePage.objects.count()")
        redirects = count(env, "Redirect.objects.count()")
        database = "PostgreSQL" if args.postgres else "SQLite"
        print(
            f"\nWordPress import: {args.posts:,} posts, export {size_mb:.1f} MB, {database}, "
            f"{os.cpu_count()} CPUs\n"
        )
        # CPU ms/post (the child's own CPU time, start-up included) barely moves with the load
        # of the machine; posts/s does.
        print("| run | seconds | posts/s | CPU ms/post | peak memory MB | load avg before |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for label, seconds, rate, cpu, peak, load, _ in rows:
            print(
                f"| {label} | {seconds:.1f} | {rate:,.1f} | {cpu * 1000 / args.posts:,.0f} "
                f"| {peak:.0f} | {load:.1f} |"
            )
        print()
        for label, *_, summary in rows:
            print(f"{label}: {summary}")
        expected_redirects = args.posts * 2 + len(CATEGORIES) + len(TAGS)
        ok = articles == args.posts and redirects == expected_redirects
        print(
            f"articles {articles:,} (expected {args.posts:,}), redirects {redirects:,} "
            f"(expected {expected_redirects:,}): {'OK' if ok else 'MISMATCH'}"
        )
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
