"""``masthead import wordpress EXPORT.xml`` and ``masthead import ghost EXPORT.json``.

Moving a publication in from another platform: posts become articles, pages information pages,
every old address redirects, and a second run updates instead of duplicating. Ends with a
report of what was imported, updated and skipped, and what could not be converted.
"""

import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.core.management.progress_stream import ProgressStream
from masthead.imports.services.ghost import ghost_import
from masthead.imports.services.pages import ImportError_
from masthead.imports.services.wordpress import wordpress_import
from masthead.newsletters.progress import Progress


class Command(BaseCommand):
    help = "Import a site: `wordpress EXPORT.xml [--uploads DIR]` or `ghost EXPORT.json [--images DIR]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="source", required=True)
        wordpress = sub.add_parser(
            "wordpress", help="WordPress's export file (Tools → Export → All content)."
        )
        wordpress.add_argument("file", type=Path)
        wordpress.add_argument(
            "--uploads",
            type=Path,
            help="A copy of wp-content/uploads. Pictures not found there are fetched from the "
            "old site's addresses.",
        )
        wordpress.add_argument(
            "--section-from",
            choices=("first", "primary"),
            default="first",
            help="The category that becomes the article's section: the first one listed, or "
            "Yoast SEO's primary category where the post has one.",
        )
        ghost = sub.add_parser("ghost", help="Ghost's JSON export (Settings → Labs → Export).")
        ghost.add_argument("file", type=Path)
        ghost.add_argument(
            "--images",
            type=Path,
            help="A copy of Ghost's content/images. Pictures not found there are fetched "
            "when their address is a full URL.",
        )
        for each in (wordpress, ghost):
            each.add_argument(
                "--no-fetch",
                dest="fetch",
                action="store_false",
                help="Never fetch pictures over the network; list them as missing instead.",
            )
            each.add_argument(
                "--fetch-private-addresses",
                dest="fetch_private",
                action="store_true",
                help="Also fetch from this machine and private networks (refused by default: "
                "an export file must not make the server probe its own network).",
            )
            each.add_argument(
                "--dry-run",
                action="store_true",
                help="Read and convert everything, write nothing, print the same report.",
            )

    def handle(self, *args, source, file, fetch, fetch_private, dry_run, **options):
        bar = None

        def started(total: int) -> None:
            nonlocal bar
            bar = Progress(
                total=total, label="Importing", unit="posts", stream=ProgressStream(self.stderr)
            )

        def progress(done: int) -> None:
            if bar is not None:
                bar.update_to(done)

        # Wagtail logs a line per page created, edited and published: thousands of lines that
        # would bury the progress bar and the report. Warnings still show.
        wagtail_log = logging.getLogger("wagtail")
        level = wagtail_log.level
        wagtail_log.setLevel(max(level, logging.WARNING))
        try:
            if source == "wordpress":
                report = wordpress_import(
                    path=file,
                    uploads=options["uploads"],
                    fetch=fetch,
                    fetch_private=fetch_private,
                    section_from=options["section_from"],
                    dry_run=dry_run,
                    started=started,
                    progress=progress,
                )
            else:
                report = ghost_import(
                    path=file,
                    images=options["images"],
                    fetch=fetch,
                    fetch_private=fetch_private,
                    dry_run=dry_run,
                    started=started,
                    progress=progress,
                )
        except ImportError_ as exc:
            raise CommandError(str(exc)) from None
        finally:
            wagtail_log.setLevel(level)
            if bar is not None:
                bar.close()
        first, *rest = report.lines()
        self.stdout.write(self.style.SUCCESS(first))
        for line in rest:
            self.stdout.write(line)
