"""``masthead backup --out FILE``: the database, media and secret key in one archive."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.core.management.progress_stream import ProgressStream
from masthead.newsletters.progress import Progress
from masthead.project.backup import BackupError, backup_create


class StepProgress:
    """One progress bar (or plain lines, outside a terminal) per step of a backup/restore."""

    UNITS = {"database": "pages", "media": "files", "verify": "files"}

    def __init__(self, stream):
        self.stream = stream
        self.label = None
        self.bar = None

    def __call__(self, label: str, done: int, total: int) -> None:
        if label != self.label:
            self.close()
            self.label = label
            self.bar = Progress(
                total=total, label=label, unit=self.UNITS.get(label, "steps"), stream=self.stream
            )
        self.bar.total = total
        self.bar.update_to(done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@contextmanager
def backup_steps(command: BaseCommand) -> Iterator[StepProgress]:
    """The progress of a backup or restore on the command's stderr, and its refusal
    (``BackupError``) as the command's error message rather than a traceback."""
    progress = StepProgress(ProgressStream(command.stderr))
    try:
        yield progress
    except BackupError as error:
        raise CommandError(str(error)) from None
    finally:
        progress.close()


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: online backup API; PostgreSQL: pg_dump), the media and "
        "the generated secret key into one tar archive with a manifest of sha256 checksums; "
        "optionally encrypted to an age public key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True, help="The archive to write.")
        parser.add_argument(
            "--encrypt-to",
            action="append",
            metavar="RECIPIENT",
            help="An age public key (age1…), an SSH public key, or a file of them; repeat for "
            "several. The private key is needed to restore: keep it off this server.",
        )

    def handle(self, *args, out, encrypt_to, **options):
        with backup_steps(self) as progress:
            manifest = backup_create(out=out, encrypt_to=encrypt_to, progress=progress)
        size = out.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {out} ({size / 1e6:.1f} MB, {len(manifest.members)} files, "
                f"{sum(manifest.rows.values())} rows, {manifest.database_engine}"
                f"{', encrypted' if encrypt_to else ''})."
            )
        )
        if manifest.media != "archive":
            self.stdout.write(f"Media stay in {manifest.media}: back the bucket up on its own.")
