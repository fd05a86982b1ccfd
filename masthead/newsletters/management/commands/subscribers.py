"""``masthead subscribers import FILE --list SLUG [--confirmed]``.

Every row is checked before anything is written; a file with any bad row imports nothing and
the bad rows are listed with their line numbers.
"""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.core.management.progress_stream import ProgressStream
from masthead.newsletters.models import Newsletter
from masthead.newsletters.progress import Progress
from masthead.newsletters.services import imports

BAD_ROWS_SHOWN = 50


class Command(BaseCommand):
    help = "Subscriber operations: `import FILE --list SLUG [--confirmed]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "import",
            help="Import addresses from a CSV file with an 'email' column (UTF-8).",
        )
        load.add_argument("file", type=Path)
        load.add_argument("--list", required=True, dest="slug", help="The newsletter's slug.")
        load.add_argument(
            "--confirmed",
            action="store_true",
            help="They already consented (e.g. confirmed subscribers exported from another "
            "service). Without it each new address gets a confirmation email first.",
        )

    def handle(self, *args, action, file, slug, confirmed, **options):
        newsletter = Newsletter.objects.filter(slug=slug).first()
        if newsletter is None:
            known = ", ".join(Newsletter.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"There is no newsletter {slug!r}. Known: {known}.")
        skipped: list[imports.BadRow] = []
        try:
            rows = imports.import_file_read(path=file, skipped=skipped)
        except imports.ImportFileError as exc:
            raise CommandError(str(exc)) from None
        bar = Progress(
            total=len(rows), label="Checking", unit="rows", stream=ProgressStream(self.stderr)
        )
        plan = imports.subscribers_import_plan(
            rows=rows, newsletter=newsletter, progress=bar.update_to
        )
        bar.close()
        if plan.bad:
            for bad in plan.bad[:BAD_ROWS_SHOWN]:
                self.stderr.write(f"  {bad}")
            more = len(plan.bad) - BAD_ROWS_SHOWN
            if more > 0:
                self.stderr.write(f"  … and {more} more")
            raise CommandError(
                f"{len(plan.bad)} of {len(rows)} rows are not valid addresses. Nothing was "
                "imported: correct or remove those rows and run the import again."
            )
        bar = Progress(
            total=len(plan.addresses),
            label="Importing",
            unit="rows",
            stream=ProgressStream(self.stderr),
        )
        report = imports.subscribers_import(
            plan=plan,
            confirmed=confirmed,
            source=f"import: {file.name}",
            progress=bar.update_to,
        )
        bar.close()
        what = "confirmed" if confirmed else "waiting for confirmation (an email was sent to each)"
        self.stdout.write(
            self.style.SUCCESS(f"Imported {report.added} into {newsletter.name}, {what}.")
        )
        for label, count in (
            ("already on the list", report.already_subscribed),
            ("left this list before, not added again", report.left_before),
            ("on the suppression list, skipped", report.suppressed),
            ("duplicate rows in the file", report.duplicates),
            *(
                (f"not imported: {why}", n)
                for why, n in Counter(r.problem for r in skipped).items()
            ),
        ):
            if count:
                self.stdout.write(f"  {count} {label}")
