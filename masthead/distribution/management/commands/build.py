"""``masthead build``: render the whole public site to a directory."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from masthead.core.management.progress_stream import ProgressStream
from masthead.distribution import services
from masthead.distribution.services.progress import progress_for


class Command(BaseCommand):
    help = (
        "Render every public page, feed and sitemap to files (byte for byte what the app "
        "serves), copy the assets they use and build the search index."
    )
    # Run at every deploy and from the worker: the system checks (most of a second) belong
    # to `masthead check` and the test suite, not to every build.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            type=Path,
            default=settings.STATIC_OUTPUT_DIR,
            help="Directory to write (default: MASTHEAD_STATIC_OUT).",
        )
        parser.add_argument(
            "--portable-out",
            type=Path,
            default=settings.STATIC_PORTABLE_OUTPUT_DIR,
            help="Also write a copy with relative links, for sub-paths and file:// "
            "(default: MASTHEAD_STATIC_PORTABLE_OUT).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=services.render_processes(),
            choices=range(1, 4 * (os.cpu_count() or 1) + 1),
            metavar="N",
            help="Render processes, 1 to four per core (default: one per core).",
        )
        parser.add_argument("--no-search", action="store_true", help="Skip the search index.")
        parser.add_argument("--quiet", action="store_true", help="Print only the summary.")

    def handle(self, *args, out, portable_out, jobs, no_search, quiet, **options):
        if out is None:
            raise CommandError("Say where to write: --out DIR (or set MASTHEAD_STATIC_OUT).")
        out, portable_out = out.resolve(), portable_out.resolve() if portable_out else None
        progress = progress_for(ProgressStream(self.stderr), quiet=quiet)
        try:
            report = services.site_build(
                out=out,
                portable_out=portable_out,
                processes=max(1, jobs),
                search_index=not no_search,
                progress=progress,
            )
        except services.BuildError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Built {out}: {report.rendered} URLs rendered, {report.written} files changed, "
            f"{report.unchanged} unchanged, {report.removed} removed, {report.assets} assets, "
            f"{report.search_pages} pages indexed for search (search {report.search_seconds:.1f} s), "
            f"in {report.seconds:.1f} s."
        )
        if portable_out:
            self.stdout.write(f"Portable copy (relative links): {portable_out}")
        failures = report.failures
        for path, reason in sorted(report.skipped.items()):
            if path in failures:
                self.stderr.write(f"  {path}: {reason} (its previous file, if any, is kept)")
            elif options["verbosity"] > 1:
                self.stdout.write(f"  not written: {path} ({reason})")
        for path in report.missing_assets:
            self.stderr.write(f"  missing asset: {path}")
        if failures:
            raise CommandError("Some pages failed to render; see above.")
