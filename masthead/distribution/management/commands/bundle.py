"""``masthead bundle``: the site as a .zip that opens from disk."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from masthead.core.management.progress_stream import ProgressStream
from masthead.distribution import services
from masthead.distribution.services.bundle import BundleError, bundle_create
from masthead.distribution.services.progress import progress_for


class Command(BaseCommand):
    help = (
        "Write an offline copy of the site (or of the last N days) as a .zip: unzip it and "
        "open index.html in a browser, no connection needed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True, help="The .zip to write.")
        parser.add_argument("--days", type=int, help="Only articles published in the last N days.")
        parser.add_argument(
            "--from",
            dest="source",
            type=Path,
            default=settings.STATIC_OUTPUT_DIR,
            help="A built site (default: MASTHEAD_STATIC_OUT; without either, the site is "
            "built first into a temporary directory).",
        )
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, out, days, source, quiet, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        progress = progress_for(ProgressStream(self.stderr), quiet=quiet)
        try:
            if source is None:
                with tempfile.TemporaryDirectory(prefix="masthead-bundle-") as directory:
                    services.site_build(out=Path(directory), progress=progress)
                    report = bundle_create(
                        source=Path(directory), out=out, days=days, progress=progress
                    )
            else:
                report = bundle_create(source=source, out=out, days=days, progress=progress)
        except (BundleError, services.BuildError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Wrote {report.path}: {report.pages} pages ({report.articles} articles), "
            f"{report.files} files, {report.size / 1_000_000:.1f} MB."
        )
