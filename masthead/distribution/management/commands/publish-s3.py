"""``masthead publish-s3``: upload the built site to S3-compatible object storage."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from masthead.core.management.progress_stream import ProgressStream
from masthead.distribution.services.progress import progress_for
from masthead.distribution.services.s3 import SyncError, bucket_sync


class Command(BaseCommand):
    help = (
        "Sync the built site to a bucket: upload new and changed files (with their "
        "Content-Type and Cache-Control), delete what the site no longer has."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bucket", required=True)
        parser.add_argument("--prefix", default="", help="Key prefix (a folder in the bucket).")
        parser.add_argument(
            "--endpoint-url", help="For S3-compatible storage other than AWS (MinIO, R2…)."
        )
        parser.add_argument(
            "--from",
            dest="source",
            type=Path,
            default=settings.STATIC_OUTPUT_DIR,
            help="The built site (default: MASTHEAD_STATIC_OUT). For a mirror under a prefix, "
            "sync the portable copy (MASTHEAD_STATIC_PORTABLE_OUT).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would change.")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, bucket, prefix, endpoint_url, source, dry_run, quiet, **options):
        if source is None:
            raise CommandError("Say which site to upload: --from DIR (or MASTHEAD_STATIC_OUT).")
        try:
            report = bucket_sync(
                source=source,
                bucket=bucket,
                prefix=prefix,
                endpoint_url=endpoint_url,
                dry_run=dry_run,
                progress=progress_for(ProgressStream(self.stderr), quiet=quiet),
            )
        except SyncError as exc:
            raise CommandError(str(exc)) from exc
        verb = "would upload" if dry_run else "uploaded"
        self.stdout.write(
            f"s3://{bucket}/{prefix.strip('/')}: {verb} {len(report.uploaded)}, "
            f"unchanged {report.unchanged}, {'would delete' if dry_run else 'deleted'} "
            f"{len(report.deleted)}."
        )
        if options["verbosity"] > 1:
            for name in report.uploaded:
                self.stdout.write(f"  + {name}")
            for name in report.deleted:
                self.stdout.write(f"  - {name}")
