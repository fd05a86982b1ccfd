"""``masthead restore FILE``: a backup into an empty data directory and database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from masthead.project.backup import backup_restore, restored_row_differences
from masthead.project.management.commands.backup import backup_steps


class Command(BaseCommand):
    help = (
        "Restore a backup made by `masthead backup` into an empty deployment (no tables in the "
        "database, no media), after checking every file's sha256."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--identity",
            action="append",
            type=Path,
            metavar="KEYFILE",
            help="An age identity file (AGE-SECRET-KEY-1…) for an encrypted backup.",
        )

    def handle(self, *args, archive, identity, **options):
        with backup_steps(self) as progress:
            manifest = backup_restore(archive=archive, identities=identity, progress=progress)
        differences = restored_row_differences(manifest)
        for label, (expected, found) in sorted(differences.items()):
            self.stderr.write(
                self.style.WARNING(f"{label}: {found} rows, the manifest says {expected}")
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest.created_at} (Masthead "
                f"{manifest.masthead_version}): {sum(manifest.rows.values())} rows, "
                f"{sum(1 for name in manifest.members if name.startswith('media/'))} media files."
            )
        )
        if manifest.media != "archive":
            self.stdout.write(f"Media were not in the backup: they stay in {manifest.media}.")
        steps = ["`masthead migrate` (if this Masthead is newer than the backup)"]
        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").is_file():
            steps.append("`masthead collectstatic`")
        self.stdout.write(f"Next: {', then '.join(steps)}; then start it.")
